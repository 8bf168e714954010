// Package app is the half of `otpgo observe --mine` that runs inside the
// generated program: it starts the learner's tree, hands the terminal to
// the observer, and stops the tree when the observer quits. It is compiled
// into that program together with the learner's package, never into otpgo.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/alicebob/miniredis/v2"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/mine"
	"github.com/otpgo/otpgo/internal/observer"
)

// stopTimeout bounds how long the learner's root may take to stop.
const stopTimeout = 10 * time.Second

// StartFunc starts the learner's tree and returns its root.
type StartFunc func() (actor.PID, error)

// Start runs start, turning a panic (a skeleton's TODO) into an error, so
// that the learner reads why their tree did not start.
func Start(start StartFunc) (root actor.PID, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("it panicked: %v", v)
		}
	}()
	root, err = start()
	if err == nil && !actor.Alive(root) {
		err = fmt.Errorf("it returned %v, which is not a running process", root)
	}
	return root, err
}

// Model is the observer on whatever is running, with no demo: its
// processes are the learner's.
func Model(feed *observer.Feed) observer.Model {
	return observer.New(observer.Options{Feed: feed})
}

// Run starts the tree, shows the observer on in and out until the learner
// quits or ctx is done, and stops the tree.
func Run(ctx context.Context, start StartFunc, in io.Reader, out io.Writer) error {
	// Subscribe first, so the tree's spawns are in the log.
	feed := observer.NewFeed(actor.Subscribe)
	defer feed.Close()
	root, err := Start(start)
	if err != nil {
		return startError{err}
	}
	_, runErr := tea.NewProgram(Model(feed), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)).Run()
	var stopErr error
	if actor.Alive(root) {
		if err := actor.Stop(root, actor.Shutdown, stopTimeout); err != nil && !errors.Is(err, actor.NoProc) {
			stopErr = fmt.Errorf("stop your tree: %w", err)
		}
	}
	if runErr != nil && ctx.Err() == nil {
		return fmt.Errorf("observer: %w", runErr)
	}
	return stopErr
}

type startError struct{ err error }

func (e startError) Error() string { return "your tree did not start: " + e.err.Error() }
func (e startError) Unwrap() error { return e.err }

// Main is the generated program's main: Run on the terminal, ended by
// INT, TERM or HUP.
func Main(start StartFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	err := Run(ctx, start, os.Stdin, os.Stdout)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, err)
	if errors.As(err, new(startError)) {
		os.Exit(mine.ExitStartFailed)
	}
	os.Exit(1)
}

// Redis starts an embedded miniredis on 127.0.0.1 for the chapters whose
// tree talks to Redis; it lives as long as the program.
func Redis() (string, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", fmt.Errorf("start the embedded Redis: %w", err)
	}
	return m.Addr(), nil
}
