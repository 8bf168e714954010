// Package tuitest helps test otpgo's bubbletea screens with teatest: it
// records the text of the last frame a model drew, so a test can wait for
// what a person would see rather than parse the renderer's escape codes.
package tuitest

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"
)

// Recorder wraps a model; its View also keeps the frame's plain text.
type Recorder struct {
	tea.Model
	last *atomic.Pointer[string]
}

// Record wraps m.
func Record(m tea.Model) Recorder {
	return Recorder{Model: m, last: new(atomic.Pointer[string])}
}

// Update forwards to the wrapped model and keeps the wrapper.
func (r Recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.Model.Update(msg)
	return Recorder{Model: m, last: r.last}, cmd
}

// View forwards to the wrapped model and records the frame without colours.
func (r Recorder) View() tea.View {
	v := r.Model.View()
	s := Plain(v.Content)
	r.last.Store(&s)
	return v
}

// Screen is the last frame drawn, as plain text.
func (r Recorder) Screen() string {
	if s := r.last.Load(); s != nil {
		return *s
	}
	return ""
}

// WaitFor polls the last frame until cond holds, failing the test with the
// frame if it does not within d.
func (r Recorder) WaitFor(t testing.TB, d time.Duration, what string, cond func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := r.Screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; the screen was:\n%s", d, what, s)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for an event
	}
}

// Contains is a WaitFor condition.
func Contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// Plain strips colours and trailing spaces, so golden files are the same
// whatever the terminal's colour profile.
func Plain(s string) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// IgnoreTeatest is the goleak option for teatest's own goroutine: every
// TestModel waits for SIGINT forever (teatest v2 never stops it).
func IgnoreTeatest() goleak.Option {
	return goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2")
}
