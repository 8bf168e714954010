package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
)

// sharedHarness is the harness with a third step, aa.3, that changes
// one.go again: one.go has its own state at checkpoints aa.1 and aa.2.
func sharedHarness(t *testing.T) *harness {
	h := newHarness(t)
	replace := func(name, old, new string) {
		f := h.fsys[name]
		if !strings.Contains(string(f.Data), old) {
			t.Fatalf("%s lacks %q", name, old)
		}
		f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
	}
	replace("content/aa/chapter.json", `"hints": ["a", "b", "c"]}`, `"hints": ["a", "b", "c"]},
			  {"id": "aa.3", "title": "Third", "files": ["one.go"], "tests": ["TestThree"], "hints": ["x", "y"]}`)
	replace("solutions/aa_pkg/aa_test.go", "func TestTwo(t *testing.T) {}", "func TestTwo(t *testing.T) {}\nfunc TestThree(t *testing.T) {}")
	replace("content/aa/lesson.md", "Do two.\n", "Do two.\n\n## Step aa.3: third\n\nDo three.\n")
	h.fsys["solutions/aa_pkg/one.go"].Data = []byte("package aa\n\n// One is one.\nfunc One() int { return 1 }\n\nfunc Three() int { return 3 }\n")
	h.fsys["exercises/aa_pkg/one.go"].Data = []byte("package aa\n\n// One is TODO.\nfunc One() int { panic(\"TODO(aa.1)\") }\n\nfunc Three() int { panic(\"TODO(aa.3)\") }\n")
	h.fsys["solutions/aa_pkg/_checkpoints/aa.1/one.go"] = &fstest.MapFile{Data: []byte("package aa\n\n// One is one.\nfunc One() int { return 1 }\n\nfunc Three() int { panic(\"TODO(aa.3)\") }\n")}
	h.write("exercises/aa_pkg/one.go", string(h.fsys["exercises/aa_pkg/one.go"].Data))
	return h
}

func TestSolutionShowsOnlyTheStep(t *testing.T) {
	h := sharedHarness(t)
	if code := h.exec("solution", "aa.1", "--force"); code != ExitOK {
		t.Fatalf("solution aa.1: exit %d: %s", code, h.errOut())
	}
	h.mustContain("solution aa.1", h.out(), "+func One() int { return 1 }")
	if strings.Contains(h.out(), "return 3") {
		t.Errorf("solution aa.1 shows aa.3's code:\n%s", h.out())
	}
	if code := h.exec("solution", "aa.3", "--force"); code != ExitOK {
		t.Fatalf("solution aa.3: exit %d: %s", code, h.errOut())
	}
	h.mustContain("solution aa.3", h.out(), `-func Three() int { panic("TODO(aa.3)") }`, "+func Three() int { return 3 }")
	if strings.Contains(h.out(), "-func One()") {
		t.Errorf("solution aa.3 shows aa.1's change:\n%s", h.out())
	}
	if code := h.exec("solution", "aa.1", "--force", "--file"); code != ExitOK {
		t.Fatalf("solution --file: exit %d: %s", code, h.errOut())
	}
	h.mustContain("--file", h.out(), "exercises/aa_pkg/one.go as of aa.1", `func Three() int { panic("TODO(aa.3)") }`)
}

