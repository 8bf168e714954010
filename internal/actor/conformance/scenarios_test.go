package conformance

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// scenarios are the Go twins of testdata/<name>.escript; each prints the
// same trace as its escript (or, for an expected diff, the documented
// difference).
var scenarios = map[string]func(tr *tracer) error{
	"selective_receive":          selectiveReceive,
	"receive_timeout":            receiveTimeout,
	"monitor_down":               monitorDown,
	"monitor_noproc":             monitorNoproc,
	"demonitor_flush":            demonitorFlush,
	"link_crash":                 linkCrash,
	"link_normal":                linkNormal,
	"trap_exit_reasons":          trapExitReasons,
	"exit_kill_trapping":         exitKillTrapping,
	"exit_normal_other":          exitNormalOther,
	"exit_self_normal":           exitSelfNormal,
	"exit_self_normal_no_sender": exitSelfNormalNoSender,
	"exit_shutdown":              exitShutdown,
	"link_dead_pid":              linkDeadPid,
	"registry":                   registry,
	"gen_server_call_cast_info":  genServerCallCastInfo,
	"gen_server_call_timeout":    genServerCallTimeout,
	"gen_server_stop":            genServerStop,
	"gen_server_crash_in_call":   genServerCrashInCall,
	"gen_server_call_dead":       genServerCallDead,
	"gen_server_linked_caller":   genServerLinkedCaller,
	"gen_server_init_fail_link":  genServerInitFailLink,
	"gen_server_parent_exit":     genServerParentExit,
	"sup_one_for_one":            supStrategy(actor.OneForOne),
	"sup_one_for_all":            supStrategy(actor.OneForAll),
	"sup_rest_for_one":           supStrategy(actor.RestForOne),
	"sup_intensity_shutdown":     supIntensityShutdown,
	"sup_intensity_normal_exits": supIntensityNormalExits,
	"sup_transient_gives_up":     supTransientGivesUp,
	"sup_zero_intensity":         supZeroIntensity,
	"sup_restart_types":          supRestartTypes,
	"sup_period":                 supPeriod,
	"sup_shutdown_order":         supShutdownOrder,
	"sup_unknown_call":           supUnknownCall,
	"sup_unexpected_cast":        supUnexpectedCast,
	"statem_postpone":            statemPostpone,
	"statem_state_timeout":       statemStateTimeout,
	"statem_next_event":          statemNextEvent,
	"statem_event_timeout":       statemEventTimeout,
	"statem_generic_timeout":     statemGenericTimeout,
	"kill_busy_process":          killBusyProcess,
}

const wait = 5 * time.Second // as the escripts' "after 5000"

func is(v any) func(any) bool { return func(m any) bool { return m == v } }

func downOf(pid actor.PID) func(any) bool {
	return func(m any) bool { d, ok := m.(actor.Down); return ok && d.PID == pid }
}

func exitFrom(pid actor.PID) func(any) bool {
	return func(m any) bool { e, ok := m.(actor.ExitMsg); return ok && e.From == pid }
}

// down waits for pid's Down, as the escripts' down/1.
func down(p *actor.Process, pid actor.PID) string {
	m, err := p.ReceiveMatch(downOf(pid), wait)
	if err != nil {
		return "no_down"
	}
	return r(m.(actor.Down).Reason)
}

func forever(p *actor.Process) error {
	_, err := p.ReceiveMatch(is("never"), actor.Infinity)
	return err
}

func selectiveReceive(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		for _, m := range []string{"a", "b", "c"} {
			actor.Send(p.Self(), m)
		}
		if _, err := p.ReceiveMatch(is("c"), actor.Infinity); err != nil {
			return err
		}
		tr.t("got c")
		for range 3 {
			if m, err := p.Receive(0); err == nil {
				tr.t("got %v", m)
			} else {
				tr.t("empty")
			}
		}
		return nil
	})
}

func receiveTimeout(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		actor.Send(p.Self(), "y")
		if _, err := p.ReceiveMatch(is("x"), 20*time.Millisecond); errors.Is(err, actor.ErrTimeout) {
			tr.t("timeout")
		}
		if m, err := p.Receive(0); err == nil {
			tr.t("got %v", m)
		}
		return nil
	})
}

