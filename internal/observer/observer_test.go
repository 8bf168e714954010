package observer

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/tui/tuitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, tuitest.IgnoreTeatest()) }

// fixedSnapshot is a demo-shaped picture with made-up pids, so the golden
// screens don't depend on which pids the runtime handed out.
func fixedSnapshot() Snapshot {
	type spec struct {
		id, kind string
		st       actor.Status
		mbox     int
		msgs     uint64
		restarts int
		pid      string
	}
	node := func(p spec, kids ...actor.TreeNode) actor.TreeNode {
		return actor.TreeNode{ProcessInfo: actor.ProcessInfo{ChildID: p.id, Kind: p.kind, Status: p.st,
			MailboxLen: p.mbox, MessagesIn: p.msgs, Restarts: p.restarts}, Children: kids}
	}
	specs := []spec{
		{"demo", "supervisor", actor.Waiting, 0, 9, 1, "<0.40>"},
		{"cache", "server", actor.Waiting, 0, 1204, 0, "<0.41>"},
		{"pool", "supervisor", actor.Waiting, 0, 12, 1, "<0.42>"},
		{"worker-1", "server", actor.Running, 37, 880, 1, "<0.57>"},
		{"worker-2", "server", actor.Waiting, 0, 412, 1, "<0.58>"},
		{"worker-3", "server", actor.Running, 142, 960, 1, "<0.59>"},
		{"feed", "supervisor", actor.Waiting, 0, 4, 0, "<0.47>"},
		{"source", "process", actor.Waiting, 0, 0, 0, "<0.48>"},
		{"aggregator", "server", actor.Waiting, 0, 0, 0, ""}, // not running
		{"load", "server", actor.Waiting, 0, 310, 0, "<0.50>"},
	}
	tree := node(specs[0],
		node(specs[1]),
		node(specs[2], node(specs[3]), node(specs[4]), node(specs[5])),
		node(specs[6], node(specs[7]), node(specs[8])),
		node(specs[9]))
	s := Build([]actor.TreeNode{tree}, nil, func(p actor.ProcessInfo) string { return demoStrategies[p.ChildID] })
	for i := range s.Rows {
		s.Rows[i].PIDText = specs[i].pid
	}
	s.Processes, s.Supervisors, s.Mailboxes = 10, 3, 179
	return s
}

func fixedEvents() []logEntry {
	at := time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC)
	return []logEntry{
		{kind: actor.Exited, at: at, who: "worker-2", pidText: "<0.44>", why: actor.Killed},
		{kind: actor.Restarted, at: at, who: "worker-2", pidText: "<0.58>", oldText: "<0.44>", why: actor.Killed},
		{kind: actor.Exited, at: at.Add(time.Second), who: "aggregator", pidText: "<0.49>", why: &actor.PanicError{Value: "crashed on purpose from the observer"}},
	}
}

// golden runs the model at a fixed size and compares its last frame.
func goldenScreen(t *testing.T, w, h int, keys ...tea.Msg) {
	t.Helper()
	m := New(Options{Snapshot: fixedSnapshot, Refresh: 10 * time.Millisecond})
	m.events = fixedEvents()
	rec := tuitest.Record(m)
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(w, h))
	rec.WaitFor(t, 5*time.Second, "the snapshot", tuitest.Contains("└─ load"))
	for _, k := range keys {
		tm.Send(k)
	}
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(tuitest.Recorder)
	golden.RequireEqual(t, tuitest.Plain(final.Model.View().Content))
}

func down() tea.Msg { return tea.KeyPressMsg{Code: tea.KeyDown} }

func TestScreenTree(t *testing.T) { goldenScreen(t, 100, 30, down(), down(), down()) }

func TestScreenNarrowWithFullHelp(t *testing.T) {
	goldenScreen(t, 64, 20, tea.KeyPressMsg{Code: '?', Text: "?"}, tea.KeyPressMsg{Code: tea.KeyEnd})
}

