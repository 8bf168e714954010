//go:build unix

package procgroup

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCancelKillsTheWholeGroup starts a shell that starts a grandchild,
// cancels, and checks that the grandchild is gone too: killing only the
// shell would leave it running under init.
func TestCancelKillsTheWholeGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", "sleep 60 & echo $!; wait")
	Bind(cmd)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the grandchild's pid: %v", err)
	}
	grandchild, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("pid %q: %v", line, err)
	}
	cancel()
	_ = cmd.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Signal 0 probes; ESRCH means gone. A zombie still answers, so
		// also accept a grandchild that init has reaped meanwhile.
		err := syscall.Kill(grandchild, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(grandchild, syscall.SIGKILL)
			t.Fatalf("the grandchild (pid %d) still runs 5s after cancel: only the shell was killed, not its group", grandchild)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelBeforeStartIsHarmless(t *testing.T) {
	cmd := exec.Command("true")
	Bind(cmd)
	if err := cmd.Cancel(); err != nil {
		t.Fatalf("Cancel before Start: %v", err)
	}
}