func TestCatchupGivesTheStepsBefore(t *testing.T) {
	h := sharedHarness(t)
	h.write("exercises/aa_pkg/one.go", "package aa\n\nfunc broken( {\n") // no longer compiles
	if code := h.exec("catchup", "aa.3"); code != ExitError {
		t.Fatalf("catchup without --yes: exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "--yes", "exercises/aa_pkg/one.go  <- checkpoint aa.1", "exercises/aa_pkg/two.go  <- checkpoint aa.2")
	if code := h.exec("catchup", "aa.3", "--yes"); code != ExitOK {
		t.Fatalf("catchup --yes: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != string(h.fsys["solutions/aa_pkg/_checkpoints/aa.1/one.go"].Data) {
		t.Errorf("one.go = %q; want checkpoint aa.1's", got)
	}
	if got := h.read("exercises/aa_pkg/two.go"); got != string(h.fsys["solutions/aa_pkg/two.go"].Data) {
		t.Errorf("two.go = %q; want aa.2's", got)
	}
	backups, _ := filepath.Glob(filepath.Join(h.root, ".otpgo", "backup", "*", "exercises", "aa_pkg", "one.go"))
	if len(backups) != 1 {
		t.Fatalf("backups = %v; want the broken one.go saved", backups)
	}
	h.mustContain("stdout", h.out(), "Saved your version", ".otpgo/backup/", "Recorded aa.1, aa.2 as given")
	st := h.state()
	if st.Status("aa.1") != progress.Given || st.Status("aa.2") != progress.Given || st.Status("aa.3") != progress.Pending {
		t.Errorf("statuses %v %v %v; want given, given, pending", st.Status("aa.1"), st.Status("aa.2"), st.Status("aa.3"))
	}
	if code := h.exec("lesson", "list"); code != ExitOK {
		t.Fatalf("lesson list: exit %d", code)
	}
	h.mustContain("lesson list", h.out(), "aa.1   First  given (caught up)  shares files with aa.3", "aa.3   Third  shares files with aa.1  ← next")
	// A bare check now goes to aa.3, not back to the given steps.
	h.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		return []runner.Verdict{{Step: req.Steps[0].ID, Status: runner.Failed}}, nil
	}
	h.exec("check")
	h.mustContain("bare check", h.errOut(), "next pending step, aa.3")
	// Again: nothing left to catch up.
	if code := h.exec("catchup", "aa.3"); code != ExitOK {
		t.Fatalf("second catchup: exit %d: %s", code, h.errOut())
	}
	h.mustContain("second catchup", h.out(), "Nothing to catch up")
}

// TestCatchupAChapterDoesItAll: catchup CHAPTER puts the chapter's
// solution in place and records every step not passed as given; the
// learner's own code of a passed step that nothing later changes stays.
func TestCatchupAChapterDoesItAll(t *testing.T) {
	h := sharedHarness(t)
	mine := "package aa\n\nfunc Two() int { return 1 + 1 } // mine\n"
	h.write("exercises/aa_pkg/two.go", mine)
	if err := progress.Open(filepath.Join(h.root, ".otpgo")).MarkPassed("aa.2"); err != nil {
		t.Fatal(err)
	}
	if code := h.exec("catchup", "aa", "--yes"); code != ExitOK {
		t.Fatalf("catchup aa --yes: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != string(h.fsys["solutions/aa_pkg/one.go"].Data) {
		t.Errorf("one.go = %q; want the solution's", got)
	}
	if got := h.read("exercises/aa_pkg/two.go"); got != mine {
		t.Errorf("two.go = %q; want the learner's own (aa.2 passed)", got)
	}
	h.mustContain("stdout", h.out(), "Recorded aa.1, aa.3 as given", "Chapter aa is done")
	st := h.state()
	if st.Status("aa.1") != progress.Given || st.Status("aa.2") != progress.Passed || st.Status("aa.3") != progress.Given {
		t.Errorf("statuses %v %v %v; want given, passed, given", st.Status("aa.1"), st.Status("aa.2"), st.Status("aa.3"))
	}
	if code := h.exec("catchup", "aa"); code != ExitOK {
		t.Fatalf("second catchup aa: exit %d: %s", code, h.errOut())
	}
	h.mustContain("second catchup", h.out(), "Nothing to catch up")
}

// TestCatchupPutsBackCodeWhoseTodoIsBack: a passed step whose skeleton
// the learner restored (git checkout) is caught up again, and keeps its
// pass.
func TestCatchupPutsBackCodeWhoseTodoIsBack(t *testing.T) {
	h := sharedHarness(t)
	if err := progress.Open(filepath.Join(h.root, ".otpgo")).MarkPassed("aa.1", "aa.2"); err != nil {
		t.Fatal(err)
	}
	h.write("exercises/aa_pkg/one.go", string(h.fsys["solutions/aa_pkg/_checkpoints/aa.1/one.go"].Data))
	h.write("exercises/aa_pkg/two.go", "package aa\n\nfunc Two() int { panic(\"TODO(aa.2): add\") }\n")
	if code := h.exec("catchup", "aa.3", "--yes"); code != ExitOK {
		t.Fatalf("catchup aa.3 --yes: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/two.go"); got != string(h.fsys["solutions/aa_pkg/two.go"].Data) {
		t.Errorf("two.go = %q; want aa.2's code back", got)
	}
	h.mustContain("stdout", h.out(), "Put back the reference code of aa.2: the TODO was back", "Your pass stays recorded", ".otpgo/checkpoints/")
	if strings.Contains(h.out(), "as given") {
		t.Errorf("a passed step was said to be recorded as given:\n%s", h.out())
	}
	if st := h.state(); st.Status("aa.2") != progress.Passed {
		t.Errorf("aa.2 is %v; want still passed", st.Status("aa.2"))
	}
	// With a copy of the learner's pass kept, their own code goes back.
	passing := "package aa\n\nfunc Two() int { return 1 + 1 } // my pass\n"
	h.write(".otpgo/checkpoints/aa.2/two.go", passing)
	h.write("exercises/aa_pkg/two.go", "package aa\n\nfunc Two() int { panic(\"TODO(aa.2): add\") }\n")
	h.stdout.Reset()
	if code := h.exec("catchup", "aa.3", "--yes"); code != ExitOK {
		t.Fatalf("catchup with a kept pass: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/two.go"); got != passing {
		t.Errorf("two.go = %q; want the learner's own passing copy back", got)
	}
	h.mustContain("stdout", h.out(), "Wrote exercises/aa_pkg/two.go from your copy from passing aa.2", "Put back your own code from passing aa.2", "Your pass stays recorded")
	// A comment naming the TODO, kept above working code, is not the stub.
	mine := "package aa\n\n// TODO(aa.2): add (done)\nfunc Two() int { return 2 } // mine\n"
	h.write("exercises/aa_pkg/two.go", mine)
	if code := h.exec("catchup", "aa.3", "--yes"); code != ExitOK {
		t.Fatalf("second catchup: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/two.go"); got != mine {
		t.Errorf("two.go = %q; want the learner's own, whose TODO is only a comment", got)
	}
}

func TestCatchupBadInput(t *testing.T) {
	h := sharedHarness(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"catchup", "aa"}, ExitError, "catch up through chapter aa would write 2 file(s)"},
		{[]string{"catchup", "rd"}, ExitError, "chapter rd has no graded steps"},
		{[]string{"catchup", "aa.9"}, ExitError, "did you mean"},
		{[]string{"catchup", "zz"}, ExitError, "coming"},
		{[]string{"catchup", "rd.1"}, ExitError, "read, not graded"},
		{[]string{"catchup", "aa.1"}, ExitOK, "nothing before it"},
	} {
		code := h.exec(tc.args...)
		if code != tc.code || !strings.Contains(h.out()+h.errOut(), tc.want) {
			t.Errorf("%v: exit %d, output %q; want exit %d and %q", tc.args, code, h.out()+h.errOut(), tc.code, tc.want)
		}
	}
}

// TestResetStepKeepsTheEarlierStepsPass: reset aa.3 after passing aa.1
// puts the learner's own aa.1 one.go back, not the skeleton, and clears
// only aa.3's progress.
func TestResetStepKeepsTheEarlierStepsPass(t *testing.T) {
	h := sharedHarness(t)
	mine := "package aa\n\nfunc One() int { return 40 + 1 - 40 } // mine\n\nfunc Three() int { panic(\"TODO(aa.3)\") }\n"
	h.write("exercises/aa_pkg/one.go", mine)
	if code := h.exec("check", "aa.1"); code != ExitOK { // passAll: saves the learner's checkpoint
		t.Fatalf("check aa.1: exit %d: %s", code, h.errOut())
	}
	h.write("exercises/aa_pkg/one.go", "package aa\n// aa.3 half done\n")
	if code := h.exec("check", "aa.3"); code != ExitOK {
		t.Fatalf("check aa.3: exit %d", code)
	}
	if code := h.exec("reset", "aa.3", "--yes"); code != ExitOK {
		t.Fatalf("reset aa.3: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != mine {
		t.Errorf("after reset aa.3, one.go = %q; want your own aa.1 code", got)
	}
	h.mustContain("stdout", h.out(), "your copy from passing aa.1", "Cleared the progress of aa.3", ".otpgo/backup/")
	st, _ := progress.Open(filepath.Join(h.root, ".otpgo")).Load()
	if !st.Done("aa.1") || st.Done("aa.3") {
		t.Errorf("after reset aa.3: aa.1 done %v, aa.3 done %v; want true, false", st.Done("aa.1"), st.Done("aa.3"))
	}
}