func TestBuildLaysOutTrees(t *testing.T) {
	info := func(id string) actor.ProcessInfo { return actor.ProcessInfo{ChildID: id, Kind: "server"} }
	sup := func(id string, kids ...actor.TreeNode) actor.TreeNode {
		p := info(id)
		p.Kind = "supervisor"
		return actor.TreeNode{ProcessInfo: p, Children: kids}
	}
	leaf := func(id string) actor.TreeNode { return actor.TreeNode{ProcessInfo: info(id)} }
	root := sup("top", leaf("a"), sup("mid", leaf("b"), leaf("c")), leaf("d"))
	root.Name, root.ChildID = "app", ""
	s := Build([]actor.TreeNode{root}, nil, func(p actor.ProcessInfo) string {
		if p.Kind == "supervisor" {
			return "one_for_one"
		}
		return ""
	})
	var got []string
	for i, r := range s.Rows {
		got = append(got, s.Key(i)+" |"+s.Prefix(i)+r.Label+" "+r.Strategy)
	}
	want := []string{
		"app |app one_for_one",
		"app/a |├─ a ",
		"app/mid |├─ mid one_for_one",
		"app/mid/b |│  ├─ b ",
		"app/mid/c |│  └─ c ",
		"app/d |└─ d ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s.index("app/mid/c") != 4 || s.index("nope") != -1 {
		t.Fatal("index does not find rows by key")
	}
}

func TestSnapshotsRunOffTheUpdateLoop(t *testing.T) {
	calls := make(chan struct{}, 1)
	m := New(Options{Snapshot: func() Snapshot { calls <- struct{}{}; return fixedSnapshot() }, Refresh: time.Millisecond})
	next, cmd := m.Update(refreshMsg{})
	if cmd == nil {
		t.Fatal("a refresh asked for no snapshot")
	}
	select {
	case <-calls:
		t.Fatal("Update took the snapshot itself instead of returning a Cmd")
	default:
	}
	msg := cmd()
	<-calls
	// While the snapshot is out, no second one is asked for; the next comes
	// Refresh after this one lands.
	_, cmd = next.Update(msg)
	if cmd == nil {
		t.Fatal("no refresh scheduled after a snapshot arrived")
	}
	if got := cmd(); got != (refreshMsg{}) {
		t.Fatalf("after a snapshot the model asked for %T, want a refreshMsg after Refresh", got)
	}
	select {
	case <-calls:
		t.Fatal("a second snapshot was taken before the refresh came due")
	default:
	}
}

func TestFeedNeverBlocksTheRuntime(t *testing.T) {
	var handler func(actor.Event)
	f := NewFeed(func(h func(actor.Event)) func() { handler = h; return func() {} })
	defer f.Close()
	for range 5000 { // nobody reads: the handler must still return
		handler(actor.Event{Kind: actor.Spawned})
	}
	msg := f.wait()().(eventsMsg)
	if len(msg.events) != 256 || msg.dropped != 5000-1024 {
		t.Fatalf("batch of %d, %d dropped; want 256 and %d", len(msg.events), msg.dropped, 5000-1024)
	}
}

