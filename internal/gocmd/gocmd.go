// Package gocmd starts the go commands otpgo runs for longer than a moment
// outside the runner (go run of a measuring program, the warm-up builds):
// each in its own process group (internal/procgroup), so that cancelling
// its context ends go, the compiler and whatever it started, all together.
package gocmd

import (
	"context"
	"os/exec"
	"time"

	"github.com/otpgo/otpgo/internal/procgroup"
)

// waitDelay bounds how long Wait waits for output pipes after the group is
// killed (a grandchild holding them open).
const waitDelay = 2 * time.Second

// Command is exec.CommandContext(ctx, "go", args...) in dir, leading its
// own process group, which is killed when ctx is done.
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	procgroup.Bind(cmd)
	cmd.WaitDelay = waitDelay
	return cmd
}

// LowPriority makes a started cmd yield the CPU to everything else (nice
// 19 where there is such a thing): for work nobody is waiting on yet.
func LowPriority(cmd *exec.Cmd) error { return lowPriority(cmd) }