func monitorDown(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		p1, _ := p.SpawnMonitor(func(*actor.Process) error { return nil })
		tr.t("down %s", down(p, p1))
		p2, _ := p.SpawnMonitor(func(*actor.Process) error { return boom })
		tr.t("down %s", down(p, p2))
		return nil
	})
}

func monitorNoproc(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		pid, _ := p.SpawnMonitor(func(*actor.Process) error { return nil })
		down(p, pid)
		p.Monitor(pid)
		tr.t("down %s", down(p, pid))
		return nil
	})
}

func demonitorFlush(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		pid := actor.Spawn(func(q *actor.Process) error {
			_, err := q.ReceiveMatch(is("go"), actor.Infinity)
			return err
		})
		ref1, ref2, ref3 := p.Monitor(pid), p.Monitor(pid), p.Monitor(pid)
		actor.Send(pid, "go")
		if _, err := p.ReceiveMatch(func(m any) bool { d, ok := m.(actor.Down); return ok && d.Ref == ref3 }, wait); err != nil {
			return err
		}
		p.Demonitor(ref1, true)
		p.Demonitor(ref2, false)
		if _, err := p.ReceiveMatch(func(m any) bool { d, ok := m.(actor.Down); return ok && d.Ref == ref1 }, 0); err == nil {
			tr.t("flushed down still here")
		} else {
			tr.t("flushed down gone")
		}
		if m, err := p.ReceiveMatch(func(m any) bool { d, ok := m.(actor.Down); return ok && d.Ref == ref2 }, 0); err == nil {
			tr.t("unflushed down %s", r(m.(actor.Down).Reason))
		} else {
			tr.t("unflushed down gone")
		}
		return nil
	})
}

func linkCrash(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		a, _ := p.SpawnMonitor(func(q *actor.Process) error {
			q.SpawnLink(func(*actor.Process) error { return boom })
			return forever(q)
		})
		tr.t("a down %s", down(p, a))
		return nil
	})
}

func linkNormal(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		a := actor.Spawn(func(q *actor.Process) error {
			// b waits to be told: linked while it lives, not racing its
			// end (a link to a dead pid brings an exit signal, noproc).
			b, _ := q.SpawnMonitor(func(r *actor.Process) error {
				_, err := r.ReceiveMatch(is("go"), actor.Infinity)
				return err
			})
			q.Link(b)
			actor.Send(b, "go")
			down(q, b)
			if _, err := q.ReceiveMatch(is("ping"), actor.Infinity); err != nil {
				return err
			}
			actor.Send(main, "pong")
			return nil
		})
		actor.Send(a, "ping")
		if _, err := p.ReceiveMatch(is("pong"), wait); err == nil {
			tr.t("a alive")
		} else {
			tr.t("a dead")
		}
		return nil
	})
}

func trapExitReasons(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		p.TrapExit(true)
		exitOf := func(b actor.PID) error {
			m, err := p.ReceiveMatch(exitFrom(b), wait)
			if err != nil {
				return err
			}
			tr.t("exit %s", r(m.(actor.ExitMsg).Reason))
			return nil
		}
		if err := exitOf(p.SpawnLink(func(*actor.Process) error { return nil })); err != nil {
			return err
		}
		if err := exitOf(p.SpawnLink(func(*actor.Process) error { return boom })); err != nil {
			return err
		}
		b3 := p.SpawnLink(forever)
		p.Exit(b3, actor.Kill)
		return exitOf(b3)
	})
}

func exitKillTrapping(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		pid, _ := p.SpawnMonitor(func(q *actor.Process) error {
			q.TrapExit(true)
			actor.Send(main, "ready")
			return forever(q)
		})
		p.ReceiveMatch(is("ready"), wait)
		p.Exit(pid, actor.Kill)
		tr.t("down %s", down(p, pid))
		return nil
	})
}

func exitNormalOther(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		pid := actor.Spawn(func(q *actor.Process) error {
			if _, err := q.ReceiveMatch(is("ping"), actor.Infinity); err != nil {
				return err
			}
			actor.Send(main, "pong")
			return nil
		})
		p.Exit(pid, actor.Normal)
		actor.Send(pid, "ping")
		if _, err := p.ReceiveMatch(is("pong"), wait); err == nil {
			tr.t("not trapping: alive")
		} else {
			tr.t("not trapping: dead")
		}
		trapped := trapper(p)
		p.Exit(trapped, actor.Normal)
		if m, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(trappedMsg); return ok }, wait); err == nil {
			tr.t("trapping: message %s", r(m.(trappedMsg).reason))
		} else {
			tr.t("trapping: nothing")
		}
		return nil
	})
}

