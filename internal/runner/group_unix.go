//go:build unix

package runner

import (
	"os"
	"os/exec"
	"syscall"
)

// newGroup makes cmd the leader of a new process group: go test, the
// compiler, the test binary and whatever the learner's code starts all join
// it, so one signal ends them all. It also keeps a terminal's Ctrl-C away
// from them: the CLI cancels its ctx, and the runner kills the group.
func newGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends SIGKILL to p's whole process group. ESRCH (already gone)
// is fine.
func killGroup(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}

// killLeftovers kills what remains of the group after go test exited: a
// process the learner's code started and left running. The group id stays
// valid while any member lives, so this can't reach an unrelated process
// in practice (the id would have to be reused within microseconds).
func killLeftovers(p *os.Process) { killGroup(p) }
