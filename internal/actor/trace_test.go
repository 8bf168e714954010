package actor

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// traceScenario does one of each traced thing from process main and
// returns main's pid and the pids it worked with.
func traceScenario(t *testing.T) (main PID, peers map[string]PID) {
	t.Helper()
	peers = make(map[string]PID)
	boom := errors.New("boom")
	err := Run(func(p *Process) error {
		main = p.Self()
		if err := Register("tracer-main", main); err != nil {
			return err
		}
		srv, err := StartServer(&counter{})
		if err != nil {
			return err
		}
		peers["server"] = srv
		// A child that answers a ping, then crashes: send, receive, DOWN.
		child, _ := p.SpawnMonitor(func(c *Process) error {
			if _, err := c.Receive(Infinity); err != nil {
				return err
			}
			Send(main, "pong")
			return boom
		})
		peers["child"] = child
		Send(child, "ping")
		if _, err := p.ReceiveMatch(func(m any) bool { return m == "pong" }, Infinity); err != nil {
			return err
		}
		if _, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(Down); return ok }, Infinity); err != nil {
			return err
		}
		// Call and reply.
		if _, err := p.Call(srv, get{}, Infinity); err != nil {
			return err
		}
		// A timer.
		SendAfter(main, "tick", 0)
		if _, err := p.Receive(Infinity); err != nil {
			return err
		}
		// A DOWN flushed by Demonitor: Exit delivers it before returning.
		idle, ref := p.SpawnMonitor(func(c *Process) error { _, err := c.Receive(Infinity); return err })
		peers["idle"] = idle
		Exit(idle, Kill)
		p.Demonitor(ref, true)
		// A link, and the EXIT it brings while trapping.
		p.TrapExit(true)
		linked := p.SpawnLink(func(c *Process) error {
			_, err := c.Receive(Infinity)
			if err != nil {
				return err
			}
			return boom
		})
		peers["linked"] = linked
		Send(linked, "go")
		if _, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(ExitMsg); return ok }, Infinity); err != nil {
			return err
		}
		return Stop(srv, Normal, Infinity)
	})
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	return main, peers
}

func kindsOf(evs []TraceEvent, pid uint64) []string {
	var out []string
	for _, ev := range evs {
		if ev.PID == pid {
			out = append(out, ev.Kind.String())
		}
	}
	return out
}