type trappedMsg struct{ reason error }

// trapper starts a process that traps exits and reports the first exit
// signal from p as a trappedMsg.
func trapper(p *actor.Process) actor.PID {
	main := p.Self()
	pid := actor.Spawn(func(q *actor.Process) error {
		q.TrapExit(true)
		actor.Send(main, "ready")
		m, err := q.ReceiveMatch(exitFrom(main), actor.Infinity)
		if err != nil {
			return err
		}
		actor.Send(main, trappedMsg{m.(actor.ExitMsg).Reason})
		return nil
	})
	p.ReceiveMatch(is("ready"), wait)
	return pid
}

func exitSelfNormal(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		pid, _ := p.SpawnMonitor(func(q *actor.Process) error {
			q.Exit(q.Self(), actor.Normal)
			if _, err := q.Receive(0); errors.Is(err, actor.ErrTimeout) {
				actor.Send(main, "still_running")
			}
			return nil
		})
		tr.t("down %s", down(p, pid))
		if _, err := p.ReceiveMatch(is("still_running"), 100*time.Millisecond); err == nil {
			tr.t("still running")
		}
		return nil
	})
}

// exitSelfNormalNoSender is exitSelfNormal with the package-level Exit.
func exitSelfNormalNoSender(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		pid, _ := p.SpawnMonitor(func(q *actor.Process) error {
			actor.Exit(q.Self(), actor.Normal)
			_, err := q.ReceiveMatch(is("stop"), actor.Infinity)
			return err
		})
		if _, err := p.ReceiveMatch(downOf(pid), 200*time.Millisecond); err == nil {
			tr.t("down normal")
		} else {
			tr.t("not stopped")
		}
		p.Exit(pid, actor.Kill)
		down(p, pid)
		return nil
	})
}

func exitShutdown(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		pid, _ := p.SpawnMonitor(forever)
		p.Exit(pid, actor.Shutdown)
		tr.t("not trapping: down %s", down(p, pid))
		trapped := trapper(p)
		p.Exit(trapped, actor.Shutdown)
		if m, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(trappedMsg); return ok }, wait); err == nil {
			tr.t("trapping: message %s", r(m.(trappedMsg).reason))
		} else {
			tr.t("trapping: nothing")
		}
		return nil
	})
}

func linkDeadPid(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		p.TrapExit(true)
		pid, _ := p.SpawnMonitor(func(*actor.Process) error { return nil })
		down(p, pid)
		p.Link(pid)
		if m, err := p.ReceiveMatch(exitFrom(pid), wait); err == nil {
			tr.t("exit %s", r(m.(actor.ExitMsg).Reason))
		} else {
			tr.t("no exit")
		}
		return nil
	})
}

func registry(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		pid := actor.Spawn(func(q *actor.Process) error {
			_, err := q.ReceiveMatch(is("go"), actor.Infinity)
			return err
		})
		if err := actor.Register("worker", pid); err != nil {
			return err
		}
		got, _ := actor.WhereIs("worker")
		tr.t("whereis is pid: %v", got == pid)
		p.Monitor(pid)
		actor.Send(got, "go")
		down(p, pid)
		if _, ok := actor.WhereIs("worker"); !ok {
			tr.t("whereis after exit: undefined")
		}
		return nil
	})
}

// counter is the Go twin of the escripts' gen_server.
type counter struct {
	actor.BaseServer
	tr   *tracer
	trap bool
	n    int
}

type slow struct{ d time.Duration }

func (c *counter) Init(p *actor.Process) error {
	p.TrapExit(c.trap)
	return nil
}

func (c *counter) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	switch r := req.(type) {
	case slow:
		time.Sleep(r.d)
		return "late", nil
	}
	switch req {
	case "get":
		return c.n, nil
	case "crash":
		return nil, boom
	case "never":
		return actor.NoReply, nil
	}
	return nil, fmt.Errorf("unknown call %v", req)
}

