package seqdiag

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/actor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// ev builds events with increasing Seq and At (1ms apart) so fixtures
// read like real traces.
type evs []actor.TraceEvent

func (e *evs) add(ev actor.TraceEvent) {
	ev.Seq = uint64(len(*e) + 1)
	if ev.At == 0 {
		ev.At = time.Duration(len(*e)+1) * time.Millisecond
	}
	*e = append(*e, ev)
}

// failing01 is 01.3 partly solved: the task crashes, its DOWN arrives
// at the caller, which never takes it; the test's own check does, a
// second later.
func failing01() actor.TraceLog {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "process"})
	e.add(actor.TraceEvent{Kind: actor.TraceMonitor, PID: 1, Peer: 2})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 2, Peer: 1, Type: "process"})
	e.add(actor.TraceEvent{Kind: actor.TraceExit, PID: 2, Reason: "panic: boom: the task panicked on purpose"})
	e.add(actor.TraceEvent{Kind: actor.TraceDown, PID: 2, Peer: 1, Type: "DOWN", Msg: 1, Reason: "panic: boom: the task panicked on purpose"})
	e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 1, Peer: 2, Type: "DOWN", Msg: 1, Wait: time.Second, At: 1005 * time.Millisecond,
		Site: "concurrency.zzExpectEmptyMailbox (zz_otpgo_hidden_helpers_test.go:168)"})
	e.add(actor.TraceEvent{Kind: actor.TraceExit, PID: 1, Reason: "normal", At: 1006 * time.Millisecond})
	return actor.TraceLog{Events: e}
}

// busy03 has every kind: a registered server called twice (one call
// never answered), a long run of casts, a trapped EXIT, a restart, a
// timer, a flushed DOWN, a self-send, and a message never received.
func busy03() actor.TraceLog {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "process"})
	e.add(actor.TraceEvent{Kind: actor.TraceRegister, PID: 3, Name: "redis_client"})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 3, Peer: 1, Type: "server", Name: "redis_client"})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 4, Peer: 1, Type: "supervisor"})
	e.add(actor.TraceEvent{Kind: actor.TraceLink, PID: 1, Peer: 3})
	e.add(actor.TraceEvent{Kind: actor.TraceCall, PID: 1, Peer: 3, Type: "github.com/otpgo/otpgo/exercises/03_redis.command", Value: "{args:[GET k]}", Msg: 1})
	e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 3, Peer: 1, Type: "call", Msg: 1, Wait: 20 * time.Microsecond})
	e.add(actor.TraceEvent{Kind: actor.TraceReply, PID: 3, Peer: 1, Type: "string", Value: `"v"`, Msg: 1})
	for i := range 40 {
		e.add(actor.TraceEvent{Kind: actor.TraceSend, PID: 1, Peer: 3, Type: "redis.cast", Value: fmt.Sprint(i), Msg: uint64(10 + i)})
	}
	for i := range 40 {
		e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 3, Peer: 1, Type: "redis.cast", Msg: uint64(10 + i), Wait: 5 * time.Microsecond})
	}
	e.add(actor.TraceEvent{Kind: actor.TraceCall, PID: 1, Peer: 3, Type: "redis.command", Value: "{args:[BLPOP q 0]}", Msg: 2})
	e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 3, Peer: 1, Type: "call", Msg: 2})
	e.add(actor.TraceEvent{Kind: actor.TraceReply, PID: 3, Peer: 1, Msg: 2, Reason: "call <0.3>: timeout"})
	e.add(actor.TraceEvent{Kind: actor.TraceTimer, Peer: 3})
	e.add(actor.TraceEvent{Kind: actor.TraceSend, PID: 0, Peer: 3, Type: "redis.reconnect", Msg: 3})
	e.add(actor.TraceEvent{Kind: actor.TraceSend, PID: 3, Peer: 3, Type: "redis.flush", Msg: 4})
	e.add(actor.TraceEvent{Kind: actor.TraceExit, PID: 3, Reason: "connection refused"})
	e.add(actor.TraceEvent{Kind: actor.TraceExitMsg, PID: 3, Peer: 1, Type: "EXIT", Msg: 5, Reason: "connection refused"})
	e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 1, Peer: 3, Type: "EXIT", Msg: 5, Site: "redis.Run (client.go:40)"})
	e.add(actor.TraceEvent{Kind: actor.TraceRestart, PID: 4, Peer: 5, Name: "client", Reason: "connection refused", Value: "<0.3>"})
	e.add(actor.TraceEvent{Kind: actor.TraceMonitor, PID: 1, Peer: 5})
	e.add(actor.TraceEvent{Kind: actor.TraceSignal, PID: 1, Peer: 5, Reason: "kill"})
	e.add(actor.TraceEvent{Kind: actor.TraceExit, PID: 5, Reason: "killed"})
	e.add(actor.TraceEvent{Kind: actor.TraceDown, PID: 5, Peer: 1, Type: "DOWN", Msg: 6, Reason: "killed"})
	e.add(actor.TraceEvent{Kind: actor.TraceDrop, PID: 1, Peer: 5, Type: "DOWN", Msg: 6})
	e.add(actor.TraceEvent{Kind: actor.TraceSend, PID: 1, Peer: 4, Type: "string", Value: `"status?"`, Msg: 7})
	return actor.TraceLog{Events: e, Dropped: 12}
}

