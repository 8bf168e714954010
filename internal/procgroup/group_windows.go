//go:build windows

package procgroup

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// setGroup keeps the console's Ctrl-C away from cmd: the caller cancels
// its context instead, and the tree is killed.
func setGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

// killGroup ends pid and its descendants: Windows has no signal to a
// group, so taskkill /T walks the tree; the process itself is killed too
// in case taskkill is missing.
func killGroup(pid int) error {
	_ = exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(pid)).Run()
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil // already gone
	}
	_ = p.Kill()
	return nil
}
