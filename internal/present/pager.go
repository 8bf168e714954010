package present

import (
	"context"
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"
)

// pagerModel shows rendered text one screen at a time: the built-in
// pager of `otpgo lesson show` when $PAGER is unset.
type pagerModel struct {
	title string
	text  string
	vp    viewport.Model
	ready bool
}

// NewPager returns a pager over text (already rendered, ANSI allowed).
func NewPager(title, text string) tea.Model {
	vp := viewport.New()
	vp.SetContent(strings.TrimRight(text, "\n"))
	return pagerModel{title: title, text: text, vp: vp}
}

func (m pagerModel) Init() tea.Cmd { return nil }

func (m pagerModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.vp.SetWidth(msg.Width)
		m.vp.SetHeight(max(msg.Height-1, 1))
		m.ready = true
		return m, nil
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return m, tea.Quit
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
	status := fmt.Sprintf(" %s  %3.0f%%  ↑/↓ space b  q quit ", m.title, m.vp.ScrollPercent()*100)
	status = xansi.Truncate(status, m.vp.Width(), "…")
	v := tea.NewView(m.vp.View() + "\n" + footStyle.Render(status+strings.Repeat(" ", max(0, m.vp.Width()-xansi.StringWidth(status)))))
	v.AltScreen = true
	return v
}

// Page shows text in the built-in pager until the reader quits or ctx ends.
func Page(ctx context.Context, in io.Reader, out io.Writer, title, text string) error {
	p := tea.NewProgram(NewPager(title, text), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("pager: %w", err)
	}
	return nil
}
