package actor

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// fsm is a StateMachine assembled from closures, for the tests.
type fsm struct {
	BaseStateMachine
	init   Transition
	states map[string]StateFunc
	term   chan string
}

func (f *fsm) Init(p *Process) (Transition, error) { return f.init, nil }
func (f *fsm) States() map[string]StateFunc        { return f.states }
func (f *fsm) Terminate(p *Process, state string, reason error) {
	if f.term != nil {
		f.term <- state + ": " + reason.Error()
	}
}

func describe(state string, ev StateEvent) string {
	s := fmt.Sprintf("%s %s %v", state, ev.Type, ev.Content)
	if ev.Name != "" {
		s += " " + ev.Name
	}
	return s
}

func TestStateMachinePostpone(t *testing.T) {
	var j journal
	// "busy" postpones every call; "go" moves to "ready", which answers
	// the postponed calls in their original order, before later events.
	m := &fsm{init: NextState("busy"), states: map[string]StateFunc{
		"busy": func(p *Process, ev StateEvent) (Transition, error) {
			j.add(describe("busy", ev))
			if ev.Type == CastEvent && ev.Content == "go" {
				return NextState("ready"), nil
			}
			return KeepState(Postpone{}), nil
		},
		"ready": func(p *Process, ev StateEvent) (Transition, error) {
			j.add(describe("ready", ev))
			if ev.Type == CallEvent {
				return KeepState(ReplyTo{ev.From, fmt.Sprint("done ", ev.Content)}), nil
			}
			return KeepState(), nil
		},
	}}
	pid, err := StartStateMachine(m)
	if err != nil {
		t.Fatal(err)
	}
	defer Stop(pid, nil, time.Second)
	replies := make(chan any, 2)
	for i := range 2 {
		go func() {
			v, _ := Call(pid, i, 5*time.Second)
			replies <- v
		}()
		eventually(t, "the call is postponed", func() bool { return len(j.get()) == i+1 })
	}
	Send(pid, "info-before-go") // postponed too
	Cast(pid, "go")
	Cast(pid, "after")
	got := j.waitFor(t, 8)
	want := []string{
		"busy call 0", "busy call 1", "busy info info-before-go", "busy cast go",
		"ready call 0", "ready call 1", "ready info info-before-go", "ready cast after",
	}
	if !slices.Equal(got[:4], want[:4]) || !slices.Equal(got[4:8], want[4:]) {
		t.Fatalf("events = %q\nwant     %q", got, want)
	}
	r1, r2 := <-replies, <-replies
	if !(r1 == "done 0" && r2 == "done 1" || r1 == "done 1" && r2 == "done 0") {
		t.Fatalf("postponed calls answered %v, %v", r1, r2)
	}
}

func TestStateMachineNextEvent(t *testing.T) {
	var j journal
	m := &fsm{init: NextState("s"), states: map[string]StateFunc{
		"s": func(p *Process, ev StateEvent) (Transition, error) {
			j.add(describe("s", ev))
			if ev.Content == "start" {
				return NextState("t", NextEvent{Content: "first"}, NextEvent{Type: CastEvent, Content: "second"}), nil
			}
			return KeepState(), nil
		},
		"t": func(p *Process, ev StateEvent) (Transition, error) {
			j.add(describe("t", ev))
			if ev.Content == "first" {
				// Inserted ahead of "second", which is already queued.
				return KeepState(NextEvent{Content: "nested"}), nil
			}
			return KeepState(), nil
		},
	}}
	pid, _ := StartStateMachine(m)
	defer Stop(pid, nil, time.Second)
	Cast(pid, "start")
	Cast(pid, "external")
	got := j.waitFor(t, 5)
	want := []string{"s cast start", "t internal first", "t internal nested", "t cast second", "t cast external"}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %q, want %q (inserted events go before already queued ones and the mailbox, in order)", got, want)
	}
}

func TestStateTimeoutCancelledByStateChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var j journal
		m := &fsm{init: NextState("a", StateTimeout{After: time.Second, Msg: "a-expired"}), states: map[string]StateFunc{
			"a": func(p *Process, ev StateEvent) (Transition, error) {
				j.add(describe("a", ev))
				switch ev.Content {
				case "to-b":
					return NextState("b"), nil
				case "stay":
					// Same state: not a change, the state timeout keeps running.
					return NextState("a"), nil
				}
				return KeepState(), nil
			},
			"b": func(p *Process, ev StateEvent) (Transition, error) {
				j.add(describe("b", ev))
				if ev.Content == "to-a" {
					return NextState("a", StateTimeout{After: time.Second, Msg: "a-expired"}), nil
				}
				return KeepState(), nil
			},
		}}
		pid, _ := StartStateMachine(m)
		time.Sleep(500 * time.Millisecond)
		Cast(pid, "to-b")
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if got := j.get(); !slices.Equal(got, []string{"a cast to-b"}) {
			t.Fatalf("events = %q: the state timeout fired after the state changed", got)
		}
		Cast(pid, "to-a")
		time.Sleep(500 * time.Millisecond)
		Cast(pid, "stay")
		time.Sleep(600 * time.Millisecond)
		synctest.Wait()
		want := []string{"a cast to-b", "b cast to-a", "a cast stay", "a state_timeout a-expired"}
		if got := j.get(); !slices.Equal(got, want) {
			t.Fatalf("events = %q, want %q", got, want)
		}
		Stop(pid, nil, time.Second)
	})
}

func TestEventAndGenericTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var j journal
		m := &fsm{init: NextState("idle"), states: map[string]StateFunc{
			"idle": func(p *Process, ev StateEvent) (Transition, error) {
				j.add(describe("idle", ev))
				switch ev.Content {
				case "arm":
					return NextState("armed",
						EventTimeout{After: time.Second, Msg: "quiet"},
						GenericTimeout{Name: "tick", After: 3 * time.Second, Msg: "t1"},
						GenericTimeout{Name: "cancelme", After: time.Second, Msg: "never"},
					), nil
				}
				return KeepState(), nil
			},
			"armed": func(p *Process, ev StateEvent) (Transition, error) {
				j.add(describe("armed", ev))
				switch ev.Content {
				case "poke":
					return KeepState(EventTimeout{After: time.Second, Msg: "quiet"},
						GenericTimeout{Name: "cancelme", After: Infinity}), nil
				case "quiet":
					return NextState("idle"), nil // generic timers survive this
				}
				return KeepState(), nil
			},
		}}
		pid, _ := StartStateMachine(m)
		Cast(pid, "arm")
		time.Sleep(500 * time.Millisecond)
		Cast(pid, "poke") // cancels the event timeout and re-arms it
		time.Sleep(800 * time.Millisecond)
		Send(pid, "noise") // any event cancels the event timeout
		time.Sleep(5 * time.Second)
		synctest.Wait()
		want := []string{"idle cast arm", "armed cast poke", "armed info noise", "armed generic_timeout t1 tick"}
		if got := j.get(); !slices.Equal(got, want) {
			t.Fatalf("events = %q\nwant     %q", got, want)
		}
		Cast(pid, "poke")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		want = append(want, "armed cast poke", "armed timeout quiet")
		if got := j.get(); !slices.Equal(got, want) {
			t.Fatalf("events = %q\nwant     %q", got, want)
		}
		Stop(pid, nil, time.Second)
	})
}

func TestStateMachineStopAndErrors(t *testing.T) {
	term := make(chan string, 1)
	boom := errors.New("boom")
	m := &fsm{init: NextState("on"), term: term, states: map[string]StateFunc{
		"on": func(p *Process, ev StateEvent) (Transition, error) {
			switch ev.Content {
			case "bad-state":
				return NextState("nowhere"), nil
			case "fail":
				return KeepState(ReplyTo{ev.From, "bye"}), boom
			}
			return KeepState(), nil
		},
	}}
	pid, _ := StartStateMachine(m)
	if info, _ := Info(pid); info.State != "on" || info.Kind != "statemachine" {
		t.Fatalf("Info = %+v, want state on, kind statemachine", info)
	}
	if v, err := Call(pid, "fail", time.Second); v != "bye" || err != nil {
		t.Fatalf("Call that stops the machine = %v, %v; the reply action must still be sent", v, err)
	}
	if got := <-term; got != "on: boom" {
		t.Fatalf("Terminate(%q)", got)
	}
	pid, _ = StartStateMachine(m)
	Cast(pid, "bad-state")
	if got := <-term; !strings.Contains(got, `"nowhere"`) {
		t.Fatalf("Terminate(%q), want an error naming the unknown state", got)
	}
	pid, _ = StartStateMachine(m)
	if err := Stop(pid, Shutdown, time.Second); err != nil {
		t.Fatal(err)
	}
	if got := <-term; got != "on: shutdown" {
		t.Fatalf("Terminate(%q)", got)
	}
	if _, err := StartStateMachine(&fsm{init: NextState("missing")}); err == nil {
		t.Fatal("Init with an unknown state did not fail")
	}
	noProcessesLeft(t)
}

// A state function that fails stops the machine in the state it was in:
// only its replies are sent ({stop_and_reply, Reason, Replies}), and a
// Terminate that panics runs once, its panic becoming the exit reason.
func TestStateMachineStopKeepsStateAndTerminatesOnce(t *testing.T) {
	boom := errors.New("boom")
	var terminates []string
	m := &fsm{init: NextState("on"), states: map[string]StateFunc{
		"on": func(p *Process, ev StateEvent) (Transition, error) {
			return NextState("off", ReplyTo{ev.From, "bye"}, StateTimeout{After: time.Hour, Msg: "x"}), boom
		},
		"off": func(p *Process, ev StateEvent) (Transition, error) { return KeepState(), nil },
	}}
	pm := &panickyMachine{fsm: m, terminates: &terminates}
	pid, err := StartStateMachine(pm)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, func(p *Process) error {
		ref := p.Monitor(pid)
		if v, err := Call(pid, "stop", time.Second); v != "bye" || err != nil {
			return fmt.Errorf("Call = %v, %v; want the reply sent before stopping", v, err)
		}
		d, err := receiveDown(p, ref)
		if err != nil {
			return err
		}
		if pe, ok := d.Reason.(*PanicError); !ok || pe.Value != "terminate bug" {
			return fmt.Errorf("exit reason %v, want the panic in Terminate", d.Reason)
		}
		return nil
	})
	if want := []string{"on: boom"}; !slices.Equal(terminates, want) {
		t.Fatalf("Terminate calls %q, want %q", terminates, want)
	}
}

type panickyMachine struct {
	*fsm
	terminates *[]string
}

func (m *panickyMachine) Terminate(p *Process, state string, reason error) {
	*m.terminates = append(*m.terminates, state+": "+reason.Error())
	panic("terminate bug")
}
