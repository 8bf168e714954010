//go:build windows

package runner

import (
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"
)

// The Windows group: go test gets its own console process group, away from
// the console's Ctrl-C, and kill walks its tree with taskkill.
func TestGroupWindowsKillsTheTree(t *testing.T) {
	t.Parallel()
	g, err := startGroup("")
	if err != nil {
		t.Fatal(err)
	}
	defer g.release()
	var killed []int
	g.taskkill = func(pid int) error {
		killed = append(killed, pid)
		return taskkillTree(pid)
	}
	g.kill() // nothing started yet: nothing to kill
	if len(killed) != 0 {
		t.Fatalf("kill before start ran taskkill for %v", killed)
	}
	cmd := exec.Command("ping", "-n", "600", "127.0.0.1")
	g.join(cmd)
	if cmd.SysProcAttr.CreationFlags&syscall.CREATE_NEW_PROCESS_GROUP == 0 {
		t.Fatal("go test would share the console's process group and get its Ctrl-C")
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g.started(cmd.Process)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	g.kill()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("the process was still running 30s after kill")
	}
	if !slices.Equal(killed, []int{cmd.Process.Pid}) {
		t.Errorf("taskkill ran for %v, want [%d]", killed, cmd.Process.Pid)
	}
}
