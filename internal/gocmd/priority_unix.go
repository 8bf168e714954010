//go:build unix

package gocmd

import (
	"os/exec"
	"syscall"
)

// lowPriority renices cmd's process group (procgroup made cmd its
// leader): the compilers go forks afterwards inherit the nice value.
func lowPriority(cmd *exec.Cmd) error {
	return syscall.Setpriority(syscall.PRIO_PGRP, cmd.Process.Pid, 19)
}
