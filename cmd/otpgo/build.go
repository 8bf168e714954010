package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otpgo/otpgo/internal/procgroup"
)

// programName is the built program's file name.
var programName = "otpgo" + exeSuffix()

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// programPackage is the package that is otpgo itself. A checkout from
// before the launcher has its program in cmd/otpgo.
func programPackage(root string) string {
	if info, err := os.Stat(filepath.Join(root, "internal", "workshop")); err == nil && info.IsDir() {
		return "./internal/workshop"
	}
	return "./cmd/otpgo"
}

// ensureBuilt returns the path of the program built from the checkout at
// root, building it first unless the stamp of the checkout's files says
// the last build is current. Progress goes to w.
func ensureBuilt(ctx context.Context, root string, w io.Writer) (string, error) {
	dir := binDir(root)
	bin := filepath.Join(dir, programName)
	stampFile := filepath.Join(dir, "stamp")
	// The stamp is taken before building, so a file saved during the build
	// makes the next start build again rather than trust a stale program.
	want, err := stamp(root)
	if err != nil {
		return "", fmt.Errorf("read the checkout at %s: %w", root, err)
	}
	if have, err := os.ReadFile(stampFile); err == nil && string(have) == want {
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make a place for the built otpgo: %w", err)
	}
	// Two otpgos starting at once each build to a name of their own; the
	// rename makes either build the program, never half of one.
	tmp, err := os.CreateTemp(dir, ".build-*"+exeSuffix())
	if err != nil {
		return "", fmt.Errorf("make a place for the built otpgo: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := build(ctx, root, tmp.Name(), w); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), bin); err != nil {
		return "", fmt.Errorf("put the built otpgo in place: %w", err)
	}
	if err := os.WriteFile(stampFile, []byte(want), 0o644); err != nil {
		return "", fmt.Errorf("record the build: %w", err)
	}
	return bin, nil
}

// skipDirs are the top-level directories of a checkout that do not go into
// the program: the learner's own files (exercises/ is embedded, but only
// as the fallback skeletons; the live course is read from disk and git),
// otpgo's state, and what is not part of the module's build.
var skipDirs = map[string]bool{"exercises": true, "benchmarks": true, "docs": true, "scripts": true}

// stamp sums up what the program is built from: the name, size and
// modification time of each file of the checkout's module (outside
// skipDirs and hidden directories), the go command on PATH, and the
// environment that changes a build. Reading it is a walk of a few hundred
// files: milliseconds, so every start can afford it.
func stamp(root string) (string, error) {
	h := fnv.New64a()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || !strings.ContainsRune(filepath.ToSlash(rel), '/') && skipDirs[rel]) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", filepath.ToSlash(rel), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		if info, err := os.Stat(goBin); err == nil {
			fmt.Fprintf(h, "go\x00%s\x00%d\x00%d\n", goBin, info.Size(), info.ModTime().UnixNano())
		}
	}
	for _, k := range []string{"GOFLAGS", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOTOOLCHAIN", "GOROOT"} {
		fmt.Fprintf(h, "%s=%s\n", k, os.Getenv(k))
	}
	return strconv.FormatUint(h.Sum64(), 16) + "\n", nil
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, s)
	return h.Sum64()
}

// buildLimit bounds a build: a cold cache on a slow laptop takes minutes,
// a build that takes this long is stuck.
const buildLimit = 20 * time.Minute

// build compiles the program of the checkout at root to out with
// `go build -v`, whose stderr names each package as it is compiled: that
// is the progress shown on w.
func build(ctx context.Context, root, out string, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, buildLimit)
	defer cancel()
	pkg := programPackage(root)
	total := countDeps(ctx, root, pkg)
	// The program is built to run, not to be debugged: no DWARF from the
	// linker, nor from the compiler outside the standard library (stack
	// traces keep their function names and lines; the standard library
	// keeps its flags, so the packages `go run` compiled for the launcher
	// are not compiled again), and no C: without cgo a cold build skips the
	// C compiler for net, os/user and runtime/cgo. The learner's tests are
	// another build, with cgo for -race.
	cmd := exec.CommandContext(ctx, "go", "build", "-v", "-ldflags=-w", "-gcflags=all=-dwarf=false", "-gcflags=std=", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	procgroup.Bind(cmd)
	cmd.WaitDelay = 5 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("build otpgo: %w", err)
	}
	p := newProgress(w, isTerminal(w), total)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return errors.New("the go command is not on your PATH; install Go 1.26 or newer from https://go.dev/dl/ and try again")
		}
		return fmt.Errorf("build otpgo: %w", err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { p.tick(done) })
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		p.line(sc.Text())
	}
	_, _ = io.Copy(io.Discard, stderr) // a line over the limit: drain so go can exit
	err = cmd.Wait()
	close(done)
	wg.Wait()
	p.finish(err == nil)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("could not build itself from this checkout (%v):\n%s\n"+
			"Your exercises are not involved: this is otpgo's own code. If you changed files under internal/ or cmd/, "+
			"undo that (git stash); after a git pull, `git status` shows a conflict to resolve", err, p.errors())
	}
	return nil
}

// countDeps is how many packages the program is built from, the most a
// cold build compiles; 0 if go list cannot say (progress then shows the
// count alone).
func countDeps(ctx context.Context, root, pkg string) int {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", pkg)
	cmd.Dir = root
	procgroup.Bind(cmd)
	out, err := cmd.Output()
	if err != nil {
		return 0
	}
	return strings.Count(string(out), "\n")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}
