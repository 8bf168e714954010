package actor

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func isDown(ref Ref) func(any) bool {
	return func(m any) bool { d, ok := m.(Down); return ok && d.Ref == ref }
}

// receiveDown waits for the Down of ref, then checks no second one comes.
func receiveDown(p *Process, ref Ref) (Down, error) {
	m, err := p.ReceiveMatch(isDown(ref), 5*time.Second)
	if err != nil {
		return Down{}, fmt.Errorf("waiting for Down: %w", err)
	}
	if extra, err := p.ReceiveMatch(isDown(ref), 0); err == nil {
		return Down{}, fmt.Errorf("second Down for one monitor: %v", extra)
	}
	return m.(Down), nil
}

func TestDownExactlyOnce(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name string
		body Func
		kill bool
		want func(error) bool
	}{
		{"normal", func(*Process) error { return nil }, false, func(r error) bool { return r == Normal }},
		{"error", func(*Process) error { return boom }, false, func(r error) bool { return r == boom }},
		{"panic", func(*Process) error { panic("bad") }, false, func(r error) bool { var pe *PanicError; return errors.As(r, &pe) }},
		{"kill", func(p *Process) error { _, err := p.Receive(Infinity); return err }, true, func(r error) bool { return r == Killed }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustRun(t, func(p *Process) error {
				pid, ref := p.SpawnMonitor(c.body)
				if c.kill {
					Exit(pid, Kill)
				}
				d, err := receiveDown(p, ref)
				if err != nil {
					return err
				}
				if d.PID != pid || !c.want(d.Reason) {
					return fmt.Errorf("Down = %+v, unexpected", d)
				}
				return nil
			})
		})
	}
	t.Run("noproc", func(t *testing.T) {
		mustRun(t, func(p *Process) error {
			pid, ref := p.SpawnMonitor(func(*Process) error { return nil })
			if _, err := receiveDown(p, ref); err != nil {
				return err
			}
			ref2 := p.Monitor(pid)
			d, err := receiveDown(p, ref2)
			if err != nil {
				return err
			}
			if d.Reason != NoProc || d.PID != pid {
				return fmt.Errorf("monitor of a dead pid: Down = %+v, want NoProc", d)
			}
			d, err = receiveDown(p, p.Monitor(PID{}))
			if err != nil || d.Reason != NoProc {
				return fmt.Errorf("monitor of the zero pid: %+v, %v", d, err)
			}
			return nil
		})
	})
	noProcessesLeft(t)
}

func TestDemonitorFlush(t *testing.T) {
	mustRun(t, func(p *Process) error {
		pid, ref := p.SpawnMonitor(func(q *Process) error { _, err := q.Receive(Infinity); return err })
		// A kill terminates pid in this goroutine, so its Down is in our
		// mailbox when Exit returns: flush has something to remove.
		Exit(pid, Kill)
		if info, _ := Info(p.Self()); info.MailboxLen != 1 {
			return fmt.Errorf("mailbox holds %d messages before the flush, want the Down", info.MailboxLen)
		}
		p.Demonitor(ref, true)
		if m, err := p.ReceiveMatch(isDown(ref), 0); err == nil {
			return fmt.Errorf("Demonitor(flush) left %v in the mailbox", m)
		}
		// Without flush, a live target never sends the Down.
		release := make(chan struct{})
		pid2 := Spawn(func(*Process) error { <-release; return nil })
		ref3 := p.Monitor(pid2)
		p.Demonitor(ref3, false)
		ref4 := p.Monitor(pid2)
		close(release)
		if _, err := receiveDown(p, ref4); err != nil {
			return err
		}
		if m, err := p.ReceiveMatch(isDown(ref3), 0); err == nil {
			return fmt.Errorf("Down %v arrived after Demonitor", m)
		}
		return nil
	})
}

func TestLinkPropagatesCrash(t *testing.T) {
	boom := errors.New("boom")
	mustRun(t, func(p *Process) error {
		// p monitors mid, which is linked to a child that crashes.
		_, ref := p.SpawnMonitor(func(mid *Process) error {
			child := mid.SpawnLink(func(*Process) error { return boom })
			_ = child
			_, err := mid.Receive(Infinity)
			return err
		})
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if d.Reason != boom {
			return fmt.Errorf("linked process died with %v, want boom", d.Reason)
		}
		return nil
	})
	noProcessesLeft(t)
}