// eventually waits until cond holds, failing the test after 5s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5s for %s", what)
		}
	}
}

func render(t *testing.T, log actor.TraceLog, opt TextOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Text(&b, log, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  actor.TraceLog
		opt  TextOptions
	}{
		{"failing01", failing01(), TextOptions{Width: 100}},
		{"busy03", busy03(), TextOptions{Width: 100}},
		{"busy03-narrow", busy03(), TextOptions{Width: 48}},
		{"busy03-color", busy03(), TextOptions{Width: 100, Color: true}},
		{"named", failing01(), TextOptions{Width: 80, Names: Names{1: "the test", 2: "task"}}},
		{"empty", actor.TraceLog{}, TextOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden.RequireEqual(t, render(t, tc.log, tc.opt))
		})
	}
}

// TestTextFitsTheWidth: no line is wider than asked, and a plain render
// has no escape sequences.
func TestTextFitsTheWidth(t *testing.T) {
	for _, w := range []int{40, 60, 100, 160} {
		out := string(render(t, busy03(), TextOptions{Width: w}))
		if strings.Contains(out, "\x1b") {
			t.Fatalf("plain render at width %d has escape sequences", w)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if n := len([]rune(line)); n > w && !strings.HasPrefix(line, "…") {
				t.Errorf("width %d: a line of %d columns: %q", w, n, line)
			}
		}
	}
}

// TestLegendFitsTheWidth: the legend breaks between entries, not in one,
// and loses none.
func TestLegendFitsTheWidth(t *testing.T) {
	for _, w := range []int{60, 80, 100, 200} {
		lines := LegendLines(w)
		for _, l := range lines {
			if n := len([]rune(l)); n > w {
				t.Errorf("width %d: a legend line of %d columns: %q", w, n, l)
			}
		}
		if got := strings.Join(strings.Fields(strings.Join(lines, " ")), " "); got != strings.Join(strings.Fields(TextLegend), " ") {
			t.Errorf("width %d: the legend lost or changed an entry:\n%s", w, strings.Join(lines, "\n"))
		}
	}
	if lines := LegendLines(200); len(lines) != 1 {
		t.Errorf("at 200 columns the legend takes %d lines; want 1", len(lines))
	}
}

// TestTextKeepsTheNotes: a note that does not fit its column runs on to
// the next lines instead of being cut, and with no room for a notes
// column at all it goes under its row: an exit reason, which says why a
// process died, must be readable at any width.
func TestTextKeepsTheNotes(t *testing.T) {
	for _, w := range []int{48, 60, 80, 100} {
		out := string(render(t, busy03(), TextOptions{Width: w}))
		flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ", "↳", " ").Replace(out)), " ")
		for _, want := range []string{"call#2 timed out (no reply came)", "after connection refused",
			"{args:[BLPOP q 0]}", "flushed unread (killed)"} {
			if !strings.Contains(flat, want) {
				t.Errorf("width %d: %q is missing or cut:\n%s", w, want, out)
			}
		}
	}
	if got := wrapText(strings.Repeat("word ", 100), 20, 3); len(got) != 3 || !strings.HasSuffix(got[2], "…") {
		t.Errorf("wrapText of 500 runes into 3 lines of 20: %q; want 3 lines, the last ending in …", got)
	}
}

