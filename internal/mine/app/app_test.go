package app

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"go.uber.org/goleak"

	supervision "github.com/otpgo/otpgo/solutions/04_supervision"
	sup "github.com/otpgo/otpgo/solutions/sup_supervisor"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/observer"
	"github.com/otpgo/otpgo/internal/tui/tuitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, tuitest.IgnoreTeatest()) }

// The program otpgo observe --mine 04 compiles, driven in-process: chapter
// 04's reference tree (what a learner who finished it has) is shown, and
// killing its "cache" restarts exactly what rest_for_one says: cache and
// api, not conn, not metrics.
func TestMine04ShowsTheTreeAndAKillRestartsPerItsStrategy(t *testing.T) {
	events := make(chan supervision.Event, 256)
	feed := observer.NewFeed(actor.Subscribe)
	defer feed.Close()
	root, err := Start(context.Background(), func() (actor.PID, error) {
		return supervision.StartApp(func(e supervision.Event) { events <- e }, supervision.Intensity{MaxRestarts: 3, Within: 5 * time.Second})
	}, StartTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := actor.Stop(root, actor.Shutdown, 5*time.Second); err != nil {
			t.Error(err)
		}
	}()
	rec := tuitest.Record(Model(feed))
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(120, 40))
	defer func() {
		tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}()
	rec.WaitFor(t, 5*time.Second, "the learner's tree", func(s string) bool {
		for _, l := range []string{"pipeline", "conn", "cache", "api", "metrics"} {
			if rowOf(s, l) == "" {
				return false
			}
		}
		return true
	})
	drain(events)

	before := selectRow(t, rec, tm, "cache")
	oldPID := pidRe.FindString(before)
	tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"})

	screen := rec.WaitFor(t, 5*time.Second, "cache restarted with a new pid", func(s string) bool {
		pid := pidRe.FindString(rowOf(s, "cache"))
		return pid != "" && pid != oldPID && strings.HasSuffix(rowOf(s, "api"), " 1")
	})
	for _, l := range []string{"conn", "metrics"} {
		if row := rowOf(screen, l); !strings.HasSuffix(row, " 0") {
			t.Errorf("rest_for_one after cache: %s must not restart, yet its row is %q", l, row)
		}
	}
	var got []string
	deadline := time.After(5 * time.Second)
	for len(got) < 3 {
		select {
		case e := <-events:
			got = append(got, e.Kind.String()+" "+e.ID)
		case <-deadline:
			t.Fatalf("events after the kill: %q, want api's termination and cache and api started", got)
		}
	}
	want := []string{"terminated api", "started cache", "started api"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("events after killing cache: %q, want %q", got, want)
	}
}

// The program otpgo observe --mine sup compiles: the learner's supervisor
// is a GenServer they wrote, not one the runtime knows, yet the counters
// it started and linked to are drawn under it, and a killed counter comes
// back there with a new pid (their HandleInfo restarting it).
func TestMineSupShowsTheCountersUnderTheLearnersSupervisor(t *testing.T) {
	feed := observer.NewFeed(actor.Subscribe)
	defer feed.Close()
	root, err := Start(context.Background(), func() (actor.PID, error) {
		return sup.Start([]sup.ChildSpec{sup.CounterSpec("apples", 0), sup.CounterSpec("pears", 0), sup.CounterSpec("plums", 0)}, actor.Name("counters"))
	}, StartTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := sup.Stop(root); err != nil {
			t.Error(err)
		}
	}()
	rec := tuitest.Record(Model(feed))
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(120, 40))
	defer func() {
		tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}()
	// In start order, so a restarted counter moves to the end.
	underCounters := func(s string) bool {
		for _, c := range []string{"apples", "pears", "plums"} {
			if !strings.Contains(rowOf(s, c), "─ "+c) {
				return false
			}
		}
		return rowOf(s, "counters") != ""
	}
	rec.WaitFor(t, 5*time.Second, "the counters drawn under the learner's supervisor", underCounters)

	before := selectRow(t, rec, tm, "apples")
	oldPID := pidRe.FindString(before)
	tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"})
	rec.WaitFor(t, 5*time.Second, "apples restarted under counters with a new pid", func(s string) bool {
		pid := pidRe.FindString(rowOf(s, "apples"))
		return pid != "" && pid != oldPID && underCounters(s)
	})
}

