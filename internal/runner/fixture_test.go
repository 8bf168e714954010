package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixtureDir is the exercise package inside every fixture module.
const fixtureDir = "exercises/fx"

// fixture is a throwaway module in t.TempDir() shaped like a checkout: a
// go.mod and one exercise package holding the "learner's" file. The hidden
// tests are passed as overlay content, exactly as otpgo check does.
type fixture struct {
	t    *testing.T
	root string
}

func newFixture(t *testing.T, learner string) *fixture {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/fx\n\ngo 1.26\n")
	write(t, filepath.Join(root, fixtureDir, "fx.go"), learner)
	return &fixture{t: t, root: root}
}

func write(t testing.TB, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// request builds a Request for the fixture with hidden as fx_test.go.
func (f *fixture) request(hidden string, timeout time.Duration, steps ...Step) Request {
	return Request{
		Root:    f.root,
		Dir:     fixtureDir,
		Overlay: map[string][]byte{"fx_test.go": []byte(hidden)},
		Steps:   steps,
		Timeout: timeout,
	}
}

// run runs req with the runner's own limits and fails the test on a
// machinery error.
func (f *fixture) run(req Request) []Verdict {
	f.t.Helper()
	return f.runWith(req, defaultLimits)
}

func (f *fixture) runWith(req Request, lim limits) []Verdict {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	vs, err := run(ctx, req, lim)
	if err != nil {
		f.t.Fatalf("Run: %v", err)
	}
	if len(vs) != len(req.Steps) {
		f.t.Fatalf("Run returned %d verdicts for %d steps", len(vs), len(req.Steps))
	}
	for _, v := range vs {
		f.t.Logf("verdict %s: %s\n%s\n%s", v.Step, v.Status, v.Detail, renderTests(v))
	}
	return vs
}

func renderTests(v Verdict) string {
	var b strings.Builder
	for _, t := range v.Tests {
		mark := "FAIL"
		if t.Passed {
			mark = "ok"
		}
		b.WriteString("  " + mark + " " + t.Name + "\n")
		if t.Message != "" {
			b.WriteString("    " + strings.ReplaceAll(t.Message, "\n", "\n    ") + "\n")
		}
	}
	return b.String()
}

// outcome returns the named test's outcome in v.
func outcome(t *testing.T, v Verdict, name string) TestOutcome {
	t.Helper()
	for _, o := range v.Tests {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("verdict of %s has no test %s", v.Step, name)
	return TestOutcome{}
}

func wantStatus(t *testing.T, v Verdict, want Status) {
	t.Helper()
	if v.Status != want {
		t.Fatalf("step %s: status %s, want %s\ndetail: %s\n%s", v.Step, v.Status, want, v.Detail, renderTests(v))
	}
}

func wantContains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q:\n%s", what, sub, s)
		}
	}
}

func wantNotContains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Errorf("%s contains %q:\n%s", what, sub, s)
		}
	}
}