func TestTextMarksWhatMatters(t *testing.T) {
	out := string(render(t, busy03(), TextOptions{Width: 160}))
	for _, want := range []string{
		"redis_client",     // a registered name names its lifeline
		"supervisor <0.4>", // else its kind and pid
		"call#1 command",   // calls are numbered and typed, without the package
		"reply#1 string",   // and paired with their replies
		"call#2 timed out", // a call whose caller gave up says so
		"⋮ 36 more cast",   // a long run is elided in its middle
		"═ EXIT ═",         // signals are drawn apart
		"✗ never received", // the status request nobody took
		"12 earlier events were dropped",
		"↺ flush",  // a self-send
		"═ kill ═", // an exit signal that stops its target
	} {
		if !strings.Contains(out, want) && !strings.Contains(out, strings.TrimPrefix(want, "redis.")) {
			t.Errorf("the diagram lacks %q:\n%s", want, out)
		}
	}
	one := string(render(t, failing01(), TextOptions{Width: 120}))
	for _, want := range []string{"DOWN", "left over: your code never took it (panic: boom", "test took DOWN", "the test found it left over"} {
		if !strings.Contains(one, want) {
			t.Errorf("the 01.3 diagram lacks %q:\n%s", want, one)
		}
	}
	if strings.Contains(one, "zz") {
		t.Errorf("the 01.3 diagram names a hidden test helper (zz…), which means nothing to the learner:\n%s", one)
	}
	// A DOWN the test itself waits for (its own helper process died) is
	// the test's business, not a message the learner's code left over.
	own := failing01()
	own.Events[5].Site = "concurrency.TestMonitoredCrashGivesReason (zz_otpgo_hidden_monitored_test.go:30)"
	out = string(render(t, own, TextOptions{Width: 120}))
	if strings.Contains(out, "left over") || !strings.Contains(out, "reason: panic: boom") {
		t.Errorf("a DOWN the test took in its own code is blamed on the learner, or lost its reason:\n%s", out)
	}
	if busy := string(render(t, busy03(), TextOptions{Width: 160})); !strings.Contains(busy, "took call#2") {
		t.Errorf("a server's receive of a call does not say which call:\n%s", busy)
	}
}