func (c *counter) HandleCast(p *actor.Process, msg any) error {
	if msg == "incr" {
		c.n++
	}
	return nil
}

func (c *counter) HandleInfo(p *actor.Process, msg any) error {
	if msg == "incr" {
		c.n++
	}
	return nil
}

func (c *counter) Terminate(p *actor.Process, reason error) { c.tr.t("terminate %s", r(reason)) }

func genServerCallCastInfo(tr *tracer) error {
	s, err := actor.StartServer(&counter{tr: tr})
	if err != nil {
		return err
	}
	actor.Cast(s, "incr")
	actor.Cast(s, "incr")
	n, err := actor.Call(s, "get", wait)
	tr.t("get %v", n)
	actor.Send(s, "incr")
	n, err2 := actor.Call(s, "get", wait)
	tr.t("get %v", n)
	return errors.Join(err, err2, actor.Stop(s, nil, wait))
}

func genServerCallTimeout(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		s, err := actor.StartServer(&counter{tr: tr})
		if err != nil {
			return err
		}
		_, err = p.Call(s, slow{100 * time.Millisecond}, 20*time.Millisecond)
		tr.t("call %s", r(err))
		if m, err := p.Receive(300 * time.Millisecond); err == nil {
			tr.t("mailbox %v", m)
		} else {
			tr.t("mailbox empty")
		}
		return actor.Stop(s, nil, wait)
	})
}

func genServerStop(tr *tracer) error {
	for _, reason := range []error{actor.Normal, boom} {
		s, err := actor.StartServer(&counter{tr: tr})
		if err != nil {
			return err
		}
		if err := actor.Stop(s, reason, actor.Infinity); err == nil {
			tr.t("stop ok")
		} else {
			tr.t("stop %s", r(err))
		}
	}
	return nil
}

func genServerCrashInCall(tr *tracer) error {
	s, err := actor.StartServer(&counter{tr: tr})
	if err != nil {
		return err
	}
	_, err = actor.Call(s, "crash", wait)
	tr.t("call %s", r(err))
	return nil
}

func genServerCallDead(tr *tracer) error {
	s, err := actor.StartServer(&counter{tr: tr})
	if err != nil {
		return err
	}
	if err := actor.Stop(s, nil, wait); err != nil {
		return err
	}
	_, err = actor.Call(s, "get", wait)
	tr.t("call %s", r(err))
	s2, err := actor.StartServer(&counter{tr: tr})
	if err != nil {
		return err
	}
	pending := make(chan error, 1)
	go func() {
		_, err := actor.Call(s2, "never", actor.Infinity)
		pending <- err
	}()
	// Wait until the server has taken the call from its mailbox, as the
	// escript does with message_queue_len.
	deadline := time.Now().Add(wait)
	for !taken(s2) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	actor.Exit(s2, actor.Kill)
	tr.t("pending call %s", r(<-pending))
	return nil
}

// taken reports whether s has received a message and its mailbox is
// empty again.
func taken(s actor.PID) bool {
	info, ok := actor.Info(s)
	return ok && info.MessagesIn > 0 && info.MailboxLen == 0
}

func genServerLinkedCaller(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		caller, _ := p.SpawnMonitor(func(q *actor.Process) error {
			s, err := q.StartLinkServer(&counter{tr: tr})
			if err != nil {
				return err
			}
			if _, err := q.Call(s, "crash", wait); err != nil {
				return err
			}
			tr.t("after call")
			return nil
		})
		tr.t("caller down %s", down(p, caller))
		return nil
	})
}

type failingInit struct{ actor.BaseServer }

func (failingInit) Init(p *actor.Process) error { return boom }

func genServerInitFailLink(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		p.TrapExit(true)
		_, err := p.StartLinkServer(failingInit{})
		tr.t("start error %s", r(err))
		if m, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(actor.ExitMsg); return ok }, 200*time.Millisecond); err == nil {
			tr.t("exit %s", r(m.(actor.ExitMsg).Reason))
		} else {
			tr.t("no exit")
		}
		return nil
	})
}

