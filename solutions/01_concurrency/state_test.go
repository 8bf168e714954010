package concurrency

import (
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

func TestSharedStateGetAfterUpdate(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "Get never answered", func(p *actor.Process) {
		s := StartSharedState(10)
		defer s.Stop()
		if got, err := s.Get(p); got != 10 || err != nil {
			t.Errorf("Get on a fresh state returned (%v, %v), want (10, nil)", got, err)
		}
		s.Update(func(_ *actor.Process, n int) int { return n + 5 })
		if got, err := s.Get(p); got != 15 || err != nil {
			t.Errorf("Get after Update(+5) returned (%v, %v), want (15, nil): the loop must keep "+
				"fn's result as its new state", got, err)
		}
		// Stop's kill fires the loop's monitors before it returns: a Down
		// for a monitor Get left behind is in the mailbox by now.
		s.Stop()
		zzExpectEmptyMailbox(t, p, 0, "once the answer has come, Get must remove its monitor with "+
			"p.Demonitor(ref, true): a monitor left behind by each Get delivers a Down to the caller when the "+
			"state stops")
	})
}

func TestSharedStateUpdateRunsInStateProcess(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "Get never answered", func(p *actor.Process) {
		s := StartSharedState("x")
		defer s.Stop()
		if s.PID().IsZero() || !actor.Alive(s.PID()) {
			t.Errorf("s.PID() is %v and alive=%v: the state must live in a process (a loop over p.Receive), "+
				"not in a struct with a mutex", s.PID(), actor.Alive(s.PID()))
			return
		}
		var ranIn actor.PID
		gotProcess := false
		s.Update(func(sp *actor.Process, st string) string {
			if sp != nil {
				gotProcess = true
				ranIn = sp.Self()
			}
			return st + "y"
		})
		if got, err := s.Get(p); got != "xy" || err != nil {
			t.Errorf("Get after Update returned (%q, %v), want (\"xy\", nil)", got, err)
		}
		switch {
		case !gotProcess:
			t.Errorf("fn got a nil *actor.Process: Update must send fn to the state loop, which calls fn(p, state) with its own p")
		case ranIn == p.Self():
			t.Errorf("fn ran in the caller's process %v: send fn to the state loop and run it there", ranIn)
		case ranIn != s.PID():
			t.Errorf("fn ran in process %v, but the state process is %v: the state loop itself must run fn", ranIn, s.PID())
		}
	})
}

func TestSharedStateUpdateIsAsync(t *testing.T) {
	zzNoLeaks(t)
	release := make(chan struct{})
	fnDone := make(chan struct{})
	zzInProcess(t, 3*time.Second, "Get never answered", func(p *actor.Process) {
		s := StartSharedState(0)
		defer s.Stop()
		s.Update(func(_ *actor.Process, n int) int {
			defer close(fnDone)
			zzWaitChan(release, time.Second)
			return n + 1
		})
		select {
		case <-fnDone:
			t.Errorf("Update waited until fn had finished: Update is a cast, it sends fn to the loop and returns at once")
		default:
		}
		close(release)
		if got, err := s.Get(p); got != 1 || err != nil {
			t.Errorf("Get after a slow Update returned (%v, %v), want (1, nil)", got, err)
		}
	})
}

func TestSharedStateConcurrentUpdates(t *testing.T) {
	zzNoLeaks(t)
	zzOnRace(t, "Two goroutines shared the state itself. In OTP it has one owner: the loop keeps it in a local "+
		"variable that nothing else can reach, Update sends the loop fn and Get asks it for a copy, so every "+
		"read and change happens in the loop, one message at a time.")
	const writers, each = 10, 100
	zzInProcess(t, 2*time.Second, "Get never answered", func(p *actor.Process) {
		s := StartSharedState(0)
		defer s.Stop()
		done := make(chan struct{}, writers)
		for range writers {
			actor.Spawn(func(*actor.Process) error {
				for range each {
					s.Update(func(_ *actor.Process, n int) int { return n + 1 })
				}
				done <- struct{}{}
				return nil
			})
		}
		timeout := time.After(time.Second)
		for i := range writers {
			select {
			case <-done:
			case <-timeout:
				t.Errorf("only %d of %d writer processes finished their Updates within 1s: Update must not block", i, writers)
				return
			}
		}
		if got, err := s.Get(p); got != writers*each || err != nil {
			t.Errorf("after %d processes sent %d Update(+1) each, Get returned (%v, %v), want (%d, nil)",
				writers, each, got, err, writers*each)
		}
	})
}

func TestSharedStateGetOnStoppedState(t *testing.T) {
	zzNoLeaks(t)
	// In a synctest bubble: a Get that hangs fails at once, when every
	// goroutine is blocked, instead of after the limit's real time.
	zzBubble(t, func(t *testing.T) {
		zzInProcess(t, 2*time.Second, "Get on a stopped SharedState hung: monitor the state process while "+
			"you wait for its answer, and give up on its actor.Down", func(p *actor.Process) {
			s := StartSharedState(1)
			s.Stop()
			if _, err := s.Get(p); err == nil {
				t.Errorf("Get on a stopped SharedState returned no error")
			}
			zzExpectEmptyMailbox(t, p, 20*time.Millisecond, "Get should leave nothing behind (demonitor with flush)")
		})
	})
}