// TestCallTimeoutIsTheCallers: a call whose timer ran out is drawn on the
// caller, as the call never answered, not as a reply from the server
// (which sent nothing); a server that exited does fail the call.
func TestCallTimeoutIsTheCallers(t *testing.T) {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Name: "client"})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 2, Name: "cache"})
	e.add(actor.TraceEvent{Kind: actor.TraceCall, PID: 1, Peer: 2, Type: "pkg.put", Msg: 3})
	e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 2, Peer: 1, Type: "pkg.put", Msg: 3})
	e.add(actor.TraceEvent{Kind: actor.TraceReply, PID: 2, Peer: 1, Msg: 3, Reason: "call <0.2>: timeout"})
	log := actor.TraceLog{Events: e}
	out := string(render(t, log, TextOptions{Width: 100}))
	for _, want := range []string{"✗ never answered", "✗ call#1 timed out", "(no reply came)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "call#1 failed") || strings.Contains(out, "◀") {
		t.Errorf("a timeout is drawn as an answer from the server:\n%s", out)
	}
	var b bytes.Buffer
	if err := HTML(&b, "t", []Section{{Title: "t", Log: log}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<circle class="gaveup"`) {
		t.Errorf("the page does not mark the timeout on the caller:\n%s", b.String())
	}
	// The runtime's own words for a timeout, from a real call.
	actor.StartTrace(0)
	silent := actor.Spawn(func(p *actor.Process) error { // takes the call, never answers
		for {
			if _, err := p.Receive(actor.Infinity); err != nil {
				return err
			}
		}
	})
	if _, err := actor.Call(silent, "anyone?", time.Millisecond); !errors.Is(err, actor.ErrTimeout) {
		t.Errorf("Call to a process that never answers: %v; want a timeout", err)
	}
	actor.Exit(silent, actor.Kill)
	if out := string(render(t, actor.StopTrace(), TextOptions{Width: 100})); !strings.Contains(out, "call#1 timed out") {
		t.Errorf("a real call's timeout is not drawn as one:\n%s", out)
	}
	e[4].Reason = "redis: read: timeout" // the server's exit reason
	if out := string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 100})); !strings.Contains(out, "call#1 failed") || strings.Contains(out, "never answered") {
		t.Errorf("a server's exit no longer fails the call:\n%s", out)
	}
}

func TestHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	err := HTML(&b, `otpgo trace 01.3 <Monitors>`, []Section{
		{Title: "TestMonitoredCrashGivesReason: failed", Log: failing01()},
		{Title: "busy", Log: busy03()},
		{Title: "nothing", Log: actor.TraceLog{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, banned := range []string{"<script", "http://", "https://", "<Monitors>"} {
		if strings.Contains(strings.ReplaceAll(out, `xmlns="http://www.w3.org/2000/svg"`, ""), banned) {
			t.Errorf("the page contains %q: it must be self-contained and escape its text", banned)
		}
	}
	golden.RequireEqual(t, b.Bytes())
}

// TestTextElidesALoopOfCalls: a hundred calls, each a call, its receive
// and its reply, fold into their first and last rounds and one row that
// counts the rest; the numbers of the calls do not stop them folding.
func TestTextElidesALoopOfCalls(t *testing.T) {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "process"})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 2, Peer: 1, Type: "server"})
	for i := range 100 {
		id := uint64(10 + i)
		e.add(actor.TraceEvent{Kind: actor.TraceCall, PID: 1, Peer: 2, Type: "main.get", Value: fmt.Sprint(i), Msg: id})
		e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 2, Peer: 1, Type: "call", Msg: id})
		e.add(actor.TraceEvent{Kind: actor.TraceReply, PID: 2, Peer: 1, Type: "int", Value: fmt.Sprint(i), Msg: id})
	}
	out := string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 160}))
	if n := strings.Count(out, "\n"); n > 20 {
		t.Errorf("300 rows of calls took %d lines; want them folded:\n%s", n, out)
	}
	for _, want := range []string{"⋮ 96 more rounds of call#… get, took call#…, reply#… int", "call#1 get", "call#100 get"} {
		if !strings.Contains(out, want) {
			t.Errorf("the folded loop lacks %q:\n%s", want, out)
		}
	}
}

// TestLaneKeyGroupsAProcessPerItem: numbered lanes get a key, where a run
// of lanes of one role is one entry, broken between entries to the width.
func TestLaneKeyGroupsAProcessPerItem(t *testing.T) {
	lanes := []lane{{1, "test <0.1>"}}
	for pid := uint64(2); pid <= 21; pid++ {
		lanes = append(lanes, lane{pid, fmt.Sprintf("ParallelEach <0.%d>", pid)})
	}
	lanes = append(lanes, lane{0, "(not a process)"}, lane{30, "redis_client"})
	want := "Lanes: 1 test <0.1> · 2–21 ParallelEach <0.2>…<0.21> · 22 (not a process) · 23 redis_client"
	if got := laneKey(lanes, 200); len(got) != 1 || got[0] != want {
		t.Errorf("laneKey = %q; want [%q]", got, want)
	}
	got := laneKey(lanes, 40)
	if len(got) < 2 || len(got) > maxKeyLines || !strings.Contains(got[1], "2–21 ParallelEach <0.2>…<0.21>") {
		t.Errorf("laneKey at 40 columns = %q; want its entries whole, one line each when they do not fit together", got)
	}
	for _, l := range got {
		if len([]rune(l)) > 40 {
			t.Errorf("a key line of %d columns, wider than 40: %q", len([]rune(l)), l)
		}
	}
}

// TestTextTellsTheHeaderLine: the line Text says holds the lane names
// does, after the notes above it, so a pager can pin it.
func TestTextTellsTheHeaderLine(t *testing.T) {
	log := failing01()
	for i := range log.Events {
		log.Events[i].FakeClock = true
	}
	log.Dropped = 3
	key, header := -1, -1
	out := string(render(t, log, TextOptions{Width: 80, Header: func(k, l int) { key, header = k, l }}))
	lines := strings.Split(out, "\n")
	if header < 2 || header >= len(lines) || !strings.Contains(lines[header], "<0.1>") || strings.Contains(lines[header], "+") || key != header {
		t.Fatalf("Header said lines %d, %d; want the lanes' line, after the dropped and fake-clock notes, with no key:\n%s", key, header, out)
	}
	// Lanes too narrow for their names are numbered: the key above them
	// is pinned with them.
	var e evs
	for pid := uint64(1); pid <= 20; pid++ {
		e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: pid, Peer: 1, Name: fmt.Sprintf("worker_%d", pid), Type: "process"})
	}
	out = string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 80, Header: func(k, l int) { key, header = k, l }}))
	lines = strings.Split(out, "\n")
	if key >= header || header >= len(lines) || !strings.HasPrefix(lines[key], "Lanes: 1 ") || !strings.Contains(lines[header], " 20") {
		t.Fatalf("with 20 lanes, Header said lines %d, %d; want the key's first line, then the numbered lanes:\n%s", key, header, out)
	}
}

// TestFakeClockIsExplained: a test in a testing/synctest bubble records
// its fake clock's times, which stand still while processes run; the
// diagram says so instead of leaving the learner to wonder at +0s.
func TestFakeClockIsExplained(t *testing.T) {
	log := failing01()
	if out := string(render(t, log, TextOptions{Width: 100})); strings.Contains(out, "fake clock") {
		t.Errorf("a real-clock trace mentions a fake clock:\n%s", out)
	}
	for i := range log.Events {
		log.Events[i].FakeClock = true
	}
	// Wrapped to the width (a pager cuts a long line), and whole.
	if out := string(render(t, log, TextOptions{Width: 100})); !strings.Contains(strings.Join(strings.Fields(out), " "), FakeClockNote) {
		t.Errorf("a synctest trace does not explain its times:\n%s", out)
	} else if l, _, _ := strings.Cut(out, "\n"); len([]rune(l)) > 100 {
		t.Errorf("the note's first line is %d columns, wider than the 100 asked:\n%s", len([]rune(l)), out)
	}
	var b bytes.Buffer
	if err := HTML(&b, "t", []Section{{Title: "s", Log: log}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "fake clock (testing/synctest)") {
		t.Error("the page does not explain a synctest trace's times")
	}
}

func TestFileRoundTrip(t *testing.T) {
	log := busy03()
	log.Events[0].Site = "x.y (a_test.go:1)"
	log.Events[1].FakeClock = true
	var b bytes.Buffer
	if err := Write(&b, log); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Dropped != log.Dropped || len(back.Events) != len(log.Events) {
		t.Fatalf("read back %d events, dropped %d; want %d, %d", len(back.Events), back.Dropped, len(log.Events), log.Dropped)
	}
	for i := range log.Events {
		if back.Events[i] != log.Events[i] {
			t.Fatalf("event %d: read back %+v; want %+v", i, back.Events[i], log.Events[i])
		}
	}
}

func TestReadRefusesHostileFiles(t *testing.T) {
	ok := `{"dropped":0}` + "\n"
	for _, tc := range []struct{ name, data, want string }{
		{"long line", ok + `{"seq":1,"kind":"send","value":"` + strings.Repeat("x", MaxLineBytes) + `"}` + "\n", "longer than"},
		{"unknown kind", ok + `{"seq":1,"kind":"teleport"}` + "\n", "unknown event kind"},
		{"unknown field", ok + `{"seq":1,"kind":"send","evil":1}` + "\n", "unknown field"},
		{"nested", ok + `{"seq":1,"kind":"send","name":{"a":[[[[1]]]]}}` + "\n", "cannot unmarshal"},
		{"trailing", ok + `{"seq":1,"kind":"send"} {"x":1}` + "\n", "data after"},
		{"negative time", ok + `{"seq":1,"kind":"send","at_ns":-5}` + "\n", "negative"},
		{"bad header", `[1,2]` + "\n", "header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.data))
			if !errors.Is(err, ErrBadTrace) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Read = %v; want ErrBadTrace saying %q", err, tc.want)
			}
		})
	}
	// Too many events, without building a huge string: a reader that
	// repeats one line.
	line := []byte(`{"seq":1,"kind":"exit","pid":1}` + "\n")
	r := &repeatReader{head: []byte(ok), line: line, n: MaxEvents + 1}
	if _, err := Read(r); !errors.Is(err, ErrBadTrace) || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("Read of %d events = %v; want a refusal", MaxEvents+1, err)
	}
}

type repeatReader struct {
	head, line []byte
	n          int
	buf        []byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		switch {
		case r.head != nil:
			r.buf, r.head = r.head, nil
		case r.n > 0:
			r.buf = r.line
			r.n--
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	if err := Write(&b, busy03()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"dropped":1}` + "\n" + `{"seq":1,"kind":"down","pid":2,"peer":1,"msg":1}`))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		log, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever it accepts must render, as text and as a page.
		if err := Text(&bytes.Buffer{}, log, TextOptions{Width: 60}); err != nil {
			t.Fatal(err)
		}
		if err := HTML(&bytes.Buffer{}, "fuzz", []Section{{Log: log}}); err != nil {
			t.Fatal(err)
		}
	})
}