func drain(c chan supervision.Event) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// A skeleton's TODO panics in the caller: Start says so instead of
// crashing the program.
func TestStartReportsAPanickingTree(t *testing.T) {
	_, err := Start(context.Background(), func() (actor.PID, error) { panic("TODO(04.5): start a OneForOne root") }, StartTimeout)
	if err == nil || !strings.Contains(err.Error(), "TODO(04.5)") {
		t.Fatalf("Start of a panicking tree: %v, want the panic's value", err)
	}
	_, err = Start(context.Background(), func() (actor.PID, error) { return actor.PID{}, errors.New("no children") }, StartTimeout)
	if err == nil || !strings.Contains(err.Error(), "no children") {
		t.Fatalf("Start of a failing tree: %v, want its error", err)
	}
}

// TestStartGivesUpOnAStuckTree: a tree whose start never returns (an
// Init waiting for a message) is given up on after the limit, or at once
// when the learner presses Ctrl-C, not waited for in silence.
func TestStartGivesUpOnAStuckTree(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	stuck := func() (actor.PID, error) { <-release; return actor.PID{}, errors.New("released") }
	_, err := Start(context.Background(), stuck, time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "had not returned after 1ms") || !strings.Contains(err.Error(), "Init") {
		t.Errorf("Start of a stuck tree: %v; want it given up on, saying why", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, stuck, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Start after Ctrl-C: %v; want context.Canceled at once", err)
	}
}

// TestStuckLinesSaysWhereTheLearnersCodeIs: from a goroutine dump, the
// line of the learner's code each goroutine is on, the newest goroutine
// first (ids, not the dump's order); not the runtime's, a test's, or a
// "created by" line, even under a checkout in a folder named exercises.
func TestStuckLinesSaysWhereTheLearnersCodeIs(t *testing.T) {
	dump := `goroutine 1 [chan receive]:
github.com/otpgo/otpgo/internal/actor.StartSupervisor(...)
	/home/x/exercises/otpgo/internal/actor/supervisor.go:200 +0x25
github.com/otpgo/otpgo/exercises/04_supervision.StartApp(0x1)
	/home/x/exercises/otpgo/exercises/04_supervision/intensity.go:28 +0x25
main.main()
	/home/x/exercises/otpgo/internal/mine/app/generated/main.go:9 +0x25

goroutine 40 [sync.Cond.Wait]:
sync.runtime_notifyListWait(0xc000024150, 0x1)
	/usr/local/go/src/runtime/sema.go:597 +0x159
github.com/otpgo/otpgo/exercises/04_supervision.(*worker).Init(0xc0001, 0xc0002)
	/home/x/exercises/otpgo/exercises/04_supervision/worker.go:23 +0x25
github.com/otpgo/otpgo/exercises/04_supervision.StartWorker(...)
	/home/x/exercises/otpgo/exercises/04_supervision/worker.go:47 +0x25
created by github.com/otpgo/otpgo/exercises/04_supervision.Spec in goroutine 7
	/home/x/exercises/otpgo/exercises/04_supervision/worker.go:60 +0x25

goroutine 9 [select]:
github.com/otpgo/otpgo/exercises/04_supervision.zzHelper(0x1)
	/home/x/exercises/otpgo/exercises/04_supervision/zz_test.go:3 +0x25
`
	got := stuckLines([]byte(dump), learnerPkgs)
	want := "; your code is\n  at exercises/04_supervision/worker.go:23 in (*worker).Init\n  at exercises/04_supervision/intensity.go:28 in StartApp"
	if got != want {
		t.Errorf("stuckLines =\n%s\nwant\n%s", got, want)
	}
	if got := stuckLines([]byte("goroutine 1 [running]:\nmain.main()\n\t/x/main.go:3 +0x1\n"), learnerPkgs); got != "" {
		t.Errorf("stuckLines of no learner code = %q; want nothing", got)
	}
}

func TestFuncNameIsWhatTheLearnerWrote(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/otpgo/otpgo/exercises/04_supervision.(*worker).Init(0xc0001, {0x1, 0x2})": "(*worker).Init",
		"example.com/m/exercises/x.StartApp(...)":                                             "StartApp",
		"main.main()": "main",
		"created by example.com/x.Go in goroutine 1": "",
	} {
		if got := funcName(in); got != want {
			t.Errorf("funcName(%q) = %q; want %q", in, got, want)
		}
	}
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

// selectRow moves the cursor down until the selected row is label.
func selectRow(t *testing.T, rec tuitest.Recorder, tm *teatest.TestModel, label string) string {
	t.Helper()
	for range 20 {
		line := selectedLine(rec.Screen())
		if rowLabel(line) == label {
			return line
		}
		before := rowLabel(line)
		tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		rec.WaitFor(t, 5*time.Second, "the cursor to move", func(s string) bool {
			l := rowLabel(selectedLine(s))
			return l != "" && l != before
		})
	}
	t.Fatalf("never selected %s; screen:\n%s", label, rec.Screen())
	return ""
}

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