func TestTraceRecordsEachKindInOrderPerProcess(t *testing.T) {
	StartTrace(0)
	main, peers := traceScenario(t)
	sup, worker := supervisedWorker(t)
	Exit(worker, Kill)
	eventually(t, "the supervisor restarted its worker", func() bool {
		kids, err := WhichChildren(sup)
		return err == nil && len(kids) == 1 && kids[0].PID != worker && !kids[0].PID.IsZero()
	})
	if err := Stop(sup, Normal, Infinity); err != nil {
		t.Fatal(err)
	}
	log := StopTrace()
	if log.Dropped != 0 {
		t.Fatalf("dropped %d events with the default capacity", log.Dropped)
	}
	evs := log.Events

	// The main process's own actions, in the order it did them.
	got := kindsOf(evs, pidID(main))
	wantMain := []string{"spawn", "register", "monitor", "send", "receive", "receive", "call", "receive",
		"monitor", "signal" /* Exit(idle, Kill) */, "drop", "link", "send", "receive", "send" /* Stop */, "exit"}
	if !slices.Equal(got, wantMain) {
		t.Errorf("main's events:\n got %v\nwant %v", got, wantMain)
	}
	child := pidID(peers["child"])
	if got, want := kindsOf(evs, child), []string{"spawn", "receive", "send", "exit", "down"}; !slices.Equal(got, want) {
		t.Errorf("child's events:\n got %v\nwant %v", got, want)
	}
	// A spawn names the function the process runs; a server runs the
	// runtime's loop, which names nothing.
	spawnSite := func(pid uint64) string {
		for _, ev := range evs {
			if ev.Kind == TraceSpawn && ev.PID == pid {
				return ev.Site
			}
		}
		t.Fatalf("no spawn of <0.%d> recorded", pid)
		return ""
	}
	if site := spawnSite(child); !strings.HasPrefix(site, "actor.traceScenario.func1.1 (trace_test.go:") {
		t.Errorf("child's spawn site = %q; want its closure in traceScenario", site)
	}
	if site := spawnSite(pidID(peers["server"])); site != "" {
		t.Errorf("server's spawn site = %q; want none (the runtime's loop)", site)
	}

	// Every kind shows up, and each message is received (or dropped) once.
	seen := make(map[TraceKind]int)
	taken := make(map[uint64]int)
	for _, ev := range evs {
		if ev.FakeClock {
			t.Errorf("%v outside any bubble has FakeClock set", ev.Kind)
		}
		seen[ev.Kind]++
		if ev.Kind == TraceReceive || ev.Kind == TraceDrop {
			taken[ev.Msg]++
		}
	}
	for k := TraceSpawn; k <= TraceChild; k++ {
		if k == TraceAlive {
			continue // added by WithAlive, not recorded
		}
		if seen[k] == 0 {
			t.Errorf("no %s event recorded", k)
		}
	}
	for id, n := range taken {
		if id == 0 || n != 1 {
			t.Errorf("message %d taken %d times (0 = unpaired receive)", id, n)
		}
	}
	// The DOWN of the crashed child carries its reason and is paired.
	for _, ev := range evs {
		if ev.Kind == TraceDown && ev.PID == child {
			if ev.Peer != pidID(main) || ev.Reason != "boom" || taken[ev.Msg] != 1 {
				t.Errorf("child's DOWN = %+v; want it to main, reason boom, received once", ev)
			}
		}
		if ev.Kind == TraceReply && ev.Peer == pidID(main) && ev.Value != "0" {
			t.Errorf("reply to main = %+v; want value 0", ev)
		}
	}
	noProcessesLeft(t)
}

