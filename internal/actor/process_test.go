package actor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestPIDString(t *testing.T) {
	var zero PID
	if !zero.IsZero() || zero.String() != "<none>" {
		t.Fatalf("zero PID: IsZero=%v String=%q", zero.IsZero(), zero.String())
	}
	pid := Spawn(func(p *Process) error { return nil })
	if pid.IsZero() || !strings.HasPrefix(pid.String(), "<0.") || !strings.HasSuffix(pid.String(), ">") {
		t.Fatalf("pid prints as %q, want <0.N>", pid)
	}
	if MakeRef() == MakeRef() {
		t.Fatal("two MakeRef calls returned the same Ref")
	}
	noProcessesLeft(t)
}

func TestRunReturnsExitReason(t *testing.T) {
	boom := errors.New("boom")
	if err := Run(func(p *Process) error { return boom }); err != boom {
		t.Fatalf("Run = %v, want boom", err)
	}
	if err := Run(func(p *Process) error { return nil }); err != nil {
		t.Fatalf("Run of a normal exit = %v, want nil", err)
	}
	if err := Run(func(p *Process) error { return Normal }); err != nil {
		t.Fatalf("Run of an explicit Normal exit = %v, want nil", err)
	}
}

func TestPanicBecomesExitReason(t *testing.T) {
	boom := errors.New("boom")
	err := Run(func(p *Process) error { panic(boom) })
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Run = %v, want a *PanicError", err)
	}
	if !errors.Is(err, boom) {
		t.Fatal("errors.Is(panic error, boom) is false; PanicError should unwrap an error value")
	}
	if !strings.Contains(pe.Stack, "TestPanicBecomesExitReason") {
		t.Fatalf("panic stack does not show where it happened:\n%s", pe.Stack)
	}
}

func TestSendReceiveOrder(t *testing.T) {
	mustRun(t, func(p *Process) error {
		for i := range 100 {
			Send(p.Self(), i)
		}
		for i := range 100 {
			m, err := p.Receive(Infinity)
			if err != nil || m != i {
				return fmt.Errorf("receive #%d = %v, %v", i, m, err)
			}
		}
		return nil
	})
}

func TestSendToDeadOrZeroIsNoop(t *testing.T) {
	Send(PID{}, "x")
	pid := Spawn(func(p *Process) error { return nil })
	mustRun(t, func(p *Process) error {
		ref := p.Monitor(pid)
		_, err := p.ReceiveMatch(func(m any) bool { d, ok := m.(Down); return ok && d.Ref == ref }, Infinity)
		return err
	})
	Send(pid, "x") // must not panic nor block
	if Alive(pid) {
		t.Fatal("Alive reports a process that exited")
	}
}

// 1M messages from 8 senders: none lost, each sender's order kept.
func TestMillionMessagesFromEightSenders(t *testing.T) {
	const senders, each = 8, 125_000
	type msg struct{ from, seq int }
	mustRun(t, func(p *Process) error {
		self := p.Self()
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				for i := range each {
					Send(self, msg{s, i})
				}
			})
		}
		next := make([]int, senders)
		for range senders * each {
			m, err := p.Receive(10 * time.Second)
			if err != nil {
				return fmt.Errorf("after %v messages: %w", next, err)
			}
			mm := m.(msg)
			if mm.seq != next[mm.from] {
				return fmt.Errorf("sender %d: got message %d, want %d (order lost)", mm.from, mm.seq, next[mm.from])
			}
			next[mm.from]++
		}
		wg.Wait()
		if m, err := p.Receive(0); err == nil {
			return fmt.Errorf("extra message %v", m)
		}
		return nil
	})
}

func TestSelectiveReceiveKeepsOthersInOrder(t *testing.T) {
	mustRun(t, func(p *Process) error {
		for _, m := range []any{1, "a", 2, "b", 3} {
			Send(p.Self(), m)
		}
		isString := func(m any) bool { _, ok := m.(string); return ok }
		for _, want := range []string{"a", "b"} {
			m, err := p.ReceiveMatch(isString, 0)
			if err != nil || m != want {
				return fmt.Errorf("ReceiveMatch = %v, %v; want %q", m, err, want)
			}
		}
		if _, err := p.ReceiveMatch(isString, 0); !errors.Is(err, ErrTimeout) {
			return fmt.Errorf("ReceiveMatch with no match = %v, want ErrTimeout", err)
		}
		for want := 1; want <= 3; want++ {
			if m, _ := p.Receive(0); m != want {
				return fmt.Errorf("after selective receives, Receive = %v, want %d", m, want)
			}
		}
		return nil
	})
}

