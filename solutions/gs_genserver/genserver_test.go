package genserver

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// zzCounter is a test server: its state is an int.
type zzCounter struct {
	initStarted chan struct{} // if set, Init signals here ...
	gate        chan struct{} // ... then waits for this to close
	castGate    chan struct{} // if set, HandleCast("block") waits for this
	callGate    chan struct{} // if set, HandleCall("slow") waits for this
}

func (c *zzCounter) Init(arg any) (any, error) {
	if c.initStarted != nil {
		close(c.initStarted)
		<-c.gate
	}
	if err, ok := arg.(error); ok {
		return nil, err
	}
	return arg, nil
}

func (c *zzCounter) HandleCall(req any, state any) (any, any) {
	n := state.(int)
	switch req {
	case "get":
		return n, n
	case "inc":
		return n + 1, n + 1
	case "slow":
		<-c.callGate
		return "slow reply", n
	case "ping":
		return "pong", n
	case "boom":
		// If the server does not recover, this panic ends the whole test
		// binary, so its value is the only message the learner sees.
		panic("boom: the test's HandleCall panicked on purpose. If this panic ended the tests, your server's loop " +
			"does not recover: defer a recover() in the loop's goroutine so that a crashing callback ends only " +
			"this server, and its caller gets an error from Call (ErrNoProc) instead of a reply")
	}
	return fmt.Sprintf("unexpected request %v", req), n
}

func (c *zzCounter) HandleCast(msg any, state any) any {
	n := state.(int)
	switch m := msg.(type) {
	case int:
		return n + m
	case string:
		if m == "block" {
			<-c.castGate
		}
	}
	return n
}

// zzInfoCounter also implements HandleInfo: it keeps every plain message.
type zzInfoCounter struct{ zzCounter }

type zzInfoState struct {
	n     int
	infos []any
}

func (c *zzInfoCounter) Init(arg any) (any, error) { return zzInfoState{}, nil }

func (c *zzInfoCounter) HandleCall(req any, state any) (any, any) {
	st := state.(zzInfoState)
	return append([]any(nil), st.infos...), st
}

func (c *zzInfoCounter) HandleCast(msg any, state any) any { return state }

func (c *zzInfoCounter) HandleInfo(msg any, state any) any {
	st := state.(zzInfoState)
	st.infos = append(st.infos, msg)
	return st
}

func zzMustStart(t *testing.T, cb Callbacks, arg any, opts ...Option) *Server {
	t.Helper()
	var s *Server
	var err error
	if !zzWithin(t, time.Second, "Start did not return; does it wait for a signal that Init never sends?", func() {
		s, err = Start(cb, arg, opts...)
	}) {
		t.FailNow()
	}
	if err != nil {
		t.Fatalf("Start returned error %v; want a running server", err)
	}
	if s == nil {
		t.Fatal("Start returned a nil *Server and no error")
	}
	return s
}

func TestStartWaitsForInit(t *testing.T) {
	defer zzNoLeaks(t)()
	c := &zzCounter{initStarted: make(chan struct{}), gate: make(chan struct{})}
	type result struct {
		s   *Server
		err error
	}
	res := make(chan result, 1)
	go func() {
		s, err := Start(c, 41)
		res <- result{s, err}
	}()
	select {
	case <-c.initStarted:
	case <-time.After(time.Second):
		close(c.gate)
		t.Fatal("Init was not called within 1s of Start; Start must run Init in the server's goroutine")
	}
	// Init is held at the gate. A Start that does not wait for it returns
	// now, but the goroutine that called it may not have run since Init
	// began: give it a moment. A Start that waits never returns here.
	select {
	case r := <-res:
		close(c.gate)
		if r.s != nil {
			_ = r.s.Stop()
		}
		t.Fatal("Start returned while Init was still running; Start must wait until Init has finished (like GenServer.start_link waits for init/1)")
	case <-time.After(200 * time.Millisecond):
	}
	close(c.gate)
	var r result
	select {
	case r = <-res:
	case <-time.After(time.Second):
		t.Fatal("Start did not return after Init finished; does Init's result reach Start?")
	}
	if r.err != nil {
		t.Fatalf("Start returned error %v; want nil", r.err)
	}
	defer zzStopServer(t, r.s)
	got, err := r.s.Call("get", time.Second)
	if err != nil {
		t.Fatalf("Call(\"get\") returned error %v", err)
	}
	if got != 41 {
		t.Fatalf("Call(\"get\") = %v; want 41, the state Init returned for Start(cb, 41)", got)
	}
}