// supervisedWorker starts a supervisor with one idle worker.
func supervisedWorker(t *testing.T) (sup, worker PID) {
	t.Helper()
	sup, err := StartSupervisor(SupervisorSpec{Children: []ChildSpec{{
		ID: "w",
		Start: func() (PID, error) {
			return Spawn(func(p *Process) error { _, err := p.Receive(Infinity); return err }), nil
		},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	kids, err := WhichChildren(sup)
	if err != nil || len(kids) != 1 {
		t.Fatalf("WhichChildren = %v, %v", kids, err)
	}
	return sup, kids[0].PID
}

func TestTraceRingBufferIsBounded(t *testing.T) {
	StartTrace(8)
	pid := Spawn(func(p *Process) error {
		for range 20 {
			if _, err := p.Receive(Infinity); err != nil {
				return err
			}
		}
		return nil
	})
	for i := range 20 {
		Send(pid, i)
	}
	eventually(t, "the process exited", func() bool { return !Alive(pid) })
	log := StopTrace()
	if len(log.Events) != 8 {
		t.Fatalf("kept %d events; want the capacity, 8", len(log.Events))
	}
	// spawn + 20 sends + 20 receives + exit = 42 events, 8 kept.
	if log.Dropped != 42-8 {
		t.Errorf("dropped = %d; want %d", log.Dropped, 42-8)
	}
	if last := log.Events[7]; last.Kind != TraceExit {
		t.Errorf("newest event = %v; want the exit (oldest are dropped)", last.Kind)
	}
	for i := 1; i < len(log.Events); i++ {
		if log.Events[i].Seq != log.Events[i-1].Seq+1 {
			t.Fatalf("events out of order: %v", log.Events)
		}
	}
	noProcessesLeft(t)
}

func TestTraceOffAllocatesNothing(t *testing.T) {
	StopTrace()
	p := &Process{id: 1}
	c := &call{server: p}
	var msg any = "boxed once"
	allocs := testing.AllocsPerRun(100, func() {
		traceSpawn(p, "x", nil)
		traceRun(p)
		traceRegister("x", p)
		traceSend(p, msg, traceSendStart(msg))
		traceCall(p, c)
		traceReply(c, msg)
		traceDown(p, Down{})
		traceExitMsg(p, ExitMsg{})
		traceReceive(p, 0)
		traceFlush(p, func(any) bool { return true })
		traceLink(p, PID{})
		traceMonitor(p, PID{})
		traceSignal(PID{}, p, nil)
		traceExit(p, nil)
		traceDone(p)
		traceTimer(PID{})
		traceRestart(p, PID{}, PID{}, "w", nil)
		traceChild(p, PID{}, "w")
	})
	if allocs != 0 {
		t.Errorf("hooks with tracing off allocate %v times per run; want 0", allocs)
	}
}

type readFailed struct {
	err error
	n   int
}

type node struct{ next *node }

func cyclic() *node {
	n := &node{}
	n.next = n
	return n
}

func TestTraceValueIsShortAndSafe(t *testing.T) {
	long := strings.Repeat("é", 100)
	for _, tc := range []struct {
		in   any
		want string
	}{
		{42, "42"},
		{"hi", `"hi"`},
		{errors.New("bad"), "bad"},
		{panicky{}, "?"},
		{struct{ A int }{7}, "{A:7}"},
		// fmt writes an error in an unexported field as a pointer.
		{readFailed{err: io.EOF, n: 3}, "{err:EOF n:3}"},
		{&readFailed{err: errors.New("closed")}, "&{err:closed n:0}"},
		{[]readFailed{{err: io.EOF}}, "[{err:EOF n:0}]"},
		{struct{ err error }{}, "{err:<nil>}"},
	} {
		if got := traceValue(tc.in); got != tc.want {
			t.Errorf("traceValue(%#v) = %q; want %q", tc.in, got, tc.want)
		}
	}
	// A pointer inside a message is named by its type: no address, no
	// walk into what it points at (a cycle, a connection's insides).
	if got := traceValue(cyclic()); got != "&{next:&actor.node}" {
		t.Errorf("traceValue(a cycle) = %q; want &{next:&actor.node}", got)
	}
	if got := traceValue(long); len(got) > traceValueMax+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("traceValue(long) = %q (%d bytes); want at most %d bytes and an ellipsis", got, len(got), traceValueMax)
	}
	for k := TraceSpawn; k <= TraceSignal; k++ {
		if back, ok := ParseTraceKind(k.String()); !ok || back != k {
			t.Errorf("ParseTraceKind(%q) = %v, %v", k.String(), back, ok)
		}
	}
	if _, ok := ParseTraceKind("nope"); ok {
		t.Error("ParseTraceKind accepted an unknown name")
	}
}

type panicky struct{}

func (panicky) String() string { panic(fmt.Sprint("a String method that panics")) }

// BenchmarkSendTraced, BenchmarkSendSelfTraced and BenchmarkCallTraced
// are BenchmarkSend, BenchmarkSendSelf and BenchmarkCall with tracing on
// (a small ring, so it wraps); make bench-trace reports them as ratios.
func BenchmarkSendTraced(b *testing.B) {
	StartTrace(1 << 12)
	defer StopTrace()
	BenchmarkSend(b)
}

func BenchmarkSendSelfTraced(b *testing.B) {
	StartTrace(1 << 12)
	defer StopTrace()
	BenchmarkSendSelf(b)
}

func BenchmarkCallTraced(b *testing.B) {
	StartTrace(1 << 12)
	defer StopTrace()
	BenchmarkCall(b)
}

// TestCurGoroutineIsRuntimeStacks checks the goid module's reading of
// the goroutine id against the header of runtime.Stack, which Go
// documents, on several goroutines: a Go release that moved the field
// would fail here rather than name the wrong senders.
func TestCurGoroutineIsRuntimeStacks(t *testing.T) {
	fromStack := func() uint64 {
		var buf [64]byte
		b := buf[:runtime.Stack(buf[:], false)]
		f := strings.Fields(strings.TrimPrefix(string(b), "goroutine "))
		id, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			t.Errorf("runtime.Stack header %q: %v", b, err)
		}
		return id
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, want := curGoroutine(), fromStack(); got != want {
				t.Errorf("curGoroutine() = %d; runtime.Stack says %d", got, want)
			}
		})
	}
	wg.Wait()
}

