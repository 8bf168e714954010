package tui

import (
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/watch"
)

// watching is a file watcher as the app sees it: its changes and mode
// changes come back as messages, through a Cmd that blocks in its own
// goroutine until one arrives or the watcher is stopped.
type watching struct {
	step  *catalog.Step
	w     *watch.Watcher
	modes chan modeMsg
	done  chan struct{}
	once  sync.Once
}

type (
	watchStartedMsg struct {
		wt  *watching
		err error
	}
	fileChangedMsg struct {
		wt    *watching
		files []string
	}
	modeMsg struct {
		wt   *watching
		mode watch.Mode
		why  string
	}
)

// startWatch is a Cmd that starts watching s's files.
func startWatch(b Backend, s *catalog.Step, poll bool) tea.Cmd {
	return func() tea.Msg {
		wt := &watching{step: s, modes: make(chan modeMsg, 4), done: make(chan struct{})}
		w, err := watch.New(watch.Options{
			Dir:      b.Dir(s),
			Files:    s.Files,
			Poll:     poll,
			ProbeDir: b.StateDir(),
			OnMode: func(m watch.Mode, why string) {
				select { // never block the watcher; the latest mode wins anyway
				case wt.modes <- modeMsg{wt: wt, mode: m, why: why}:
				default:
				}
			},
		})
		if err != nil {
			return watchStartedMsg{wt: wt, err: err}
		}
		wt.w = w
		return watchStartedMsg{wt: wt}
	}
}

// next is a Cmd waiting for the watcher's next change or mode.
func (wt *watching) next() tea.Cmd {
	return func() tea.Msg {
		select {
		case <-wt.done:
			return nil
		case c := <-wt.w.Changes():
			return fileChangedMsg{wt: wt, files: c.Files}
		case m := <-wt.modes:
			return m
		}
	}
}

// stop ends the watcher and any pending next. Safe to call twice.
func (wt *watching) stop() {
	if wt == nil {
		return
	}
	wt.once.Do(func() {
		close(wt.done)
		if wt.w != nil {
			wt.w.Close()
		}
	})
}
