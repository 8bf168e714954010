// Command coldbuild measures what a learner's first `go run ./cmd/otpgo`
// compiles: the launcher, ./cmd/otpgo, then the program the launcher
// builds, ./internal/workshop, by running the launcher itself (so with its
// flags: no cgo); a tree from before the launcher has none: its
// ./cmd/otpgo is the whole program. It counts the CPU seconds (user+sys,
// go and every compiler it ran) of those builds on an empty build cache, for this checkout and for a baseline
// commit, one after the other, each in its own temp GOCACHE, and prints
// the ratio. With -rounds 2 (the default) it builds base, this, this,
// base and compares the sums, so a load that rises or falls during the run
// weighs on both alike. `make bench-coldbuild` runs it (about 6 minutes on
// 2 cores):
//
//	go run ./scripts/coldbuild -base 96fc20d -rounds 2
//
// The shared build cache is never touched. Ctrl-C, TERM or HUP stops it
// and removes its temp dirs.
package main

import (
	"archive/tar"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/otpgo/otpgo/internal/gocmd"
)

// buildTimeout bounds one cold build; a 2-core machine needs about 90 s.
const buildTimeout = 15 * time.Minute

func main() {
	base := flag.String("base", "96fc20d", "the commit to compare with")
	target := flag.Float64("target", 0.5, "the ratio this checkout should stay at or below")
	rounds := flag.Int("rounds", 2, "builds of each, interleaved (base, this, this, base, ...)")
	flag.Parse()
	if *rounds < 1 {
		fmt.Fprintln(os.Stderr, "coldbuild: -rounds must be at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := run(ctx, *base, *target, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "coldbuild:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base string, target float64, rounds int) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "otpgo-coldbuild-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	baseDir := filepath.Join(tmp, "base")
	if err := extract(ctx, root, base, baseDir); err != nil {
		return fmt.Errorf("check out %s: %w", base, err)
	}
	fmt.Printf("Cold build of ./cmd/otpgo and the program it builds, CPU seconds (user+sys), each tree on its own empty GOCACHE:\n")
	var baseCPU, cpu time.Duration
	build := func(name, dir string, sum *time.Duration) error {
		d, err := coldBuild(ctx, dir, tmp)
		if err != nil {
			return fmt.Errorf("build %s: %w", name, err)
		}
		fmt.Printf("  %-12s %6.1f s\n", name, d.Seconds())
		*sum += d
		return nil
	}
	for i := range rounds {
		first, second := func() error { return build(base, baseDir, &baseCPU) }, func() error { return build("this", root, &cpu) }
		if i%2 == 1 { // this first: base, this, this, base
			first, second = second, first
		}
		if err := first(); err != nil {
			return err
		}
		if err := second(); err != nil {
			return err
		}
	}
	ratio := cpu.Seconds() / baseCPU.Seconds()
	verdict := "met"
	if ratio > target {
		verdict = "NOT met"
	}
	fmt.Printf("  ratio        %6.2f (%.1f / %.1f CPU-s over %d round(s); target <= %.2f: %s)\n",
		ratio, cpu.Seconds(), baseCPU.Seconds(), rounds, target, verdict)
	return nil
}

// extract writes the tree of commit into dir with git archive.
func extract(ctx context.Context, root, commit, dir string) error {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "archive", "--format=tar", commit)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	untarErr := untar(out, dir)
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return untarErr
}

func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
			return fmt.Errorf("bad path %q in the archive", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}

// coldBuild builds ./cmd/otpgo, then ./internal/workshop if dir has it,
// in dir on one new empty GOCACHE under tmp, and returns the CPU time of
// go and everything it waited for.
func coldBuild(ctx context.Context, dir, tmp string) (time.Duration, error) {
	cache, err := os.MkdirTemp(tmp, "gocache-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(cache)
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	env := append(os.Environ(), "GOCACHE="+cache, "GOWORK=off", "XDG_CACHE_HOME="+filepath.Join(cache, "xdg"))
	// cpuOf runs cmd; wait4's usage of it includes every process it waited
	// for: go's compilers and linker, or the launcher's go build.
	cpuOf := func(cmd *exec.Cmd) (time.Duration, error) {
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
	}
	if _, err := os.Stat(filepath.Join(dir, "internal", "workshop")); err != nil {
		// A tree from before the launcher: the program is cmd/otpgo.
		return cpuOf(gocmd.Command(ctx, dir, "build", "-o", os.DevNull, "./cmd/otpgo"))
	}
	// What a first `go run ./cmd/otpgo` compiles: the launcher, then the
	// program the launcher builds, exactly as it builds it.
	launcher := filepath.Join(cache, "otpgo")
	cpu, err := cpuOf(gocmd.Command(ctx, dir, "build", "-o", launcher, "./cmd/otpgo"))
	if err != nil {
		return 0, err
	}
	run := exec.CommandContext(ctx, launcher, "version")
	run.Dir = dir
	more, err := cpuOf(run)
	return cpu + more, err
}
