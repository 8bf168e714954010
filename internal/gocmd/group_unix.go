//go:build unix

package gocmd

import (
	"os/exec"
	"syscall"
)

// newGroup makes cmd lead a new process group, which also keeps a
// terminal's Ctrl-C away from it: otpgo cancels the context instead.
func newGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends SIGKILL to cmd's whole group; ESRCH (gone) is fine.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// lowPriority renices the group: the children go forks later inherit it.
func lowPriority(cmd *exec.Cmd) error {
	return syscall.Setpriority(syscall.PRIO_PGRP, cmd.Process.Pid, 19)
}
