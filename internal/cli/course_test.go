package cli

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

// checkoutHarness is a harness whose checkout holds the whole fixture
// course on disk, committed with git as a clone is, and whose otpgo reads
// no course of its own (Env.FS nil): what an installed otpgo sees.
func checkoutHarness(t *testing.T) (*harness, func(args ...string) int) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("SKIPPED: git is not installed, so the checkout's-own-course tests cannot run; install it with: apt-get install -y git")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the extracted skeletons
	h := newHarness(t)
	for name, f := range h.fsys {
		h.write(name, string(f.Data))
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "course"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", h.root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run := func(args ...string) int {
		h.stdout.Reset()
		h.stderr.Reset()
		env := h.envFor(h.root)
		env.FS = nil
		return Run(context.Background(), env, args...)
	}
	return h, run
}

// A hidden test fixed in the checkout (a git pull) is the one check runs,
// whatever course the otpgo binary was built with.
func TestCheckGradesWithTheCheckoutsHiddenTests(t *testing.T) {
	h, run := checkoutHarness(t)
	fixed := strings.Replace(h.read("solutions/aa_pkg/aa_test.go"), "func TestOne(t *testing.T) {}",
		"func TestOne(t *testing.T) { /* fixed after the pull */ }", 1)
	h.write("solutions/aa_pkg/aa_test.go", fixed)
	h.write("exercises/aa_pkg/one.go", "package aa\n\nfunc One() int { return 1 } // mine\n")

	if code := run("check", "aa.1"); code != ExitOK {
		t.Fatalf("check: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	if len(h.reqs) != 1 {
		t.Fatalf("check ran %d go tests; want 1", len(h.reqs))
	}
	if got := string(h.reqs[0].Overlay["aa_test.go"]); got != fixed {
		t.Errorf("check injected\n%s\nwant the checkout's fixed hidden test\n%s", got, fixed)
	}

	if code := run("doctor"); code != ExitOK {
		t.Fatalf("doctor: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	h.mustContain("doctor", h.out(), "Graded with the checkout's own course", h.root, "skeletons from git tree")

	// reset restores the committed skeleton, not the learner's file.
	if code := run("reset", "aa.1", "--yes"); code != ExitOK {
		t.Fatalf("reset: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	if got := h.read("exercises/aa_pkg/one.go"); !strings.Contains(got, `panic("TODO(aa.1)")`) {
		t.Errorf("after reset exercises/aa_pkg/one.go =\n%s\nwant the skeleton", got)
	}
}

// A checkout whose course is newer than this otpgo reads is refused in one
// line saying how to update otpgo.
func TestCheckoutCourseTooNewForThisOtpgo(t *testing.T) {
	h, run := checkoutHarness(t)
	h.write("content/course.json", `{"format": 99, "chapters": [{"id": "aa", "title": "Alpha"}], "new": true}`)
	for _, args := range [][]string{{"check", "aa.1"}, {"doctor"}} {
		if code := run(args...); code == ExitOK {
			t.Errorf("%v: exit 0; want a refusal", args)
		}
		msg := h.errOut() + h.out()
		h.mustContain(strings.Join(args, " "), msg, "this otpgo is too old", "course format 99", "go install ./cmd/otpgo")
	}
	if len(h.reqs) != 0 {
		t.Errorf("check ran go test with a course it cannot read")
	}
}
