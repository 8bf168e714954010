//go:build windows

package runner

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// newGroup starts cmd in a new process group, away from the console's
// Ctrl-C: the CLI cancels its ctx and the runner kills the tree.
func newGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// killGroup ends p and every process it started. Windows has no process
// group signal; taskkill /T walks the tree.
func killGroup(p *os.Process) {
	_ = exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(p.Pid)).Run()
	_ = p.Kill()
}

// killLeftovers does nothing on Windows: once go test has exited its tree
// can't be walked, and its pid may already belong to another process.
func killLeftovers(*os.Process) {}
