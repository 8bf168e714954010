package cli

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpgo/otpgo/internal/catalog"
)

func TestNoArgumentsWithoutATerminalListsTheLessons(t *testing.T) {
	h := newHarness(t)
	if code := h.exec(); code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, h.errOut())
	}
	h.mustContain("stdout", h.out(), "aa   Alpha", "aa.1", "← next", "otpgo lesson show ID")
}

// --poll belongs to the app; without a terminal it is accepted and the
// welcome is shown, not a usage error.
func TestPollFlagIsAccepted(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("--poll"); code != ExitOK {
		t.Fatalf("otpgo --poll: exit %d; stderr:\n%s", code, h.errOut())
	}
	h.mustContain("stdout", h.out(), "aa.1")
}

// appBackend is the course and the backend the app gets in h's checkout.
func (h *harness) appBackend() (*catalog.Course, *tuiBackend) {
	h.t.Helper()
	env := h.envFor(h.root).withDefaults()
	a := &App{Env: env, Out: env.Stdout, Err: env.Stderr}
	b, err := newTUIBackend(context.Background(), a)
	if err != nil {
		h.t.Fatal(err)
	}
	c, err := a.Course()
	if err != nil {
		h.t.Fatal(err)
	}
	return c, b
}

// The app's reset (x, then y) saves the learner's file and restores the
// skeleton, like otpgo reset; a missing file is restored with nothing to save.
func TestTUIResetBacksUpThenRestores(t *testing.T) {
	h := newHarness(t)
	c, b := h.appBackend()
	step := c.Steps()[0] // aa.1, one.go
	mine := "package aa\n\nfunc One() int { return 1 } // my work\n"
	h.write("exercises/aa_pkg/one.go", mine)

	backup, err := b.Reset(step)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != string(h.fsys["exercises/aa_pkg/one.go"].Data) {
		t.Fatalf("after reset one.go = %q, want the skeleton", got)
	}
	if got := h.read(path.Join(backup, "exercises/aa_pkg/one.go")); got != mine {
		t.Fatalf("backup in %s holds %q, want the learner's version", backup, got)
	}

	if _, err := b.Reset(step); err == nil || !strings.Contains(err.Error(), "nothing to reset") {
		t.Fatalf("second reset: %v, want nothing to reset", err)
	}

	if err := os.Remove(filepath.Join(h.root, "exercises", "aa_pkg", "one.go")); err != nil {
		t.Fatal(err)
	}
	if backup, err := b.Reset(step); err != nil || backup != "" {
		t.Fatalf("reset of a missing file: backup %q, %v; want \"\" and no error", backup, err)
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != string(h.fsys["exercises/aa_pkg/one.go"].Data) {
		t.Fatalf("a missing one.go was not restored: %q", got)
	}
}

// The app's solution of a step is that step's checkpoint, and its reset
// undoes the step only, keeping the learner's own code of the step before.
func TestTUIStepwiseSolutionAndReset(t *testing.T) {
	h := sharedHarness(t)
	c, b := h.appBackend()
	aa1, _ := c.Step("aa.1")
	aa3, _ := c.Step("aa.3")
	files, err := b.Solution(aa1)
	if err != nil || len(files) != 1 || strings.Contains(files[0].Content, "return 3") || !strings.Contains(files[0].Content, "return 1") {
		t.Fatalf("app solution of aa.1 = %+v, %v; want checkpoint aa.1's one.go", files, err)
	}
	mine := "package aa\n\nfunc One() int { return 1 } // mine\n\nfunc Three() int { panic(\"TODO(aa.3)\") }\n"
	h.write("exercises/aa_pkg/one.go", mine)
	if _, err := b.Check(context.Background(), aa1, nil); err != nil { // passAll: keeps a copy
		t.Fatal(err)
	}
	h.write("exercises/aa_pkg/one.go", "package aa // aa.3 in progress\n")
	if _, err := b.Reset(aa3); err != nil {
		t.Fatal(err)
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != mine {
		t.Fatalf("after the app's reset of aa.3, one.go = %q; want your aa.1 code", got)
	}
}

// The app's catch-up writes checkpoint aa.2 where an unpassed earlier step
// changed a file, and records those steps as given.
func TestTUICatchup(t *testing.T) {
	h := sharedHarness(t)
	c, b := h.appBackend()
	aa3, _ := c.Step("aa.3")
	msg, err := b.Catchup(aa3)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"caught up to aa.3", "exercises/aa_pkg/one.go", "given: aa.1, aa.2", ".otpgo/backup/"} {
		if !strings.Contains(msg, want) {
			t.Errorf("summary %q lacks %q", msg, want)
		}
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != string(h.fsys["solutions/aa_pkg/_checkpoints/aa.1/one.go"].Data) {
		t.Errorf("one.go = %q; want checkpoint aa.1's", got)
	}
	if msg, err := b.Catchup(aa3); err != nil || !strings.Contains(msg, "nothing to catch up") {
		t.Errorf("second catch-up = %q, %v; want nothing to do", msg, err)
	}
}