func TestSelectiveReceiveWaitsForMatchArrivingLater(t *testing.T) {
	mustRun(t, func(p *Process) error {
		self := p.Self()
		Spawn(func(q *Process) error {
			for i := range 50 {
				Send(self, i)
			}
			Send(self, "done")
			return nil
		})
		m, err := p.ReceiveMatch(func(m any) bool { return m == "done" }, 5*time.Second)
		if err != nil || m != "done" {
			return fmt.Errorf("ReceiveMatch = %v, %v", m, err)
		}
		for i := range 50 {
			if m, _ := p.Receive(0); m != i {
				return fmt.Errorf("skipped message %d came back as %v", i, m)
			}
		}
		return nil
	})
}

func TestReceiveTimeoutUsesFakeClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		err := Run(func(p *Process) error {
			_, err := p.Receive(time.Hour)
			return err
		})
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("Receive(1h) on an empty mailbox = %v, want ErrTimeout", err)
		}
		if got := time.Since(start); got != time.Hour {
			t.Fatalf("timed out after %v of bubble time, want 1h", got)
		}
	})
}

func TestSendAfterAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mustRun(t, func(p *Process) error {
			start := time.Now()
			SendAfter(p.Self(), "late", 2*time.Second)
			tm := SendAfter(p.Self(), "cancelled", time.Second)
			if !tm.Cancel() {
				return errors.New("Cancel of a pending timer = false")
			}
			m, err := p.Receive(Infinity)
			if m != "late" || err != nil {
				return fmt.Errorf("Receive = %v, %v; want late", m, err)
			}
			if d := time.Since(start); d != 2*time.Second {
				return fmt.Errorf("message arrived after %v, want 2s", d)
			}
			if tm.Cancel() {
				return errors.New("second Cancel = true")
			}
			if m, err := p.Receive(time.Minute); err == nil {
				return fmt.Errorf("cancelled timer delivered %v", m)
			}
			return nil
		})
	})
}

func TestContextCancelledAtDeath(t *testing.T) {
	ctxs := make(chan context.Context, 1)
	boom := errors.New("boom")
	Run(func(p *Process) error {
		ctxs <- p.Context()
		return boom
	})
	ctx := <-ctxs
	if ctx.Err() == nil {
		t.Fatal("context not cancelled after the process died")
	}
	if context.Cause(ctx) != boom {
		t.Fatalf("context cause = %v, want the exit reason", context.Cause(ctx))
	}
}

func TestRegistry(t *testing.T) {
	release := make(chan struct{})
	pid := Spawn(func(p *Process) error {
		<-release
		return nil
	})
	if err := Register("reg-test", pid); err != nil {
		t.Fatal(err)
	}
	if got, ok := WhereIs("reg-test"); !ok || got != pid {
		t.Fatalf("WhereIs = %v, %v", got, ok)
	}
	other := Spawn(func(p *Process) error { <-release; return nil })
	if err := Register("reg-test", other); !errors.Is(err, ErrAlreadyRegistered) {
		t.Fatalf("Register of a taken name = %v, want ErrAlreadyRegistered", err)
	}
	if err := Register("reg-other", pid); !errors.Is(err, ErrAlreadyRegistered) {
		t.Fatalf("second name for one process = %v, want ErrAlreadyRegistered", err)
	}
	Unregister("reg-test")
	if _, ok := WhereIs("reg-test"); ok {
		t.Fatal("name still registered after Unregister")
	}
	if err := Register("reg-test", other); err != nil {
		t.Fatalf("Register after Unregister: %v", err)
	}
	close(release)
	mustRun(t, func(p *Process) error {
		ref := p.Monitor(other)
		_, err := p.ReceiveMatch(func(m any) bool { d, ok := m.(Down); return ok && d.Ref == ref }, Infinity)
		return err
	})
	if _, ok := WhereIs("reg-test"); ok {
		t.Fatal("name not freed when its process exited")
	}
	if err := Register("reg-test", other); !errors.Is(err, NoProc) {
		t.Fatalf("Register of a dead pid = %v, want NoProc", err)
	}
	noProcessesLeft(t)
}

func TestSpawnWithTakenNameExits(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	Spawn(func(p *Process) error { <-release; return nil }, Name("taken"))
	mustRun(t, func(p *Process) error {
		_, ref := p.SpawnMonitor(func(*Process) error { return nil }, Name("taken"))
		m, _ := p.Receive(Infinity)
		if d := m.(Down); d.Ref != ref || !errors.Is(d.Reason, ErrAlreadyRegistered) {
			return fmt.Errorf("Down = %+v, want reason ErrAlreadyRegistered", d)
		}
		return nil
	})
}

// A process whose goroutine calls runtime.Goexit (t.Fatal called from a
// process does) must still exit, so that Run returns and a failing test
// fails instead of hanging.
func TestGoexitEndsTheProcess(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		done <- Run(func(p *Process) error {
			runtime.Goexit()
			return nil
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrGoexit) {
			t.Fatalf("Run = %v, want an error matching ErrGoexit", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still waiting 5s after its process called runtime.Goexit")
	}
	noProcessesLeft(t)
}
