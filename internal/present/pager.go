package present

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"
)

// pagerModel shows rendered text one screen at a time: the built-in
// pager of `otpgo lesson show` when $PAGER is unset.
type pagerModel struct {
	title  string
	vp     viewport.Model
	ready  bool
	height int // the window's

	// pin, if set, gives a line to keep above the view while its top
	// line is top (a diagram's lane names, scrolled out of sight), or "".
	pin    Pin
	pinned string

	// Search, as in less: / types a query, Enter finds it and marks
	// every match, n and N go to the next and the previous line holding it.
	raw       []string // the text's lines, as given
	lines     []string // the same, plain and lower-case
	searching bool     // typing a query
	query     string
	note      string // "not found: …", shown in the status line until the next key
}

// maxQuery bounds a search query (it is typed, but a paste can be long).
const maxQuery = 200

// Pin gives the lines a pager keeps above its view while the view's top
// line is line top of the text (from 0), or "" for none. Of more lines
// than a third of the window, only the last is kept.
type Pin func(top int) string

// NewPager returns a pager over text (already rendered, ANSI allowed).
func NewPager(title, text string) tea.Model { return newPager(title, text, nil) }

func newPager(title, text string, pin Pin) pagerModel {
	vp := viewport.New()
	text = strings.TrimRight(text, "\n")
	vp.SetContent(text)
	return pagerModel{title: title, vp: vp, pin: pin, raw: strings.Split(text, "\n"), lines: strings.Split(strings.ToLower(xansi.Strip(text)), "\n")}
}

// layout fits the view under the pinned line, if there is one now. At
// the end, the line the pin takes moves the view down one: the pin is
// looked up again there, and if the view has left the pinned diagram, it
// shows the end unpinned. The same state always lays out the same way.
func (m pagerModel) layout() pagerModel {
	if m.pin == nil || !m.ready {
		return m
	}
	bottom := m.vp.AtBottom()
	fit := func(pinned string) {
		h := m.height - 1
		if pinned != "" {
			h -= strings.Count(pinned, "\n") + 1
		}
		m.vp.SetHeight(max(h, 1))
		if bottom {
			m.vp.GotoBottom() // End must still show the last line
		}
	}
	m.pinned = m.fitPin(m.pin(m.vp.YOffset()))
	fit(m.pinned)
	if bottom && m.pinned != "" {
		if p := m.fitPin(m.pin(m.vp.YOffset())); p == "" {
			m.pinned = ""
			fit("")
		} else {
			m.pinned = p
		}
	}
	return m
}

// fitPin keeps of pinned lines only the last when they would take more
// than a third of the window: the view is what the reader scrolls.
func (m pagerModel) fitPin(pinned string) string {
	if strings.Count(pinned, "\n")+1 > (m.height-1)/3 {
		return pinned[strings.LastIndexByte(pinned, '\n')+1:]
	}
	return pinned
}

// matchStyle marks a match of the query.
var matchStyle = lipgloss.NewStyle().Reverse(true)

// mark shows the text with every match of the query in reverse video, as
// less does, or as given when there is no query.
func (m pagerModel) mark() pagerModel {
	q := strings.ToLower(m.query)
	out := m.raw
	if q != "" {
		out = slices.Clone(m.raw)
		for i, l := range m.lines {
			out[i] = markLine(out[i], l, q)
		}
	}
	m.vp.SetContent(strings.Join(out, "\n"))
	return m
}

// markLine marks the matches of q in line, whose plain lower-case text is
// lower, in reverse video, as less does: the rest of the line keeps its
// colours; a match is drawn from the plain text. Ranges count cells.
func markLine(line, lower, q string) string {
	if !strings.Contains(lower, q) {
		return line
	}
	plain := xansi.Strip(line)
	if len(plain) != len(lower) {
		return line // lower-casing changed the bytes: found by n, not marked
	}
	var ranges []lipgloss.Range
	for off := 0; ; {
		j := strings.Index(lower[off:], q)
		if j < 0 {
			break
		}
		start, end := off+j, off+j+len(q)
		ranges = append(ranges, lipgloss.NewRange(xansi.StringWidth(plain[:start]), xansi.StringWidth(plain[:end]), matchStyle))
		off = end
	}
	return lipgloss.StyleRanges(line, ranges...)
}