// startObserved runs the real demo under the observer in a teatest program.
func startObserved(t *testing.T, prefix string) (*Demo, tuitest.Recorder, *teatest.TestModel) {
	t.Helper()
	feed := NewFeed(actor.Subscribe)
	demo, err := StartDemo(DemoConfig{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	rec := tuitest.Record(New(Options{Demo: demo, Feed: feed, Refresh: 20 * time.Millisecond}))
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() {
		tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		feed.Close()
		if err := demo.Stop(); err != nil {
			t.Error(err)
		}
	})
	// The whole tree: a half-started demo shows its workers as
	// unsupervised rows below it, and the rows move when it is done.
	rec.WaitFor(t, 5*time.Second, "the demo tree", func(s string) bool {
		return treeRowOf(s, prefix+"worker-4") != "" && treeRowOf(s, prefix+"load") != ""
	})
	return demo, rec, tm
}

// selectRow moves the cursor down until the selected row is label.
func selectRow(t *testing.T, rec tuitest.Recorder, tm *teatest.TestModel, label string) string {
	t.Helper()
	for range 40 {
		line := selectedLine(rec.Screen())
		if rowLabel(line) == label {
			return line
		}
		// Compare labels, not lines: a refresh changes the numbers of
		// the selected line without moving the cursor. A refresh never
		// moves the marker to another process, so a new label is this
		// key press landed, and the next one starts from there.
		before := rowLabel(line)
		tm.Send(down())
		rec.WaitFor(t, 5*time.Second, "the cursor to move", func(s string) bool {
			l := rowLabel(selectedLine(s))
			return l != "" && l != before
		})
	}
	t.Fatalf("never selected %s; screen:\n%s", label, rec.Screen())
	return ""
}

// rowLabel is the process label of a table line: its first word after
// the marker and the tree drawing.
func rowLabel(line string) string {
	f := strings.Fields(strings.TrimLeft(line, "▸ │├└─"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func selectedLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "▸") {
			return l
		}
	}
	return ""
}

var pidRe = regexp.MustCompile(`<0\.\d+>`)

// rowOf finds the table line of label.
func rowOf(screen, label string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, " "+label+" ") && pidRe.MatchString(l) {
			return l
		}
	}
	return ""
}

// treeRowOf finds the line of label drawn under its supervisor, not the
// unsupervised row a restarted child has until its supervisor publishes it.
func treeRowOf(screen, label string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "─ "+label+" ") && pidRe.MatchString(l) {
			return l
		}
	}
	return ""
}

func TestKillAWorkerAndItComesBack(t *testing.T) {
	_, rec, tm := startObserved(t, "kill.")
	before := selectRow(t, rec, tm, "kill.worker-2")
	oldPID := pidRe.FindString(before)
	tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"})

	screen := rec.WaitFor(t, 5*time.Second, "worker-2 restarted with a new pid", func(s string) bool {
		row := treeRowOf(s, "kill.worker-2")
		pid := pidRe.FindString(row)
		return pid != "" && pid != oldPID && strings.HasSuffix(row, " 1") &&
			treeRowOf(s, "kill.worker-4") != "" &&
			strings.Contains(s, "restarted") && strings.Contains(s, "killed")
	})
	// one_for_all: its siblings were restarted with it.
	if row := treeRowOf(screen, "kill.worker-1"); !strings.HasSuffix(row, " 1") {
		t.Errorf("pool is one_for_all, yet worker-1 shows no restart: %q", row)
	}
	if !strings.Contains(screen, "killed kill.worker-2 "+oldPID+": watch its supervisor restart it") {
		t.Errorf("status line does not say what was killed:\n%s", screen)
	}
}

func TestCrashTheSourceRestartsTheRestForOne(t *testing.T) {
	_, rec, tm := startObserved(t, "crash.")
	selectRow(t, rec, tm, "crash.source")
	aggBefore := pidRe.FindString(treeRowOf(rec.Screen(), "crash.aggregator"))
	tm.Send(tea.KeyPressMsg{Code: 'c', Text: "c"})
	rec.WaitFor(t, 5*time.Second, "the panic in the log and the aggregator restarted", func(s string) bool {
		agg := pidRe.FindString(treeRowOf(s, "crash.aggregator"))
		return strings.Contains(s, "panic: crashed on purpose") && agg != "" && agg != aggBefore
	})
}

func TestLoadFillsMailboxes(t *testing.T) {
	demo, rec, tm := startObserved(t, "load.")
	tm.Send(tea.KeyPressMsg{Code: 'l', Text: "l"})
	queued := regexp.MustCompile(`([1-9]\d*) messages? queued`)
	rec.WaitFor(t, 10*time.Second, "messages queued under load", func(s string) bool {
		return strings.Contains(s, "load on") && queued.MatchString(s)
	})
	if !demo.Load() {
		t.Fatal("l did not turn the demo's load on")
	}
}