func genServerParentExit(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		parent := actor.Spawn(func(q *actor.Process) error {
			s, err := q.StartLinkServer(&counter{tr: tr, trap: true})
			if err != nil {
				return err
			}
			actor.Send(main, s)
			if _, err := q.ReceiveMatch(is("stop"), actor.Infinity); err != nil {
				return err
			}
			return actor.Shutdown
		})
		m, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(actor.PID); return ok }, wait)
		if err != nil {
			return err
		}
		s := m.(actor.PID)
		p.Monitor(s)
		actor.Send(parent, "stop")
		tr.t("server down %s", down(p, s))
		return nil
	})
}

// worker is the Go twin of the supervisor escripts' worker.
type worker struct {
	actor.BaseServer
	tr *tracer
	id string
}

func (w *worker) Init(p *actor.Process) error {
	p.TrapExit(true)
	w.tr.t("start %s", w.id)
	return nil
}

func (w *worker) HandleCast(p *actor.Process, msg any) error {
	switch msg {
	case "crash":
		return boom
	case "quit":
		return actor.Normal
	}
	return nil
}

func (w *worker) Terminate(p *actor.Process, reason error) { w.tr.t("stop %s %s", w.id, r(reason)) }

func child(tr *tracer, id string, restart actor.Restart) actor.ChildSpec {
	return actor.ChildSpec{ID: id, Restart: restart, Start: func() (actor.PID, error) {
		return actor.StartServer(&worker{tr: tr, id: id})
	}}
}

func pidOf(sup actor.PID, id string) actor.PID {
	children, _ := actor.WhichChildren(sup)
	for _, c := range children {
		if c.ID == id {
			return c.PID
		}
	}
	return actor.PID{}
}

// crash makes a child stop with why ("crash": boom, "quit": normal) and
// waits until the supervisor has handled its exit.
func crash(p *actor.Process, sup actor.PID, id, why string) {
	pid := pidOf(sup, id)
	p.Monitor(pid)
	actor.Cast(pid, why)
	down(p, pid)
	actor.CountChildren(sup)
}

func children(sup actor.PID) string {
	infos, _ := actor.WhichChildren(sup)
	var parts []string
	for _, c := range infos {
		parts = append(parts, fmt.Sprintf("{%s,%v}", c.ID, !c.PID.IsZero()))
	}
	slices.Sort(parts)
	return "[" + strings.Join(parts, ",") + "]"
}

func supStrategy(s actor.Strategy) func(tr *tracer) error {
	return func(tr *tracer) error {
		return actor.Run(func(p *actor.Process) error {
			sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{Strategy: s, Children: []actor.ChildSpec{
				child(tr, "a", actor.Permanent), child(tr, "b", actor.Permanent), child(tr, "c", actor.Permanent)}})
			if err != nil {
				return err
			}
			crash(p, sup, "b", "crash")
			tr.t("crashed b")
			p.Unlink(sup)
			return actor.Stop(sup, nil, actor.Infinity)
		})
	}
}

func supIntensityShutdown(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		p.TrapExit(true)
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{MaxRestarts: new(1), Within: time.Minute,
			Children: []actor.ChildSpec{child(tr, "a", actor.Permanent), child(tr, "w", actor.Permanent)}})
		if err != nil {
			return err
		}
		crash(p, sup, "w", "crash")
		actor.Cast(pidOf(sup, "w"), "crash")
		m, err := p.ReceiveMatch(exitFrom(sup), wait)
		if err != nil {
			return err
		}
		tr.t("supervisor exit %s", r(m.(actor.ExitMsg).Reason))
		return nil
	})
}

func supIntensityNormalExits(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		linked, _ := p.SpawnMonitor(func(q *actor.Process) error {
			sup, err := q.StartLinkSupervisor(actor.SupervisorSpec{MaxRestarts: new(1), Within: time.Minute,
				Children: []actor.ChildSpec{child(tr, "w", actor.Permanent)}})
			if err != nil {
				return err
			}
			actor.Send(main, sup)
			return forever(q)
		})
		m, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(actor.PID); return ok }, wait)
		if err != nil {
			return err
		}
		sup := m.(actor.PID)
		crash(p, sup, "w", "quit")
		actor.Cast(pidOf(sup, "w"), "quit")
		tr.t("linked process down %s", down(p, linked))
		return nil
	})
}

