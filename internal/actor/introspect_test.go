package actor

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestProcessInfo(t *testing.T) {
	mustRun(t, func(p *Process) error {
		release := make(chan struct{})
		defer close(release)
		child := p.SpawnLink(func(q *Process) error { <-release; return nil }, Kind("worker"))
		watched := Spawn(func(q *Process) error { <-release; return nil })
		p.Monitor(watched)
		Register("info-test", p.Self())
		for i := range 3 {
			Send(p.Self(), i)
		}
		p.Receive(0)
		info, ok := Info(p.Self())
		switch {
		case !ok:
			return errors.New("Info of a live process: not found")
		case info.Name != "info-test" || info.Kind != "process" || info.Status != Running:
			return fmt.Errorf("name/kind/status = %q/%q/%v", info.Name, info.Kind, info.Status)
		case info.MailboxLen != 2 || info.MessagesIn != 3:
			return fmt.Errorf("mailbox %d, messages in %d; want 2 and 3", info.MailboxLen, info.MessagesIn)
		case !slices.Equal(info.Links, []PID{child}) || !slices.Equal(info.Monitors, []PID{watched}):
			return fmt.Errorf("links %v monitors %v", info.Links, info.Monitors)
		}
		ci, _ := Info(child)
		if ci.Kind != "worker" || ci.Parent != p.Self() || !slices.Equal(ci.Links, []PID{p.Self()}) {
			return fmt.Errorf("child info %+v", ci)
		}
		if info.TrapExit {
			return errors.New("TrapExit before TrapExit(true)")
		}
		p.TrapExit(true)
		if info, _ := Info(p.Self()); !info.TrapExit {
			return errors.New("TrapExit false after TrapExit(true)")
		}
		wi, _ := Info(watched)
		if !slices.Equal(wi.MonitoredBy, []PID{p.Self()}) {
			return fmt.Errorf("MonitoredBy = %v", wi.MonitoredBy)
		}
		all := Processes()
		if !slices.IsSortedFunc(all, func(a, b ProcessInfo) int { return comparePIDs(a.PID, b.PID) }) {
			return errors.New("Processes() not in pid order")
		}
		if NumProcesses() != len(all) || len(all) < 3 {
			return fmt.Errorf("NumProcesses %d, Processes %d", NumProcesses(), len(all))
		}
		return nil
	})
	noProcessesLeft(t)
}

// TestRestartsAndPerformedAreApart: a nested supervisor that restarted
// its worker once has Performed 1 and Restarts 0 (nobody restarted it);
// the worker has Restarts 1. One field holding both made an observer
// show the supervisor as restarted.
func TestRestartsAndPerformedAreApart(t *testing.T) {
	worker := ChildSpec{ID: "w", Start: func() (PID, error) {
		return Spawn(func(p *Process) error { _, err := p.Receive(Infinity); return err }), nil
	}}
	root, err := StartSupervisor(SupervisorSpec{Children: []ChildSpec{{
		ID: "inner", Supervisor: true,
		Start: func() (PID, error) { return StartSupervisor(SupervisorSpec{Children: []ChildSpec{worker}}) },
	}}})
	if err != nil {
		t.Fatal(err)
	}
	defer Stop(root, Shutdown, Infinity)
	kids, _ := WhichChildren(root)
	inner := kids[0].PID
	ws, _ := WhichChildren(inner)
	Exit(ws[0].PID, Kill)
	eventually(t, "the inner supervisor restarted its worker", func() bool {
		info, _ := Info(inner)
		return info.Performed == 1
	})
	if info, _ := Info(inner); info.Restarts != 0 || info.ChildID != "inner" {
		t.Errorf("inner supervisor: Restarts %d, ChildID %q; want 0 and inner (nobody restarted it)", info.Restarts, info.ChildID)
	}
	ws, _ = WhichChildren(inner)
	if info, _ := Info(ws[0].PID); info.Restarts != 1 || info.Performed != 0 {
		t.Errorf("restarted worker: Restarts %d, Performed %d; want 1 and 0", info.Restarts, info.Performed)
	}
}

