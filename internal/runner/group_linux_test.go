//go:build linux

package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests check that no process outlives Run. They read /proc to tell
// a dead (zombie) process from a live one, so they run on Linux only.

// pidFile is where a fixture's hidden test writes the pid of a process it
// started, so the Go test can check that the process is gone afterwards.
func pidFixture(t *testing.T, block bool) (hidden, pidFile string) {
	pidFile = filepath.Join(t.TempDir(), "pid")
	return pidHidden(pidFile, block), pidFile
}

// pidHidden is the hidden test of pidFixture, writing to pidFile.
func pidHidden(pidFile string, block bool) string {
	end := "}"
	if block {
		end = "\tselect {}\n}"
	}
	return `package fx

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

func TestSpawn(t *testing.T) {
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := strconv.Itoa(os.Getpid()) + " " + strconv.Itoa(cmd.Process.Pid)
	if err := os.WriteFile(` + strconv.Quote(pidFile+".tmp") + `, []byte(pids), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(` + strconv.Quote(pidFile+".tmp") + `, ` + strconv.Quote(pidFile) + `); err != nil {
		t.Fatal(err)
	}
` + end + "\n"
}

func readPids(t *testing.T, file string) []int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the fixture never wrote its pids: %v", err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// Field 3, after "pid (comm)", is the state; Z is a zombie awaiting its
	// reaper (init), which can no longer run anything.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// waitUntil polls cond until it holds, failing the test if it does not
// within d: for what the kernel does asynchronously (a kill, a cleanup).
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for an event
	}
}

// waitGone polls (SIGKILL is asynchronous) until no pid is alive.
func waitGone(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		waitUntil(t, 10*time.Second, fmt.Sprintf("process %d to be gone after Run returned", pid), func() bool { return !alive(pid) })
	}
}

func TestRunCancelKillsProcessGroup(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	pids := cancelMidTest(t, f)
	waitGone(t, pids)
}

// cancelMidTest runs the pid fixture (a test that starts a child and
// waits), cancels Run once the test and its child are up, as Ctrl-C would,
// checks that Run says it was cancelled, and returns the pids the test
// wrote.
func cancelMidTest(t *testing.T, f *fixture) []int {
	t.Helper()
	hidden, pidFile := pidFixture(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := run(ctx, f.request(hidden, time.Minute, Step{ID: "1", Tests: []string{"TestSpawn"}}), defaultLimits)
		errc <- err
	}()
	waitUntil(t, 2*time.Minute, "the fixture test to start", func() bool {
		_, err := os.Stat(pidFile)
		return err == nil
	})
	pids := readPids(t, pidFile)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel returned %v, want context.Canceled", err)
	}
	return pids
}

func TestRunLeavesNoChildBehind(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	hidden, pidFile := pidFixture(t, false)
	vs := f.run(f.request(hidden, 10*time.Second, Step{ID: "1", Tests: []string{"TestSpawn"}}))
	wantStatus(t, vs[0], Passed)
	waitGone(t, readPids(t, pidFile))
}

// The environment that turns TestHelperRunUntilKilled into otpgo's stand-in.
const (
	helperRootEnv = "OTPGO_RUNNER_HELPER_ROOT"
	helperPidsEnv = "OTPGO_RUNNER_HELPER_PIDS"
)

// TestHelperRunUntilKilled is not a test: TestRunSIGKILLOfOtpgoLeavesNothing
// starts the test binary again to run only it, as the otpgo that gets
// killed. It grades a fixture whose test blocks, for at most two minutes.
func TestHelperRunUntilKilled(t *testing.T) {
	root := os.Getenv(helperRootEnv)
	if root == "" {
		return // an ordinary run of the package: nothing to do
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req := Request{Root: root, Dir: fixtureDir, Timeout: time.Minute,
		Overlay: map[string][]byte{"fx_test.go": []byte(pidHidden(os.Getenv(helperPidsEnv), true))},
		Steps:   []Step{{ID: "1", Tests: []string{"TestSpawn"}}}}
	_, _ = Run(ctx, req)
}

// SIGKILL can't be caught: when otpgo dies that way (the OOM killer, kill
// -9, a crashed terminal emulator) no code of its own runs. go test, the
// test binary, what the learner's code started and the overlay directory
// must go all the same.
func TestRunSIGKILLOfOtpgoLeavesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	pidFile := filepath.Join(t.TempDir(), "pid")
	tmp := t.TempDir() // the helper's TMPDIR: where its overlay directory goes
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperRunUntilKilled$", "-test.timeout=3m")
	helper.Env = append(os.Environ(), helperRootEnv+"="+f.root, helperPidsEnv+"="+pidFile, "TMPDIR="+tmp)
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer helper.Wait()
	defer helper.Process.Kill()
	waitUntil(t, 2*time.Minute, "the fixture test to start", func() bool {
		_, err := os.Stat(pidFile)
		return err == nil
	})
	pids := readPids(t, pidFile)
	t.Cleanup(func() {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	if err := helper.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitGone(t, pids)
	waitUntil(t, 10*time.Second, "the overlay directory to go after otpgo was killed", func() bool {
		left, _ := filepath.Glob(filepath.Join(tmp, "otpgo-overlay-*"))
		return len(left) == 0
	})
}

// Not parallel: it changes PATH. A go that hangs while asked its version,
// here with a child holding its output open, must not outlive Ctrl-C.
func TestToolchainProbeObeysCancel(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	pidFile := filepath.Join(bin, "pid")
	write(t, filepath.Join(bin, "go"), "#!/bin/sh\n'"+sleep+"' 3600 &\necho $! > '"+pidFile+".tmp'\n{ read -r pid < '"+pidFile+".tmp'; echo \"$$ $pid\"; } > '"+pidFile+"'\nwait\n")
	if err := os.Chmod(filepath.Join(bin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { _, err := lookupToolchain(ctx); errc <- err }()
	waitUntil(t, time.Minute, "the fake go to start", func() bool {
		data, err := os.ReadFile(pidFile)
		return err == nil && strings.HasSuffix(string(data), "\n")
	})
	pids := readPids(t, pidFile)
	t.Cleanup(func() {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("probe after cancel returned %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the toolchain probe still waits for go 30s after Ctrl-C")
	}
	waitGone(t, pids)
}

// Run's overlay directory holds the hidden tests: it must be gone once Run
// returns, whether the step passed or the learner pressed Ctrl-C mid-test.
// Not parallel: TMPDIR is per process.
func TestRunRemovesItsOverlayOnEveryExit(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.MkdirTemp("", ...) in Run lands here
	noOverlay := func(after string) {
		t.Helper()
		if left, _ := filepath.Glob(filepath.Join(tmp, "otpgo-overlay-*")); len(left) > 0 {
			t.Fatalf("after %s the overlay directory is still there: %v", after, left)
		}
	}
	f := newFixture(t, addLearner)

	hidden, _ := pidFixture(t, false)
	vs := f.run(f.request(hidden, time.Minute, Step{ID: "1", Tests: []string{"TestSpawn"}}))
	wantStatus(t, vs[0], Passed)
	noOverlay("a pass")

	waitGone(t, cancelMidTest(t, f))
	noOverlay("a cancel")
}
