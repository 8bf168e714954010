package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/present"
)

// lessonModel reads a chapter's lesson.md, rendered by glamour, in a
// scrolling viewport.
type lessonModel struct {
	env *env
	ch  *catalog.Chapter
	vp  viewport.Model
	// rendered is what the viewport holds: for which chapter, at which
	// width and style. Rendering runs in a Cmd; a stale result is dropped.
	renderedFor renderKey
	loading     bool
}

type renderKey struct {
	id    string
	width int
	style string
}

type lessonRenderedMsg struct {
	key  renderKey
	text string
	err  error
}

func newLesson(e *env) lessonModel {
	vp := viewport.New()
	vp.SoftWrap = true
	return lessonModel{env: e, vp: vp}
}

func (m lessonModel) keys() keyList {
	help := helpKey(m.env)
	short := []key.Binding{keyScrollS, keyPgDownS, keyExercise, keyBack, help, keyQuit}
	return keyList{
		short: short,
		full:  [][]key.Binding{{keyUp, keyDown, keyPgUp, keyPgDown}, {keyExercise, keyNextCh, keyPrevCh}, {keyBack, help, keyQuit}},
	}
}

func (m lessonModel) open(ch *catalog.Chapter) lessonModel {
	if m.ch != ch {
		m.vp.SetContent("")
		m.vp.GotoTop()
		m.renderedFor = renderKey{}
	}
	m.ch = ch
	return m.resize0()
}

// textWidth is the lesson's wrap width: the window, capped for reading.
func (m lessonModel) textWidth() int { return min(max(m.env.width-2, 20), 100) }

func (m lessonModel) want() renderKey {
	if m.ch == nil {
		return renderKey{}
	}
	return renderKey{id: m.ch.ID, width: m.textWidth(), style: m.env.style}
}

// render asks for the lesson at the current width, unless it is already.
func (m lessonModel) render() tea.Cmd {
	k := m.want()
	if m.ch == nil || k == m.renderedFor {
		return nil
	}
	md := m.ch.Lesson
	return func() tea.Msg {
		// present.Render: code unwrapped, tabs expanded, no "##" markers.
		out, err := present.Render(md, k.width, present.ParseStyle(k.style))
		return lessonRenderedMsg{key: k, text: out, err: err}
	}
}

func (m lessonModel) resize0() lessonModel {
	m.vp.SetWidth(m.env.width)
	m.vp.SetHeight(max(m.env.height-3-lipgloss.Height(helpFooter(m.env, m.keys())), 1))
	return m
}

func (m lessonModel) resize() (lessonModel, tea.Cmd) {
	m = m.resize0()
	return m, m.render()
}

func (m lessonModel) restyle() (lessonModel, tea.Cmd) { return m, m.render() }

// Update scrolls and navigates.
func (m lessonModel) Update(msg tea.Msg) (lessonModel, tea.Cmd) {
	switch msg := msg.(type) {
	case lessonRenderedMsg:
		if msg.key != m.want() {
			return m, nil // the window changed meanwhile; a newer render is on its way
		}
		m.renderedFor = msg.key
		if msg.err != nil {
			// Raw markdown reads fine; say why it is not pretty.
			m.vp.SetContent(fmt.Sprintf("(could not render the lesson: %v)\n\n%s", msg.err, m.ch.Lesson))
		} else {
			m.vp.SetContent(strings.TrimRight(msg.text, "\n"))
		}
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, keyQuit):
			return m, tea.Quit
		case key.Matches(msg, keyBack):
			return m, navigate(goHomeMsg{})
		case key.Matches(msg, keyHelp):
			m.env.help.ShowAll = !m.env.help.ShowAll
			return m.resize0(), nil
		case key.Matches(msg, keyExercise):
			if s := m.stepToOpen(); s != nil {
				return m, navigate(openStepMsg{s})
			}
			return m, nil
		case key.Matches(msg, keyNextCh), key.Matches(msg, keyPrevCh):
			d := 1
			if key.Matches(msg, keyPrevCh) {
				d = -1
			}
			if ch := m.neighbour(d); ch != nil {
				return m, navigate(openLessonMsg{ch})
			}
			return m, nil
		case key.Matches(msg, keyUp):
			m.vp.ScrollUp(1)
		case key.Matches(msg, keyDown):
			m.vp.ScrollDown(1)
		case key.Matches(msg, keyPgUp):
			m.vp.PageUp()
		case key.Matches(msg, keyPgDown):
			m.vp.PageDown()
		default:
			var cmd tea.Cmd
			m.vp, cmd = m.vp.Update(msg) // home/end, half pages, mouse
			return m, cmd
		}
	}
	return m, nil
}

// stepToOpen is the chapter's first step not done, else its first step.
func (m lessonModel) stepToOpen() *catalog.Step {
	if m.ch == nil || len(m.ch.Steps) == 0 {
		return nil
	}
	for _, s := range m.ch.Steps {
		if s.Gradable() && !m.env.done(s) {
			return s
		}
	}
	return m.ch.Steps[0]
}

// neighbour is the next (d=1) or previous written chapter.
func (m lessonModel) neighbour(d int) *catalog.Chapter {
	chs := m.env.course.Chapters
	for i, c := range chs {
		if c != m.ch {
			continue
		}
		for j := i + d; j >= 0 && j < len(chs); j += d {
			if !chs[j].Coming {
				return chs[j]
			}
		}
	}
	return nil
}

// View draws the lesson.
func (m lessonModel) View() string {
	e := m.env
	if m.ch == nil {
		return ""
	}
	title := titleStyle.Render(m.ch.ID+" "+m.ch.Title) + dimStyle.Render(" · lesson")
	pos := fmt.Sprintf("%3.0f%%", m.vp.ScrollPercent()*100)
	body := m.vp.View()
	if m.renderedFor != m.want() && m.vp.GetContent() == "" {
		body = fit(dimStyle.Render("rendering the lesson…"), e.width, m.vp.Height())
	}
	return spread(title, dimStyle.Render(pos), e.width) + "\n" +
		rule(e.width) + "\n" +
		body + "\n" +
		rule(e.width) + "\n" +
		helpFooter(e, m.keys())
}
