package check

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/runner"
)

// course loads the embedded course. These tests use chapter gs only; the
// rest of the course is validated by the catalog's own test, so a chapter
// being written elsewhere does not fail them.
func course(t *testing.T) *catalog.Course {
	t.Helper()
	c, _ := catalog.Load(otpgo.FS)
	if gs, ok := c.Chapter("gs"); !ok || gs.Coming || len(gs.Steps) < 2 {
		t.Fatal("chapter gs is missing from the embedded course")
	}
	return c
}

func TestRequestInjectsHiddenTests(t *testing.T) {
	c := course(t)
	gs, _ := c.Chapter("gs")
	g := &Grader{Root: "/root/of/checkout", FS: otpgo.FS}
	req, err := g.Request(gs.Steps, Options{Race: true})
	if err != nil {
		t.Fatal(err)
	}
	if req.Dir != "exercises/gs_genserver" || req.Root != "/root/of/checkout" || !req.Race || req.Count != 1 {
		t.Fatalf("request = %+v", req)
	}
	if len(req.Steps) != len(gs.Steps) || req.Steps[0].ID != "gs.1" || !slices.Equal(req.Steps[0].Tests, gs.Steps[0].Tests) {
		t.Fatalf("request steps = %+v", req.Steps)
	}
	if len(req.Overlay) == 0 {
		t.Fatal("no hidden tests in the overlay")
	}
	for name := range req.Overlay {
		if !strings.HasPrefix(name, HiddenPrefix) || !strings.HasSuffix(name, "_test.go") {
			t.Errorf("overlay file %s: want only hidden test files named %s*_test.go", name, HiddenPrefix)
		}
	}
	if req.Timeout != gs.Steps[0].Timeout+gs.Steps[1].Timeout {
		t.Errorf("timeout = %v; want the sum of the steps' timeouts", req.Timeout)
	}
}

func TestCheckOneRunPerChapterVerdictsInOrder(t *testing.T) {
	c := course(t)
	gs1, _ := c.Step("gs.1")
	gs2, _ := c.Step("gs.2")
	var mu sync.Mutex
	var dirs []string
	g := &Grader{Root: "/r", FS: otpgo.FS, Run: func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		mu.Lock()
		dirs = append(dirs, req.Dir)
		mu.Unlock()
		// Answer in reverse order and leave one out: Check must fix both.
		var vs []runner.Verdict
		for i := len(req.Steps) - 1; i >= 1; i-- {
			vs = append(vs, runner.Verdict{Step: req.Steps[i].ID, Status: runner.Passed})
		}
		return vs, nil
	}}
	vs, err := g.Check(context.Background(), []*catalog.Step{gs1, gs2}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 1 {
		t.Fatalf("runs = %v; want one go test for one chapter", dirs)
	}
	if len(vs) != 2 || vs[0].Step != "gs.1" || vs[1].Step != "gs.2" {
		t.Fatalf("verdicts = %+v; want gs.1 then gs.2", vs)
	}
	if vs[0].Status == runner.Passed || vs[1].Status != runner.Passed {
		t.Errorf("a step without a verdict must not count as passed: %+v", vs)
	}
	if got := PassedIDs(vs); !slices.Equal(got, []string{"gs.2"}) {
		t.Errorf("PassedIDs = %v", got)
	}
	if AllPassed(vs) || AllPassed(nil) {
		t.Error("AllPassed is true with a failed step or no verdict")
	}
}

func TestCheckMachineryErrorIsAnError(t *testing.T) {
	c := course(t)
	gs1, _ := c.Step("gs.1")
	boom := errors.New("go: not found")
	g := &Grader{Root: "/r", FS: otpgo.FS, Run: func(context.Context, runner.Request) ([]runner.Verdict, error) { return nil, boom }}
	if _, err := g.Check(context.Background(), []*catalog.Step{gs1}, Options{}); !errors.Is(err, boom) {
		t.Fatalf("Check = %v; want the runner's error wrapped", err)
	}
}

func TestVerifyRequestsUseEmbeddedFiles(t *testing.T) {
	c := course(t)
	gs1, _ := c.Step("gs.1")
	g := &Grader{Root: "/r", FS: otpgo.FS}
	skel, sol, err := g.VerifyRequests(gs1, Options{Race: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if skel.Dir != "exercises/gs_genserver" || sol.Dir != "solutions/gs_genserver" {
		t.Fatalf("dirs = %s, %s", skel.Dir, sol.Dir)
	}
	if sol.Count != 3 || skel.Count != 1 || !skel.Race || !sol.Race {
		t.Errorf("skeleton count %d race %v, solution count %d race %v", skel.Count, skel.Race, sol.Count, sol.Race)
	}
	skelSrc, ok := skel.Overlay["genserver.go"]
	if !ok || !strings.Contains(string(skelSrc), "TODO(gs.1)") {
		t.Error("the skeleton run must overlay the embedded skeleton's genserver.go")
	}
	if _, ok := skel.Overlay[OverlayName("genserver_test.go")]; !ok {
		t.Error("the skeleton run must inject the hidden tests")
	}
	if src, ok := sol.Overlay["genserver.go"]; !ok || strings.Contains(string(src), "TODO(") {
		t.Error("the solution run must overlay the embedded solution")
	}
	if _, ok := sol.Overlay["genserver_test.go"]; !ok {
		t.Error("the solution run must carry its own tests under their own names")
	}
}

func TestVerifyFlagsMismatches(t *testing.T) {
	c := course(t)
	gs1, _ := c.Step("gs.1")
	gs2, _ := c.Step("gs.2")
	// gs.1: skeleton fails, solution passes (good). gs.2: skeleton passes
	// and solution fails (both wrong).
	g := &Grader{Root: "/r", FS: otpgo.FS, Run: func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		id := req.Steps[0].ID
		skeleton := strings.HasPrefix(req.Dir, "exercises/")
		pass := skeleton == (id == "gs.2")
		v := runner.Verdict{Step: id, Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestX", Message: "x_test.go:3: wrong"}}}
		if pass {
			v = runner.Verdict{Step: id, Status: runner.Passed}
		}
		return []runner.Verdict{v}, nil
	}}
	var seen []string
	var mu sync.Mutex
	rs, err := g.Verify(context.Background(), []*catalog.Step{gs1, gs2}, VerifyOptions{Parallel: 2, OnResult: func(r VerifyResult) {
		mu.Lock()
		seen = append(seen, r.Step)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Step != "gs.1" || rs[1].Step != "gs.2" {
		t.Fatalf("results = %+v", rs)
	}
	if !rs[0].OK {
		t.Errorf("gs.1 should verify: %+v", rs[0])
	}
	if rs[1].OK || !strings.Contains(rs[1].Problem, "skeleton") || !strings.Contains(rs[1].Problem, "TestX") {
		t.Errorf("gs.2 problem = %q; want both the passing skeleton and the failing solution named", rs[1].Problem)
	}
	if len(seen) != 2 {
		t.Errorf("OnResult saw %v", seen)
	}
}