func TestWaitingStatus(t *testing.T) {
	mustRun(t, func(p *Process) error {
		pid := p.SpawnLink(func(q *Process) error { _, err := q.Receive(Infinity); return err })
		eventually(t, "the process waits in Receive", func() bool { i, _ := Info(pid); return i.Status == Waiting })
		Send(pid, "go")
		return nil
	})
}

func TestEvents(t *testing.T) {
	// Other tests' processes may still be exiting: look only at ours.
	const kind = "events-test"
	runOurs := func(f Func) {
		mustRun(t, func(p *Process) error {
			_, ref := p.SpawnMonitor(f, Kind(kind))
			_, err := receiveDown(p, ref)
			return err
		})
	}
	var mu sync.Mutex
	var got []string
	unsubscribe := Subscribe(func(e Event) {
		if e.ProcKind != kind {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		got = append(got, fmt.Sprintf("%v %v %v", e.Kind, e.Name, e.Reason))
		if e.Time.IsZero() || e.Parent.IsZero() {
			got = append(got, "zero time or parent")
		}
	})
	boom := errors.New("boom")
	runOurs(func(p *Process) error { Register("evt", p.Self()); return boom })
	unsubscribe()
	runOurs(func(p *Process) error { return nil }) // not seen
	want := []string{"spawned  <nil>", "exited evt boom"}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) {
		t.Fatalf("events = %q, want %q", got, want)
	}

	// A panicking handler is dropped; others keep receiving.
	var calls atomic.Int64
	Subscribe(func(e Event) {
		if e.ProcKind == kind {
			panic("observer bug")
		}
	})
	un2 := Subscribe(func(e Event) {
		if e.ProcKind == kind {
			calls.Add(1)
		}
	})
	runOurs(func(p *Process) error { return nil })
	runOurs(func(p *Process) error { return nil })
	un2()
	if calls.Load() != 4 || hasSubscribers() {
		t.Fatalf("healthy handler saw %d events (want 4); subscribers left: %v", calls.Load(), hasSubscribers())
	}
}

// Sends, links, monitors, registrations and kills racing on a crowd of
// processes: run under -race, nothing may panic, deadlock or leak, and
// every monitor gets its Down.
func TestSignalChaos(t *testing.T) {
	const n = 200
	mustRun(t, func(p *Process) error {
		p.TrapExit(true)
		pids := make([]PID, n)
		refs := make(map[Ref]bool)
		for i := range pids {
			var ref Ref
			pids[i], ref = p.SpawnMonitor(func(q *Process) error {
				q.TrapExit(i%2 == 0)
				for {
					m, err := q.Receive(Infinity)
					if err != nil {
						return err
					}
					if other, ok := m.(PID); ok {
						switch rand.IntN(4) {
						case 0:
							q.Link(other)
						case 1:
							q.Monitor(other)
						case 2:
							Register(fmt.Sprint("chaos-", rand.IntN(20)), q.Self())
						case 3:
							q.Exit(other, errors.New("chaos"))
						}
					}
				}
			})
			refs[ref] = true
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 2000 {
					Send(pids[rand.IntN(n)], pids[rand.IntN(n)])
				}
			})
		}
		wg.Go(func() {
			for i := range n {
				if i%3 == 0 {
					Exit(pids[i], Kill)
				}
			}
		})
		wg.Wait()
		for _, pid := range pids {
			Exit(pid, Kill)
		}
		for len(refs) > 0 {
			m, err := p.Receive(5 * time.Second)
			if err != nil {
				return fmt.Errorf("%d Downs missing: %w", len(refs), err)
			}
			if d, ok := m.(Down); ok {
				if !refs[d.Ref] {
					return fmt.Errorf("unexpected or duplicate Down %v", d)
				}
				delete(refs, d.Ref)
			}
		}
		return nil
	})
	noProcessesLeft(t)
}
