package cli

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/testout"
)

// A check whose first build is cold shows how far it has got (packages
// built of needed, measured as the home screen's warm-up does) until its
// tests run; a warm check, over at once, shows no such line.
func TestCheckShowsWarmUpProgressWhileItsFirstBuildIsCold(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short: runs go list on a checkout")
	}
	defer func(after, every time.Duration) { coldCheckAfter, coldCheckEvery = after, every }(coldCheckAfter, coldCheckEvery)
	coldCheckAfter, coldCheckEvery = 10*time.Millisecond, 50*time.Millisecond

	h := newHarness(t)
	// A package new to any build cache, imported by the exercise: the
	// check's build is cold whatever the shared cache holds.
	unique := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	h.write("internal/uniq/uniq.go", "package uniq\n\n// Name is unique.\nconst Name = "+fmt.Sprintf("%q", unique)+"\n")
	h.write("exercises/aa_pkg/one.go", "package aa\n\nimport \"github.com/otpgo/otpgo/internal/uniq\"\n\nvar unique = uniq.Name\n\n// One is TODO.\nfunc One() int { panic(\"TODO(aa.1)\") }\n")
	errOut := &testout.Buffer{}
	progressRE := regexp.MustCompile(`compiling what it needs the first time: (\d+) of (\d+) packages built`)
	h.run = func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		// The fake compile lasts until otpgo has shown its progress.
		for deadline := time.Now().Add(10 * time.Second); !progressRE.MatchString(errOut.String()) && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond) // polling with a deadline
		}
		return passAll(ctx, req)
	}
	env := h.envFor(h.root)
	env.Stderr = errOut
	if code := Run(context.Background(), env, "check", "aa.1", "--no-race"); code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	m := progressRE.FindStringSubmatch(errOut.String())
	if m == nil {
		t.Fatalf("no warm-up progress while the build was cold:\n%s", errOut.String())
	}
	if m[1] == m[2] || m[2] == "0" {
		t.Errorf("progress %s of %s: want some of the needed packages left to build", m[1], m[2])
	}

	coldCheckAfter = time.Minute // a warm check is over long before
	errOut2 := &testout.Buffer{}
	h.run = passAll
	env.Stderr = errOut2
	if code := Run(context.Background(), env, "check", "aa.1", "--no-race"); code != ExitOK || strings.Contains(errOut2.String(), "packages built") {
		t.Fatalf("warm check: exit %d; want 0 and no warm-up line:\n%s", code, errOut2.String())
	}
}
