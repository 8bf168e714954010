package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/session"
)

// homeModel is the home screen: every chapter and its steps, with progress.
type homeModel struct {
	env    *env
	items  []homeItem
	cursor int
	offset int
}

// homeItem is a chapter line (step == nil) or a step line.
type homeItem struct {
	ch   *catalog.Chapter
	step *catalog.Step
}

func newHome(e *env) homeModel {
	m := homeModel{env: e}
	for _, ch := range e.course.Chapters {
		m.items = append(m.items, homeItem{ch: ch})
		for _, s := range ch.Steps {
			m.items = append(m.items, homeItem{ch: ch, step: s})
		}
	}
	return m
}

func (m homeModel) keys() keyList {
	help := helpKey(m.env)
	return keyList{
		short: []key.Binding{keyUp, keyDown, keyOpen, keyLesson, keyNextCh, help, keyQuit},
		full:  [][]key.Binding{{keyUp, keyDown, keyPgUp, keyPgDown}, {keyOpen, keyLesson, keyNextCh, keyPrevCh}, {help, keyQuit}},
	}
}

// done reports whether a step has passed.
func (e *env) done(s *catalog.Step) bool { return e.state != nil && e.state.Done(s.ID) }

// current is the step to work on next, as every command names it
// (session.NextStep).
func (e *env) current() *catalog.Step { return session.NextStep(e.course, e.state) }

// refresh follows progress: on first load the cursor goes to the current
// step, so the learner lands where they left off.
func (m homeModel) refresh() homeModel {
	if m.cursor == 0 && m.env.state != nil {
		if cur := m.env.current(); cur != nil {
			m.selectStep(cur)
		}
	}
	return m.resize()
}

func (m *homeModel) selectStep(s *catalog.Step) {
	for i, it := range m.items {
		if it.step == s {
			m.cursor = i
		}
	}
	*m = m.resize()
}

func (m *homeModel) selectChapter(ch *catalog.Chapter) {
	if it := m.items[m.cursor]; it.ch == ch {
		return // keep a step of it selected
	}
	for i, it := range m.items {
		if it.ch == ch && it.step == nil {
			m.cursor = i
		}
	}
	*m = m.resize()
}

func (m homeModel) listHeight() int {
	// title, rule, list, rule, detail (3), help
	return max(m.env.height-6-lipgloss.Height(helpFooter(m.env, m.keys())), 3)
}

// resize keeps the cursor on screen.
func (m homeModel) resize() homeModel {
	h := m.listHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(len(m.items)-h, 0))
	return m
}

func (m homeModel) move(d int) homeModel {
	m.cursor = min(max(m.cursor+d, 0), len(m.items)-1)
	return m.resize()
}

// Update handles keys.
func (m homeModel) Update(msg tea.Msg) (homeModel, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	it := m.items[m.cursor]
	switch {
	case key.Matches(k, keyQuit):
		return m, tea.Quit
	case key.Matches(k, keyUp):
		m = m.move(-1)
	case key.Matches(k, keyDown):
		m = m.move(1)
	case key.Matches(k, keyPgUp):
		m = m.move(-m.listHeight())
	case key.Matches(k, keyPgDown):
		m = m.move(m.listHeight())
	case key.Matches(k, keyNextCh), key.Matches(k, keyPrevCh):
		d := 1
		if key.Matches(k, keyPrevCh) {
			d = -1
		}
		for i := m.cursor + d; i >= 0 && i < len(m.items); i += d {
			if m.items[i].step == nil {
				m.cursor = i
				break
			}
		}
		m = m.resize()
	case key.Matches(k, keyHelp):
		m.env.help.ShowAll = !m.env.help.ShowAll
		m = m.resize()
	case key.Matches(k, keyLesson):
		if !it.ch.Coming {
			return m, navigate(openLessonMsg{it.ch})
		}
	case key.Matches(k, keyOpen):
		switch {
		case it.ch.Coming:
		case it.step != nil:
			return m, navigate(openStepMsg{it.step})
		default:
			return m, navigate(openLessonMsg{it.ch})
		}
	}
	return m, nil
}

