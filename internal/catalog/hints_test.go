package catalog_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/otpgo/otpgo/internal/catalog"
)

// hintFixture is fixture() whose aa.1 has the given hints, a skeleton that
// declares Task with a pid field and imports fmt, and a lesson whose code
// names MakeRef's result "ref".
func hintFixture(hints string) fstest.MapFS {
	m := fixture()
	replace(m, "content/aa/chapter.json", `"hints": ["h1", "h2"]`, `"hints": `+hints)
	m["exercises/aa_pkg/one.go"] = &fstest.MapFile{Data: []byte("package aa\n\nimport \"fmt\"\n\ntype Task struct{ pid int }\n\nfunc (t Task) Wait() (err error) { return fmt.Errorf(\"TODO\") }\n")}
	m["content/aa/lesson.md"] = &fstest.MapFile{Data: []byte("# First\n\nMake a tag with `ref := actor.MakeRef()`.\n\n```go\nimport \"errors\"\n\nselect {}\n```\n")}
	return m
}

func hintProblems(t *testing.T, hints string) []string {
	t.Helper()
	_, err := catalog.Load(hintFixture(hints))
	if err == nil {
		return nil
	}
	var verr *catalog.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Load = %v; want a ValidationError", err)
	}
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestHintsNameOnlyWhatTheLearnerHas(t *testing.T) {
	ok := []struct{ name, hints string }{
		{"skeleton, lesson and actor names", "[\"Use `t.pid` and `ref`.\", \"`actor.Send(t.pid, ref)`\"]"},
		{"declared in the hint, used by the next", "[\"Declare `type reply[T any] struct { ref actor.Ref; value T }`.\", \"```go\\nr := reply[int]{ref: ref, value: 1}\\n_ = r.value\\n```\"]"},
		{"func parameters and locals", "[\"`func(c *actor.Process) error { x, y := 1, 2; return nil }`\", \"`for i, v := range []int{} { _ = i + v }`\"]"},
		{"an imported package's API", "[\"`fmt.Errorf(\\\"task: %w\\\", err)`\", \"hint\"]"},
		{"shell commands and other languages", "[\"Run `otpgo observe`.\", \"```elixir\\nGenServer.call(pid, :get)\\n```\"]"},
		{"a package the lesson's code imports", "[\"`errors.Is(err, actor.ErrTimeout)`\", \"hint\"]"},
		{"a format verb", "[\"wrap it with `%w`\", \"hint\"]"},
		{"prose is not code", "[\"The reply carries t.mon and reply[T].\", \"hint\"]"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			if p := hintProblems(t, tc.hints); p != nil {
				t.Fatalf("Load reported %v; want no problem", p)
			}
		})
	}
	bad := []struct{ name, hints, want string }{
		{"solution's private type", "[\"Send `reply[T]{ref, v}`.\", \"hint\"]", "hint 1 names `reply`"},
		{"solution's private field", "[\"hint\", \"Demonitor `t.mon`.\"]", "hint 2 names `mon` in code"},
		{"unknown actor name", "[\"`actor.SpawnAll(f)`\", \"hint\"]", "`SpawnAll`"},
		{"in a fenced block", "[\"hint\", \"```go\\nx := lookup(key)\\n```\"]", "`lookup`"},
		{"declared only in a later hint", "[\"`state.n`\", \"`type state struct{ n int }`\"]", "hint 1 names `state`, `n`"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p := hintProblems(t, tc.hints)
			for _, s := range p {
				if strings.Contains(s, tc.want) && strings.HasPrefix(s, "content/aa/chapter.json: step aa.1") {
					return
				}
			}
			t.Fatalf("Load reported %v; want a problem in content/aa/chapter.json naming %s", p, tc.want)
		})
	}
}

func TestHintsMayCallLibraryMethods(t *testing.T) {
	if p := hintProblems(t, "[\"`t.pid.Before(x)` is not Go but Before is time's\", \"hint\"]"); len(p) != 1 || !strings.Contains(p[0], "`x`") {
		t.Fatalf("Load reported %v; want only `x` unknown (Before is a method of time.Time)", p)
	}
}