func TestNormalExitDoesNotPropagate(t *testing.T) {
	mustRun(t, func(p *Process) error {
		p.SpawnLink(func(*Process) error { return nil })
		// p survives; a monitor on a second normal child proves time passed.
		_, ref := p.SpawnMonitor(func(*Process) error { return nil })
		_, err := receiveDown(p, ref)
		return err
	})
}

func TestTrapExitTurnsSignalsIntoMessages(t *testing.T) {
	boom := errors.New("boom")
	mustRun(t, func(p *Process) error {
		p.TrapExit(true)
		child := p.SpawnLink(func(*Process) error { return boom })
		m, err := p.Receive(5 * time.Second)
		if err != nil {
			return err
		}
		if em, ok := m.(ExitMsg); !ok || em.From != child || em.Reason != boom {
			return fmt.Errorf("got %#v, want ExitMsg{From: child, Reason: boom}", m)
		}
		Exit(p.Self(), Shutdown)
		if m, _ := p.Receive(0); m != (ExitMsg{Reason: Shutdown}) {
			return fmt.Errorf("Exit(self, Shutdown) while trapping gave %#v", m)
		}
		Exit(p.Self(), Normal)
		if m, _ := p.Receive(0); m != (ExitMsg{Reason: Normal}) {
			return fmt.Errorf("Exit(self, Normal) while trapping gave %#v", m)
		}
		return nil
	})
}

func TestKillIsUntrappable(t *testing.T) {
	mustRun(t, func(p *Process) error {
		trapping := make(chan struct{})
		pid, ref := p.SpawnMonitor(func(q *Process) error {
			q.TrapExit(true)
			close(trapping)
			for {
				if _, err := q.Receive(Infinity); err != nil {
					return err
				}
			}
		})
		<-trapping
		Exit(pid, Shutdown) // trapped: becomes a message
		Exit(pid, Kill)
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if d.Reason != Killed {
			return fmt.Errorf("killed trapping process: Down reason %v, want Killed", d.Reason)
		}
		return nil
	})
}

func TestExitSignalNormalIgnoredUnlessTrapping(t *testing.T) {
	mustRun(t, func(p *Process) error {
		pid, ref := p.SpawnMonitor(func(q *Process) error {
			m, err := q.Receive(Infinity)
			if m != "stop" {
				return fmt.Errorf("got %v, %v", m, err)
			}
			return nil
		})
		Exit(pid, Normal)
		Send(pid, "stop")
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if d.Reason != Normal {
			return fmt.Errorf("Exit(pid, Normal) on a non-trapping process killed it: %v", d.Reason)
		}
		return nil
	})
}

func TestLinkToDeadPid(t *testing.T) {
	mustRun(t, func(p *Process) error {
		dead, ref := p.SpawnMonitor(func(*Process) error { return nil })
		if _, err := receiveDown(p, ref); err != nil {
			return err
		}
		p.TrapExit(true)
		p.Link(dead)
		m, _ := p.Receive(0)
		if m != (ExitMsg{From: dead, Reason: NoProc}) {
			return fmt.Errorf("link to a dead pid gave %#v, want ExitMsg noproc", m)
		}
		return nil
	})
}

func TestUnlink(t *testing.T) {
	boom := errors.New("boom")
	mustRun(t, func(p *Process) error {
		release := make(chan struct{})
		child := p.SpawnLink(func(*Process) error { <-release; return boom })
		ref := p.Monitor(child)
		p.Unlink(child)
		close(release)
		if _, err := receiveDown(p, ref); err != nil {
			return err // p would be dead (boom) if the link were still there
		}
		return nil
	})
}

// A process stuck outside Receive (in a blocking call that ignores its
// context) is killed honestly: monitors fire at once and it shows as a
// zombie until its goroutine returns.
func TestKillStuckProcessLeavesZombie(t *testing.T) {
	defer goleak.VerifyNone(t)
	stuck := make(chan struct{})
	entered := make(chan struct{})
	var pid PID
	mustRun(t, func(p *Process) error {
		var ref Ref
		pid, ref = p.SpawnMonitor(func(q *Process) error {
			Register("stuck", q.Self())
			close(entered)
			<-stuck // a blocking handler that does not watch its context
			return nil
		})
		<-entered
		Exit(pid, Kill)
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if d.Reason != Killed {
			return fmt.Errorf("Down reason %v, want Killed", d.Reason)
		}
		return nil
	})
	if Alive(pid) {
		t.Fatal("killed process still Alive")
	}
	if _, ok := WhereIs("stuck"); ok {
		t.Fatal("killed process kept its name")
	}
	info, ok := Info(pid)
	if !ok || info.Status != Zombie {
		t.Fatalf("Info(killed stuck process) = %+v, %v; want status zombie", info, ok)
	}
	found := false
	for _, pi := range Processes() {
		found = found || (pi.PID == pid && pi.Status == Zombie)
	}
	if !found {
		t.Fatal("the zombie is not in Processes()")
	}
	Send(pid, "ignored") // mailbox closed: dropped
	if info, _ := Info(pid); info.MailboxLen != 0 {
		t.Fatalf("zombie mailbox holds %d messages, want closed", info.MailboxLen)
	}
	close(stuck)
	eventually(t, "the zombie's goroutine has returned", func() bool { _, ok := Info(pid); return !ok })
	noProcessesLeft(t)
}