// recordToFile starts recording as a test binary's hook does, to a file
// in t's temp dir, whose path it returns; the trace stops with t.
func recordToFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	t.Setenv(EnvFile, path)
	t.Setenv(EnvDeadline, "")
	RecordFromEnv()
	t.Cleanup(func() { actor.StopTrace() })
	return path
}

// TestRecordFromEnv: the hooks a test binary runs write a trace file of
// what its processes did, and an empty trace never replaces one.
func TestRecordFromEnv(t *testing.T) {
	path := recordToFile(t)
	if err := actor.Run(func(p *actor.Process) error {
		actor.Send(p.Self(), "hello")
		_, err := p.Receive(actor.Infinity)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := DumpFromEnv(); err != nil {
		t.Fatal(err)
	}
	log, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kinds := make([]string, 0, len(log.Events))
	for _, ev := range log.Events {
		kinds = append(kinds, ev.Kind.String())
	}
	if got := strings.Join(kinds, " "); got != "spawn send receive exit" {
		t.Fatalf("recorded %q; want spawn send receive exit", got)
	}
	actor.StartTrace(0) // a new, empty trace, as in a second test binary
	if err := DumpFromEnv(); err != nil {
		t.Fatal(err)
	}
	if again, err := ReadFile(path); err != nil || len(again.Events) != len(log.Events) {
		t.Fatalf("an empty trace replaced the file: %d events, %v", len(again.Events), err)
	}
}

// TestDumpMarksTheProcessesStillAlive: a process of the trace that never
// exited (stuck waiting for a message, as in a hang) is marked at the
// end, with what it was doing and the line it waits on, said once for
// two stuck alike; one that exited is not.
func TestDumpMarksTheProcessesStillAlive(t *testing.T) {
	path := recordToFile(t)
	var waitLine atomic.Int64
	stuckFunc := func(p *actor.Process) error {
		_, _, line, _ := runtime.Caller(0)
		waitLine.Store(int64(line + 2))
		_, err := p.ReceiveMatch(func(m any) bool { return m == "never sent" }, actor.Infinity)
		return err
	}
	stuck, stuck2 := actor.Spawn(stuckFunc), actor.Spawn(stuckFunc)
	defer actor.Exit(stuck, actor.Kill)
	defer actor.Exit(stuck2, actor.Kill)
	done := actor.Spawn(func(p *actor.Process) error { return nil })
	actor.Send(stuck, "not this one")
	eventually(t, "the stuck processes wait", func() bool {
		info, _ := actor.Info(stuck)
		info2, _ := actor.Info(stuck2)
		_, alive := actor.Info(done)
		return info.Status == actor.Waiting && info.MessagesIn == 1 && info2.Status == actor.Waiting && !alive
	})
	if err := DumpFromEnv(); err != nil {
		t.Fatal(err)
	}
	log, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var alive []string
	site := fmt.Sprintf("seqdiag_test.go:%d)", waitLine.Load())
	for _, ev := range log.Events {
		if ev.Kind == actor.TraceAlive {
			alive = append(alive, fmt.Sprintf("<0.%d> %s", ev.PID, ev.Reason))
			if !strings.HasSuffix(ev.Site, site) {
				t.Errorf("<0.%d>'s site is %q; want the line it waits on, ending %q", ev.PID, ev.Site, site)
			}
		}
	}
	if want := []string{stuck.String() + " waiting", stuck2.String() + " waiting"}; !slices.Equal(alive, want) {
		t.Fatalf("alive events %q; want just %q", alive, want)
	}
	out := string(render(t, log, TextOptions{Width: 100}))
	if !strings.Contains(out, "… still waiting") {
		t.Errorf("the diagram does not mark the stuck process:\n%s", out)
	}
	if at := "at " + strings.TrimSuffix(site, ")"); strings.Count(out, at) != 1 {
		t.Errorf("the diagram should say %q once, for both stuck processes:\n%s", at, out)
	}
}

// TestKillSaysWhereItWaited: a process killed while it waits in Receive
// (a hung test's process, killed by the test) is drawn with the line it
// waited on.
func TestKillSaysWhereItWaited(t *testing.T) {
	actor.StartTrace(0)
	defer actor.StopTrace()
	var waitLine atomic.Int64
	stuck := actor.Spawn(func(p *actor.Process) error {
		_, _, line, _ := runtime.Caller(0)
		waitLine.Store(int64(line + 2))
		_, err := p.Receive(actor.Infinity)
		return err
	})
	eventually(t, "the process waits", func() bool { info, _ := actor.Info(stuck); return info.Status == actor.Waiting })
	actor.Exit(stuck, actor.Kill)
	out := string(render(t, actor.StopTrace(), TextOptions{Width: 200}))
	if want := fmt.Sprintf("untrappable; it was waiting at seqdiag_test.go:%d", waitLine.Load()); !strings.Contains(out, want) {
		t.Errorf("the kill does not say %q:\n%s", want, out)
	}
}

func TestHookSourceNamesThePackage(t *testing.T) {
	src := string(HookSource("concurrency"))
	for _, want := range []string{"package concurrency\n", "func " + HookTest + "(t *testing.T)", "seqdiag.RecordFromEnv()"} {
		if !strings.Contains(src, want) {
			t.Errorf("hook source lacks %q:\n%s", want, src)
		}
	}
}

// bigTrace is 10,000 events of a busy system: 50 processes calling each
// other in turn, so runs are short and little is elided.
func bigTrace() actor.TraceLog {
	var e evs
	for i := range 10000 / 4 {
		from, to := uint64(i%50+1), uint64((i*7)%50+1)
		id := uint64(i + 1)
		e.add(actor.TraceEvent{Kind: actor.TraceCall, PID: from, Peer: to, Type: "pkg.req", Value: fmt.Sprint(i), Msg: id, At: time.Duration(i) * time.Microsecond})
		e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: to, Peer: from, Type: "call", Msg: id, At: time.Duration(i) * time.Microsecond})
		e.add(actor.TraceEvent{Kind: actor.TraceReply, PID: to, Peer: from, Type: "int", Value: "1", Msg: id, At: time.Duration(i) * time.Microsecond})
		e.add(actor.TraceEvent{Kind: actor.TraceSend, PID: from, Peer: to, Type: "pkg.note", Msg: 1 << 40, At: time.Duration(i) * time.Microsecond})
	}
	return actor.TraceLog{Events: e}
}