func navigate(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// View draws the list and the selection's details.
func (m homeModel) View() string {
	e := m.env
	var b strings.Builder
	total, done := 0, 0
	for _, s := range e.course.Steps() {
		if s.Gradable() {
			total++
			if e.done(s) {
				done++
			}
		}
	}
	b.WriteString(spread(titleStyle.Render("otpgo")+dimStyle.Render(" · Erlang/OTP's ideas, in Go"),
		warmStatus(e.warm)+fmt.Sprintf("%d of %d steps done", done, total), e.width) + "\n")
	b.WriteString(rule(e.width) + "\n")

	cur := e.current()
	h := m.listHeight()
	var list []string
	for i := m.offset; i < min(m.offset+h, len(m.items)); i++ {
		list = append(list, m.itemLine(m.items[i], i == m.cursor, cur))
	}
	b.WriteString(fit(strings.Join(list, "\n"), e.width, h) + "\n")
	b.WriteString(rule(e.width) + "\n")
	b.WriteString(fit(m.detail(), e.width, 3) + "\n")
	b.WriteString(helpFooter(e, m.keys()))
	return b.String()
}

func (m homeModel) itemLine(it homeItem, selected bool, cur *catalog.Step) string {
	e := m.env
	marker := "  "
	if selected {
		marker = "▸ "
	}
	var left, right string
	if it.step == nil {
		left = titleStyle.Render(fmt.Sprintf("%-4s%s", it.ch.ID, it.ch.Title))
		switch g := it.ch.Gradable(); {
		case it.ch.Coming:
			right = dimStyle.Render("coming")
		case len(g) == 0:
			right = dimStyle.Render("to read and try")
		default:
			n := 0
			for _, s := range g {
				if e.done(s) {
					n++
				}
			}
			right = fmt.Sprintf("%d/%d", n, len(g))
			if n == len(g) {
				right = passStyle.Render("✓ " + right)
			}
		}
	} else {
		s := it.step
		var mark string
		switch {
		case !s.Gradable():
			mark, right = dimStyle.Render("○"), dimStyle.Render("try it")
		case e.done(s):
			mark = passStyle.Render("✓")
		case e.state != nil && e.state.Status(s.ID) == progress.Given:
			mark, right = accentStyle.Render("≈"), dimStyle.Render("given")
		case s == cur:
			mark, right = accentStyle.Render("●"), accentStyle.Render("next")
		default:
			mark = dimStyle.Render("·")
		}
		left = fmt.Sprintf("    %s %s %s", mark, dimStyle.Render(s.ID), s.Title)
	}
	line := spread(marker+left, right, e.width-1)
	if selected {
		return selStyle.Render(ansi.Strip(line))
	}
	return line
}

func (m homeModel) detail() string {
	it := m.items[m.cursor]
	ch := it.ch
	switch {
	case ch.Coming:
		return fmt.Sprintf("%s %s is not written yet.", ch.ID, ch.Title)
	case it.step == nil:
		return ch.Summary + "\n" + dimStyle.Render("enter: read the lesson")
	case !it.step.Gradable():
		return it.step.Title + "\n" + dimStyle.Render("Nothing to check: read the lesson and try it. enter: open")
	default:
		files := make([]string, len(it.step.Files))
		for i, f := range it.step.Files {
			files[i] = ch.ExercisePath(f)
		}
		return it.step.Title + "\n" + dimStyle.Render("edit "+strings.Join(files, ", ")+" · enter: open the step · l: the lesson")
	}
}

// warmStatus says how far the warm-up of check's build is, in packages,
// while it runs: the first check is quick only once it is done.
func warmStatus(w warmMsg) string {
	switch {
	case w.final && w.err == nil && w.total > 0:
		return dimStyle.Render("check warm · ")
	case w.final, w.total == 0:
		return ""
	}
	return dimStyle.Render(fmt.Sprintf("warm-up %d/%d packages · ", w.done, w.total))
}