func supTransientGivesUp(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		root, err := p.StartLinkSupervisor(actor.SupervisorSpec{Children: []actor.ChildSpec{{
			ID: "sub", Supervisor: true, Restart: actor.Transient,
			Start: func() (actor.PID, error) {
				return actor.StartSupervisor(actor.SupervisorSpec{MaxRestarts: new(0),
					Children: []actor.ChildSpec{child(tr, "w", actor.Permanent)}})
			},
		}}})
		if err != nil {
			return err
		}
		sub := pidOf(root, "sub")
		p.Monitor(sub)
		actor.Cast(pidOf(sub, "w"), "crash")
		tr.t("sub down %s", down(p, sub))
		tr.t("root children %s", children(root))
		p.Unlink(root)
		return actor.Stop(root, nil, actor.Infinity)
	})
}

func supZeroIntensity(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		p.TrapExit(true)
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{MaxRestarts: new(0),
			Children: []actor.ChildSpec{child(tr, "w", actor.Permanent)}})
		if err != nil {
			return err
		}
		actor.Cast(pidOf(sup, "w"), "crash")
		m, err := p.ReceiveMatch(exitFrom(sup), wait)
		if err != nil {
			return err
		}
		tr.t("supervisor exit %s", r(m.(actor.ExitMsg).Reason))
		return nil
	})
}

func supRestartTypes(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{MaxRestarts: new(10), Children: []actor.ChildSpec{
			child(tr, "p", actor.Permanent), child(tr, "tr", actor.Transient), child(tr, "tmp", actor.Temporary)}})
		if err != nil {
			return err
		}
		crash(p, sup, "p", "quit")
		crash(p, sup, "tr", "quit")
		crash(p, sup, "tmp", "crash")
		tr.t("children %s", children(sup))
		if err := actor.DeleteChild(sup, "tr"); err != nil {
			return err
		}
		tr.t("children %s", children(sup))
		p.Unlink(sup)
		return actor.Stop(sup, nil, actor.Infinity)
	})
}

func supPeriod(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{MaxRestarts: new(1), Within: time.Second,
			Children: []actor.ChildSpec{child(tr, "w", actor.Permanent)}})
		if err != nil {
			return err
		}
		crash(p, sup, "w", "crash")
		time.Sleep(2100 * time.Millisecond)
		crash(p, sup, "w", "crash")
		tr.t("supervisor alive %v", actor.Alive(sup))
		p.Unlink(sup)
		return actor.Stop(sup, nil, actor.Infinity)
	})
}

// slowStopper is a worker whose Terminate takes too long for b.
type slowStopper struct {
	actor.BaseServer
	tr *tracer
	id string
}

func (w *slowStopper) Init(p *actor.Process) error {
	p.TrapExit(true)
	return nil
}

func (w *slowStopper) Terminate(p *actor.Process, reason error) {
	if w.id != "b" {
		w.tr.t("stop %s %s", w.id, r(reason))
		return
	}
	w.tr.t("stop b %s begins", r(reason))
	select { // as timer:sleep(5000), but a killed process stops at once
	case <-time.After(5 * time.Second):
	case <-p.Context().Done():
	}
}

func supShutdownOrder(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		spec := func(id string, sh actor.ShutdownSpec) actor.ChildSpec {
			return actor.ChildSpec{ID: id, Shutdown: sh, Start: func() (actor.PID, error) {
				return actor.StartServer(&slowStopper{tr: tr, id: id})
			}}
		}
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{Children: []actor.ChildSpec{
			spec("a", actor.BrutalKill), spec("b", actor.Timeout(50*time.Millisecond)), spec("c", actor.Timeout(5*time.Second))}})
		if err != nil {
			return err
		}
		infos, err := actor.WhichChildren(sup)
		if err != nil {
			return err
		}
		ids := map[actor.PID]string{}
		for _, c := range infos {
			p.Monitor(c.PID)
			ids[c.PID] = c.ID
		}
		p.Unlink(sup)
		if err := actor.Stop(sup, nil, actor.Infinity); err != nil {
			return err
		}
		for range infos {
			m, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(actor.Down); return ok }, wait)
			if err != nil {
				return err
			}
			d := m.(actor.Down)
			tr.t("down %s %s", ids[d.PID], r(d.Reason))
		}
		return nil
	})
}

