package conformance

import (
	"slices"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	onlyA, onlyB := diff([]string{"start", "stop boom", "down"}, []string{"start", "alive", "down"})
	if !slices.Equal(onlyA, []string{"stop boom"}) || !slices.Equal(onlyB, []string{"alive"}) {
		t.Fatalf("diff = %q, %q; want [stop boom], [alive]", onlyA, onlyB)
	}
}

// FuzzDiff: whatever an escript prints, diff keeps the common lines in
// order on both sides (what is left of a and of b is the same sequence).
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Add("x\nx\nx", "x")
	f.Fuzz(func(t *testing.T, x, y string) {
		a, b := lines(x), lines(y)
		if len(a) > 200 || len(b) > 200 {
			return // runEscript refuses more than maxLines; keep each run quick
		}
		onlyA, onlyB := diff(a, b)
		if len(a)-len(onlyA) != len(b)-len(onlyB) {
			t.Fatalf("diff(%q, %q) = %q, %q: the common parts differ in length", a, b, onlyA, onlyB)
		}
		if !subsequence(onlyA, a) || !subsequence(onlyB, b) {
			t.Fatalf("diff(%q, %q) = %q, %q: not lines of their side, in order", a, b, onlyA, onlyB)
		}
		if strings.Join(a, "\n") == strings.Join(b, "\n") && len(onlyA)+len(onlyB) > 0 {
			t.Fatalf("equal traces gave a diff: %q, %q", onlyA, onlyB)
		}
	})
}

// subsequence reports whether sub's lines appear in s in order.
func subsequence(sub, s []string) bool {
	for _, l := range s {
		if len(sub) > 0 && sub[0] == l {
			sub = sub[1:]
		}
	}
	return len(sub) == 0
}
