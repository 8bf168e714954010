package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGoVersionOK(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"go1.26":                  true,
		"go1.26.8":                true,
		"go1.26rc1":               true,
		"go1.27.0":                true,
		"go2.0":                   true,
		"devel go1.27-abcdef":     true,
		"go1.25.9":                false,
		"go1.21":                  false,
		"":                        false,
		"something else entirely": false,
	} {
		if got := goVersionOK(v); got != want {
			t.Errorf("goVersionOK(%q) = %v, want %v", v, got, want)
		}
	}
}

// Not parallel: it changes PATH for the process.
func TestToolchainMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := lookupToolchain(context.Background())
	if !errors.Is(err, ErrToolchain) {
		t.Fatalf("err = %v, want ErrToolchain", err)
	}
	wantContains(t, "error", err.Error(), "no `go` on PATH", "install Go 1.26 or newer", "https://go.dev/dl/")
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is more than one line: %q", err)
	}
}

// fakeGo puts a `go` on a fresh PATH that prints goEnvJSON for `go env`
// and appends a line to the returned log file on every run.
func fakeGo(t *testing.T, goEnvJSON string) (log string) {
	t.Helper()
	bin := t.TempDir()
	log = filepath.Join(bin, "runs")
	// Only shell builtins: PATH holds nothing else.
	script := "#!/bin/sh\necho \"$*\" >> '" + log + "'\necho '" + goEnvJSON + "'\n"
	write(t, filepath.Join(bin, "go"), script)
	if err := os.Chmod(filepath.Join(bin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	return log
}

// Not parallel: it changes PATH for the process.
func TestToolchainTooOld(t *testing.T) {
	fakeGo(t, `{"GOVERSION": "go1.25.3"}`)
	_, err := lookupToolchain(context.Background())
	if !errors.Is(err, ErrToolchain) {
		t.Fatalf("err = %v, want ErrToolchain", err)
	}
	wantContains(t, "error", err.Error(), "needs Go 1.26 or newer", "go1.25.3", "https://go.dev/dl/")
}

// Not parallel: it changes PATH and empties the process-wide cache.
func TestToolchainAskedOnce(t *testing.T) {
	defer func() { tc.tool = nil }() // the next caller looks up the real go
	tc.tool = nil
	log := fakeGo(t, `{"GOVERSION": "go1.26.8", "GOOS": "linux", "GOARCH": "amd64", "CGO_ENABLED": "0", "CC": "gcc"}`)
	ctx := context.Background()
	for range 2 {
		if v, err := CheckToolchain(ctx); v != "go1.26.8" || err != nil {
			t.Fatalf("CheckToolchain = %q, %v", v, err)
		}
		if RaceSupported(ctx) {
			t.Error("RaceSupported with CGO_ENABLED=0 = true")
		}
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if runs := strings.Split(strings.TrimSpace(string(data)), "\n"); len(runs) != 1 {
		t.Errorf("go ran %d times for two CheckToolchain and two RaceSupported calls: %q; want one go env", len(runs), runs)
	}
}

func TestRaceWorks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		goos, goarch, cgo, cc string
		want                  bool
	}{
		{"linux", "amd64", "1", "sh", true}, // any C compiler on PATH will do; sh is always there
		{"linux", "amd64", "1", "sh -O2", true},
		{"linux", "amd64", "0", "sh", false},
		{"linux", "amd64", "1", "", false},
		{"linux", "amd64", "1", "no-such-cc-otpgo", false},
		{"linux", "386", "1", "sh", false},
		{"js", "wasm", "1", "sh", false},
	} {
		if got := raceWorks(tc.goos, tc.goarch, tc.cgo, tc.cc); got != tc.want {
			t.Errorf("raceWorks(%s, %s, CGO_ENABLED=%s, CC=%q) = %v, want %v", tc.goos, tc.goarch, tc.cgo, tc.cc, got, tc.want)
		}
	}
}

func TestCheckToolchain(t *testing.T) {
	t.Parallel()
	v, err := CheckToolchain(context.Background())
	if err != nil || !goVersionOK(v) {
		t.Fatalf("CheckToolchain = %q, %v", v, err)
	}
}

func TestRunRejectsBadRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	notModule := t.TempDir()
	step := []Step{{ID: "1", Tests: []string{"TestAdd"}}}
	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"relative root", Request{Root: "rel", Dir: fixtureDir, Steps: step}, "absolute"},
		{"not a module", Request{Root: notModule, Dir: fixtureDir, Steps: step}, "not a Go module (no go.mod)"},
		{"missing dir", Request{Root: f.root, Dir: "exercises/nope", Steps: step}, "exercises/nope is missing"},
		{"escaping dir", Request{Root: f.root, Dir: "../x", Steps: step}, "inside Root"},
		{"no steps", Request{Root: f.root, Dir: fixtureDir}, "no steps"},
		{"empty step", Request{Root: f.root, Dir: fixtureDir, Steps: []Step{{ID: "06.1"}}}, "step 06.1 has no tests"},
		{"subtest name", Request{Root: f.root, Dir: fixtureDir, Steps: []Step{{ID: "1", Tests: []string{"TestA/b"}}}}, "not a top-level test"},
		{"overlay path", Request{Root: f.root, Dir: fixtureDir, Steps: step, Overlay: map[string][]byte{"../x_test.go": nil}}, "without a directory"},
	} {
		_, err := Run(context.Background(), tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, f.request("package fx\n", time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	want := map[Status]string{Passed: "passed", Failed: "failed", BuildError: "build error",
		Panicked: "panicked", TimedOut: "timed out", Crashed: "crashed", 0: "Status(0)"}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), s.String(), w)
		}
		if b, _ := s.MarshalText(); string(b) != w {
			t.Errorf("Status(%d).MarshalText() = %q, want %q", int(s), b, w)
		}
	}
	if PhaseCompiling.String() != "compiling" || PhaseRunning.String() != "running" {
		t.Errorf("phases: %s, %s", PhaseCompiling, PhaseRunning)
	}
}
