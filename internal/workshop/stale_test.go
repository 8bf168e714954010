package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A learner installs otpgo, then `git pull` brings a fixed hidden test:
// the otpgo built before the pull must run the new test, not its own copy.
// This builds the real binary and runs it on a small real checkout.
func TestInstalledOtpgoRunsTheCheckoutsNewHiddenTest(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short: builds otpgo and runs go test")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("SKIPPED: git is not installed, so the installed-otpgo test cannot run; install it with: apt-get install -y git")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "otpgo")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	root := filepath.Join(tmp, "checkout")
	write := func(rel, data string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/otpgo/otpgo\n\ngo 1.26\n")
	write("content/course.json", `{"format": 1, "chapters": [{"id": "aa", "title": "Alpha"}]}`)
	write("content/aa/chapter.json", `{"id": "aa", "title": "Alpha", "dir": "aa_pkg", "summary": "s",
		"steps": [{"id": "aa.1", "title": "First", "files": ["one.go"], "tests": ["TestOne"], "hints": ["a", "b"]}]}`)
	write("content/aa/lesson.md", "# Alpha\n\n## Step aa.1: first\n\nDo one.\n")
	write("exercises/aa_pkg/one.go", "package aa\n\n// One is TODO.\nfunc One() int { panic(\"TODO(aa.1)\") }\n")
	write("solutions/aa_pkg/one.go", "package aa\n\n// One is one.\nfunc One() int { return 1 }\n")
	write("solutions/aa_pkg/aa_test.go", "package aa\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {\n\tif One() != 1 {\n\t\tt.Fatal(\"One() != 1\")\n\t}\n}\n")
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "course"},
	} {
		if out, err := exec.CommandContext(ctx, "git", append([]string{"-C", root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write("exercises/aa_pkg/one.go", "package aa\n\n// One is one.\nfunc One() int { return 1 }\n") // the learner's work

	// The program's caches move to tmp; go's build cache stays where it is
	// (it defaults to a directory under XDG_CACHE_HOME): a cold one would
	// make this test a minute long.
	goCache, err := exec.CommandContext(ctx, "go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	check := func() (string, int) {
		cmd := exec.CommandContext(ctx, bin, "check", "aa.1", "--no-race")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "XDG_CACHE_HOME="+filepath.Join(tmp, "cache"), "GOCACHE="+strings.TrimSpace(string(goCache)), "NO_COLOR=1")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("run otpgo: %v", err)
		}
		return string(out), code
	}
	if out, code := check(); code != 0 {
		t.Fatalf("before the pull: exit %d; want the learner's One to pass\n%s", code, out)
	}
	// The pull brings a changed hidden test.
	write("solutions/aa_pkg/aa_test.go", "package aa\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {\n\tt.Fatal(\"the test fixed by the pull ran\")\n}\n")
	out, code := check()
	if code != 1 || !strings.Contains(out, "the test fixed by the pull ran") {
		t.Fatalf("after the pull: exit %d; want 1 and the new test's message\n%s", code, out)
	}
}