// TestStackPCsAreRuntimeCallers checks the frame-pointer walk against
// runtime.Callers: the same functions, in the same order.
func TestStackPCsAreRuntimeCallers(t *testing.T) {
	var fast, slow []string
	deepStack(5, func() {
		var pcs sitePCs
		n := stackPCs(pcs[:])
		fast = frameFuncs(pcs[:n])
		var all [len(pcs) + 1]uintptr
		n = runtime.Callers(1, all[:])
		slow = frameFuncs(all[:n])
	})
	if len(fast) < 6 || len(slow) < len(fast) || !slices.Equal(fast, slow[:len(fast)]) {
		t.Errorf("frame pointers found\n%v\nruntime.Callers found\n%v", fast, slow)
	}
}

//go:noinline
func deepStack(n int, f func()) {
	if n == 0 {
		f()
		return
	}
	deepStack(n-1, f)
}

func frameFuncs(pcs []uintptr) []string {
	var out []string
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		out = append(out, f.Function)
		if !more {
			return out
		}
	}
}

// TestTraceValueAsSent: a message is shown as it was when sent, and one
// the sender changes afterwards is read by no other goroutine (run with
// -race): values that could change are rendered at once, only immutable
// copies later.
func TestTraceValueAsSent(t *testing.T) {
	type inertMsg struct {
		N    int
		Name string
	}
	type withSlice struct{ Items []int }
	StartTrace(0)
	got := make(chan any, 4)
	pid := Spawn(func(p *Process) error {
		for range 4 {
			m, err := p.Receive(Infinity)
			if err != nil {
				return err
			}
			got <- m
		}
		return nil
	})
	items := []int{1, 2}
	counts := map[string]int{"a": 1}
	Send(pid, withSlice{items})
	Send(pid, counts)
	Send(pid, inertMsg{7, "x"})
	Send(pid, &inertMsg{8, "y"})
	items[0] = 99 // the sender keeps writing what it sent
	counts["a"] = 2
	for range 4 {
		<-got
	}
	eventually(t, "the receiver exited", func() bool { return !Alive(pid) })
	var values []string
	for _, ev := range StopTrace().Events {
		if ev.Kind == TraceSend {
			values = append(values, ev.Type+" "+ev.Value)
		}
	}
	want := []string{"actor.withSlice {Items:[1 2]}", "map[string]int map[a:1]",
		"actor.inertMsg {N:7 Name:x}", "*actor.inertMsg &{N:8 Name:y}"}
	if !slices.Equal(values, want) {
		t.Errorf("sends recorded as\n%q\nwant\n%q", values, want)
	}
	noProcessesLeft(t)
}

// TestTracePairsEachReceiveWithItsSend: many senders, one receiver that
// takes messages out of order (selective receive) and in order; each
// receive names the send that put its message in the mailbox.
func TestTracePairsEachReceiveWithItsSend(t *testing.T) {
	type m struct{ From, N int }
	const senders, each = 4, 200
	StartTrace(0)
	var took []any // written by the receiver, read after it exited
	pid := Spawn(func(p *Process) error {
		// First the last message of sender 0, wherever it is, then all the rest.
		x, err := p.ReceiveMatch(func(x any) bool { return x == m{0, each - 1} }, Infinity)
		if err != nil {
			return err
		}
		took = append(took, x)
		for range senders*each - 1 {
			x, err := p.Receive(Infinity)
			if err != nil {
				return err
			}
			took = append(took, x)
		}
		return nil
	})
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for n := range each {
				Send(pid, m{s, n})
			}
		})
	}
	wg.Wait()
	eventually(t, "the receiver took every message", func() bool { return !Alive(pid) })
	noProcessesLeft(t) // the receiver's writes to took happen before this returns
	log := StopTrace()
	sent := make(map[uint64]string)
	i := 0
	for _, ev := range log.Events {
		switch ev.Kind {
		case TraceSend:
			sent[ev.Msg] = ev.Value
		case TraceReceive:
			v, ok := sent[ev.Msg]
			if !ok {
				t.Fatalf("receive %+v names no send", ev)
			}
			if want := fmt.Sprintf("%+v", took[i]); v != want {
				t.Fatalf("receive %d took %s but names the send of %s", i, want, v)
			}
			delete(sent, ev.Msg)
			i++
		}
	}
	if len(sent) != 0 || i != senders*each || log.Dropped != 0 {
		t.Errorf("%d sends never received, %d receives, %d events dropped", len(sent), i, log.Dropped)
	}
}

