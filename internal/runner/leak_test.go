package runner

import (
	"strings"
	"testing"
)

// TestExplainLeaksSaysWhatALeakIs: goleak's report, once only the
// learner's frames are left, says what it means, and where a goroutine
// with no frame of theirs waits.
func TestExplainLeaksSaysWhatALeakIs(t *testing.T) {
	t.Parallel()
	p := fxPaths
	report := strings.Split(`    panic.go:694: found unexpected goroutines:
        [Goroutine 21 in state sync.Cond.Wait, with sync.runtime_notifyListWait on top of the stack:
        sync.runtime_notifyListWait(0xc000024150, 0x1)
        	/usr/local/go/src/runtime/sema.go:597 +0x159
        created by example.com/m/internal/actor.spawn in goroutine 20
        	/src/m/internal/actor/process.go:180 +0x1a5
        ]
        [Goroutine 22 in state chan receive, with example.com/m/exercises/fx.(*Cache).loop on top of the stack:
        example.com/m/exercises/fx.(*Cache).loop(0xc00001e0c0)
        	/src/m/exercises/fx/cache.go:40 +0x25
        ]`, "\n")
	out := strings.Join(explainLeaks(trimFrames(&p, report)), "\n")
	wantContains(t, "leak", out, "found unexpected goroutines: something started during the test was still running", "fix that first",
		"(a process waiting in Receive (a server between requests): it was never stopped)", "fx.(*Cache).loop  exercises/fx/cache.go:40")
	if strings.Count(out, "it was never stopped") != 1 {
		t.Errorf("the goroutine with its own frames is marked as waiting in the runtime too:\n%s", out)
	}
}

// FuzzExplainLeaks: any lines end, and none is lost.
func FuzzExplainLeaks(f *testing.F) {
	f.Add("found unexpected goroutines:\n[Goroutine 1 in state x, with y on top of the stack:\n]")
	f.Add("[Goroutine 1 in state a,\n[Goroutine 2 in state b,")
	f.Fuzz(func(t *testing.T, s string) {
		in := strings.Split(s, "\n")
		if out := explainLeaks(in); len(out) < len(in) {
			t.Fatalf("%d lines in, %d out", len(in), len(out))
		}
	})
}
