//go:build !unix && !windows

package procgroup

import (
	"os"
	"os/exec"
)

func setGroup(*exec.Cmd) {}

// killGroup can only end the process itself where there are no groups.
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	return p.Kill()
}
