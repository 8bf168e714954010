//go:build windows

package gocmd

import (
	"os/exec"
	"strconv"
	"syscall"
)

// newGroup starts cmd in a new process group, away from the console's
// Ctrl-C: otpgo cancels the context and kills the tree.
func newGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// killGroup ends cmd and every process it started; taskkill /T walks the
// tree, as Windows has no group signal.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid)).Run()
		_ = cmd.Process.Kill()
	}
}

// lowPriority does nothing on Windows: the warm-up runs at normal priority.
func lowPriority(*exec.Cmd) error { return nil }
