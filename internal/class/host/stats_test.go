package host

import (
	"context"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/class"
)

// A report after a quiet moment pushes its step's summary in its own
// request; one soon after another leaves it to the timer, so that a busy
// room costs no wake-ups of the server for summaries.
func TestStepSummaryRidesOnTheReport(t *testing.T) {
	c := newClassroom(t)
	ana := c.attendee("Ana")
	sub := c.srv.hub.subscribe()
	defer c.srv.hub.unsubscribe(sub)
	drain := func() (events []string) {
		for {
			select {
			case f := <-sub.ch:
				events = append(events, f.event)
			default:
				return events
			}
		}
	}
	c.srv.mu.Lock()
	c.srv.lastStats = time.Time{} // quiet since ever
	c.srv.mu.Unlock()
	class.Report(context.Background(), ana, failed("01.1", "TestA", "no"))
	if got := drain(); len(got) != 2 || got[0] != "row" || got[1] != "step" {
		t.Fatalf("after a quiet moment: events %q, want the row, then the step's summary", got)
	}

	c.srv.mu.Lock()
	c.srv.lastStats = time.Now() // as if a report had just pushed one
	c.srv.mu.Unlock()
	class.Report(context.Background(), ana, failed("01.2", "TestB", "no"))
	if got := drain(); len(got) != 1 || got[0] != "row" {
		t.Fatalf("soon after a push: events %q, want the row alone", got)
	}
	select {
	case f := <-sub.ch:
		if f.event != "step" {
			t.Fatalf("the timer pushed %q, want the step's summary", f.event)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the step's summary was never pushed")
	}
}
