//go:build !unix

package gocmd

import "os/exec"

// lowPriority does nothing here: the warm-up runs at normal priority.
func lowPriority(*exec.Cmd) error { return nil }
