package actor

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

// counter is a small GenServer used by the tests.
type counter struct {
	BaseServer
	n          int
	waiting    []From // deferred replies to "wait-for-3"
	terminated chan error
}

type (
	incr       struct{}
	get        struct{}
	waitFor3   struct{}
	crash      struct{ err error }
	panicCall  struct{}
	neverReply struct{}
	whoAmI     struct{}
)

func (c *counter) HandleCall(p *Process, req any, from From) (any, error) {
	switch r := req.(type) {
	case get:
		return c.n, nil
	case waitFor3:
		if c.n >= 3 {
			return c.n, nil
		}
		c.waiting = append(c.waiting, from)
		return NoReply, nil
	case crash:
		return nil, r.err
	case panicCall:
		panic("handler bug")
	case neverReply:
		return NoReply, nil
	case whoAmI:
		return from.PID(), nil
	}
	return c.BaseServer.HandleCall(p, req, from)
}

func (c *counter) HandleCast(p *Process, msg any) error {
	if _, ok := msg.(incr); ok {
		c.n++
		if c.n == 3 {
			for _, f := range c.waiting {
				Reply(f, c.n)
			}
		}
	}
	return nil
}

func (c *counter) HandleInfo(p *Process, msg any) error {
	if msg == "incr" {
		c.n++
	}
	return nil
}

func (c *counter) Terminate(p *Process, reason error) {
	if c.terminated != nil {
		c.terminated <- reason
	}
}

func TestServerCallCastInfo(t *testing.T) {
	pid, err := StartServer(&counter{})
	if err != nil {
		t.Fatal(err)
	}
	Cast(pid, incr{})
	Send(pid, "incr")
	if n, err := Call(pid, get{}, time.Second); err != nil || n != 2 {
		t.Fatalf("Call(get) = %v, %v; want 2 after a cast and an info message", n, err)
	}
	if err := Stop(pid, nil, time.Second); err != nil {
		t.Fatal(err)
	}
	noProcessesLeft(t)
}

func TestServerDeferredReply(t *testing.T) {
	pid, _ := StartServer(&counter{})
	defer Stop(pid, nil, time.Second)
	results := make(chan any, 2)
	for range 2 {
		go func() {
			v, err := Call(pid, waitFor3{}, 5*time.Second)
			if err != nil {
				v = err
			}
			results <- v
		}()
	}
	// Both callers must be parked in the server before the casts.
	eventually(t, "two deferred calls are pending", func() bool { return pendingCalls(pid) == 2 })
	for range 3 {
		Cast(pid, incr{})
	}
	for range 2 {
		if v := <-results; v != 3 {
			t.Fatalf("deferred reply = %v, want 3", v)
		}
	}
}

// pendingCalls counts a server's unanswered calls.
func pendingCalls(pid PID) int {
	pid.p.mu.Lock()
	defer pid.p.mu.Unlock()
	n := 0
	for c := pid.p.calls; c != nil; c = c.next {
		n++
	}
	return n
}

func TestCallTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pid, _ := StartServer(&counter{})
		start := time.Now()
		_, err := Call(pid, neverReply{}, 50*time.Millisecond)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("Call to a server that never replies = %v, want ErrTimeout", err)
		}
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Fatalf("timed out after %v, want 50ms", d)
		}
		if n := pendingCalls(pid); n != 0 {
			t.Fatalf("%d calls still pending after the timeout", n)
		}
		if err := Stop(pid, nil, time.Second); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCallDeadServer(t *testing.T) {
	pid, _ := StartServer(&counter{})
	Stop(pid, nil, time.Second)
	_, err := Call(pid, get{}, time.Second)
	if !errors.Is(err, NoProc) {
		t.Fatalf("Call to a stopped server = %v, want NoProc", err)
	}
	if _, err := Call(PID{}, get{}, time.Second); !errors.Is(err, NoProc) {
		t.Fatalf("Call to the zero pid = %v, want NoProc", err)
	}
}

func TestCallServerDiesDuringCall(t *testing.T) {
	boom := errors.New("boom")
	term := make(chan error, 1)
	pid, _ := StartServer(&counter{terminated: term})
	_, err := Call(pid, crash{boom}, Infinity)
	if !errors.Is(err, NoProc) || !errors.Is(err, boom) {
		t.Fatalf("Call that stops the server = %v, want NoProc and boom", err)
	}
	if r := <-term; r != boom {
		t.Fatalf("Terminate got %v, want boom", r)
	}

	pid, _ = StartServer(&counter{terminated: term})
	_, err = Call(pid, panicCall{}, Infinity)
	var pe *PanicError
	if !errors.As(err, &pe) || !errors.Is(err, NoProc) {
		t.Fatalf("Call whose handler panics = %v, want a PanicError and NoProc", err)
	}
	if r := <-term; !errors.As(r, &pe) {
		t.Fatalf("Terminate after a panic got %v, want the PanicError", r)
	}
}

