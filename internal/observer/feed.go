package observer

import (
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/otpgo/otpgo/internal/actor"
)

// Feed carries the runtime's lifecycle events to the UI. The runtime calls
// its handler on the goroutine where the event happened, so the handler only
// tries a buffered channel and counts what it had to drop: a busy UI never
// slows the processes it watches.
type Feed struct {
	ch      chan actor.Event
	done    chan struct{}
	unsub   func()
	dropped atomic.Int64
	once    sync.Once
}

// NewFeed subscribes with subscribe (actor.Subscribe in the app). Close it
// when the UI ends.
func NewFeed(subscribe func(func(actor.Event)) func()) *Feed {
	f := &Feed{ch: make(chan actor.Event, 1024), done: make(chan struct{})}
	f.unsub = subscribe(func(e actor.Event) {
		select {
		case f.ch <- e:
		default:
			f.dropped.Add(1)
		}
	})
	return f
}

// Close unsubscribes and ends any pending wait.
func (f *Feed) Close() {
	f.once.Do(func() {
		f.unsub()
		close(f.done)
	})
}

// eventsMsg is a batch of events, with how many were dropped so far.
type eventsMsg struct {
	events  []actor.Event
	dropped int64
}

// wait is a tea.Cmd: it blocks (in its own goroutine, never in Update) for
// the next event, then takes whatever else is already queued, so a storm of
// events is one Update, not thousands.
func (f *Feed) wait() tea.Cmd {
	return func() tea.Msg {
		select {
		case <-f.done:
			return nil
		case e := <-f.ch:
			batch := []actor.Event{e}
			for len(batch) < 256 {
				select {
				case e := <-f.ch:
					batch = append(batch, e)
					continue
				default:
				}
				break
			}
			return eventsMsg{events: batch, dropped: f.dropped.Load()}
		}
	}
}
