package tui

import (
	"context"
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
	// unbind forgets the stop registered on the app's context.
	unbind func() bool
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

// startWatch is a Cmd that starts watching s's files. The watcher stops
// when the app's context ends, even if its watchStartedMsg never reaches
// Update (the program quit while it was starting).
func startWatch(ctx context.Context, b Backend, s *catalog.Step, poll bool) tea.Cmd {
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
		wt.unbind = context.AfterFunc(ctx, wt.stop) // runs at once if ctx is done
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

// stop ends the watcher and any pending next, and waits for its
// goroutines. Safe to call twice, and on nil.
func (wt *watching) stop() {
	if wt == nil {
		return
	}
	wt.once.Do(func() {
		close(wt.done)
		if wt.unbind != nil {
			wt.unbind()
		}
		if wt.w != nil {
			wt.w.Close()
		}
	})
}

// stopCmd stops the watcher in a Cmd: closing it waits for its goroutines
// and removes files, which Update must not wait for.
func (wt *watching) stopCmd() tea.Cmd {
	if wt == nil {
		return nil
	}
	return func() tea.Msg { wt.stop(); return nil }
}