func TestDemoStopsCleanly(t *testing.T) {
	demo, err := StartDemo(DemoConfig{Prefix: "stop."})
	if err != nil {
		t.Fatal(err)
	}
	demo.SetLoad(true)
	if err := demo.Stop(); err != nil {
		t.Fatal(err)
	}
	if demo.Running() {
		t.Fatal("demo still running after Stop")
	}
	if _, ok := actor.WhereIs("stop.worker-1"); ok {
		t.Fatal("a worker outlived the demo")
	}
	if err := demo.Stop(); err != nil && !errors.Is(err, actor.NoProc) {
		t.Fatalf("second Stop: %v", err)
	}
}

// BenchmarkRefresh10k measures one refresh (snapshot + View) of a system
// of 10,000 processes under one supervisor, the observer's budget being
// 50ms; BenchmarkProcesses10k is the raw introspection it builds on.
func BenchmarkRefresh10k(b *testing.B) {
	stop := bigTree(b, 10_000)
	defer stop()
	m := New(Options{Refresh: time.Hour})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for b.Loop() {
		next, _ := mm.Update(snapshotMsg{snap: Take(nil)})
		_ = next.View()
	}
}

func BenchmarkProcesses10k(b *testing.B) {
	stop := bigTree(b, 10_000)
	defer stop()
	for b.Loop() {
		_ = actor.Processes()
	}
}

func bigTree(b *testing.B, n int) func() {
	b.Helper()
	kids := make([]actor.ChildSpec, n)
	for i := range kids {
		kids[i] = actor.ChildSpec{ID: fmt.Sprintf("w%05d", i), Shutdown: actor.BrutalKill, Start: func() (actor.PID, error) {
			return actor.Spawn(func(p *actor.Process) error { _, err := p.Receive(actor.Infinity); return err }), nil
		}}
	}
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{Children: kids})
	if err != nil {
		b.Fatal(err)
	}
	return func() {
		if err := actor.Stop(sup, actor.Shutdown, time.Minute); err != nil {
			b.Error(err)
		}
	}
}

func TestRestartIntensityMovesTheFailureUp(t *testing.T) {
	_, rec, tm := startObserved(t, "max.")
	selectRow(t, rec, tm, "max.worker-1")
	poolPID := pidRe.FindString(treeRowOf(rec.Screen(), "pool"))
	// pool allows 5 restarts in 10s: the 6th failure makes it give up,
	// and demo, one level up, restarts pool with fresh workers.
	// Each kill is counted by the status line naming the pid it killed:
	// a status left over from the previous press can't be mistaken for it.
	last := ""
	for kills := 0; kills < 6; {
		// Wait for the selection to show a worker-1 the test has not
		// pressed k on yet: the pid is read from the marked row, the one
		// k acts on, not from a new worker-1 not yet in the tree.
		selected := func(s string) string {
			if l := selectedLine(s); rowLabel(l) == "max.worker-1" {
				return pidRe.FindString(l)
			}
			return ""
		}
		pid := selected(rec.WaitFor(t, 5*time.Second, "a new worker-1", func(s string) bool {
			p := selected(s)
			return p != "" && p != last
		}))
		last = pid
		tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"})
		screen := rec.WaitFor(t, 5*time.Second, fmt.Sprintf("k on %s to be answered", pid), func(s string) bool {
			return strings.Contains(s, "killed max.worker-1 "+pid) || strings.Contains(s, "max.worker-1 "+pid+" has already exited")
		})
		// The row may show a worker that exited since the last refresh
		// (the one_for_all restart still under way): then press again.
		if strings.Contains(screen, "killed max.worker-1 "+pid) {
			kills++
		}
	}
	screen := rec.WaitFor(t, 5*time.Second, "pool to give up and demo to restart it", func(s string) bool {
		// "pool", not "supervisor": the log names an unnamed supervisor
		// by its child id, from the tree.
		return strings.Contains(s, " pool: max restart intensity: child \"worker-1\" exited with killed, more than 5") &&
			pidRe.FindString(treeRowOf(s, "pool")) != poolPID
	})
	// RESTARTS counts a process's own restarts: demo, the root, has none;
	// what it performed is in its detail line.
	if row := rowOf(screen, "max.demo"); !strings.HasSuffix(row, " 0") {
		t.Errorf("nothing restarted demo, yet its RESTARTS is not 0: %q", row)
	}
	if row := treeRowOf(screen, "pool"); !strings.HasSuffix(row, " 1") {
		t.Errorf("the new pool should show 1 restart (by demo): %q", row)
	}
}

