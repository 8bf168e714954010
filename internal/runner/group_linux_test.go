//go:build linux

package runner

import (
	"context"
	"errors"
	"os"
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
` + end + "\n", pidFile
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

// waitGone polls (SIGKILL is asynchronous) until no pid is alive.
func waitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d is still running after Run returned", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestRunCancelKillsProcessGroup(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	hidden, pidFile := pidFixture(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := run(ctx, f.request(hidden, time.Minute, Step{ID: "1", Tests: []string{"TestSpawn"}}), defaultLimits)
		errc <- err
	}()
	// Wait until the test binary and its child are up, as Ctrl-C would.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(pidFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the fixture test never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	pids := readPids(t, pidFile)
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel returned %v, want context.Canceled", err)
	}
	waitGone(t, pids)
}

func TestRunLeavesNoChildBehind(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	hidden, pidFile := pidFixture(t, false)
	vs := f.run(f.request(hidden, 10*time.Second, Step{ID: "1", Tests: []string{"TestSpawn"}}))
	wantStatus(t, vs[0], Passed)
	waitGone(t, readPids(t, pidFile))
}