// TestTraceTimesInsideSynctest: in a testing/synctest bubble the clock is
// fake (it starts in 2000); times recorded there follow it from the
// bubble's start, never negative, so a trace file of a test that uses
// synctest is still readable, and a wait shows as the test saw it.
func TestTraceTimesInsideSynctest(t *testing.T) {
	StartTrace(0)
	synctest.Test(t, func(t *testing.T) {
		pid := Spawn(func(p *Process) error {
			time.Sleep(time.Second) // fake: the bubble's clock jumps
			_, err := p.Receive(Infinity)
			return err
		})
		Send(pid, "late")
		synctest.Wait()
		time.Sleep(2 * time.Second)
		synctest.Wait()
	})
	log := StopTrace()
	var wait time.Duration
	for _, ev := range log.Events {
		if ev.At < 0 || ev.At > time.Hour {
			t.Errorf("%v at %v: want the time since the bubble started", ev.Kind, ev.At)
		}
		if !ev.FakeClock {
			t.Errorf("%v in a bubble: FakeClock is false", ev.Kind)
		}
		if ev.Kind == TraceReceive {
			wait = ev.Wait
		}
	}
	if wait != time.Second {
		t.Errorf("the message waited %v in the mailbox by the bubble's clock; want 1s", wait)
	}
}

// TestTraceWrapKeepsAllSinceAMoment: goroutines in different shards of
// the recorder, each sending in turn, wrap a small ring many times. What
// is kept must be the newest events, with no hole: each sender's kept
// sends are its last ones, consecutive, and every kept receive comes
// after its send when that is kept too.
func TestTraceWrapKeepsAllSinceAMoment(t *testing.T) {
	type m struct{ From, N int }
	const senders, each, capacity = 6, 300, 100
	StartTrace(capacity)
	pid := Spawn(func(p *Process) error {
		for range senders * each {
			if _, err := p.Receive(Infinity); err != nil {
				return err
			}
		}
		return nil
	})
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for n := range each {
				Send(pid, m{s, n})
			}
		})
	}
	wg.Wait()
	eventually(t, "the receiver took every message", func() bool { return !Alive(pid) })
	log := StopTrace()
	// spawn + sends + receives + exit. Shards fill at their own pace, so
	// the ring may keep a few fewer than capacity (older than an event
	// already dropped): 93 to 100 in 90 runs here.
	total := uint64(2 + 2*senders*each)
	if kept := uint64(len(log.Events)); kept > capacity || kept < capacity/2 || log.Dropped != total-kept {
		t.Fatalf("kept %d, dropped %d of %d; want at most %d kept (and not under half), the rest counted dropped", kept, log.Dropped, total, capacity)
	}
	last := make(map[int]int) // sender -> last N kept
	sendAt := make(map[uint64]int)
	for i, ev := range log.Events {
		if ev.Seq != log.Dropped+uint64(i)+1 {
			t.Fatalf("event %d has Seq %d; want %d", i, ev.Seq, log.Dropped+uint64(i)+1)
		}
		switch ev.Kind {
		case TraceSend:
			var from, n int
			if _, err := fmt.Sscanf(ev.Value, "{From:%d N:%d}", &from, &n); err != nil {
				t.Fatalf("send value %q: %v", ev.Value, err)
			}
			if prev, ok := last[from]; ok && n != prev+1 {
				t.Fatalf("sender %d: kept send %d after %d; a hole in what was kept", from, n, prev)
			}
			last[from] = n
			sendAt[ev.Msg] = i
		case TraceReceive:
			if ev.Msg > log.Dropped {
				if j, ok := sendAt[ev.Msg]; !ok || j > i {
					t.Fatalf("receive %d of message %d comes before its send", i, ev.Msg)
				}
			}
		}
	}
	for s, n := range last {
		if n != each-1 {
			t.Errorf("sender %d: newest kept send is %d; want %d", s, n, each-1)
		}
	}
	if log.Events[len(log.Events)-1].Kind != TraceExit {
		t.Errorf("newest event is %v; want the receiver's exit", log.Events[len(log.Events)-1].Kind)
	}
	noProcessesLeft(t)
}