func TestRestartTheDemoAfterItStopped(t *testing.T) {
	demo, rec, tm := startObserved(t, "root.")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyHome})
	rec.WaitFor(t, 5*time.Second, "the root selected", func(s string) bool {
		return strings.Contains(selectedLine(s), "root.demo ")
	})
	tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"})
	rec.WaitFor(t, 5*time.Second, "the stopped demo", tuitest.Contains("press r to start it again"))
	// A root has no supervisor: the status line must not promise a restart.
	rec.WaitFor(t, 5*time.Second, "the kill said to restart nothing", tuitest.Contains("nothing restarts it"))
	tm.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
	rec.WaitFor(t, 5*time.Second, "the demo running again", func(s string) bool {
		return strings.Contains(s, "the demo application is running again") && treeRowOf(s, "root.worker-4") != ""
	})
	if !demo.Running() {
		t.Fatal("r did not start the demo again")
	}
}

// TestKillFollowsTheSelectedProcess: a refresh between the cursor move and
// k must not retarget k to whatever row now sits at the cursor's index.
// The selection follows the process: to its new row when the tree was
// reordered, and to the process itself when its row is gone for a refresh
// (a supervisor between stopping a child and publishing its restart).
func TestKillFollowsTheSelectedProcess(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after []string // children of app in the refresh after the move
	}{
		{"reordered", []string{"c", "b", "a"}},
		{"row gone", []string{"a", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pids := map[string]actor.PID{}
			for _, id := range []string{"a", "b", "c"} {
				pids[id] = actor.Spawn(func(p *actor.Process) error { _, err := p.Receive(actor.Infinity); return err })
			}
			t.Cleanup(func() {
				for _, pid := range pids {
					actor.Exit(pid, actor.Kill)
				}
			})
			snap := func(ids ...string) Snapshot {
				root := actor.TreeNode{ProcessInfo: actor.ProcessInfo{Name: "app", Kind: "supervisor"}}
				for _, id := range ids {
					root.Children = append(root.Children, actor.TreeNode{ProcessInfo: actor.ProcessInfo{PID: pids[id], ChildID: id, Kind: "server"}})
				}
				return Build([]actor.TreeNode{root}, nil, nil)
			}
			var m tea.Model = New(Options{Refresh: time.Hour})
			m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			m, _ = m.Update(snapshotMsg{snap: snap("a", "b", "c")})
			m, _ = m.Update(down())
			m, _ = m.Update(down()) // app, a, b: b is selected
			if line := selectedLine(tuitest.Plain(m.View().Content)); rowLabel(line) != "b" {
				t.Fatalf("selected %q, want b", line)
			}
			m, _ = m.Update(snapshotMsg{snap: snap(tc.after...)})
			if line := selectedLine(tuitest.Plain(m.View().Content)); line != "" && rowLabel(line) != "b" {
				t.Errorf("after the refresh the marker is on %q, not b", line)
			}
			_, cmd := m.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
			if cmd == nil {
				t.Fatal("k did nothing")
			}
			status := cmd()
			for id, pid := range pids {
				if alive := actor.Alive(pid); alive == (id == "b") {
					t.Errorf("after k (%v): %s alive=%v; only b should be killed", status, id, alive)
				}
			}
		})
	}
}