// find moves the view to the next line (dir +1) or the previous one (-1)
// after the top line that holds the query, going round the end once.
func (m pagerModel) find(dir int) pagerModel {
	q := strings.ToLower(m.query)
	if q == "" {
		return m
	}
	n := len(m.lines)
	for k := 1; k <= n; k++ {
		i := ((m.vp.YOffset()+dir*k)%n + n) % n
		if strings.Contains(m.lines[i], q) {
			m.vp.SetYOffset(i)
			return m
		}
	}
	m.note = "not found: " + m.query
	return m
}

// typeQuery handles a key while the query is being typed.
func (m pagerModel) typeQuery(msg tea.KeyPressMsg) pagerModel {
	switch msg.String() {
	case "enter":
		m.searching = false
		return m.mark().find(+1)
	case "esc", "ctrl+c":
		m.searching, m.query = false, ""
		return m.mark()
	case "backspace":
		if r := []rune(m.query); len(r) > 0 {
			m.query = string(r[:len(r)-1])
		}
	default:
		if msg.Text != "" && len(m.query)+len(msg.Text) <= maxQuery {
			m.query += msg.Text
		}
	}
	return m
}

func (m pagerModel) Init() tea.Cmd { return nil }

func (m pagerModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	return next.layout(), cmd
}

func (m pagerModel) update(msg tea.Msg) (pagerModel, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.vp.SetWidth(msg.Width)
		m.vp.SetHeight(max(msg.Height-1, 1))
		m.height, m.ready = msg.Height, true
		return m, nil
	case tea.KeyPressMsg:
		m.note = ""
		if m.searching {
			return m.typeQuery(msg), nil
		}
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return m, tea.Quit
		case "/":
			m.searching, m.query = true, ""
			return m, nil
		case "n":
			return m.find(+1), nil
		case "N":
			return m.find(-1), nil
		case "space", "f", "pgdown":
			m.vp.PageDown()
			return m, nil
		case "b", "pgup":
			m.vp.PageUp()
			return m, nil
		case "home", "g":
			m.vp.GotoTop()
			return m, nil
		case "end", "G":
			m.vp.GotoBottom()
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg) // arrows, j/k, d/u, mouse
	return m, cmd
}

func (m pagerModel) View() tea.View {
	if !m.ready {
		return tea.NewView("")
	}
	status := fmt.Sprintf(" %s  %3.0f%%  ↑/↓ space b  / search  q quit ", m.title, m.vp.ScrollPercent()*100)
	switch {
	case m.searching:
		status = " /" + m.query + "▏ (Enter finds it, Esc cancels) "
	case m.note != "":
		status = " " + m.note + " "
	case m.query != "":
		status = fmt.Sprintf(" %s  %3.0f%%  n/N next/previous %q  q quit ", m.title, m.vp.ScrollPercent()*100, m.query)
	}
	status = xansi.Truncate(status, m.vp.Width(), "…")
	body := m.vp.View()
	if m.pinned != "" {
		pinned := strings.Split(m.pinned, "\n")
		for i, l := range pinned {
			pinned[i] = xansi.Truncate(l, m.vp.Width(), "")
		}
		body = strings.Join(pinned, "\n") + "\n" + body
	}
	v := tea.NewView(body + "\n" + footStyle.Render(status+strings.Repeat(" ", max(0, m.vp.Width()-xansi.StringWidth(status)))))
	v.AltScreen = true
	return v
}

// Page shows text in the built-in pager until the reader quits or ctx
// ends; pin, if not nil, keeps its line above the view.
func Page(ctx context.Context, in io.Reader, out io.Writer, title, text string, pin Pin) error {
	p := tea.NewProgram(newPager(title, text, pin), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("pager: %w", err)
	}
	return nil
}