func supUnknownCall(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{Children: []actor.ChildSpec{child(tr, "w", actor.Permanent)}})
		if err != nil {
			return err
		}
		p.Unlink(sup)
		_, err = p.Call(sup, "hello", wait)
		tr.t("call %s", r(err))
		tr.t("supervisor alive %v", actor.Alive(sup))
		return actor.Stop(sup, nil, actor.Infinity)
	})
}

func supUnexpectedCast(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		sup, err := p.StartLinkSupervisor(actor.SupervisorSpec{Children: []actor.ChildSpec{child(tr, "w", actor.Permanent)}})
		if err != nil {
			return err
		}
		p.Unlink(sup)
		p.Monitor(sup)
		actor.Cast(sup, "hello")
		if m, err := p.ReceiveMatch(downOf(sup), 200*time.Millisecond); err == nil {
			tr.t("supervisor down %s", r(m.(actor.Down).Reason))
		} else {
			tr.t("supervisor alive")
		}
		return actor.Stop(sup, nil, actor.Infinity)
	})
}

// door is the Go twin of statem_postpone's machine.
type door struct {
	actor.BaseStateMachine
	tr   *tracer
	main actor.PID
}

func (d *door) Init(p *actor.Process) (actor.Transition, error) {
	return actor.NextState("locked"), nil
}

func (d *door) States() map[string]actor.StateFunc {
	return map[string]actor.StateFunc{"locked": d.locked, "open": d.open}
}

func (d *door) locked(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	switch {
	case ev.Type == actor.CallEvent && ev.Content == "open":
		actor.Send(d.main, "postponed")
		return actor.KeepState(actor.Postpone{}), nil
	case ev.Type == actor.CastEvent && ev.Content == "unlock":
		d.tr.t("unlocked")
		return actor.NextState("open"), nil
	}
	return actor.KeepState(), nil
}

func (d *door) open(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	if ev.Type == actor.CallEvent && ev.Content == "open" {
		return actor.KeepState(actor.ReplyTo{From: ev.From, Value: "opened"}), nil
	}
	return actor.KeepState(), nil
}

func statemPostpone(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		m, err := actor.StartStateMachine(&door{tr: tr, main: main})
		if err != nil {
			return err
		}
		go func() {
			v, _ := actor.Call(m, "open", wait)
			actor.Send(main, fmt.Sprint("reply ", v))
		}()
		if _, err := p.ReceiveMatch(is("postponed"), wait); err != nil {
			return err
		}
		tr.t("postponed")
		actor.Cast(m, "unlock")
		if _, err := p.ReceiveMatch(is("reply opened"), wait); err != nil {
			return err
		}
		tr.t("reply opened")
		return actor.Stop(m, nil, wait)
	})
}

// machine is a state machine made of StateFuncs given by each scenario.
type machine struct {
	actor.BaseStateMachine
	init   actor.Transition
	states map[string]actor.StateFunc
}

func (m *machine) Init(p *actor.Process) (actor.Transition, error) { return m.init, nil }

func (m *machine) States() map[string]actor.StateFunc { return m.states }

func statemStateTimeout(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		m, err := actor.StartStateMachine(&machine{
			init: actor.NextState("a", actor.StateTimeout{After: 20 * time.Millisecond, Msg: "t1"}),
			states: map[string]actor.StateFunc{
				"a": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					if ev.Type == actor.StateTimeoutEvent {
						tr.t("state_timeout %v in a", ev.Content)
						actor.Send(main, "in_b")
						return actor.NextState("b", actor.StateTimeout{After: time.Second, Msg: "t2"}), nil
					}
					return actor.KeepState(), nil
				},
				"b": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					switch ev.Type {
					case actor.CastEvent:
						tr.t("cast %v in b", ev.Content)
						return actor.NextState("c"), nil
					case actor.StateTimeoutEvent:
						tr.t("state_timeout %v in b", ev.Content)
					}
					return actor.KeepState(), nil
				},
				"c": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					switch ev.Type {
					case actor.CallEvent:
						return actor.KeepState(actor.ReplyTo{From: ev.From, Value: "c"}), nil
					case actor.StateTimeoutEvent:
						tr.t("state_timeout %v in c", ev.Content)
					}
					return actor.KeepState(), nil
				},
			},
		})
		if err != nil {
			return err
		}
		if _, err := p.ReceiveMatch(is("in_b"), wait); err != nil {
			return err
		}
		actor.Cast(m, "go")
		time.Sleep(1200 * time.Millisecond) // past the 1s timeout it cancelled
		state, err := actor.Call(m, "state", wait)
		tr.t("state %v", state)
		return errors.Join(err, actor.Stop(m, nil, wait))
	})
}

