package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/otpgo/otpgo/internal/gocmd"
)

// program is one of otpgo's own programs that a command builds from the
// checkout when it is run, rather than otpgo carrying it: what it imports
// (miniredis, net/http) then costs a learner's first `go run ./cmd/otpgo`
// nothing. cmd/otpgo's deps test keeps those imports out.
type program struct {
	what string // the command, for messages: "otpgo redis"
	pkg  string // its main package in the checkout: "./internal/redisserver"
	cost string // what a cold build compiles, for the message shown meanwhile
}

// programStopDelay is how long a program asked to stop (SIGTERM) has
// before it is killed.
const programStopDelay = 5 * time.Second

// maxBuildOutput bounds the compiler's messages kept for an error.
const maxBuildOutput = 64 << 10

// build compiles p into dir with progress on stderr and returns the
// binary's path.
func (a *App) buildProgram(ctx context.Context, p program, dir string) (string, error) {
	if err := a.requireGo(ctx, p.what); err != nil {
		return "", err
	}
	root := a.Programs
	if root == "" {
		ws, err := a.Workspace()
		if err != nil {
			return "", err
		}
		root = ws.Root
	}
	bin := filepath.Join(dir, path.Base(p.pkg))
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	fmt.Fprintf(a.Err, "Building %s (go build %s; the first time compiles %s)...\n", p.what, p.pkg, p.cost)
	started := a.Now()
	b := &buildProgress{a: a, what: "go build " + p.pkg, started: started, done: make(chan struct{})}
	ticker := make(chan struct{})
	go func() {
		defer close(ticker)
		b.tick()
	}()
	c := gocmd.Command(ctx, root, "build", "-o", bin, p.pkg)
	out := &limitedBuffer{max: maxBuildOutput}
	c.Stdout, c.Stderr = out, out
	err := c.Run()
	b.stop()
	<-ticker
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err != nil {
		return "", fmt.Errorf("%s: go build %s in %s failed (%w):\n%s", p.what, p.pkg, root, err, strings.TrimSpace(out.String()))
	}
	fmt.Fprintf(a.Err, "Built in %.1fs.\n", a.Now().Sub(started).Seconds())
	return bin, nil
}

// runProgram builds p and runs it with args, stdin (nil: none) and
// otpgo's stdout and stderr until it exits. It stays in otpgo's process group, so Ctrl-C on the
// terminal reaches it too; ctx done sends it SIGTERM (its own clean stop),
// and kills it if it is still there programStopDelay later. A program
// that stopped cleanly because it was asked to is not an error.
func (a *App) runProgram(ctx context.Context, p program, stdin io.Reader, args ...string) error {
	dir, err := os.MkdirTemp("", "otpgo-program-")
	if err != nil {
		return fmt.Errorf("%s: make a directory for the program: %w", p.what, err)
	}
	defer os.RemoveAll(dir)
	bin, err := a.buildProgram(ctx, p, dir)
	if err != nil {
		return err
	}
	c := exec.CommandContext(ctx, bin, args...)
	c.Cancel = func() error {
		if err := c.Process.Signal(syscall.SIGTERM); err != nil {
			return c.Process.Kill() // no SIGTERM here (Windows)
		}
		return nil
	}
	c.WaitDelay = programStopDelay
	c.Stdin, c.Stdout, c.Stderr = stdin, a.Out, a.Err
	err = c.Run()
	if c.ProcessState != nil && c.ProcessState.Success() {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("%s stopped with exit status %d (its message is above)", p.what, ee.ExitCode())
	}
	return fmt.Errorf("%s: %w", p.what, err)
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.Len(); room > 0 {
		l.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