func TestCallNeverHangsOnKilledServer(t *testing.T) {
	defer goleak.VerifyNone(t)
	pid, _ := StartServer(&counter{})
	errs := make(chan error, 1)
	go func() {
		_, err := Call(pid, neverReply{}, Infinity)
		errs <- err
	}()
	eventually(t, "the call is pending", func() bool { return pendingCalls(pid) == 1 })
	Exit(pid, Kill)
	if err := <-errs; !errors.Is(err, NoProc) || !errors.Is(err, Killed) {
		t.Fatalf("Call pending while the server is killed = %v, want NoProc and Killed", err)
	}
	noProcessesLeft(t)
}

func TestStopRunsTerminate(t *testing.T) {
	term := make(chan error, 1)
	pid, _ := StartServer(&counter{terminated: term})
	if err := Stop(pid, Shutdown, time.Second); err != nil {
		t.Fatal(err)
	}
	if r := <-term; r != Shutdown {
		t.Fatalf("Terminate got %v, want Shutdown", r)
	}
	if err := Stop(pid, nil, time.Second); !errors.Is(err, NoProc) {
		t.Fatalf("Stop of a dead server = %v, want NoProc", err)
	}
	plain := Spawn(func(p *Process) error { _, err := p.Receive(Infinity); return err })
	if err := Stop(plain, nil, time.Second); err == nil || !strings.Contains(err.Error(), "Exit") {
		t.Fatalf("Stop of a plain process = %v, want an error pointing to Exit", err)
	}
	Exit(plain, Kill)
	noProcessesLeft(t)
}

type failingInit struct {
	BaseServer
	err error
}

func (f failingInit) Init(p *Process) error {
	if f.err == nil {
		panic("init bug")
	}
	return f.err
}

func TestInitFailure(t *testing.T) {
	boom := errors.New("boom")
	if _, err := StartServer(failingInit{err: boom}); !errors.Is(err, boom) {
		t.Fatalf("StartServer with failing Init = %v, want boom", err)
	}
	var pe *PanicError
	if _, err := StartServer(failingInit{}); !errors.As(err, &pe) {
		t.Fatalf("StartServer with panicking Init = %v, want a PanicError", err)
	}
	// A linked start whose Init fails returns the error; the caller lives.
	mustRun(t, func(p *Process) error {
		if _, err := p.StartLinkServer(failingInit{err: boom}); !errors.Is(err, boom) {
			return fmt.Errorf("StartLinkServer = %v, want boom", err)
		}
		if _, err := p.StartLinkServer(failingInit{}); !errors.As(err, &pe) {
			return fmt.Errorf("StartLinkServer with panicking Init = %v", err)
		}
		return nil
	})
	noProcessesLeft(t)
}

func TestServerName(t *testing.T) {
	pid, err := StartServer(&counter{}, Name("counter"))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := WhereIs("counter"); !ok || got != pid {
		t.Fatalf("WhereIs(counter) = %v, %v", got, ok)
	}
	if _, err := StartServer(&counter{}, Name("counter")); !errors.Is(err, ErrAlreadyRegistered) {
		t.Fatalf("second server with the same name: %v, want ErrAlreadyRegistered", err)
	}
	mustRun(t, func(p *Process) error {
		if _, err := p.StartLinkServer(&counter{}, Name("counter")); !errors.Is(err, ErrAlreadyRegistered) {
			return fmt.Errorf("StartLinkServer with a taken name: %v, want ErrAlreadyRegistered", err)
		}
		return nil // and the failed start did not kill us through the link
	})
	Stop(pid, nil, time.Second)
	noProcessesLeft(t)
}

func TestParentExitTerminatesTrappingServer(t *testing.T) {
	term := make(chan error, 1)
	mustRun(t, func(p *Process) error {
		p.TrapExit(true) // the server's exit comes back over the link
		pid, err := p.StartLinkServer(&trapping{counter{terminated: term}})
		if err != nil {
			return err
		}
		ref := p.Monitor(pid)
		p.Exit(pid, Shutdown)
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if d.Reason != Shutdown {
			return fmt.Errorf("server exited with %v, want Shutdown", d.Reason)
		}
		return nil
	})
	if r := <-term; r != Shutdown {
		t.Fatalf("Terminate got %v, want Shutdown", r)
	}
}

type trapping struct{ counter }

func (s *trapping) Init(p *Process) error {
	p.TrapExit(true)
	return nil
}

func TestProcessCallIdentifiesCaller(t *testing.T) {
	pid, _ := StartServer(&counter{})
	defer Stop(pid, nil, time.Second)
	mustRun(t, func(p *Process) error {
		who, err := p.Call(pid, whoAmI{}, time.Second)
		if err != nil || who != p.Self() {
			return fmt.Errorf("From.PID() = %v, %v; want the calling process", who, err)
		}
		if _, err := p.Call(p.Self(), get{}, time.Second); err == nil {
			return errors.New("calling oneself did not fail")
		}
		return nil
	})
	if who, _ := Call(pid, whoAmI{}, time.Second); who != (PID{}) {
		t.Fatalf("package-level Call: From.PID() = %v, want zero", who)
	}
}

// stuckServer blocks in HandleCall on a channel it never selects with
// its context: the worst case for Kill.
type stuckServer struct {
	BaseServer
	entered, release chan struct{}
}

