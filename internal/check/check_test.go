package check

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/runner"
)

// Verify runs steps in goroutines: none may outlive it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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
		if !strings.HasSuffix(name, "_test.go") || name != filepath.Base(name) {
			t.Errorf("overlay file %s: want only the solution's *_test.go files, by name (the runner adds %s)", name, runner.HiddenPrefix)
		}
	}
	if _, ok := req.Overlay["genserver_test.go"]; !ok {
		t.Errorf("overlay %v lacks solutions/gs_genserver/genserver_test.go", slices.Collect(maps.Keys(req.Overlay)))
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

func TestVerifyRequests(t *testing.T) {
	c := course(t)
	gs1, _ := c.Step("gs.1")
	g := &Grader{Root: "/mirror", FS: otpgo.FS}
	skel, sol, _, err := g.verifyRequests(gs1, Options{Race: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if skel.Dir != "exercises/gs_genserver" || sol.Dir != "solutions/gs_genserver" || skel.Root != "/mirror" {
		t.Fatalf("dirs = %s, %s in %s", skel.Dir, sol.Dir, skel.Root)
	}
	if sol.Count != 3 || skel.Count != 1 || !skel.Race || !sol.Race {
		t.Errorf("skeleton count %d race %v, solution count %d race %v", skel.Count, skel.Race, sol.Count, sol.Race)
	}
	if _, ok := skel.Overlay["genserver_test.go"]; !ok {
		t.Error("the skeleton run must inject the hidden tests")
	}
	if len(sol.Overlay) != 0 {
		t.Error("the solution run uses its own tests: nothing to inject")
	}
}

// TestMirrorIsPristine checks that verify's mirror takes the course from
// the embedded tree, not from the learner's edits, and drops extra files.
func TestMirrorIsPristine(t *testing.T) {
	root := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/otpgo/otpgo\n")
	write("internal/x/x.go", "package x\n")
	write("exercises/gs_genserver/genserver.go", "package genserver // the learner's edit\n")
	write("exercises/gs_genserver/mine.go", "package genserver // the learner's own file\n")
	write(".git/HEAD", "ref")
	write("benchmarks/go.mod", "module other\n")
	dst := filepath.Join(t.TempDir(), "mirror")
	// A stale file from an earlier run must go.
	if err := os.MkdirAll(filepath.Join(dst, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "old", "gone.go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syncMirror(root, otpgo.FS, dst, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dst, "exercises", "gs_genserver", "genserver.go"))
	if err != nil || !strings.Contains(string(got), "TODO(gs.1)") {
		t.Errorf("mirror's genserver.go is not the embedded skeleton: %.60q, %v", got, err)
	}
	for _, rel := range []string{"go.mod", "internal/x/x.go", "solutions/gs_genserver/genserver_test.go", "content/course.json"} {
		if _, err := os.Stat(filepath.Join(dst, rel)); err != nil {
			t.Errorf("mirror lacks %s: %v", rel, err)
		}
	}
	for _, rel := range []string{"exercises/gs_genserver/mine.go", ".git/HEAD", "benchmarks/go.mod", "old/gone.go"} {
		if _, err := os.Stat(filepath.Join(dst, rel)); err == nil {
			t.Errorf("mirror should not hold %s", rel)
		}
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
		pass := strings.HasPrefix(req.Dir, "solutions/") != (id == "gs.2")
		if req.Dir == "_otpgo_checkpoints/gs_genserver/gs.1" {
			pass = true // gs.1 done: passes gs.1 (right) and gs.2 (wrong: before the step)
		}
		v := runner.Verdict{Step: id, Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestX", Message: "x_test.go:3: wrong"}}}
		if pass {
			v = runner.Verdict{Step: id, Status: runner.Passed}
		}
		return []runner.Verdict{v}, nil
	}}
	var seen []string
	var mu sync.Mutex
	rs, err := g.verify(context.Background(), []*catalog.Step{gs1, gs2}, VerifyOptions{Parallel: 2, Mutants: NoMutants, OnResult: func(r VerifyResult) {
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
	if rs[1].OK || !strings.Contains(rs[1].Problem, "checkpoint gs.1") || !strings.Contains(rs[1].Problem, "PASSES") || !strings.Contains(rs[1].Problem, "TestX") {
		t.Errorf("gs.2 problem = %q; want both the passing skeleton and the failing solution named", rs[1].Problem)
	}
	if len(seen) != 2 {
		t.Errorf("OnResult saw %v", seen)
	}
}

// fakeCourseRun grades as the real course should: a step passes on its
// chapter's solution, and on checkpoint k when it is one of the first k
// steps, except the (step, checkpoint dir) pairs in broken, which fail.
func fakeCourseRun(t *testing.T, broken map[[2]string]bool) RunFunc {
	c := course(t)
	return func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		var out []runner.Verdict
		for _, rs := range req.Steps {
			s, _ := c.Step(rs.ID)
			ch := s.Chapter
			pass := strings.HasPrefix(req.Dir, "solutions/")
			for k := 1; k < len(ch.Steps); k++ {
				if req.Dir == checkpointDir(ch, k) {
					pass = s.Checkpoint() <= k
				}
			}
			if broken[[2]string{rs.ID, req.Dir}] {
				pass = false
			}
			v := runner.Verdict{Step: rs.ID, Status: runner.Passed}
			if !pass {
				v = runner.Verdict{Step: rs.ID, Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestOf" + rs.ID, Message: "x_test.go:3: TODO"}}}
			}
			out = append(out, v)
		}
		return out, nil
	}
}

// TestVerifyChecksEveryCheckpoint: each step of 02 runs on the checkpoint
// before it (must fail), its own (with every earlier step: must pass) and
// the solution; a checkpoint that breaks an earlier step is a mismatch
// naming the checkpoint, the step and where the checkpoint is written.
func TestVerifyChecksEveryCheckpoint(t *testing.T) {
	c := course(t)
	ch, _ := c.Chapter("02")
	var mu sync.Mutex
	var dirs []string
	run := fakeCourseRun(t, nil)
	g := &Grader{Root: "/r", FS: otpgo.FS, Run: func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		mu.Lock()
		var ids []string
		for _, s := range req.Steps {
			ids = append(ids, s.ID)
		}
		dirs = append(dirs, req.Dir+" "+strings.Join(ids, ","))
		mu.Unlock()
		return run(ctx, req)
	}}
	rs, err := g.verify(context.Background(), ch.Steps, VerifyOptions{Parallel: 2, Mutants: NoMutants})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if !r.OK {
			t.Errorf("%s: %s", r.Step, r.Problem)
		}
	}
	for _, want := range []string{
		"exercises/02_cache 02.1",
		"_otpgo_checkpoints/02_cache/02.1 02.1",
		"_otpgo_checkpoints/02_cache/02.1 02.2",
		"_otpgo_checkpoints/02_cache/02.2 02.1,02.2",
		"_otpgo_checkpoints/02_cache/02.2 02.3",
		"solutions/02_cache 02.3",
	} {
		if !slices.Contains(dirs, want) {
			t.Errorf("no run of %q; runs: %q", want, dirs)
		}
	}

	g.Run = fakeCourseRun(t, map[[2]string]bool{{"02.1", "_otpgo_checkpoints/02_cache/02.2"}: true})
	rs, err = g.verify(context.Background(), ch.Steps, VerifyOptions{Parallel: 2, Mutants: NoMutants})
	if err != nil {
		t.Fatal(err)
	}
	if !rs[0].OK || rs[1].OK || !rs[2].OK {
		t.Fatalf("OK = %v %v %v; want only 02.2 (whose checkpoint breaks 02.1) to mismatch", rs[0].OK, rs[1].OK, rs[2].OK)
	}
	for _, want := range []string{"checkpoint 02.2", "step 02.1", "TestOf02.1", "solutions/02_cache/_checkpoints/02.2/cache.go"} {
		if !strings.Contains(rs[1].Problem, want) {
			t.Errorf("02.2 problem %q does not mention %q", rs[1].Problem, want)
		}
	}
}

// TestCheckpointTreesHoldEveryIntermediateState: the mirror gets one
// package per intermediate checkpoint, and 02.1's cache.go is the overlay.
func TestCheckpointTreesHoldEveryIntermediateState(t *testing.T) {
	c := course(t)
	ch, _ := c.Chapter("02")
	files, err := checkpointTrees(otpgo.FS, ch.Steps)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := fs.ReadFile(otpgo.FS, "solutions/02_cache/_checkpoints/02.1/cache.go")
	if got := files["_otpgo_checkpoints/02_cache/02.1/cache.go"]; len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("checkpoint 02.1's cache.go is not the overlay")
	}
	if _, ok := files["_otpgo_checkpoints/02_cache/02.3/cache.go"]; ok {
		t.Error("the last checkpoint is solutions/02_cache: no copy of it")
	}
}
