// Package procgroup runs a command in a process group of its own, so that
// one call ends the command and everything it started (go run, the
// compiler, the program it built). It is the portable part: Unix uses a
// process group and a signal to it, Windows a new process group and
// taskkill /T, which walks the tree.
package procgroup

import "os/exec"

// Bind makes cmd start in a new process group and makes cancelling its
// context kill the whole group, not only cmd's own process.
func Bind(cmd *exec.Cmd) {
	setGroup(cmd)
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return killGroup(cmd.Process.Pid)
	}
}
