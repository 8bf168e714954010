package runner

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json's TestEvent, plus the
// build events of Go 1.24+). Time and Elapsed are not needed.
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string
	FailedBuild string
}

// Output limits. A learner's program can print without end; the runner
// keeps a bounded amount and stops the tests when one prints too much.
const (
	perTestLimit = 64 << 10 // output kept per test run, for its message
	totalLimit   = 1 << 20  // output kept over the whole Run
	floodLimit   = 1 << 20  // output one test may print before it is stopped
	maxLine      = 64 << 10 // longer JSON lines are skipped (test2json splits long output lines)
	buildLimit   = 200      // compiler lines kept
)

// result is how a test went wrong (the first time, with -count > 1).
type result struct {
	status Status // Failed, Panicked, TimedOut or Crashed: never Passed or BuildError
	short  string // one line for Verdict.Detail (set for panics, timeouts, crashes, floods)
	msg    string
}

// record follows one top-level test over every invocation.
type record struct {
	name      string
	started   int // runs begun (with -count N, up to N)
	passed    int
	running   bool
	ended     bool      // the current run printed testing's own "--- PASS: name" line
	out       []outLine // the current run's output
	outSize   int
	cut       bool            // out was truncated
	passedSub map[string]bool // subtests of the current run that passed
	res       *result         // nil until a run fails
}

type outLine struct {
	test string // "TestX" or "TestX/sub"
	text string
}

// invocation is the state of one `go test` run of the stream.
type invocation struct {
	tr         *testRun
	p          *proc
	tests      []string
	trace      *trace
	traceTest  string  // the test whose output began the trace ("" = package)
	panicRec   *record // a test that failed on its own panic (it reported --- FAIL)
	sinceRun   int     // output bytes since the last top-level test started
	flooder    string  // the test that printed too much ("" = package level)
	pkgDone    bool    // go test reported the package's result
	pkgFailed  bool    // ... and it was a failure
	build      []string
	buildFail  bool
	vet        bool
	progressed bool   // some test started
	binStarted bool   // the test binary started
	onStart    func() // the test binary started (re-arm the outer deadline)
}

// read consumes the JSON stream until EOF. It reads line by line rather
// than with one json.Decoder over the pipe: each line is one event, so a
// stray non-JSON line (a go command warning) is skipped instead of
// poisoning the rest, and memory is bounded by maxLine.
func (iv *invocation) read(r io.Reader) error {
	br := bufio.NewReaderSize(r, maxLine)
	var ev event
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// Too long for an event: skip to the end of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			line = nil
		}
		if len(line) > 0 && line[0] == '{' {
			ev = event{}
			if json.Unmarshal(line, &ev) == nil && !iv.handle(&ev) {
				iv.p.drain()
				return nil
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// handle applies one event; it returns false when the runner stopped
// listening (the tests printed too much and were killed).
func (iv *invocation) handle(ev *event) bool {
	tr := iv.tr
	if tr.paths.importPath == "" && ev.Package != "" && !strings.HasPrefix(ev.Package, ".") {
		tr.paths.importPath = ev.Package
	}
	switch ev.Action {
	case "build-output":
		out := strings.TrimSuffix(ev.Output, "\n")
		if strings.HasPrefix(out, "# [") {
			iv.vet = true // vet's header: "# [pkg]"
		}
		if !strings.HasPrefix(out, "# ") && len(iv.build) < buildLimit {
			iv.build = append(iv.build, tr.paths.rewrite(out))
		}
	case "build-fail":
		iv.buildFail = true
	case "start":
		if iv.onStart != nil {
			iv.onStart()
		}
	case "run":
		top, sub := splitTest(ev.Test)
		rec := tr.records[top]
		if rec == nil {
			break
		}
		if sub {
			break
		}
		if iv.trace != nil && iv.traceTest != "" {
			// The binary went on: the "panic:" line was only printed text.
			iv.trace = nil
		}
		rec.started++
		rec.running = true
		tr.startRun(rec)
		iv.sinceRun = 0
		iv.progressed = true
		tr.running()
	case "output":
		return iv.output(ev)
	case "pass", "fail", "skip":
		if ev.Test == "" {
			iv.pkgDone = true
			iv.pkgFailed = ev.Action == "fail"
			if ev.FailedBuild != "" {
				iv.buildFail = true
			}
			break
		}
		top, sub := splitTest(ev.Test)
		rec := tr.records[top]
		if rec == nil {
			break
		}
		if !sub && ev.Action == "pass" && !rec.ended {
			// test2json takes cmd/go's "ok" line for the end of the test
			// that was running when the binary exited with status 0: the
			// test never returned, so it is still running (and dies).
			break
		}
		if sub {
			if ev.Action == "pass" {
				if rec.passedSub == nil {
					rec.passedSub = map[string]bool{}
				}
				rec.passedSub[ev.Test] = true
			}
			break
		}
		iv.finish(rec, ev.Action)
	}
	return true
}

func (iv *invocation) output(ev *event) bool {
	iv.sinceRun += len(ev.Output)
	if iv.sinceRun > floodLimit && iv.trace == nil {
		// A dying binary's goroutine dump may be long (and ends by itself
		// within the timeout); anything else this long is a flood.
		iv.flooder = topName(ev.Test)
		iv.p.kill(killFlood)
		return false
	}
	line := strings.TrimSuffix(ev.Output, "\n")
	if iv.trace != nil {
		iv.trace.add(line)
		return true
	}
	if startsTrace(line) {
		iv.trace = newTrace(&iv.tr.paths, line)
		iv.traceTest = topName(ev.Test)
		return true
	}
	if ev.Test == "" {
		iv.tr.pkgLine(line)
		return true
	}
	if rec := iv.tr.records[topName(ev.Test)]; rec != nil {
		if ev.Test == rec.name && strings.HasPrefix(line, "--- PASS: "+rec.name+" (") {
			rec.ended = true
		}
		iv.tr.keep(rec, ev.Test, line)
	}
	return true
}

// finish ends one run of a top-level test.
func (iv *invocation) finish(rec *record, action string) {
	rec.running = false
	switch action {
	case "pass":
		rec.passed++
	case "skip":
		if rec.res == nil {
			msg := iv.tr.message(rec)
			rec.res = &result{status: Failed, msg: "skipped, so it proves nothing: " + msg}
		}
	case "fail":
		if rec.res != nil {
			break
		}
		if iv.trace != nil && iv.traceTest == rec.name {
			// testing printed --- FAIL, then re-panicked: the dump is in
			// iv.trace and is added when the stream ends.
			rec.res = &result{status: Panicked, msg: iv.tr.message(rec)}
			iv.panicRec = rec
			return
		}
		rec.res = &result{status: Failed, msg: iv.tr.message(rec)}
	}
}

// splitTest returns the top-level test of a test name and whether the name
// is a subtest.
func splitTest(name string) (top string, sub bool) {
	top, _, sub = strings.Cut(name, "/")
	return top, sub
}

func topName(name string) string {
	top, _ := splitTest(name)
	return top
}
