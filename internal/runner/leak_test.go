package runner

import (
	"strings"
	"testing"
)

// TestExplainLeaksSaysWhatALeakIs: goleak's report (one bracketed list,
// its goroutines after the first starting with a space) is shown with
// what a leak is, the goroutines in the learner's code first and those
// alike once, and the ones in no code of theirs counted in a line.
func TestExplainLeaksSaysWhatALeakIs(t *testing.T) {
	t.Parallel()
	p := fxPaths
	report := strings.Split(`    panic.go:694: found unexpected goroutines:
        [Goroutine 21 in state sync.Cond.Wait, with sync.runtime_notifyListWait on top of the stack:
        sync.runtime_notifyListWait(0xc000024150, 0x1)
        	/usr/local/go/src/runtime/sema.go:597 +0x159
        created by example.com/m/internal/actor.spawn in goroutine 20
        	/src/m/internal/actor/process.go:180 +0x1a5
         Goroutine 22 in state sync.Cond.Wait, with sync.runtime_notifyListWait on top of the stack:
        example.com/m/exercises/fx.(*worker).Terminate(0xc00001e0c0)
        	/src/m/exercises/fx/worker.go:39 +0x25
         Goroutine 23 in state sync.Cond.Wait, with sync.runtime_notifyListWait on top of the stack:
        sync.runtime_notifyListWait(0xc000024150, 0x1)
        	/usr/local/go/src/runtime/sema.go:597 +0x159
         Goroutine 26 in state sync.Cond.Wait (durable), with sync.runtime_notifyListWait on top of the stack:
        sync.runtime_notifyListWait(0xc000024150, 0x1)
        	/usr/local/go/src/runtime/sema.go:597 +0x159
         Goroutine 24 in state chan receive, with example.com/m/exercises/fx.(*Cache).loop on top of the stack:
        example.com/m/exercises/fx.(*Cache).loop(0xc00001e0c0)
        	/src/m/exercises/fx/cache.go:40 +0x25
         Goroutine 25 in state chan receive, with example.com/m/exercises/fx.(*Cache).loop on top of the stack:
        example.com/m/exercises/fx.(*Cache).loop(0xc00001e0c0)
        	/src/m/exercises/fx/cache.go:40 +0x25
        ]
    cache_test.go:9: after`, "\n")
	out := strings.Join(explainLeaks(trimFrames(&p, report)), "\n")
	wantContains(t, "leak", out, "found unexpected goroutines: something started during the test was still running", "fix that first",
		"        goroutine 22 [sync.Cond.Wait]:\n        fx.(*worker).Terminate  exercises/fx/worker.go:39\n",
		"        goroutine 24 [chan receive], and 1 more alike (the same state, at the same lines):\n        fx.(*Cache).loop  exercises/fx/cache.go:40\n",
		"        (and 2 in state sync.Cond.Wait: processes waiting in Receive, in no code of yours",
		"        (and 1 in state sync.Cond.Wait (durable): a process waiting in Receive",
		"    cache_test.go:9: after")
	wantNotContains(t, "leak", out, "Goroutine 21", "goroutine 25", "\n        ]")
}

// TestExplainLeaksCountsWhatIsNotTheLearners: with no goroutine in the
// learner's code, one state says "all"; of several, the later say "and".
func TestExplainLeaksCountsWhatIsNotTheLearners(t *testing.T) {
	t.Parallel()
	head := "    x_test.go:3: found unexpected goroutines:"
	one := []string{head, "        [Goroutine 1 in state sync.Cond.Wait, with x on top of the stack:", "        Goroutine 2 in state sync.Cond.Wait, with x on top of the stack:", "        ]"}
	wantContains(t, "one state", strings.Join(explainLeaks(one), "\n"), "(all 2 in state sync.Cond.Wait: processes waiting in Receive")
	two := []string{head, "        [Goroutine 1 in state sync.Cond.Wait, with x on top of the stack:", "        Goroutine 2 in state select, with x on top of the stack:", "        ]"}
	out := strings.Join(explainLeaks(two), "\n")
	wantContains(t, "two states", out, "        (1 in state sync.Cond.Wait: a process waiting in Receive", "(and 1 in state select: waiting inside the Go runtime")
	wantNotContains(t, "two states", out, "all ")
}

// FuzzExplainLeaks: any lines end, and every line of the learner's
// frames or of other output is kept.
func FuzzExplainLeaks(f *testing.F) {
	f.Add("found unexpected goroutines:\n[Goroutine 1 in state x, with y on top of the stack:\n]")
	f.Add("found unexpected goroutines:\n[Goroutine 1 in state a,\nf  x.go:1\n Goroutine 2 in state b,\nf  x.go:1\n]\nafter")
	f.Add("[Goroutine 1 in state a,\n[Goroutine 2 in state b,")
	f.Fuzz(func(t *testing.T, s string) {
		in := strings.Split(s, "\n")
		out := strings.Join(explainLeaks(in), "\n")
		for _, l := range in {
			if !leakGoroutineRE.MatchString(l) && strings.TrimSpace(l) != "]" && !strings.Contains(out, l) {
				t.Fatalf("line %q was lost:\n%s", l, out)
			}
		}
	})
}
