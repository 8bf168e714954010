//go:build unix

package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/runner"
)

// Closing the terminal or the SSH session sends SIGHUP: otpgo must stop the
// tests and clean up as it does for Ctrl-C, not die on the spot and leave
// them running.
func TestCheckSIGHUPStopsTheRun(t *testing.T) {
	// Should the signal not be handled, this keeps it from killing the
	// whole test binary, so the test fails with a message instead.
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, syscall.SIGHUP)
	defer signal.Stop(guard)

	h := newHarness(t)
	entered := make(chan struct{})
	h.run = func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		close(entered)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	ctx, stop := signalContext(context.Background())
	defer stop()
	code := make(chan int, 1)
	go func() { code <- Run(ctx, h.envFor(h.root), "check", "aa.1") }()
	select {
	case <-entered:
	case c := <-code:
		t.Fatalf("check ended (exit %d) without running the tests: %s", c, h.errOut())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != ExitInterrupted {
			t.Fatalf("check after SIGHUP: exit %d; want %d", c, ExitInterrupted)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("SIGHUP did not stop otpgo check: the tests would keep running after the terminal closed")
	}
}