func statemNextEvent(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		m, err := actor.StartStateMachine(&machine{
			init: actor.NextState("a"),
			states: map[string]actor.StateFunc{
				"a": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					switch {
					case ev.Type == actor.CastEvent && ev.Content == "go":
						tr.t("cast go")
						return actor.KeepState(actor.NextEvent{Content: "one"}, actor.NextEvent{Content: "two"}), nil
					case ev.Type == actor.InternalEvent:
						tr.t("internal %v", ev.Content)
					case ev.Type == actor.CastEvent && ev.Content == "three":
						tr.t("cast three")
						actor.Send(main, "done")
					}
					return actor.KeepState(), nil
				},
			},
		})
		if err != nil {
			return err
		}
		actor.Cast(m, "go")
		actor.Cast(m, "three")
		if _, err := p.ReceiveMatch(is("done"), wait); err != nil {
			return err
		}
		return actor.Stop(m, nil, wait)
	})
}

func statemEventTimeout(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		m, err := actor.StartStateMachine(&machine{
			init: actor.NextState("a", actor.EventTimeout{After: 20 * time.Millisecond, Msg: "idle1"}),
			states: map[string]actor.StateFunc{
				"a": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					switch ev.Type {
					case actor.EventTimeoutEvent:
						if ev.Content == "idle1" {
							tr.t("timeout idle1")
							actor.Send(main, "armed")
							return actor.KeepState(actor.EventTimeout{After: time.Second, Msg: "idle2"}), nil
						}
						tr.t("timeout %v", ev.Content)
					case actor.CastEvent:
						tr.t("cast %v", ev.Content)
					case actor.CallEvent:
						return actor.KeepState(actor.ReplyTo{From: ev.From, Value: "ok"}), nil
					}
					return actor.KeepState(), nil
				},
			},
		})
		if err != nil {
			return err
		}
		if _, err := p.ReceiveMatch(is("armed"), wait); err != nil {
			return err
		}
		actor.Cast(m, "ping")
		time.Sleep(1200 * time.Millisecond) // past the 1s timeout it cancelled
		_, err = actor.Call(m, "sync", wait)
		return errors.Join(err, actor.Stop(m, nil, wait))
	})
}

func statemGenericTimeout(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		m, err := actor.StartStateMachine(&machine{
			init: actor.NextState("a", actor.GenericTimeout{Name: "tick", After: time.Second, Msg: "t1"}),
			states: map[string]actor.StateFunc{
				"a": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					if ev.Type == actor.CastEvent {
						tr.t("cast %v in a", ev.Content)
						return actor.NextState("b"), nil
					}
					return actor.KeepState(), nil
				},
				"b": func(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
					if ev.Type == actor.TimeoutEvent {
						tr.t("generic timeout %s %v in b", ev.Name, ev.Content)
						actor.Send(main, "fired")
					}
					return actor.KeepState(), nil
				},
			},
		})
		if err != nil {
			return err
		}
		actor.Cast(m, "go")
		if _, err := p.ReceiveMatch(is("fired"), wait); err != nil {
			return err
		}
		return actor.Stop(m, nil, wait)
	})
}

func killBusyProcess(tr *tracer) error {
	return actor.Run(func(p *actor.Process) error {
		main := p.Self()
		pid, _ := p.SpawnMonitor(func(q *actor.Process) error {
			actor.Send(main, "busy")
			for until := time.Now().Add(200 * time.Millisecond); time.Now().Before(until); {
			}
			actor.Send(main, "still_running")
			return nil
		})
		if _, err := p.ReceiveMatch(is("busy"), wait); err != nil {
			return err
		}
		p.Exit(pid, actor.Kill)
		tr.t("down %s", down(p, pid))
		// The zombie always gets there; Erlang's killed process never does.
		if _, err := p.ReceiveMatch(is("still_running"), wait); err == nil {
			tr.t("still running after kill")
		}
		return nil
	})
}
