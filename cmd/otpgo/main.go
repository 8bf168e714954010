// Command otpgo is the workshop: lessons, hidden-test grading, hints,
// solutions and progress. Run it inside a checkout:
//
//	go run ./cmd/otpgo            # where you are, what to do next
//	go run ./cmd/otpgo check gs   # grade chapter gs
//
// or install it with `go install ./cmd/otpgo`. See `otpgo --help`.
//
// This package is only a launcher, built from a few standard packages: it
// builds the workshop program (internal/workshop) of the checkout it runs
// in, into the user's cache directory, and runs it. On a fresh machine the
// first build compiles a few hundred packages; `go run` alone would sit
// silent for a minute or more in front of a class, while the launcher
// says what it compiles and how far along it is. Later starts find the
// program up to date from a stamp of the checkout's files and start it at
// once. An installed launcher so always runs the code of the checkout it
// is in: a `git pull` takes effect at the next start.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/otpgo/otpgo/internal/workspace"
)

func main() {
	os.Exit(launch(os.Args[1:]))
}

func launch(args []string) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "otpgo:", err)
		return 2
	}
	ws, err := workspace.Find(wd)
	if err != nil {
		// Outside a checkout: the program built last still knows its
		// embedded course (lessons, version), so run that if there is one.
		if bin, ok := newestBuilt(); ok && errors.Is(err, workspace.ErrNotCheckout) {
			return run(bin, args)
		}
		fmt.Fprintln(os.Stderr, "otpgo:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	bin, err := ensureBuilt(ctx, ws.Root, os.Stderr)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "otpgo: stopped while building; nothing was changed")
			return 130
		}
		fmt.Fprintln(os.Stderr, "otpgo:", err)
		return 2
	}
	return run(bin, args)
}

// binDir is where the program built from the checkout at root lives: one
// directory per checkout in the user's cache directory.
func binDir(root string) string {
	return filepath.Join(cacheBase(), "bin", fmt.Sprintf("%016x", hashString(root)))
}

func cacheBase() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "otpgo")
}

// newestBuilt returns the program most recently built for any checkout.
func newestBuilt() (string, bool) {
	dirs, _ := filepath.Glob(filepath.Join(cacheBase(), "bin", "*", programName))
	var best string
	var bestTime int64
	for _, d := range dirs {
		if info, err := os.Stat(d); err == nil && info.ModTime().UnixNano() > bestTime {
			best, bestTime = d, info.ModTime().UnixNano()
		}
	}
	return best, best != ""
}
