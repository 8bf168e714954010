package runner

import (
	"strconv"
	"strings"
	"testing"
)

// feedTrace parses a dump as the stream would deliver it, line by line.
func feedTrace(p *paths, dump string) *trace {
	lines := strings.Split(strings.TrimSuffix(dump, "\n"), "\n")
	tr := newTrace(p, lines[0])
	for _, l := range lines[1:] {
		tr.add(l)
	}
	return tr
}

var fxPaths = paths{root: "/src/m", dir: "exercises/fx", pkgAbs: "/src/m/exercises/fx", importPath: "example.com/m/exercises/fx"}

// Go 1.26 reports a goroutine stopped in a tight loop at line 1 of its
// file, a line that holds no code. The learner must see the function, never
// that line.
func TestTraceBusyLoopAtLineOneShowsTheFunctionWithoutALine(t *testing.T) {
	t.Parallel()
	p := fxPaths
	tr := feedTrace(&p, `panic: test timed out after 1s
	running tests:
		TestSpin (1s)

goroutine 7 [running]:
example.com/m/exercises/fx.Spin()
	/src/m/exercises/fx/fx.go:1 +0x12
example.com/m/exercises/fx.TestSpin(0xc000003500?)
	/src/m/exercises/fx/zz_otpgo_hidden_fx_test.go:5 +0xf
testing.tRunner(0xc000003500, 0x5a1f28)
	/usr/local/go/src/testing/testing.go:1934 +0xea
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:1997 +0x465

goroutine 1 [chan receive]:
testing.(*T).Run(0xc000003340, {0x55b1a2?, 0x0?}, 0x5a1f28)
	/usr/local/go/src/testing/testing.go:2005 +0x485
main.main()
	_testmain.go:45 +0x9b
`)
	out := tr.render()
	wantContains(t, "render", out, "fx.Spin  exercises/fx/fx.go\n", "fx.TestSpin  hidden test fx_test.go:5")
	wantNotContains(t, "render", out, "fx.go:1")
	wantContains(t, "hint", tr.stuckHint(), "busy, not blocked", "fx.Spin", "never blocks")
}

// A loop that spins in a goroutine of the learner's while the test waits
// for its answer is still a busy loop: the advice must say so, not talk of
// a message nobody sends.
func TestTraceBusyGoroutineBesideABlockedTest(t *testing.T) {
	t.Parallel()
	p := fxPaths
	tr := feedTrace(&p, `panic: test timed out after 1s
	running tests:
		TestMonitor (1s)

goroutine 9 [runnable]:
example.com/m/exercises/fx.(*Monitored).loop(0xc00001e0c0)
	/src/m/exercises/fx/monitored.go:37 +0x25
created by example.com/m/exercises/fx.Start in goroutine 8
	/src/m/exercises/fx/monitored.go:20 +0x7a

goroutine 8 [chan receive]:
example.com/m/exercises/fx.TestMonitor(0xc000003500)
	/src/m/exercises/fx/zz_otpgo_hidden_fx_test.go:12 +0x8a
testing.tRunner(0xc000003500, 0x5a1f28)
	/usr/local/go/src/testing/testing.go:1934 +0xea
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:1997 +0x465
`)
	hint := tr.stuckHint()
	wantContains(t, "hint", hint, "busy, not blocked", "fx.(*Monitored).loop", "exercises/fx/monitored.go:37", "never blocks")
	wantNotContains(t, "hint", hint, "deadlock")
}

// After a timeout the learner's own code comes first: the hidden test's
// goroutine, waiting on it, is listed after (the check caps the lines).
func TestTraceTimeoutListsTheLearnersGoroutinesFirst(t *testing.T) {
	t.Parallel()
	p := fxPaths
	tr := feedTrace(&p, `panic: test timed out after 1s
	running tests:
		TestPut (1s)

goroutine 8 [chan receive]:
example.com/m/exercises/fx.zzWaitChan(0xc000003500)
	/src/m/exercises/fx/zz_otpgo_hidden_helpers_test.go:57 +0x8a
example.com/m/exercises/fx.TestPut(0xc000003500)
	/src/m/exercises/fx/zz_otpgo_hidden_fx_test.go:12 +0x8a

goroutine 9 [chan receive]:
example.com/m/exercises/fx.Put(0xc00001e0c0)
	/src/m/exercises/fx/cache.go:66 +0x25
created by example.com/m/exercises/fx.TestPut in goroutine 8
	/src/m/exercises/fx/zz_otpgo_hidden_fx_test.go:10 +0x7a
`)
	out := tr.render()
	put, wait := strings.Index(out, "fx.Put"), strings.Index(out, "fx.zzWaitChan")
	if put < 0 || wait < 0 || put > wait {
		t.Errorf("the learner's Put should come before the test's wait:\n%s", out)
	}
}

// A goroutine waiting on the network after a timeout: the hint says what
// that wait means and what to check.
func TestTraceIOWaitHintsAtAnUnsentRequest(t *testing.T) {
	t.Parallel()
	p := fxPaths
	tr := feedTrace(&p, `panic: test timed out after 1s
	running tests:
		TestCommand (1s)

goroutine 5 [IO wait, 1 minutes]:
example.com/m/exercises/fx.(*Client).HandleCall(0xc00001e0c0)
	/src/m/exercises/fx/blocking.go:83 +0x25
`)
	wantContains(t, "hint", tr.stuckHint(), "blocked waiting", "[IO wait] is waiting for the network", "flushed")
}

// Goroutines alike (a process per item, all waiting at one line) are
// listed once, with how many more there are, so the cap on the listing
// leaves room for the one that differs: here the server they wait for,
// which came last in the dump.
func TestTraceTimeoutSaysAlikeGoroutinesOnce(t *testing.T) {
	t.Parallel()
	p := fxPaths
	var b strings.Builder
	b.WriteString("panic: test timed out after 1s\n\trunning tests:\n\t\tTestPut (1s)\n\n")
	for id := 20; id < 40; id++ {
		b.WriteString("goroutine " + strconv.Itoa(id) + " [chan receive, 1 minutes]:\n" +
			"example.com/m/exercises/fx.(*Cache).Put(0xc00001e0c0)\n\t/src/m/exercises/fx/cache.go:66 +0x25\n" +
			"created by example.com/m/exercises/fx.TestPut in goroutine 8\n\t/src/m/exercises/fx/zz_otpgo_hidden_fx_test.go:10 +0x7a\n\n")
	}
	b.WriteString("goroutine 9 [select]:\nexample.com/m/exercises/fx.(*Cache).loop(0xc00001e0c0)\n\t/src/m/exercises/fx/cache.go:40 +0x25\n")
	out := feedTrace(&p, b.String()).render()
	wantContains(t, "render", out, "goroutine 20 [chan receive], and 19 more alike", "fx.(*Cache).loop  exercises/fx/cache.go:40")
	wantNotContains(t, "render", out, "goroutine 21 ", "more goroutines")
	// The server, which the test did not call into, comes first: the
	// callers wait on it.
	if loop, put := strings.Index(out, "fx.(*Cache).loop"), strings.Index(out, "fx.(*Cache).Put"); loop > put {
		t.Errorf("the server stuck in its loop should come before the test's calls waiting on it:\n%s", out)
	}
}
