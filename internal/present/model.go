package present

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/otpgo/otpgo/internal/catalog"
)

// Options configure a presentation.
type Options struct {
	Chapter *catalog.Chapter
	// FS holds exercises/<dir>/, for the read-only skeleton view
	// (otpgo.FS: the skeleton as shipped, not the learner's edits).
	FS fs.FS
	// Style renders the slides; "" is Projector. Tests use Plain.
	Style Style
	// Now is the footer's clock; nil is time.Now. Tests fix it.
	Now func() time.Time
	// Start, if set, is the step whose section to open on.
	Start *catalog.Step
}

// mode is what the screen shows.
type mode int

const (
	modeSlides mode = iota
	modeSkeleton
	modeHelp
)

// prompt is a number being typed: a slide to go to, or a step.
type prompt int

const (
	promptNone prompt = iota
	promptSlide
	promptStep
)

// Model is the presentation: bubbletea's model for `otpgo present`.
type Model struct {
	opts   Options
	slides []Slide
	cur    int
	mode   mode
	back   mode // what esc returns to from help

	width, height int
	lines         []string // the rendered body being shown
	yoff, xoff    int
	renderedFor   renderKey
	renderErr     error

	prompt   prompt
	typed    string
	status   string // one-line message in the footer, cleared by the next key
	skelFile int    // which of the step's files the skeleton view shows
	now      time.Time
	stop     chan struct{} // closed by Close: ends the clock's pending tick
}

type renderKey struct {
	mode  mode
	slide int
	file  int
	width int
}

type tickMsg time.Time

// New returns the presentation of o.Chapter, on its first slide.
func New(o Options) Model {
	if o.Style == "" {
		o.Style = Projector
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	slides := Split(o.Chapter.Lesson, o.Chapter.Steps)
	if len(slides) == 0 {
		slides = []Slide{{Title: o.Chapter.Title, Body: "(this lesson is empty)"}}
	}
	m := Model{opts: o, slides: slides, now: o.Now(), stop: make(chan struct{})}
	for i, sl := range slides {
		if o.Start != nil && sl.Step == o.Start {
			m.cur = i
			break
		}
	}
	return m
}

// Close ends the clock's pending tick; call it once the program ended.
func (m Model) Close() {
	select {
	case <-m.stop:
	default:
		close(m.stop)
	}
}

// Slides is how many slides the presentation has.
func (m Model) Slides() int { return len(m.slides) }

// clockEvery is how often the footer's clock is redrawn: it shows minutes.
const clockEvery = 15 * time.Second

// tick waits for the next clock update, or for Close: tea.Tick's
// goroutine would outlive the program by up to clockEvery.
func (m Model) tick() tea.Cmd {
	now, stop := m.opts.Now, m.stop
	return func() tea.Msg {
		t := time.NewTimer(clockEvery)
		defer t.Stop()
		select {
		case <-t.C:
			return tickMsg(now())
		case <-stop:
			return nil
		}
	}
}

// Init starts the clock.
func (m Model) Init() tea.Cmd { return m.tick() }

// Update handles keys, resizes and the clock.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m.rerender(), nil
	case tickMsg:
		m.now = time.Time(msg)
		return m, m.tick()
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	s := k.String()
	m.status = ""
	if s == "ctrl+c" {
		return m, tea.Quit
	}
	if m.prompt != promptNone {
		return m.promptKey(s), nil
	}
	switch s {
	case "q":
		return m, tea.Quit
	case "?":
		if m.mode == modeHelp {
			m.mode = m.back
		} else {
			m.back, m.mode = m.mode, modeHelp
		}
	case "esc", "backspace":
		switch m.mode {
		case modeHelp:
			m.mode = m.back
		case modeSkeleton:
			m.mode = modeSlides
		default:
			if s == "backspace" {
				m = m.goTo(m.cur - 1)
			}
		}
	case "e":
		if m.mode == modeSkeleton {
			m.mode = modeSlides
			break
		}
		if m.skeletonStep() == nil {
			m.status = "no step of this chapter has a file to show"
			break
		}
		m.mode, m.skelFile = modeSkeleton, 0
	case "tab":
		if m.mode == modeSkeleton {
			if st := m.skeletonStep(); st != nil && len(st.Files) > 0 {
				m.skelFile = (m.skelFile + 1) % len(st.Files)
			}
		}
	case "right", "l", "n", "space", "pgdown", "enter":
		m = m.leave().goTo(m.cur + 1)
	case "left", "h", "p", "pgup", "shift+space":
		m = m.leave().goTo(m.cur - 1)
	case "home":
		m = m.leave().goTo(0)
	case "end":
		m = m.leave().goTo(len(m.slides) - 1)
	case "down", "j":
		m.yoff++
	case "up", "k":
		m.yoff--
	case ">", ".":
		m.xoff += 8
	case "<", ",":
		m.xoff -= 8
	case "g":
		m.prompt, m.typed = promptSlide, ""
	case "s":
		if len(m.opts.Chapter.Steps) == 0 {
			m.status = "this chapter has no steps"
			break
		}
		m.prompt, m.typed = promptStep, ""
	default:
		if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
			m.prompt, m.typed = promptSlide, s
		}
	}
	return m.rerender(), nil
}

