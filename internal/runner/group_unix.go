//go:build unix

package runner

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// guardScript is run by /bin/sh as the leader of each go test's process
// group. Its stdin is a pipe whose write end only otpgo holds and never
// writes, so read returns exactly when otpgo is gone, even killed with
// SIGKILL (the kernel closes the pipe): then it removes the temporary
// directory ($1, if any) and kills its whole group, go test, the test
// binary and whatever the learner's code started. While otpgo lives, the
// runner kills the group (and so the guard) itself before it lets go of
// the pipe. Pdeathsig would not do: it reaches only the direct child (go
// test), not the test binary go test starts, and fires when the forking
// thread, not the process, ends.
const guardScript = `read -r _; [ -n "$1" ] && rm -rf -- "$1"; kill -9 0`

// group is a process group led by a guard (see guardScript): go test, the
// compiler, the test binary and anything the learner's code starts join
// it, so one signal ends them all, and a terminal's Ctrl-C does not reach
// them (the CLI cancels its ctx, and the runner kills the group).
type group struct {
	guard *exec.Cmd
	hold  *os.File // write end of the guard's stdin; closing it fires the guard
	pgid  int
}

// startGroup starts the guard of a new group, which removes tmp (if not
// "") should otpgo die without cleaning up.
func startGroup(tmp string) (*group, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("process guard: %w", err)
	}
	guard := exec.Command("/bin/sh", "-c", guardScript, "otpgo-guard", tmp)
	guard.Stdin = r
	guard.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = guard.Start()
	r.Close()
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("process guard: %w", err)
	}
	return &group{guard: guard, hold: w, pgid: guard.Process.Pid}, nil
}

// join makes cmd, not yet started, a member of the group.
func (g *group) join(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: g.pgid}
}

// started is told the process that join prepared, once it runs.
func (g *group) started(*os.Process) {}

// kill sends SIGKILL to the whole group. The guard is not waited for until
// release, so the group id can't have been reused by then.
func (g *group) kill() { _ = syscall.Kill(-g.pgid, syscall.SIGKILL) }

// killLeftovers kills what remains of the group after go test exited: a
// process the learner's code started and left running.
func (g *group) killLeftovers() { g.kill() }

// release kills the group, then lets go of the guard. Call it once, last.
func (g *group) release() {
	g.kill() // first: a guard that saw EOF would remove tmp, still needed by the next go test
	g.hold.Close()
	_ = g.guard.Wait()
}