func TestKilledProcessReceiveReturnsKilled(t *testing.T) {
	mustRun(t, func(p *Process) error {
		results := make(chan error, 1)
		busy := make(chan struct{})
		proceed := make(chan struct{})
		pid := Spawn(func(q *Process) error {
			Send(q.Self(), "queued")
			close(busy)
			<-proceed
			_, err := q.Receive(Infinity)
			results <- err
			return err
		})
		<-busy
		Exit(pid, Kill)
		close(proceed)
		if err := <-results; err != Killed {
			return fmt.Errorf("Receive after kill = %v, want Killed (the mailbox is closed)", err)
		}
		return nil
	})
	noProcessesLeft(t)
}

func TestKillCancelsContext(t *testing.T) {
	mustRun(t, func(p *Process) error {
		started := make(chan struct{})
		pid, ref := p.SpawnMonitor(func(q *Process) error {
			close(started)
			<-q.Context().Done() // cooperative blocking work
			return nil
		})
		<-started
		Exit(pid, Kill)
		_, err := receiveDown(p, ref)
		return err
	})
	noProcessesLeft(t) // the goroutine returned: no zombie left
}

// Once Unlink returns, the link has no effect: an exit signal already
// delivered may be in the mailbox, but none arrives later (Erlang's
// guarantee), even when the linked process dies during the Unlink.
func TestUnlinkIsFinal(t *testing.T) {
	boom := errors.New("boom")
	mustRun(t, func(p *Process) error {
		p.TrapExit(true)
		for i := range 2000 {
			release := make(chan struct{})
			child := p.SpawnLink(func(*Process) error { <-release; return boom })
			ref := p.Monitor(child)
			close(release) // the child dies while we unlink
			p.Unlink(child)
			p.ReceiveMatch(isExitFrom(child), 0) // delivered before Unlink returned: fine
			// The Down comes after the child's exit signals: any signal
			// still to come over the link is in the mailbox by now.
			if _, err := receiveDown(p, ref); err != nil {
				return err
			}
			if m, err := p.ReceiveMatch(isExitFrom(child), 0); err == nil {
				return fmt.Errorf("round %d: %v arrived after Unlink returned", i, m)
			}
		}
		return nil
	})
}

// A process killed while it links to or monitors another leaves nothing
// behind on the other's side: no link, no monitor to a dead process.
func TestLinkAndMonitorRacingDeath(t *testing.T) {
	target := Spawn(func(q *Process) error {
		q.TrapExit(true) // outlive the linked processes' deaths
		for {
			if _, err := q.Receive(Infinity); err != nil {
				return err
			}
		}
	})
	defer Exit(target, Kill)
	mustRun(t, func(p *Process) error {
		var killed []PID
		for i := range 2000 {
			started := make(chan struct{})
			pid, ref := p.SpawnMonitor(func(q *Process) error {
				close(started)
				if i%2 == 0 {
					q.Link(target)
				} else {
					q.Monitor(target)
				}
				_, err := q.Receive(Infinity)
				return err
			})
			<-started
			Exit(pid, Kill)
			if _, err := receiveDown(p, ref); err != nil {
				return err
			}
			killed = append(killed, pid)
		}
		eventually(t, "the killed processes are gone", func() bool {
			for _, pid := range killed {
				if _, ok := Info(pid); ok {
					return false
				}
			}
			return true
		})
		if info, _ := Info(target); len(info.Links)+len(info.MonitoredBy) != 0 {
			return fmt.Errorf("target keeps links %v and monitors %v from dead processes", info.Links, info.MonitoredBy)
		}
		return nil
	})
}