// leave returns to the slides from help or the skeleton before moving.
func (m Model) leave() Model {
	m.mode = modeSlides
	return m
}

func (m Model) goTo(i int) Model {
	i = max(0, min(i, len(m.slides)-1))
	if i != m.cur {
		m.cur, m.yoff, m.xoff = i, 0, 0
	}
	return m
}

func (m Model) promptKey(s string) Model {
	switch {
	case s == "esc":
		m.prompt = promptNone
	case s == "backspace":
		if m.typed != "" {
			m.typed = m.typed[:len(m.typed)-1]
		}
	case len(s) == 1 && s[0] >= '0' && s[0] <= '9' && len(m.typed) < 4:
		m.typed += s
	case s == "enter":
		p, typed := m.prompt, m.typed
		m.prompt = promptNone
		n, err := strconv.Atoi(typed)
		if err != nil {
			m.status = "type a number, then enter"
			return m.rerender()
		}
		if p == promptSlide {
			if n < 1 || n > len(m.slides) {
				m.status = fmt.Sprintf("no slide %d: there are %d", n, len(m.slides))
				return m.rerender()
			}
			return m.leave().goTo(n - 1).rerender()
		}
		return m.jumpToStep(n).rerender()
	}
	return m
}

// jumpToStep shows the first slide of step n of the chapter (02.n).
func (m Model) jumpToStep(n int) Model {
	steps := m.opts.Chapter.Steps
	if n < 1 || n > len(steps) {
		m.status = fmt.Sprintf("no step %s.%d: this chapter has %d", m.opts.Chapter.ID, n, len(steps))
		return m
	}
	for i, sl := range m.slides {
		if sl.Step == steps[n-1] {
			return m.leave().goTo(i)
		}
	}
	m.status = fmt.Sprintf("the lesson has no section for step %s", steps[n-1].ID)
	return m
}

// skeletonStep is the step whose files the skeleton view shows: the
// current slide's, else the last step section before it, else the
// chapter's first step with files.
func (m Model) skeletonStep() *catalog.Step {
	for i := m.cur; i >= 0; i-- {
		if st := m.slides[i].Step; st != nil && len(st.Files) > 0 {
			return st
		}
	}
	for _, st := range m.opts.Chapter.Steps {
		if len(st.Files) > 0 {
			return st
		}
	}
	return nil
}

// Layout: a three-line title band, the body, a one-line footer.
const (
	bandHeight   = 3
	footerHeight = 1
)

func (m Model) bodyHeight() int { return max(m.height-bandHeight-footerHeight, 1) }

// bodyWidth leaves the last column for the "›" that marks a cut line.
func (m Model) bodyWidth() int { return max(m.width-1, 10) }

// rerender renders what the screen shows, if the slide, mode or width
// changed, and keeps the scroll offsets in range.
func (m Model) rerender() Model {
	if m.width == 0 {
		return m
	}
	k := renderKey{mode: m.mode, slide: m.cur, file: m.skelFile, width: m.bodyWidth()}
	if k != m.renderedFor {
		if k.mode != m.renderedFor.mode || k.slide != m.renderedFor.slide || k.file != m.renderedFor.file {
			m.yoff, m.xoff = 0, 0
		}
		m.renderedFor = k
		var md string
		switch m.mode {
		case modeHelp:
			md = helpText
		case modeSkeleton:
			md = m.skeletonMarkdown()
		default:
			md = m.slides[m.cur].Body
		}
		out, err := Render(md, m.bodyWidth(), m.opts.Style)
		m.renderErr = err
		if err != nil {
			out = md // raw markdown reads fine
		}
		m.lines = dropBlankEdges(strings.Split(out, "\n"))
	}
	m.yoff = max(0, min(m.yoff, len(m.lines)-m.bodyHeight()))
	m.xoff = max(0, min(m.xoff, m.maxLineWidth()-m.bodyWidth()))
	return m
}

func (m Model) maxLineWidth() int {
	w := 0
	for _, l := range m.lines {
		w = max(w, xansi.StringWidth(l))
	}
	return w
}

func (m Model) skeletonMarkdown() string {
	st := m.skeletonStep()
	if st == nil || len(st.Files) == 0 {
		return "(no file to show)"
	}
	f := st.Files[m.skelFile%len(st.Files)]
	p := st.Chapter.ExercisePath(f)
	src, err := fs.ReadFile(m.opts.FS, p)
	if err != nil {
		return fmt.Sprintf("could not read %s: %v", p, err)
	}
	return "```go\n" + strings.TrimRight(string(src), "\n") + "\n```\n"
}

var (
	bandStyle   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("15")).Background(lipgloss.Color("4"))
	skelStyle   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color("11"))
	footStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("15")).Background(lipgloss.Color("8"))
	moreStyle   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color("11"))
	cutStyle    = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("11"))
	promptStyle = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color("14"))
)

