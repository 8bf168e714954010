// Command playground starts one of the chapter's trees and lets you break
// it from the keyboard, printing what every worker reports:
//
//	go run ./exercises/04_supervision/cmd/playground pipeline
//	> crash cache
//	terminated cache <0.14>: boom
//	terminated api <0.15>: shutdown
//	started cache <0.16>
//	started api <0.17>
//
// Trees: workers (a and b, built from Spec alone), caches (one_for_one),
// match (one_for_all), pipeline (rest_for_one), app (a root over the
// pipeline, which allows at most 2 restarts in 5s).
// Commands: crash <id>, kill <id>, tree, quit.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	supervision "github.com/otpgo/otpgo/exercises/04_supervision"
	"github.com/otpgo/otpgo/internal/actor"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "playground:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	tree := "app"
	if len(args) > 0 {
		tree = args[0]
	}
	sink := func(e supervision.Event) { fmt.Println(e) }
	// Workers report themselves; supervisors do not, so watch the
	// runtime's events for a supervisor that gives up.
	unsubscribe := actor.Subscribe(func(e actor.Event) {
		if e.Kind == actor.Exited && e.ProcKind == "supervisor" && !errors.Is(e.Reason, actor.Shutdown) {
			fmt.Printf("supervisor %v exited: %v\n", e.PID, e.Reason)
		}
	})
	defer unsubscribe()
	var (
		root actor.PID
		err  error
	)
	switch tree {
	case "workers": // only needs step 04.1
		root, err = actor.StartSupervisor(actor.SupervisorSpec{
			Children: []actor.ChildSpec{supervision.Spec("a", sink), supervision.Spec("b", sink)},
		})
	case "caches":
		root, err = supervision.StartCaches(sink)
	case "match":
		root, err = supervision.StartMatch(sink)
	case "pipeline":
		root, err = supervision.StartPipeline(sink)
	case "app":
		root, err = supervision.StartApp(sink, supervision.Intensity{MaxRestarts: 2, Within: 5 * time.Second})
	default:
		return fmt.Errorf("unknown tree %q: want workers, caches, match, pipeline or app", tree)
	}
	if err != nil {
		return err
	}
	defer actor.Stop(root, actor.Shutdown, 5*time.Second)

	fmt.Println("commands: crash <id>, kill <id>, tree, quit")
	in := bufio.NewScanner(os.Stdin)
	for fmt.Print("> "); in.Scan(); fmt.Print("> ") {
		f := strings.Fields(in.Text())
		switch {
		case len(f) == 0:
		case f[0] == "quit" || f[0] == "q":
			return nil
		case f[0] == "tree":
			printTree(root, "")
		case (f[0] == "crash" || f[0] == "kill") && len(f) == 2:
			pid, ok := find(root, f[1])
			if !ok {
				fmt.Printf("no running child %q (try: tree)\n", f[1])
				continue
			}
			down := watch(pid)
			if f[0] == "crash" {
				supervision.Crash(pid, errors.New("boom"))
			} else {
				actor.Exit(pid, actor.Kill) // untrappable: Terminate does not run
			}
			// Let the tree settle before the next prompt, so the events
			// print in one block: wait for the child to die, then ask every
			// supervisor something (they answer once their restarts are done).
			select {
			case <-down:
			case <-time.After(2 * time.Second):
			}
			settle(root)
		default:
			fmt.Println("commands: crash <id>, kill <id>, tree, quit")
		}
		if !actor.Alive(root) {
			return fmt.Errorf("the root supervisor %v has exited", root)
		}
	}
	return in.Err()
}

// watch returns a channel closed when pid exits.
func watch(pid actor.PID) <-chan struct{} {
	down := make(chan struct{})
	ready := make(chan struct{})
	actor.Spawn(func(p *actor.Process) error {
		p.Monitor(pid)
		close(ready)
		defer close(down)
		_, err := p.ReceiveMatch(func(m any) bool { _, ok := m.(actor.Down); return ok }, 5*time.Second)
		return err
	})
	<-ready
	return down
}

// settle waits until sup and every supervisor under it have handled what
// was sent to them before: WhichChildren is answered after a restart.
func settle(sup actor.PID) {
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		return
	}
	for _, k := range kids {
		if k.Supervisor && !k.PID.IsZero() {
			settle(k.PID)
		}
	}
}

// find looks for a child id anywhere under sup.
func find(sup actor.PID, id string) (actor.PID, bool) {
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		return actor.PID{}, false
	}
	for _, k := range kids {
		if k.ID == id && !k.PID.IsZero() {
			return k.PID, true
		}
		if k.Supervisor {
			if pid, ok := find(k.PID, id); ok {
				return pid, true
			}
		}
	}
	return actor.PID{}, false
}

func printTree(sup actor.PID, indent string) {
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		fmt.Printf("%s%v: %v\n", indent, sup, err)
		return
	}
	if indent == "" {
		fmt.Printf("%v (supervisor)\n", sup)
	}
	for _, k := range kids {
		fmt.Printf("%s  %s %v\n", indent, k.ID, k.PID)
		if k.Supervisor {
			printTree(k.PID, indent+"  ")
		}
	}
}