// TestTracedSendAllocatesNothingMore: with tracing on, a Send and its
// receive of a message rendered later (an int, a pointer-free struct)
// allocate no more than with tracing off, once the ring's chunks exist.
func TestTracedSendAllocatesNothingMore(t *testing.T) {
	type point struct{ X, Y int }
	allocs := func() (n float64) {
		err := Run(func(p *Process) error {
			self := p.Self()
			var msg any = point{1, 2} // boxed once, here
			n = testing.AllocsPerRun(200, func() {
				Send(self, msg)
				if _, err := p.Receive(Infinity); err != nil {
					t.Fatal(err)
				}
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	off := allocs()
	StartTrace(1 << 10)
	on := allocs()
	StopTrace()
	if on > off {
		t.Errorf("a traced Send and Receive allocate %v times; untraced %v", on, off)
	}
}

// selfCaller's HandleCall calls its own server with Call (not p.Call),
// the deadlock a learner writes: it can only time out.
type selfCaller struct{ BaseServer }

func (selfCaller) HandleCall(p *Process, req any, from From) (any, error) {
	if req == "outer" {
		_, err := Call(p.Self(), "inner", 10*time.Millisecond)
		return err, nil
	}
	return "inner", nil
}

// TestTracedCallInsideAProcessIsThatProcess: Call made inside a process
// is recorded as that process's, so a server calling itself is a call
// from it to itself (it was drawn from no process at all).
func TestTracedCallInsideAProcessIsThatProcess(t *testing.T) {
	StartTrace(0)
	srv, err := StartServer(selfCaller{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Call(srv, "outer", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := Stop(srv, Normal, Infinity); err != nil {
		t.Fatal(err)
	}
	log := StopTrace()
	var calls []TraceEvent
	for _, ev := range log.Events {
		if ev.Kind == TraceCall {
			calls = append(calls, ev)
		}
	}
	if len(calls) != 2 || calls[0].PID != 0 || calls[1].PID != pidID(srv) || calls[1].Peer != pidID(srv) {
		t.Fatalf("calls = %+v; want the test's (from no process) and the server's to itself", calls)
	}
	for _, ev := range log.Events {
		if ev.Kind == TraceReply && ev.Msg == calls[1].Msg && ev.Peer != pidID(srv) {
			t.Errorf("the self-call's answer went to %d; want the server %d", ev.Peer, pidID(srv))
		}
	}
	noProcessesLeft(t)
}

// TestTraceShowsAStateTimeoutAsGenStatemDoes: a state machine's timeout
// message reads as the event it is, not the runtime's fields.
func TestTraceShowsAStateTimeoutAsGenStatemDoes(t *testing.T) {
	for _, c := range []struct {
		in   timeout
		want string
	}{
		{timeout{typ: StateTimeoutEvent, msg: "reconnect"}, "{state_timeout, reconnect}"},
		{timeout{typ: TimeoutEvent, name: "flush"}, "{generic_timeout flush}"},
	} {
		if got := traceValue(c.in); got != c.want {
			t.Errorf("traceValue(%#v) = %q; want %q", c.in, got, c.want)
		}
	}
}
