package actor_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// A process is a function; its return value is its exit reason.
func Example() {
	err := actor.Run(func(p *actor.Process) error {
		echo := p.SpawnLink(func(q *actor.Process) error {
			msg, err := q.Receive(actor.Infinity)
			if err != nil {
				return err
			}
			req := msg.(struct {
				from actor.PID
				text string
			})
			actor.Send(req.from, "echo: "+req.text)
			return nil
		})
		actor.Send(echo, struct {
			from actor.PID
			text string
		}{p.Self(), "hello"})
		reply, err := p.Receive(time.Second)
		fmt.Println(reply, err)
		return nil
	})
	fmt.Println("exit:", err)
	// Output:
	// echo: hello <nil>
	// exit: <nil>
}

// ReceiveMatch is a selective receive: messages that do not match wait
// in the mailbox, in order.
func ExampleProcess_ReceiveMatch() {
	actor.Run(func(p *actor.Process) error {
		for _, m := range []any{"low", "low", 99, "low"} {
			actor.Send(p.Self(), m)
		}
		urgent, _ := p.ReceiveMatch(func(m any) bool { _, ok := m.(int); return ok }, 0)
		fmt.Println("first:", urgent)
		for {
			m, err := p.Receive(0)
			if err != nil {
				fmt.Println(err)
				return nil
			}
			fmt.Println("then:", m)
		}
	})
	// Output:
	// first: 99
	// then: low
	// then: low
	// then: low
	// timeout
}

// A monitor delivers exactly one Down, with the reason.
func ExampleProcess_Monitor() {
	actor.Run(func(p *actor.Process) error {
		_, ref := p.SpawnMonitor(func(*actor.Process) error { return errors.New("disk full") })
		m, _ := p.Receive(time.Second)
		down := m.(actor.Down)
		fmt.Println(down.Ref == ref, down.Reason)

		// Monitoring a process that is already gone: Down with noproc.
		p.Monitor(down.PID)
		m, _ = p.Receive(time.Second)
		fmt.Println(m.(actor.Down).Reason)
		return nil
	})
	// Output:
	// true disk full
	// noproc
}

// A process that traps exits receives its links' exits as messages.
func ExampleProcess_TrapExit() {
	actor.Run(func(p *actor.Process) error {
		p.TrapExit(true)
		child := p.SpawnLink(func(*actor.Process) error { panic("bug") })
		m, _ := p.Receive(time.Second)
		exit := m.(actor.ExitMsg)
		var pe *actor.PanicError
		fmt.Println(exit.From == child, errors.As(exit.Reason, &pe), pe.Value)
		return nil
	})
	// Output:
	// true true bug
}

// Without trapping, a crash travels along links and takes the linked
// process down with the same reason.
func ExampleProcess_Link() {
	err := actor.Run(func(p *actor.Process) error {
		p.SpawnLink(func(*actor.Process) error { return errors.New("boom") })
		_, err := p.Receive(actor.Infinity) // returns when the signal arrives
		return err
	})
	fmt.Println(err)
	// Output:
	// boom
}

// Kill is untrappable and honest: monitors fire at once even if the
// process is stuck, which then shows as a zombie until it returns.
func ExampleExit() {
	stuck, release := make(chan struct{}), make(chan struct{})
	actor.Run(func(p *actor.Process) error {
		pid, _ := p.SpawnMonitor(func(q *actor.Process) error {
			q.TrapExit(true) // does not help against Kill
			close(stuck)
			<-release // ignores its context: Go cannot interrupt this
			return nil
		})
		<-stuck
		actor.Exit(pid, actor.Kill)
		m, _ := p.Receive(time.Second)
		fmt.Println(m.(actor.Down).Reason, actor.Alive(pid))
		info, _ := actor.Info(pid)
		fmt.Println(info.Status)
		return nil
	})
	close(release)
	// Output:
	// killed false
	// zombie
}

func ExampleRegister() {
	actor.Run(func(p *actor.Process) error {
		actor.Register("logger", p.Self())
		pid, ok := actor.WhereIs("logger")
		fmt.Println(pid == p.Self(), ok)
		err := actor.Register("logger", p.Self())
		fmt.Println(errors.Is(err, actor.ErrAlreadyRegistered))
		return nil
	})
	_, ok := actor.WhereIs("logger") // freed when the process exited
	fmt.Println(ok)
	// Output:
	// true true
	// true
	// false
}

func ExampleSendAfter() {
	actor.Run(func(p *actor.Process) error {
		actor.SendAfter(p.Self(), "tick", 10*time.Millisecond)
		t := actor.SendAfter(p.Self(), "never", 10*time.Millisecond)
		fmt.Println(t.Cancel())
		m, _ := p.Receive(time.Second)
		fmt.Println(m)
		return nil
	})
	// Output:
	// true
	// tick
}

// Stack is a GenServer: state in the struct, one callback per kind of
// message.
type Stack struct {
	actor.BaseServer
	items []string
}

type push struct{ item string }
type pop struct{}

func (s *Stack) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	if _, ok := req.(pop); ok && len(s.items) > 0 {
		top := s.items[len(s.items)-1]
		s.items = s.items[:len(s.items)-1]
		return top, nil
	}
	return nil, nil
}

func (s *Stack) HandleCast(p *actor.Process, msg any) error {
	if m, ok := msg.(push); ok {
		s.items = append(s.items, m.item)
	}
	return nil
}

