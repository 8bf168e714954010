package runner

import (
	"strings"
	"testing"
	"time"
)

// TestRunPlacesATodoAtItsStub: a hidden test that catches a skeleton's
// TODO panic reports it from its own line; the learner sees it at the
// stub in their file, which they can open.
func TestRunPlacesATodoAtItsStub(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

// Double returns 2*n.
func Double(n int) int {
	panic("TODO(1.1): return twice n")
}
`)
	vs := f.run(f.request(`package fx

import (
	"strings"
	"testing"
)

func TestDouble(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
				t.Errorf("%s", s)
			}
		}
	}()
	_ = Double(2)
}
`, 5*time.Second, Step{ID: "1.1", Tests: []string{"TestDouble"}}))
	msg := outcome(t, vs[0], "TestDouble").Message
	wantContains(t, "message", msg, "exercises/fx/fx.go:5: TODO(1.1): return twice n")
	if strings.Contains(msg, "_test.go") {
		t.Errorf("the TODO is still placed at the hidden test's line:\n%s", msg)
	}
}

// FuzzPlaceTodos: any line of a test's output comes out as one line.
func FuzzPlaceTodos(f *testing.F) {
	f.Add("    helpers_test.go:198: TODO(01.1): spawn")
	f.Add("x_test.go:1: TODO(): y")
	f.Fuzz(func(t *testing.T, line string) {
		tr := &testRun{todos: map[string]string{"01.1": "each.go:19"}}
		out := tr.placeTodos([]string{line})
		if len(out) != 1 {
			t.Fatalf("%d lines out of 1", len(out))
		}
	})
}