func TestStartReturnsInitError(t *testing.T) {
	defer zzNoLeaks(t)()
	boom := errors.New("cannot init")
	var s *Server
	var err error
	if !zzWithin(t, time.Second, "Start did not return when Init failed", func() { s, err = Start(&zzCounter{}, boom) }) {
		return
	}
	if err == nil {
		if s != nil {
			_ = s.Stop()
		}
		t.Fatal("Init returned an error but Start returned nil; Start must wait for Init and return its error")
	}
	if !errors.Is(err, boom) {
		t.Errorf("Start returned %v; want an error wrapping Init's error (errors.Is(err, initErr))", err)
	}
	if s != nil {
		t.Errorf("Start returned a server along with error %v; want nil: the server never ran", err)
	}
}

func TestCallReplies(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStart(t, &zzCounter{}, 0)
	defer zzStopServer(t, s)
	got, err := s.Call("ping", time.Second)
	if err != nil || got != "pong" {
		t.Fatalf("Call(\"ping\") = %v, %v; want \"pong\", nil: the reply is what HandleCall returns", got, err)
	}

	// Calls from many goroutines are handled one at a time by the server,
	// so no increment is lost (and -race sees no data race on the state).
	const goroutines, calls = 20, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	for range goroutines {
		wg.Go(func() {
			for range calls {
				if _, err := s.Call("inc", time.Second); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Call(\"inc\") failed: %v", err)
	}
	got, err = s.Call("get", time.Second)
	if err != nil {
		t.Fatalf("Call(\"get\") returned error %v", err)
	}
	if got != goroutines*calls {
		t.Fatalf("after %d concurrent increments the state is %v; the server must handle one message at a time and keep the state HandleCall returns", goroutines*calls, got)
	}
}

func TestCastIsAsync(t *testing.T) {
	defer zzNoLeaks(t)()
	c := &zzCounter{castGate: make(chan struct{})}
	s := zzMustStart(t, c, 0)
	defer zzStopServer(t, s)

	s.Cast(5)
	got, err := s.Call("get", time.Second)
	if err != nil {
		t.Fatalf("Call after Cast returned error %v", err)
	}
	if got != 5 {
		t.Fatalf("Cast(5) then Call(\"get\") = %v; want 5: casts go through HandleCast, in order with calls, and the loop must keep the state HandleCast returns", got)
	}

	// HandleCast("block") waits on castGate: Cast must not wait for it.
	ok := zzWithin(t, time.Second, "Cast waited for HandleCast to finish; a cast must return as soon as the message is in the mailbox", func() {
		s.Cast("block")
	})
	close(c.castGate)
	if !ok {
		return
	}
}

func TestCallTimeout(t *testing.T) {
	defer zzNoLeaks(t)()
	c := &zzCounter{callGate: make(chan struct{})}
	s := zzMustStart(t, c, 0)
	defer zzWithin(t, time.Second, "Stop did not return: the server never took the stop request. After the timed-out Call, "+
		"is its loop still stuck sending that call's reply, which nobody will ever receive? Give each call a buffered "+
		"reply channel (make(chan any, 1)) so the send always completes", func() { _ = s.Stop() })

	var err error
	ok := zzWithin(t, time.Second, "Call(\"slow\", 20ms) did not time out; wait for the reply OR the timeout (select with a timer)", func() {
		_, err = s.Call("slow", 20*time.Millisecond)
	})
	close(c.callGate) // let the server finish the slow call
	if !ok {
		return
	}
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Call to a server busy past the timeout returned %v; want ErrTimeout", err)
	}

	// The late reply to the timed-out call must neither block the server
	// nor be taken as the answer to the next call.
	var got any
	if !zzWithin(t, time.Second, "after a timed-out Call the server is stuck; can it always deliver a reply nobody waits for? (a buffered reply channel)", func() {
		got, err = s.Call("ping", time.Second)
	}) {
		return
	}
	if errors.Is(err, ErrTimeout) {
		t.Fatalf("Call(\"ping\") after a timed-out call timed out too: the server is stuck, most likely sending the " +
			"first call's reply, which nobody receives any more. A buffered reply channel (make(chan any, 1)) lets that send complete")
	}
	if err != nil {
		t.Fatalf("Call(\"ping\") after a timeout returned error %v", err)
	}
	if got != "pong" {
		t.Fatalf("Call(\"ping\") after a timed-out call got %v; want \"pong\": each call needs its own reply channel", got)
	}
}

func TestUnknownMessageGoesToHandleInfo(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStart(t, &zzInfoCounter{}, nil)
	defer zzStopServer(t, s)

	s.Send("hello")
	s.Send(42)
	got, err := s.Call("infos", time.Second)
	if err != nil {
		t.Fatalf("Call returned error %v", err)
	}
	infos := got.([]any)
	if len(infos) != 2 || infos[0] != "hello" || infos[1] != 42 {
		t.Fatalf("after Send(\"hello\") and Send(42), HandleInfo saw %v; want [hello 42]: messages that are neither calls nor casts go to HandleInfo, in order", infos)
	}
}

func TestUnknownMessageIsLogged(t *testing.T) {
	defer zzNoLeaks(t)()
	logger, logs := zzNewTestLogger()
	s := zzMustStart(t, &zzCounter{}, 0, WithLogger(logger))
	defer zzStopServer(t, s)

	s.Send("a-stranger")
	got, err := s.Call("ping", time.Second)
	if err != nil || got != "pong" {
		t.Fatalf("after an unknown message, Call(\"ping\") = %v, %v; want \"pong\": an unknown message must not stop the server", got, err)
	}
	out := logs.String()
	if !strings.Contains(strings.ToLower(out), "unknown message") {
		t.Fatalf("the server got a message it has no HandleInfo for and logged %q; want a log line saying \"unknown message\" (use the WithLogger logger)", out)
	}
	if !strings.Contains(out, "a-stranger") {
		t.Errorf("the unknown-message log %q does not show the message; log the message itself so whoever reads it knows what arrived", out)
	}
}

// zzDeadTries is how often TestCallToStoppedServer calls and stops a dead
// server: a wrong select takes the lucky case each time with probability
// 1/2, so all of them with 2^-32 (while the dead server's mailbox has room
// for the wrong case: the first wrong pick already fails the test).
const zzDeadTries = 32

// zzDeadSends is how many casts and sends TestCallToStoppedServer makes to a
// dead server: more than any sensible mailbox holds.
const zzDeadSends = 1000

func TestCallToStoppedServer(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStart(t, &zzCounter{}, 0)
	var err error
	if !zzWithin(t, time.Second, "Stop did not return", func() { err = s.Stop() }) {
		return
	}
	if err != nil {
		t.Fatalf("Stop on a running server returned %v; want nil", err)
	}

	// A dead server's mailbox still has room, and a select with several
	// ready cases picks one at random: a Call or Stop that takes the
	// mailbox case may be lucky once, not zzDeadTries times in a row.
	for range zzDeadTries {
		if !zzWithin(t, time.Second, "Call(req, 10s) on a stopped server is still waiting; it must fail at once with ErrNoProc, not wait for its timeout "+
			"(after sending, wait for the reply, the timeout OR the server's done channel)", func() {
			_, err = s.Call("ping", 10*time.Second)
		}) {
			break
		}
		if !errors.Is(err, ErrNoProc) {
			t.Errorf("Call on a stopped server returned %v; want ErrNoProc", err)
			break
		}
	}
	for range zzDeadTries {
		if !zzWithin(t, time.Second, "a second Stop blocks", func() { err = s.Stop() }) {
			break
		}
		if !errors.Is(err, ErrNoProc) {
			t.Errorf("Stop on a stopped server returned %v; want ErrNoProc: check done first (a select with a default case), "+
				"because a select whose send to the mailbox and <-done are both ready picks one at random", err)
			break
		}
	}
	// Many: a plain send to a dead server succeeds until its mailbox is
	// full, then blocks for ever. After the Stops, since a full mailbox
	// would hide a Stop that takes the mailbox case.
	if zzWithin(t, time.Second, "Cast on a stopped server blocks; a cast to a dead server is dropped (select on the done channel too, not a plain send: the dead server's mailbox fills up)", func() {
		for range zzDeadSends {
			s.Cast(1)
		}
	}) {
		zzWithin(t, time.Second, "Send on a stopped server blocks; a send to a dead server is dropped (select on the done channel too, not a plain send: the dead server's mailbox fills up)", func() {
			for range zzDeadSends {
				s.Send("late")
			}
		})
	}
}

func TestCallToCrashedServer(t *testing.T) {
	defer zzNoLeaks(t)()
	logger, _ := zzNewTestLogger()
	s := zzMustStart(t, &zzCounter{}, 0, WithLogger(logger))

	var err error
	if !zzWithin(t, time.Second, "Call(\"boom\", 10s) hangs after HandleCall panicked; a Call must notice that the server died (select on a channel closed when the loop exits)", func() {
		_, err = s.Call("boom", 10*time.Second)
	}) {
		return
	}
	if err == nil {
		t.Fatal("HandleCall panicked but Call returned no error")
	}
	zzWithin(t, time.Second, "Call on a crashed server is still waiting", func() {
		_, err = s.Call("ping", 10*time.Second)
	})
	if !errors.Is(err, ErrNoProc) {
		t.Errorf("Call on a server whose callback panicked returned %v; want ErrNoProc", err)
	}
}