func ExampleStartServer() {
	pid, _ := actor.StartServer(&Stack{}, actor.Name("stack"))
	actor.Cast(pid, push{"a"})
	actor.Cast(pid, push{"b"})
	top, err := actor.Call(pid, pop{}, time.Second)
	fmt.Println(top, err)
	actor.Stop(pid, nil, time.Second)
	_, err = actor.Call(pid, pop{}, time.Second)
	fmt.Println(errors.Is(err, actor.NoProc))
	// Output:
	// b <nil>
	// true
}

// Barrier answers its callers later, all at once, with Reply.
type Barrier struct {
	actor.BaseServer
	waiting []actor.From
}

func (b *Barrier) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	b.waiting = append(b.waiting, from)
	if len(b.waiting) < 2 {
		return actor.NoReply, nil // the caller keeps waiting
	}
	for _, f := range b.waiting {
		actor.Reply(f, "go")
	}
	return actor.NoReply, nil
}

func ExampleReply() {
	pid, _ := actor.StartServer(&Barrier{})
	done := make(chan any)
	go func() {
		v, _ := actor.Call(pid, "first", time.Second)
		done <- v
	}()
	v, _ := actor.Call(pid, "second", time.Second)
	fmt.Println(v, <-done)
	actor.Stop(pid, nil, time.Second)
	// Output:
	// go go
}

func ExampleStartSupervisor() {
	restarted := make(chan actor.Event, 1)
	unsubscribe := actor.Subscribe(func(e actor.Event) {
		if e.Kind == actor.Restarted {
			restarted <- e
		}
	})
	defer unsubscribe()

	worker := func() (actor.PID, error) { return actor.StartServer(&Stack{}) }
	sup, _ := actor.StartSupervisor(actor.SupervisorSpec{
		Strategy:    actor.OneForOne,
		MaxRestarts: new(3),
		Within:      5 * time.Second,
		Children: []actor.ChildSpec{
			{ID: "cache", Start: worker},
			{ID: "db", Start: worker, Shutdown: actor.Timeout(time.Second)},
		},
	})
	children, _ := actor.WhichChildren(sup)
	actor.Exit(children[1].PID, errors.New("connection lost"))
	e := <-restarted
	fmt.Println(e.ChildID, e.Reason)
	fmt.Println(actor.CountChildren(sup))
	actor.Stop(sup, actor.Shutdown, 5*time.Second)
	// Output:
	// db connection lost
	// {2 2 0 2} <nil>
}

// door is a gen_statem: locked until the right code, then open for a
// while; calls that come while it is opening are postponed.
type door struct {
	actor.BaseStateMachine
	code string
}

func (d *door) Init(p *actor.Process) (actor.Transition, error) {
	return actor.NextState("locked"), nil
}

func (d *door) States() map[string]actor.StateFunc {
	return map[string]actor.StateFunc{"locked": d.locked, "opening": d.opening, "open": d.open}
}

func (d *door) locked(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	if ev.Type == actor.CallEvent {
		if ev.Content != d.code {
			return actor.KeepState(actor.ReplyTo{From: ev.From, Value: "wrong code"}), nil
		}
		return actor.NextState("opening",
			actor.ReplyTo{From: ev.From, Value: "opening"},
			actor.StateTimeout{After: 10 * time.Millisecond, Msg: "opened"}), nil
	}
	return actor.KeepState(), nil
}

func (d *door) opening(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	if ev.Type == actor.StateTimeoutEvent {
		return actor.NextState("open"), nil
	}
	return actor.KeepState(actor.Postpone{}), nil // handle it once open
}

func (d *door) open(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	if ev.Type == actor.CallEvent {
		return actor.KeepState(actor.ReplyTo{From: ev.From, Value: "already open"}), nil
	}
	return actor.KeepState(), nil
}

func ExampleStartStateMachine() {
	pid, _ := actor.StartStateMachine(&door{code: "1234"})
	fmt.Println(actor.Call(pid, "0000", time.Second))
	fmt.Println(actor.Call(pid, "1234", time.Second))
	fmt.Println(actor.Call(pid, "1234", time.Second)) // postponed until open
	info, _ := actor.Info(pid)
	fmt.Println(info.State)
	actor.Stop(pid, nil, time.Second)
	// Output:
	// wrong code <nil>
	// opening <nil>
	// already open <nil>
	// open
}

func ExampleTree() {
	worker := func() (actor.PID, error) { return actor.StartServer(&Stack{}) }
	inner := actor.SupervisorSpec{Children: []actor.ChildSpec{{ID: "w", Start: worker}}}
	root, _ := actor.StartSupervisor(actor.SupervisorSpec{Children: []actor.ChildSpec{
		{ID: "api", Start: worker},
		{ID: "pool", Supervisor: true, Start: func() (actor.PID, error) { return actor.StartSupervisor(inner) }},
	}}, actor.Name("root"))
	var show func(n actor.TreeNode, indent string)
	show = func(n actor.TreeNode, indent string) {
		fmt.Printf("%s%s %s\n", indent, n.Name+n.ChildID, n.Kind)
		for _, c := range n.Children {
			show(c, indent+"  ")
		}
	}
	for _, n := range actor.Tree() {
		if n.PID == root {
			show(n, "")
		}
	}
	actor.Stop(root, nil, 5*time.Second)
	// Output:
	// root supervisor
	//   api server
	//   pool supervisor
	//     w server
}

func ExamplePanicError() {
	err := actor.Run(func(p *actor.Process) error {
		var m map[string]int
		m["x"] = 1 // a bug: the process dies, the program does not
		return nil
	})
	var pe *actor.PanicError
	fmt.Println(errors.As(err, &pe), err)
	// Output:
	// true panic: assignment to entry in nil map
}