// View draws the screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.WindowTitle = "otpgo present " + m.opts.Chapter.ID
	return v
}

func (m Model) screen() string {
	if m.width == 0 {
		return "starting…"
	}
	var b strings.Builder
	b.WriteString(m.band() + "\n")
	h, w := m.bodyHeight(), m.bodyWidth()
	for i := range h {
		var l string
		if j := m.yoff + i; j < len(m.lines) {
			full := m.lines[j]
			l = xansi.Cut(full, m.xoff, m.xoff+w)
			if xansi.StringWidth(full) > m.xoff+w {
				l += strings.Repeat(" ", max(0, w-xansi.StringWidth(l))) + cutStyle.Render("›")
			}
		}
		b.WriteString(l + "\n")
	}
	b.WriteString(m.footer())
	return b.String()
}

// band is the title: three rows, bold white on blue (black on yellow for
// the skeleton, so the room sees at once which one is up).
func (m Model) band() string {
	title := strings.ToUpper(m.slides[m.cur].Title)
	st := bandStyle
	switch m.mode {
	case modeSkeleton:
		st = skelStyle
		if s := m.skeletonStep(); s != nil && len(s.Files) > 0 {
			title = fmt.Sprintf("%s  (read-only skeleton of step %s)", s.Chapter.ExercisePath(s.Files[m.skelFile%len(s.Files)]), s.ID)
		}
	case modeHelp:
		title = "Keys"
	}
	line := func(s string) string {
		return st.Render(xansi.Truncate("  "+s, m.width, "…") + strings.Repeat(" ", max(0, m.width-xansi.StringWidth("  "+s))))
	}
	return line("") + "\n" + line(title) + "\n" + line("")
}

// footer: where we are and what else there is; a prompt when typing.
func (m Model) footer() string {
	right := fmt.Sprintf(" %d/%d  %s ", m.cur+1, len(m.slides), m.now.Format("15:04"))
	var left string
	switch {
	case m.prompt == promptSlide:
		left = promptStyle.Render(fmt.Sprintf(" go to slide (1-%d): %s_  enter, esc ", len(m.slides), m.typed))
	case m.prompt == promptStep:
		left = promptStyle.Render(fmt.Sprintf(" go to step %s.%s_  (1-%d) enter, esc ", m.opts.Chapter.ID, m.typed, len(m.opts.Chapter.Steps)))
	case m.status != "":
		left = moreStyle.Render(" " + m.status + " ")
	default:
		where := m.opts.Chapter.ID + " " + m.opts.Chapter.Title
		if st := m.slides[m.cur].Step; st != nil {
			where += " · step " + st.ID
		}
		left = footStyle.Render(" "+where+" ") + " " + m.overflow()
	}
	gap := m.width - xansi.StringWidth(left) - xansi.StringWidth(right)
	if gap < 1 {
		left = xansi.Truncate(left, max(m.width-xansi.StringWidth(right)-1, 0), "…")
		gap = m.width - xansi.StringWidth(left) - xansi.StringWidth(right)
	}
	return left + strings.Repeat(" ", max(gap, 0)) + footStyle.Render(right)
}

// overflow says what does not fit, and how to see it; else the help key.
func (m Model) overflow() string {
	var parts []string
	if below := len(m.lines) - m.yoff - m.bodyHeight(); below > 0 {
		parts = append(parts, fmt.Sprintf("↓ %d more lines (j/↓)", below))
	}
	if m.yoff > 0 {
		parts = append(parts, fmt.Sprintf("↑ %d above (k/↑)", m.yoff))
	}
	if m.maxLineWidth() > m.xoff+m.bodyWidth() || m.xoff > 0 {
		parts = append(parts, "› wider than the screen (< >)")
	}
	if m.renderErr != nil {
		parts = append(parts, "shown as markdown: "+m.renderErr.Error())
	}
	if len(parts) == 0 {
		return "? keys"
	}
	return moreStyle.Render(" " + strings.Join(parts, " · ") + " ")
}

const helpText = `- **→ l n space pgdn enter**: next slide
- **← h p pgup backspace**: previous slide
- **home / end**: first / last slide
- **g** or a digit, then a number and **enter**: go to that slide
- **s**, then a step's number and **enter**: the section of that step (s 2 enter: step 2)
- **↓ j / ↑ k**: scroll a slide that does not fit (the footer says so)
- **> / <**: scroll sideways when code is wider than the screen (a › marks a cut line)
- **e**: the step's skeleton file, read-only; **tab** the next file; **e** or **esc** back
- **?**: this help, and back
- **q**: quit
`

// Run shows the presentation on the terminal until the trainer quits or
// ctx ends.
func Run(ctx context.Context, in io.Reader, out io.Writer, o Options) error {
	m := New(o)
	defer m.Close()
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("otpgo present: %w", err)
	}
	return nil
}

// dropBlankEdges drops the blank (or space-padded) lines glamour puts
// before and after a document: the band already sets the body off.
func dropBlankEdges(lines []string) []string {
	blank := func(l string) bool { return strings.TrimSpace(xansi.Strip(l)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}
