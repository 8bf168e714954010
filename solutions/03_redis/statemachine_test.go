package redis

import (
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/redistest"
)

func hiddenStartMachine(t *testing.T, addr string, b Backoff) *StateMachine {
	t.Helper()
	c, err := StartStateMachine(addr, b)
	if err != nil {
		t.Fatalf("StartStateMachine(%q): %v", addr, err)
	}
	if c == nil {
		t.Fatalf("StartStateMachine(%q) returned a nil client and no error", addr)
	}
	hiddenCloseAtEnd(t, c)
	return c
}

var hiddenFastBackoff = Backoff{Min: 10 * time.Millisecond, Max: 40 * time.Millisecond}

// hiddenWaitDisconnected polls Command until a call fails with ErrDisconnected,
// within d. A PING made just as the server stops may reach the machine before
// the reader's news of the loss: it is written on the dying connection and
// waits for a reply. Answering such a caller is the business of
// TestStateMachinePendingCallersFailAtOnce, not of this check, which asks only
// that the machine moves to disconnected and answers there at once. So a PING
// without an answer does not end the polling: a new one starts every few
// milliseconds, whatever happened to the earlier ones, and the first
// ErrDisconnected ends the wait. Which goroutine wins the race then changes
// nothing: a machine that answers calls in the disconnected state passes, one
// that does not fails.
func hiddenWaitDisconnected(t *testing.T, c Client, d time.Duration, why string) {
	t.Helper()
	if r, ok := zzPollDisconnected(c, d); !ok {
		t.Fatalf("%v after %s, Command returned (%#v, %v), want an error wrapping ErrDisconnected: when the "+
			"reader reports the connection lost, move to the disconnected state, where every call is answered "+
			"at once with ErrDisconnected", d, why, r.v, r.err)
	}
}

// zzPollDisconnected starts a PING at once and another every 5ms (overlapping
// when earlier ones are unanswered) until one returns an error wrapping
// ErrDisconnected or d passes. It reports the last answer (hiddenErrHung if no
// PING had one) and whether a PING got ErrDisconnected. A PING still waiting
// when it returns ends by the client's Close at the latest (a dying process
// fails its unanswered calls), and its result goes into a buffered channel,
// so no goroutine is left behind.
func zzPollDisconnected(c Client, d time.Duration) (hiddenResult, bool) {
	const every = 5 * time.Millisecond
	maxCalls := int(d/every) + 2
	results := make(chan hiddenResult, maxCalls) // room for every PING started
	started := 0
	ping := func() {
		if started == maxCalls {
			return
		}
		started++
		go func() {
			v, err := c.Command("PING")
			results <- hiddenResult{v: v, err: err}
		}()
	}
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(every)
	defer tick.Stop()
	last := hiddenResult{err: hiddenErrHung}
	ping()
	for {
		select {
		case r := <-results:
			last = r
			if hiddenIsDisconnected(r.err) {
				return r, true
			}
		case <-tick.C:
			ping()
		case <-deadline.C:
			return last, false
		}
	}
}

type hiddenHungError struct{}

func (hiddenHungError) Error() string { return "Command did not return (hung)" }

var hiddenErrHung error = hiddenHungError{}

func TestStateMachineCommands(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartMachine(t, srv.Addr(), hiddenFastBackoff)
	hiddenCheckBasics(t, c)
	hiddenCheckRedisErrors(t, c)
	cr := hiddenStartCrowd(c, 100, hiddenEcho)
	if !cr.wait(2 * time.Second) {
		t.Fatalf("only %d of 100 concurrent callers had a reply after 2s", cr.finished())
	}
	cr.mustEcho(t, "100 concurrent callers in the connected state")
}

func TestStateMachineServerStopped(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartMachine(t, srv.Addr(), Backoff{Min: time.Second, Max: time.Second})
	if v, err := c.Command("PING"); err != nil || v != "PONG" {
		t.Fatalf("PING = (%#v, %v)", v, err)
	}
	srv.Close()
	hiddenWaitDisconnected(t, c, 100*time.Millisecond, "the server stopped")
}

func TestStateMachinePendingCallersFailAtOnce(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	p := redistest.NewProxy(t, srv.Addr())
	c := hiddenStartMachine(t, p.Addr(), Backoff{Min: time.Second, Max: time.Second})
	if _, err := c.Command("PING"); err != nil {
		t.Fatal(err)
	}
	before := srv.Miniredis().CommandCount()
	p.SetLatency(time.Hour) // the replies will never arrive
	const n = 5
	cr := hiddenStartCrowd(c, n, hiddenEcho)
	if !hiddenEventually(time.Second, func() bool { return srv.Miniredis().CommandCount()-before >= n }) {
		p.DropAll()
		cr.wait(2 * time.Second)
		t.Fatalf("only %d of %d concurrent commands reached Redis within 1s: in the connected state, write "+
			"each command and queue its caller without waiting for the reply", srv.Miniredis().CommandCount()-before, n)
	}
	p.DropAll()
	if !cr.wait(100 * time.Millisecond) {
		t.Fatalf("%d of %d callers were still waiting 100ms after the connection dropped: when it drops, "+
			"answer every waiting caller with ErrDisconnected as you move to disconnected", n-cr.finished(), n)
	}
	cr.mu.Lock()
	defer cr.mu.Unlock()
	for i, r := range cr.results {
		if !hiddenIsDisconnected(r.err) {
			t.Errorf("caller %d, waiting when the connection dropped, got (%#v, %v), want an error wrapping ErrDisconnected", i, r.v, r.err)
		}
	}
}

