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
	"runtime"
	"slices"
	"strconv"
	"strings"
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

// StartTimeout bounds how long the learner's tree may take to start: a
// supervisor starts its children one by one, each Init must return, and
// an Init that waits for a message never does.
const StartTimeout = 10 * time.Second

// StartFunc starts the learner's tree and returns its root.
type StartFunc func() (actor.PID, error)

// Start runs start, turning a panic (a skeleton's TODO) into an error, so
// that the learner reads why their tree did not start, and giving up
// after limit (or when ctx is done) with where the learner's code is
// stuck. A start given up on is left running: the program ends next.
func Start(ctx context.Context, start StartFunc, limit time.Duration) (actor.PID, error) {
	type result struct {
		root actor.PID
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if v := recover(); v != nil {
				r.err = fmt.Errorf("it panicked: %v", v)
			}
			done <- r
		}()
		r.root, r.err = start()
		if r.err == nil && !actor.Alive(r.root) {
			r.err = fmt.Errorf("it returned %v, which is not a running process", r.root)
		}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.root, r.err
	case <-ctx.Done():
		return actor.PID{}, ctx.Err()
	case <-timer.C:
		return actor.PID{}, fmt.Errorf("it had not returned after %v: a process it starts is stuck, so its supervisor waits for it (an Init that waits for a message, or calls the process starting it?)%s", limit, whereStuck())
	}
}

// learnerPkgs prefixes the functions of the learner's packages in a
// goroutine dump (a path above the checkout may hold "/exercises/" too).
const learnerPkgs = "github.com/otpgo/otpgo/exercises/"

// whereStuck says where the learner's code is now (stuckLines of a
// goroutine dump, capped at 1 MiB).
func whereStuck() string {
	buf := make([]byte, 1<<20)
	return stuckLines(buf[:runtime.Stack(buf, true)], learnerPkgs)
}

// stuckLines lists the line of the learner's code (functions under pkgs,
// not in a test file) each goroutine of dump is on, its innermost such
// frame, the newest goroutine (highest id) first: a supervisor starts its
// children one after another, so the one stuck is the last started. As
// "; your code is\n  at exercises/04_supervision/worker.go:40 in
// (*worker).Init", at most 5; "" when none is.
func stuckLines(dump []byte, pkgs string) string {
	type at struct {
		g    int
		line string
	}
	var found []at
	g, fn, done := 0, "", false
	for _, l := range strings.Split(string(dump), "\n") {
		if rest, ok := strings.CutPrefix(l, "goroutine "); ok {
			id, _, _ := strings.Cut(rest, " ")
			g, _ = strconv.Atoi(id)
			fn, done = "", false
			continue
		}
		if !strings.HasPrefix(l, "\t") {
			fn = l
			continue
		}
		if done || !strings.HasPrefix(fn, pkgs) || strings.Contains(l, "_test.go:") {
			continue
		}
		done = true
		file, _, _ := strings.Cut(strings.TrimSpace(l), " ")
		if i := strings.LastIndex(file, "/exercises/"); i >= 0 {
			file = file[i+1:]
		}
		line := "\n  at " + file
		if name := funcName(fn); name != "" {
			line += " in " + name
		}
		found = append(found, at{g, line})
	}
	slices.SortStableFunc(found, func(a, b at) int { return b.g - a.g })
	var out []string
	for _, f := range found {
		if !slices.Contains(out, f.line) && len(out) < 5 {
			out = append(out, f.line)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "; your code is" + strings.Join(out, "")
}

// funcName shortens a dump's function line to what a learner wrote:
// "example.com/m/exercises/x.(*worker).Init(0xc0001)" is "(*worker).Init".
func funcName(line string) string {
	if strings.HasPrefix(line, "created by ") {
		return ""
	}
	if j := strings.LastIndexByte(line, '('); j > 0 && strings.HasSuffix(line, ")") {
		line = line[:j] // the arguments
	}
	line = line[strings.LastIndexByte(line, '/')+1:]
	_, name, _ := strings.Cut(line, ".") // the package
	return name
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
	fmt.Fprintln(out, "Starting your tree...")
	root, err := Start(ctx, start, StartTimeout)
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
