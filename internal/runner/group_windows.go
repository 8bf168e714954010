//go:build windows

package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// group is go test's process tree on Windows: a new console process group,
// away from the console's Ctrl-C (the CLI cancels its ctx and the runner
// kills the tree). Windows has no group signal; taskkill /T walks the tree.
// Unlike on Unix, nothing cleans up if otpgo itself is killed.
type group struct {
	p        *os.Process
	taskkill func(pid int) error // replaced in tests
}

// startGroup prepares a group; tmp is removed by Run's own cleanup only.
func startGroup(tmp string) (*group, error) {
	return &group{taskkill: taskkillTree}, nil
}

// taskkillLimit bounds one taskkill: kill must return even if taskkill
// hangs, since Run waits for it on cancel.
const taskkillLimit = 10 * time.Second

func taskkillTree(pid int) error {
	ctx, cancel := context.WithTimeout(context.Background(), taskkillLimit)
	defer cancel()
	if err := exec.CommandContext(ctx, "taskkill", "/T", "/F", "/PID", strconv.Itoa(pid)).Run(); err != nil {
		return fmt.Errorf("taskkill %d: %w", pid, err)
	}
	return nil
}

// join makes cmd, not yet started, the root of the group.
func (g *group) join(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// started records the root once it runs.
func (g *group) started(p *os.Process) { g.p = p }

// kill ends the root and every process it started.
func (g *group) kill() {
	if g.p == nil {
		return
	}
	_ = g.taskkill(g.p.Pid)
	_ = g.p.Kill()
}

// killLeftovers does nothing on Windows: once go test has exited its tree
// can't be walked, and its pid may already belong to another process.
func (g *group) killLeftovers() {}

// release lets go of the group. Call it once, last.
func (g *group) release() {}