func TestStateMachineReconnects(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartMachine(t, srv.Addr(), hiddenFastBackoff)
	if _, err := c.Command("SET", "k", "kept"); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	hiddenWaitDisconnected(t, c, 100*time.Millisecond, "the server stopped")
	srv.Restart()
	back := time.Now()
	var last hiddenResult
	limit := hiddenFastBackoff.Max + 400*time.Millisecond
	if !hiddenEventually(limit, func() bool {
		last, _ = hiddenWithin(hiddenAsync(c, "GET", "k"), time.Second)
		return last.err == nil
	}) {
		t.Fatalf("the server has been back on the same address for %v (Backoff.Max is %v) and Command still "+
			"returns (%#v, %v): in the disconnected state, set an actor.StateTimeout, try to connect each time "+
			"it fires, and move to connected when the dial works", limit, hiddenFastBackoff.Max, last.v, last.err)
	}
	if last.v != "kept" {
		t.Fatalf("GET k after reconnecting = %#v, want \"kept\"", last.v)
	}
	t.Logf("working again %v after the restart", time.Since(back).Round(time.Millisecond))
	hiddenCheckBasics(t, c)
}

func TestStateMachineStartsWhileRedisIsDown(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	srv.Close()
	c, err := StartStateMachine(srv.Addr(), hiddenFastBackoff)
	if err != nil {
		t.Fatalf("StartStateMachine with Redis down returned %v; it should start disconnected and keep trying", err)
	}
	hiddenCloseAtEnd(t, c)
	// Cleanups run last-in first-out: Redis is back before Close, so that a
	// client stuck in a reconnect loop gets out of it and can stop.
	t.Cleanup(srv.Restart)
	r, ok := hiddenWithin(hiddenAsync(c, "PING"), 100*time.Millisecond)
	if !ok {
		t.Fatalf("PING with Redis down got no answer within 100ms: in the disconnected state, answer every " +
			"call at once with ErrDisconnected instead of making it wait for a connection (a sleep, a retry " +
			"loop or a Postpone)")
	}
	if !hiddenIsDisconnected(r.err) {
		t.Fatalf("PING with Redis down = (%s, %v), want an error wrapping ErrDisconnected", hiddenShort(r.v), r.err)
	}
	srv.Restart()
	if !hiddenEventually(hiddenFastBackoff.Max+400*time.Millisecond, func() bool {
		r, _ := hiddenWithin(hiddenAsync(c, "PING"), time.Second)
		return r.err == nil
	}) {
		t.Fatalf("Redis came up but the client never connected: keep retrying on a state timeout")
	}
}

// A process that sleeps between reconnection attempts answers nobody while
// it sleeps. The machine must go back to its mailbox and let a state timeout
// wake it.
func TestStateMachineAnswersWhileDisconnected(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	srv.Close() // Redis is down from the start: the first dial fails at once
	// The backoff is long and the budget short beside it, but not tight:
	// a sleeping process is silent for up to a whole second, while a
	// loaded machine may delay a prompt answer by tens of milliseconds.
	backoff := Backoff{Min: time.Second, Max: time.Second}
	c := hiddenStartMachine(t, srv.Addr(), backoff)
	// Restart before the client's Close (cleanups run last-in first-out), so
	// that a client stuck in a reconnect loop gets out of it.
	t.Cleanup(srv.Restart)
	const budget = 300 * time.Millisecond
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for i := range 12 { // ~300ms, inside the first backoff period
		r, ok := hiddenWithin(hiddenAsync(c, "PING"), budget)
		if !ok {
			t.Fatalf("call %d while Redis was down got no answer within %v (backoff %v). Is the process "+
				"sleeping (or looping) until it reconnects? A sleeping process answers nobody: return to the "+
				"mailbox with an actor.StateTimeout and try again when it fires", i, budget, backoff.Min)
		}
		if r.err == nil {
			t.Fatalf("call %d returned (%#v, nil) with Redis down", i, r.v)
		}
		<-tick.C
	}
}

func TestStateMachineBacksOff(t *testing.T) {
	hiddenLeakCheck(t)
	f := hiddenStartFlapper(t) // accepts every connection and closes it at once
	const min = 20 * time.Millisecond
	c := hiddenStartMachine(t, f.l.Addr().String(), Backoff{Min: min, Max: min})
	const attempts = 6
	if !hiddenEventually(2*time.Second, func() bool { return len(f.accepted()) >= attempts }) {
		t.Fatalf("the client connected only %d times in 2s to a server that drops every connection; "+
			"it should keep reconnecting every %v", len(f.accepted()), min)
	}
	times := f.accepted()[:attempts]
	spent := times[attempts-1].Sub(times[0])
	if spent < (attempts-1)*min*8/10 {
		t.Fatalf("%d connection attempts came within %v to a server that drops every connection, but "+
			"Backoff.Min is %v: after losing the connection, wait the backoff (a StateTimeout) before "+
			"dialing again instead of retrying at once", attempts, spent, min)
	}
	_ = c
}