// BenchmarkText10k renders 10,000 events; BenchmarkRawLines10k, its
// baseline, only formats each event on a line of its own.
func BenchmarkText10k(b *testing.B) {
	log := bigTrace()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Text(&buf, log, TextOptions{Width: 160}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML10k(b *testing.B) {
	log := bigTrace()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := HTML(&buf, "bench", []Section{{Log: log}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawLines10k(b *testing.B) {
	log := bigTrace()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		for _, ev := range log.Events {
			fmt.Fprintf(&buf, "%v %s %d -> %d %s %s\n", ev.At, ev.Kind, ev.PID, ev.Peer, ev.Type, ev.Value)
		}
	}
}

// TestRoleNamesTheFunction: a process without a registered name or a
// kind is named by the function it runs, as the learner wrote it.
// TestSiteAtNamesTheLearnersFiles: where a process is stuck is said in the
// learner's words: the function as they wrote it, a hidden test's file
// under its own name.
func TestSiteAtNamesTheLearnersFiles(t *testing.T) {
	for site, want := range map[string]string{
		"01_concurrency.ParallelEach[...].func1 (each.go:23)":                    "at each.go:23 in ParallelEach",
		"01_concurrency.zzInProcess.func1 (zz_otpgo_hidden_helpers_test.go:257)": "at helpers_test.go:257",
		"main.spin (main.go)": "at main.go in spin",
		"":                    "",
	} {
		if got := siteAt(site); got != want {
			t.Errorf("siteAt(%q) = %q; want %q", site, got, want)
		}
	}
}

func TestRoleNamesTheFunction(t *testing.T) {
	for site, want := range map[string]string{
		"01_concurrency.Async[...].func1 (async.go:31)":                    "Async",
		"01_concurrency.TestMonitoredCrash.func1.2 (monitored_test.go:12)": "test",
		"01_concurrency.zzSpawnEcho.func1 (helpers_test.go:40)":            "test",
		"redis.(*Client).loop-fm (client.go:20)":                           "(*Client).loop",
		"main.worker (main.go:9)":                                          "worker",
		"main.main.gowrap1 (main.go:9)":                                    "main",
		"":                                                                 "",
	} {
		if got := role(site); got != want {
			t.Errorf("role(%q) = %q; want %q", site, got, want)
		}
	}
	log := actor.TraceLog{Events: []actor.TraceEvent{
		{Seq: 1, Kind: actor.TraceSpawn, PID: 1, Type: "process", Site: "x.TestA.func1 (a_test.go:3)"},
		{Seq: 2, Kind: actor.TraceSpawn, PID: 2, Peer: 1, Type: "process", Site: "x.Async[...].func1 (a.go:9)"},
		{Seq: 3, Kind: actor.TraceSpawn, PID: 3, Peer: 1, Type: "server", Site: ""},
	}}
	var out strings.Builder
	if err := Text(&out, log, TextOptions{Width: 100}); err != nil {
		t.Fatal(err)
	}
	for _, lane := range []string{"test <0.1>", "Async <0.2>", "server <0.3>"} {
		if !strings.Contains(out.String(), lane) {
			t.Errorf("no lifeline %q in:\n%s", lane, out.String())
		}
	}
}

// TestTimesCountFromTheFirstEvent: a trace starts with the test binary,
// and what ran before the test (a child run of it, 2s) is not the
// learner's time: real-clock times count from the first event. A fake
// clock's are the test's own, and stay.
func TestTimesCountFromTheFirstEvent(t *testing.T) {
	log := failing01()
	for i := range log.Events {
		log.Events[i].At += 2 * time.Second
	}
	out := string(render(t, log, TextOptions{Width: 100}))
	if !strings.Contains(out, "     +0s            ● start") || strings.Contains(out, "+2.00") {
		t.Errorf("the first event is not at +0s:\n%s", out)
	}
	for i := range log.Events {
		log.Events[i].FakeClock = true
	}
	if out := string(render(t, log, TextOptions{Width: 100})); !strings.Contains(out, "+2.001s") {
		t.Errorf("a fake clock's times moved:\n%s", out)
	}
}

// TestSupervisedLanesAreNamedByChildID: a supervisor's child is named by
// its id in the spec, as the observer names it, ahead of its kind
// ("server <0.2>" said nothing of which child it was).
func TestSupervisedLanesAreNamedByChildID(t *testing.T) {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "supervisor"})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 2, Peer: 1, Type: "server"})
	e.add(actor.TraceEvent{Kind: actor.TraceChild, PID: 1, Peer: 2, Name: "cache"})
	e.add(actor.TraceEvent{Kind: actor.TraceLink, PID: 1, Peer: 2})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 3, Peer: 1, Type: "server"})
	out := string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 100}))
	head := strings.Split(out, "\n")[0]
	if !strings.Contains(head, "cache <0.2>") || !strings.Contains(head, "server <0.3>") || strings.Count(out, "\n") != 5 {
		t.Errorf("want lanes supervisor, cache <0.2>, server <0.3> and no row for the naming:\n%s", out)
	}
}

