package genserver

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func zzMustStartStack(t *testing.T, initial []int, opts ...Option) *Server {
	t.Helper()
	var s *Server
	var err error
	if !zzWithin(t, time.Second, "StartStack did not return", func() { s, err = StartStack(initial, opts...) }) {
		t.FailNow()
	}
	if err != nil || s == nil {
		t.Fatalf("StartStack(%v) = %v, %v; want a running server", initial, s, err)
	}
	return s
}

// zzPop pops with a deadline so a broken Pop fails the test instead of hanging it.
func zzPop(t *testing.T, s *Server) (int, error) {
	t.Helper()
	var v int
	var err error
	if !zzWithin(t, time.Second, "Pop did not return", func() { v, err = Pop(s) }) {
		t.FailNow()
	}
	return v, err
}

func TestStackPushPop(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStartStack(t, nil)
	defer zzStopServer(t, s)

	Push(s, 1)
	Push(s, 2)
	Push(s, 3)
	last := 0
	for _, want := range []int{3, 2, 1} {
		got, err := zzPop(t, s)
		if err != nil {
			t.Fatalf("Pop returned error %v; want %d", err, want)
		}
		if got != want && got == last {
			t.Fatalf("pushed 1, 2, 3 and Pop returned %d twice: a pop must remove the top, so HandleCall returns the stack without it as the new state", got)
		}
		if got != want {
			t.Fatalf("pushed 1, 2, 3 and Pop returned %d; want %d (last in, first out)", got, want)
		}
		last = got
	}
	if _, err := zzPop(t, s); !errors.Is(err, ErrEmpty) {
		t.Fatalf("Pop on an emptied stack returned %v; want ErrEmpty", err)
	}
}

func TestStackInitial(t *testing.T) {
	defer zzNoLeaks(t)()
	initial := []int{1, 2}
	s := zzMustStartStack(t, initial)
	defer zzStopServer(t, s)
	// The caller reuses its slice once StartStack has returned: the stack
	// must not change with it.
	initial[0], initial[1] = 98, 99

	Push(s, 3)
	var got []int
	for range 3 {
		v, err := zzPop(t, s)
		if err != nil {
			t.Fatalf("Pop returned error %v after StartStack([1 2]) and Push(3)", err)
		}
		got = append(got, v)
	}
	if slices.Equal(got, []int{3, 99, 98}) {
		t.Fatalf("StartStack(initial), then the caller set its own initial to [98 99], and the stack popped %v: the server's state is the caller's slice. "+
			"Copy the initial elements in Init, so that the server's state shares no memory with anyone", got)
	}
	if !slices.Equal(got, []int{3, 2, 1}) {
		t.Fatalf("StartStack([1 2]), Push(3), then three Pops gave %v; want [3 2 1] (initial elements are bottom first)", got)
	}
}

func TestStackEmptyPopKeepsServer(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStartStack(t, nil)
	defer zzStopServer(t, s)

	if _, err := zzPop(t, s); !errors.Is(err, ErrEmpty) {
		if errors.Is(err, ErrNoProc) {
			t.Fatalf("Pop on an empty stack returned %v: the server died. Did HandleCall index the empty slice (a panic)? "+
				"Check the length first and reply ErrEmpty, keeping the server running", err)
		}
		t.Fatalf("Pop on an empty stack returned %v; want ErrEmpty (and the server must keep running)", err)
	}
	Push(s, 7)
	v, err := zzPop(t, s)
	if err != nil || v != 7 {
		t.Fatalf("after a Pop on the empty stack, Push(7) then Pop gave %d, %v; want 7, nil: did popping an empty slice crash the server?", v, err)
	}
}

func TestStackConcurrentPushes(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStartStack(t, nil)
	defer zzStopServer(t, s)

	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { Push(s, i) })
	}
	wg.Wait()
	var got []int
	for range n {
		v, err := zzPop(t, s)
		if err != nil {
			t.Fatalf("after %d concurrent Pushes, Pop #%d returned %v", n, len(got)+1, err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	for i, v := range got {
		if v != i {
			t.Fatalf("%d goroutines pushed 0..%d and the pops, sorted, were %v; every value must come back exactly once", n, n-1, got)
		}
	}
	if _, err := zzPop(t, s); !errors.Is(err, ErrEmpty) {
		t.Fatalf("after popping everything, Pop returned %v; want ErrEmpty", err)
	}
}

func TestStackUnknownMessageIsLogged(t *testing.T) {
	defer zzNoLeaks(t)()
	logger, logs := zzNewTestLogger()
	s := zzMustStartStack(t, []int{9}, WithLogger(logger))
	defer zzStopServer(t, s)

	s.Send("not-a-stack-op")
	v, err := zzPop(t, s)
	if err != nil || v != 9 {
		t.Fatalf("after an unknown message, Pop = %d, %v; want 9, nil: the stack must survive messages it does not understand", v, err)
	}
	if out := logs.String(); !strings.Contains(strings.ToLower(out), "unknown message") {
		t.Fatalf("the stack got a plain message and logged %q; want \"unknown message\" (StackServer has no HandleInfo, so the server's default logs it)", out)
	}
}

func TestStackStopped(t *testing.T) {
	defer zzNoLeaks(t)()
	s := zzMustStartStack(t, []int{1})
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop returned %v", err)
	}
	if _, err := zzPop(t, s); !errors.Is(err, ErrNoProc) {
		t.Fatalf("Pop on a stopped stack returned %v; want ErrNoProc (the Call's error)", err)
	}
}