// TestCrashSaysWhenTheProcessTrapsExits: c on a learner's process (not
// the demo's) sends an exit signal, as Erlang's observer does. One that
// traps exits takes it as a message and lives on; the status line must
// say so, not promise a restart that never comes.
func TestCrashSaysWhenTheProcessTrapsExits(t *testing.T) {
	for _, trap := range []bool{true, false} {
		t.Run(fmt.Sprintf("trap=%v", trap), func(t *testing.T) {
			got := make(chan any, 1)
			ready := make(chan struct{})
			pid := actor.Spawn(func(p *actor.Process) error {
				p.TrapExit(trap)
				close(ready)
				msg, err := p.Receive(actor.Infinity)
				if err != nil {
					return err
				}
				got <- msg
				_, err = p.Receive(actor.Infinity)
				return err
			})
			t.Cleanup(func() { actor.Exit(pid, actor.Kill); waitNoProcesses(t) })
			<-ready
			root := actor.TreeNode{ProcessInfo: actor.ProcessInfo{Name: "app", Kind: "supervisor"},
				Children: []actor.TreeNode{{ProcessInfo: actor.ProcessInfo{PID: pid, ChildID: "worker", Kind: "server"}}}}
			var m tea.Model = New(Options{Refresh: time.Hour})
			m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			m, _ = m.Update(snapshotMsg{snap: Build([]actor.TreeNode{root}, nil, nil)})
			m, _ = m.Update(down())
			_, cmd := m.Update(tea.KeyPressMsg{Code: 'c', Text: "c"})
			if cmd == nil {
				t.Fatal("c did nothing")
			}
			status := fmt.Sprint(cmd())
			if trap {
				select {
				case msg := <-got:
					if em, ok := msg.(actor.ExitMsg); !ok || !errors.Is(em.Reason, ErrCrashed) {
						t.Errorf("the trapping process got %#v, want an ExitMsg with ErrCrashed", msg)
					}
				case <-time.After(5 * time.Second):
					t.Fatal("the trapping process got no ExitMsg within 5s")
				}
				if !actor.Alive(pid) || !strings.Contains(status, "traps exits") || !strings.Contains(status, "k kills it") {
					t.Errorf("alive=%v, status %q; want alive, and a status that says it trapped the signal and k kills it", actor.Alive(pid), status)
				}
				return
			}
			for deadline := time.Now().Add(5 * time.Second); actor.Alive(pid); {
				if time.Now().After(deadline) {
					t.Fatal("the process that does not trap exits is alive 5s after c")
				}
				runtime.Gosched()
			}
			if strings.Contains(status, "traps exits") || !strings.Contains(status, "exit signal") {
				t.Errorf("status %q; want it to say an exit signal was sent, not that it was trapped", status)
			}
		})
	}
}

// TestLongPIDsAreNotTruncated: after a day of restarts pids have seven
// digits; the PID column must show them whole.
func TestLongPIDsAreNotTruncated(t *testing.T) {
	s := fixedSnapshot()
	s.Rows[3].PIDText = "<0.9999999>"
	m := New(Options{Snapshot: func() Snapshot { return s }, Refresh: time.Hour})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	mm, _ = mm.Update(snapshotMsg{snap: s})
	if screen := tuitest.Plain(mm.View().Content); !strings.Contains(screen, "<0.9999999> ") {
		t.Fatalf("a seven-digit pid was cut:\n%s", screen)
	}
}