// TestFitCutsTheLeastTelling: a lane label loses its name before its
// pid, which tells lanes of one name apart; a generic message type loses
// its type arguments before its name.
func TestFitCutsTheLeastTelling(t *testing.T) {
	for _, c := range []struct {
		fit  func(string, int) string
		in   string
		n    int
		want string
	}{
		{fitLane, "supervisor <0.1>", 20, "supervisor <0.1>"},
		{fitLane, "supervisor <0.1>", 14, "supervi… <0.1>"},
		{fitLane, "ExecuteAsyncMonitored <0.12>", 12, "Exec… <0.12>"},
		{fitLane, "ExecuteAsyncMonitored <0.12>", 8, "Exe….12>"},
		{fitLane, "(not a process)", 12, "(not …ocess)"},
		{fitLabel, "call#1 putReq[string,int]", 30, "call#1 putReq[string,int]"},
		{fitLabel, "call#1 putReq[string,int]", 16, "call#1 putReq[…]"},
		{fitLabel, "call#12 updateReq[string,int]", 12, "call#…Req[…]"},
		{fitLabel, "m[map[string]int]", 8, "m[…]"},
		{fitLabel, "broken]type[", 8, "bro…ype["},
	} {
		if got := c.fit(c.in, c.n); got != c.want {
			t.Errorf("fit(%q, %d) = %q; want %q", c.in, c.n, got, c.want)
		}
	}
}