func (s *stuckServer) HandleCall(p *Process, req any, from From) (any, error) {
	close(s.entered)
	<-s.release
	return "too late", nil
}

func TestKillServerStuckInHandler(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := &stuckServer{entered: make(chan struct{}), release: make(chan struct{})}
	pid, _ := StartServer(s, Name("stuck"))
	callErr := make(chan error, 1)
	go func() {
		_, err := Call(pid, "work", Infinity)
		callErr <- err
	}()
	<-s.entered
	mustRun(t, func(p *Process) error {
		ref := p.Monitor(pid)
		Exit(pid, Kill)
		d, err := receiveDown(p, ref)
		if err != nil || d.Reason != Killed {
			return fmt.Errorf("Down = %+v, %v; want Killed at once", d, err)
		}
		return nil
	})
	if err := <-callErr; !errors.Is(err, Killed) || !errors.Is(err, NoProc) {
		t.Fatalf("the pending Call returned %v; want it failed at once with Killed", err)
	}
	if _, ok := WhereIs("stuck"); ok {
		t.Fatal("the killed server kept its name")
	}
	var zombie bool
	for _, pi := range Processes() {
		zombie = zombie || (pi.PID == pid && pi.Status == Zombie && pi.Kind == "server")
	}
	if !zombie {
		t.Fatal("the server stuck in HandleCall is not shown as a zombie")
	}
	close(s.release) // its handler returns; the reply goes nowhere
	noProcessesLeft(t)
}

// panickyTerminate stops on any cast, then panics in Terminate.
type panickyTerminate struct {
	BaseServer
	calls chan struct{}
}

func (s *panickyTerminate) HandleCast(p *Process, msg any) error { return errors.New("stop") }
func (s *panickyTerminate) Terminate(p *Process, reason error) {
	s.calls <- struct{}{}
	panic("terminate bug")
}

// A Terminate that panics runs once, and its panic is the exit reason
// (OTP: a crash in terminate/2 becomes the exit reason).
func TestTerminatePanicRunsOnce(t *testing.T) {
	s := &panickyTerminate{calls: make(chan struct{}, 2)}
	pid, err := StartServer(s)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, func(p *Process) error {
		ref := p.Monitor(pid)
		Cast(pid, "stop")
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if pe, ok := d.Reason.(*PanicError); !ok || pe.Value != "terminate bug" {
			return fmt.Errorf("exit reason %v, want the panic in Terminate", d.Reason)
		}
		return nil
	})
	if n := len(s.calls); n != 1 {
		t.Fatalf("Terminate ran %d times, want once", n)
	}
}

// diesAfterInit succeeds in Init, then stops on the message Init sent
// itself: StartServer must still report the successful start.
type diesAfterInit struct{ BaseServer }

func (diesAfterInit) Init(p *Process) error {
	Send(p.Self(), "die")
	return nil
}

func (diesAfterInit) HandleInfo(p *Process, msg any) error { return errors.New("died after init") }

func TestStartSucceedsEvenIfServerDiesAtOnce(t *testing.T) {
	for i := range 5000 {
		if pid, err := StartServer(diesAfterInit{}); err != nil || pid.IsZero() {
			t.Fatalf("start #%d = %v, %v; Init succeeded, so the start did", i, pid, err)
		}
	}
	noProcessesLeft(t)
}

// A caller killed while blocked in Call stops waiting at once (in OTP the
// call dies with its process), and Call returns the caller's own reason.
func TestCallEndsWhenCallerDies(t *testing.T) {
	server, _ := StartServer(&counter{})
	defer Stop(server, Normal, Infinity)
	callers := make(chan PID, 1)
	errs := make(chan error, 1)
	Spawn(func(p *Process) error {
		callers <- p.Self()
		_, err := p.Call(server, neverReply{}, Infinity)
		errs <- err
		return err
	})
	caller := <-callers
	eventually(t, "the call is pending", func() bool { return pendingCalls(server) == 1 })
	Exit(caller, Kill)
	select {
	case err := <-errs:
		if !errors.Is(err, Killed) {
			t.Fatalf("Call of a killed caller = %v, want its exit reason Killed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a caller killed while blocked in Call was still waiting for the reply 5s later")
	}
	eventually(t, "the server forgot the dead caller's call", func() bool { return pendingCalls(server) == 0 })
}

// A caller linked to a server that crashes during the call is dead by the
// time Call returns, as in OTP where the link kills it first.
func TestLinkedCallerIsDeadWhenCallReturns(t *testing.T) {
	boom := errors.New("boom")
	type result struct {
		err   error
		alive bool
	}
	results := make(chan result, 1)
	Spawn(func(p *Process) error {
		server, err := p.StartLinkServer(&counter{})
		if err != nil {
			return err
		}
		_, err = p.Call(server, crash{boom}, Infinity)
		results <- result{err, Alive(p.Self())}
		return nil
	})
	r := <-results
	if r.alive || !errors.Is(r.err, boom) {
		t.Fatalf("Call to a linked server crashing with boom returned %v with the caller alive=%v; want boom with the caller already dead", r.err, r.alive)
	}
	noProcessesLeft(t)
}
