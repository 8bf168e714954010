package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestBenchUnknownChapter(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out, errOut bytes.Buffer
	code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut, Dir: t.TempDir()}, "bench", "02")
	if code != ExitError || !strings.Contains(errOut.String(), `no benchmark for chapter "02"`) || !strings.Contains(errOut.String(), "03") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and the list of chapters with a benchmark", code, errOut.String(), ExitError)
	}
}

func TestBenchRedisPrintsTheTable(t *testing.T) {
	defer goleak.VerifyNone(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut, Dir: root}, "bench", "03", "--duration", "20ms")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	// The measuring program is built on demand, and otpgo says so.
	for _, want := range []string{"Building the measuring program (go run ./internal/bench/redis03/table", "Built in "} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	for _, want := range []string{
		"Loopback", "adding 1ms", "64 callers",
		"blocking", "non-blocking", "state machine", "go-redis (pool)",
		"non-blocking / blocking at 64 callers:", "non-blocking / go-redis (pool) at 64 callers:",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "failed") {
		t.Errorf("a reference client failed:\n%s", out.String())
	}
}

// --learner compiles the learner's exercise with go run; the untouched
// skeleton shows as failed rows naming their TODOs.
func TestBenchRedisLearner(t *testing.T) {
	defer goleak.VerifyNone(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "exercises", "03_redis")); err != nil {
		t.Fatalf("no exercises/03_redis under %s: %v", root, err)
	}
	var out, errOut bytes.Buffer
	code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut, Dir: root}, "bench", "03", "--learner", "--duration", "10ms")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	for _, want := range []string{"yours: blocking", "yours: non-blocking", "yours: state machine"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(out.String(), "TODO(03.") && strings.Contains(out.String(), "failed") {
		t.Errorf("failed learner rows should name their TODO:\n%s", out.String())
	}
}