// TestTrappedAndUntrappedAreSaidOnce: the first EXIT says it is a
// trapped exit signal, the first exit signal that stops a process that it
// was not trapped; later ones only give their reason.
func TestTrappedAndUntrappedAreSaidOnce(t *testing.T) {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "supervisor"})
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 2, Peer: 1, Type: "server"})
	for msg := range uint64(2) {
		e.add(actor.TraceEvent{Kind: actor.TraceSignal, PID: 1, Peer: 2, Reason: "kill"})
		e.add(actor.TraceEvent{Kind: actor.TraceSignal, PID: 1, Peer: 2, Reason: "shutdown"})
		e.add(actor.TraceEvent{Kind: actor.TraceExitMsg, PID: 2, Peer: 1, Type: "EXIT", Reason: "shutdown", Msg: 90 + msg})
		e.add(actor.TraceEvent{Kind: actor.TraceReceive, PID: 1, Peer: 2, Type: "EXIT", Msg: 90 + msg})
	}
	out := string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 160}))
	if strings.Count(out, "trapped: the exit signal came as a message") != 1 || strings.Count(out, "not trapped, so it stops the process") != 1 ||
		strings.Count(out, "untrappable") != 2 {
		t.Errorf("want each explained once, after the kills:\n%s", out)
	}
}

// TestSelfCallIsNamedADeadlock: a server calling itself is drawn at its
// own lane and said to be a call that can only time out.
func TestSelfCallIsNamedADeadlock(t *testing.T) {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "server"})
	e.add(actor.TraceEvent{Kind: actor.TraceCall, PID: 1, Peer: 1, Type: "main.getReq", Msg: 7})
	e.add(actor.TraceEvent{Kind: actor.TraceReply, PID: 1, Peer: 1, Msg: 7, Reason: "call <0.1>: timeout"})
	out := string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 120}))
	if !strings.Contains(out, "↺") || !strings.Contains(out, "called itself: it cannot answer while it waits") {
		t.Errorf("a self-call is not named:\n%s", out)
	}
}

// TestTimerAfterExitIsSaid: a timer that fires for a process that has
// exited is drawn with why nothing follows.
func TestTimerAfterExitIsSaid(t *testing.T) {
	var e evs
	e.add(actor.TraceEvent{Kind: actor.TraceSpawn, PID: 1, Type: "statemachine"})
	e.add(actor.TraceEvent{Kind: actor.TraceTimer, Peer: 1})
	e.add(actor.TraceEvent{Kind: actor.TraceExit, PID: 1, Reason: "boom"})
	e.add(actor.TraceEvent{Kind: actor.TraceTimer, Peer: 1})
	out := string(render(t, actor.TraceLog{Events: e}, TextOptions{Width: 120}))
	if strings.Count(out, "after its process exited") != 1 {
		t.Errorf("want only the timer after the exit noted:\n%s", out)
	}
}
