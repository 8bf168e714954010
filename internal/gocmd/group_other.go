//go:build !unix && !windows

package gocmd

import "os/exec"

func newGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

func lowPriority(*exec.Cmd) error { return nil }