// TestLogNamesAnExitedChildByItsID: a worker's exit event carries no
// child id; the log names it as the tree did (worker-2), not by its kind,
// also once it is gone from the tree.
func TestLogNamesAnExitedChildByItsID(t *testing.T) {
	pid := actor.Spawn(func(p *actor.Process) error { _, err := p.Receive(actor.Infinity); return err })
	root := actor.TreeNode{ProcessInfo: actor.ProcessInfo{Name: "app", Kind: "supervisor"},
		Children: []actor.TreeNode{{ProcessInfo: actor.ProcessInfo{PID: pid, ChildID: "worker-2", Kind: "server"}}}}
	var m tea.Model = New(Options{Refresh: time.Hour})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m, _ = m.Update(snapshotMsg{snap: Build([]actor.TreeNode{root}, nil, nil)})
	actor.Exit(pid, actor.Kill)
	waitNoProcesses(t)
	m, _ = m.Update(snapshotMsg{snap: Build([]actor.TreeNode{{ProcessInfo: root.ProcessInfo}}, nil, nil)})
	m, _ = m.Update(eventsMsg{events: []actor.Event{{Kind: actor.Exited, PID: pid, ProcKind: "server", Reason: actor.Killed, Time: time.Now()}}})
	screen := tuitest.Plain(m.View().Content)
	if !strings.Contains(screen, pid.String()+" worker-2: killed") {
		t.Errorf("the log does not name the exited worker by its id:\n%s", screen)
	}
}

// waitNoProcesses waits, with a deadline, until no process is left: a
// killed one is gone only once its goroutine has returned.
func waitNoProcesses(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for actor.NumProcesses() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d process(es) still running after 5s: %v", actor.NumProcesses(), actor.Processes())
		}
		runtime.Gosched()
	}
}

// A supervisor written by hand (a GenServer of kind "supervisor", as in
// chapter sup) is not one the runtime knows; its children are the
// processes it started and is linked to, drawn under it. One it started
// without a link (here, monitored) is not its child.
func TestBuildDrawsAHandRolledSupervisorsLinkedChildren(t *testing.T) {
	waitNoProcesses(t) // the picture is of every process: earlier tests' must be gone
	idle := func(p *actor.Process) error { _, err := p.Receive(actor.Infinity); return err }
	ready := make(chan actor.PID)
	sup := actor.Spawn(func(p *actor.Process) error {
		p.SpawnLink(idle, actor.Name("apples"))
		inner := make(chan struct{})
		p.SpawnLink(func(q *actor.Process) error {
			q.SpawnLink(idle, actor.Name("plums"))
			close(inner)
			return idle(q)
		}, actor.Name("inner"), actor.Kind("supervisor"))
		<-inner
		stray, _ := p.SpawnMonitor(idle, actor.Name("stray"))
		ready <- stray
		return idle(p)
	}, actor.Name("counters"), actor.Kind("supervisor"))
	stray := <-ready
	defer func() {
		actor.Exit(sup, actor.Kill) // its linked children go with it
		actor.Exit(stray, actor.Kill)
		waitNoProcesses(t)
	}()
	s := Build(actor.Tree(), actor.Processes(), nil)
	var got []string
	for i, r := range s.Rows {
		got = append(got, s.Key(i)+" |"+s.Prefix(i)+r.Label)
	}
	want := []string{
		"counters |counters",
		"counters/apples |├─ apples",
		"counters/inner |└─ inner",
		"counters/inner/plums |   └─ plums",
		"~stray |stray",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDetailSaysWhatASupervisorPerformed: a supervisor's restarts of its
// children are in its detail line, apart from its own RESTARTS.
func TestDetailSaysWhatASupervisorPerformed(t *testing.T) {
	info := &actor.ProcessInfo{Performed: 3}
	got := detail(selection{Row: Row{Label: "pipeline", ProcessInfo: info}, pid: "<0.2>"})
	if !strings.Contains(got, "restarted its children 3 times") {
		t.Errorf("detail = %q; want what it performed", got)
	}
	info.Performed = 1
	if got := detail(selection{Row: Row{Label: "pipeline", ProcessInfo: info}, pid: "<0.2>"}); !strings.Contains(got, "restarted its children once") {
		t.Errorf("detail = %q; want once", got)
	}
	info.Performed = 0
	if got := detail(selection{Row: Row{Label: "conn", ProcessInfo: info}, pid: "<0.3>"}); strings.Contains(got, "restarted its children") {
		t.Errorf("detail of a worker = %q", got)
	}
}
