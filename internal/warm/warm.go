// Package warm builds, ahead of time, exactly what `otpgo check` needs on
// a cold build cache: the -race build of the exercise packages with their
// hidden tests injected (the standard library rebuilt with -race is most
// of it). It measures what is missing with `go list -deps -test -race`
// (its Stale field asks the build cache), and builds it with
// `go test -race -run '^$'` over the same overlay the runner uses, counting
// the compiles go reports with -x as they start.
package warm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/gocmd"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/workspace"
)

// LockName is the lock, in the checkout's .otpgo/, that keeps to one
// warm-up per checkout.
const LockName = "warm.lock"

// exercisesPrefix starts the import paths of the learner's packages.
const exercisesPrefix = workspace.ModulePath + "/exercises/"

// maxListOutput bounds what go list may print (a few hundred packages).
const maxListOutput = 16 << 20

// Target is what to warm: the checkout, its course, and whether check will
// use -race (RaceSupported).
type Target struct {
	Root   string
	Course *catalog.Course
	FS     fs.FS // the course's files (hidden tests)
	Race   bool
	// Chapters limits the target to these chapter IDs (what one check
	// builds); nil is every graded chapter.
	Chapters []string
}

// Status is how far the build cache is from what check needs.
type Status struct {
	Needed int      // packages check needs built besides the exercises themselves (their deps, with -race if check uses it)
	Stale  []string // of those, the ones not in the build cache
}

// Warm reports whether check would compile nothing.
func (s Status) Warm() bool { return len(s.Stale) == 0 }

// Measure asks go list which packages check needs and which are missing
// from the build cache. It builds nothing.
func Measure(ctx context.Context, t Target) (Status, error) {
	tmp, args, err := prepare(t)
	if err != nil {
		return Status{}, err
	}
	defer os.RemoveAll(tmp)
	cmd := gocmd.Command(ctx, t.Root, append([]string{"list", "-e", "-deps", "-test", "-json=ImportPath,Stale"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Status{}, fmt.Errorf("warm: go list: %w", err)
	}
	var stderr strings.Builder
	cmd.Stderr = &limitWriter{w: &stderr, n: 64 << 10}
	if err := cmd.Start(); err != nil {
		return Status{}, fmt.Errorf("warm: go list: %w", err)
	}
	var st Status
	dec := json.NewDecoder(io.LimitReader(out, maxListOutput))
	seen := map[string]bool{}
	for {
		var p struct {
			ImportPath string
			Stale      bool
		}
		if err := dec.Decode(&p); err != nil {
			break // io.EOF, or a broken stream that Wait explains
		}
		// The exercise packages themselves are left out: check compiles
		// them on every save anyway (seconds), and go list calls a package
		// with overlaid files stale whatever the cache holds.
		if seen[p.ImportPath] || strings.HasPrefix(p.ImportPath, exercisesPrefix) {
			continue
		}
		seen[p.ImportPath] = true
		st.Needed++
		if p.Stale {
			st.Stale = append(st.Stale, p.ImportPath)
		}
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return Status{}, fmt.Errorf("warm: go list -deps -test: %w: %s", err, firstLine(stderr.String()))
	}
	return st, nil
}

// Build compiles what Measure found missing, at low priority, calling
// progress(done, total) as each compile starts (from its own goroutine;
// done never passes total). It holds the checkout's warm lock, so a second
// warm-up waits for the first (until ctx is done: Ctrl-C or a check
// never waits behind it) and then finds little left to do. A
// learner's exercise that doesn't compile is not an error here: check
// will show it; everything else is built.
func Build(ctx context.Context, t Target, progressFn func(done, total int)) (Status, error) {
	var st Status
	if err := os.MkdirAll(filepath.Join(t.Root, ".otpgo"), 0o755); err != nil {
		return st, fmt.Errorf("warm: %w", err)
	}
	err := progress.WithFileLockContext(ctx, filepath.Join(t.Root, ".otpgo", LockName), func() error {
		var err error
		if st, err = Measure(ctx, t); err != nil || st.Warm() {
			return err
		}
		stale := map[string]bool{}
		for _, p := range st.Stale {
			stale[p] = true
		}
		tmp, args, err := prepare(t)
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		// -x prints each compile as it starts; -run '^$' runs no test.
		cmd := gocmd.Command(ctx, t.Root, append([]string{"test", "-x", "-run", "^$", "-count=1"}, args...)...)
		cmd.Stdout = io.Discard
		errs, err := cmd.StderrPipe()
		if err != nil {
			return fmt.Errorf("warm: %w", err)
		}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("warm: go test: %w", err)
		}
		_ = gocmd.LowPriority(cmd) // best effort: it only makes the warm-up polite
		done, total := 0, len(st.Stale)
		if progressFn != nil {
			progressFn(0, total)
		}
		sc := bufio.NewScanner(errs)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if p := compiledPackage(sc.Text()); stale[p] {
				delete(stale, p)
				done++
				if progressFn != nil {
					progressFn(done, total)
				}
			}
		}
		_, _ = io.Copy(io.Discard, errs)
		err = cmd.Wait()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = err // a build or test failure is the learner's, for check to show
		return nil
	})
	return st, err
}

// compiledPackage returns the import path of a compile command that go
// -x prints ("…/compile -o … -p fmt …"), or "".
func compiledPackage(line string) string {
	if !strings.Contains(line, "/compile ") && !strings.Contains(line, `\compile.exe `) && !strings.Contains(line, "/compile.exe ") {
		return ""
	}
	f := strings.Fields(line)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "-p" {
			return f[i+1]
		}
	}
	return ""
}

// prepare writes the overlay that injects every graded chapter's hidden
// tests as the runner does, and returns the temp dir to remove and the go
// flags and packages shared by Measure and Build.
func prepare(t Target) (tmp string, args []string, err error) {
	tmp, err = os.MkdirTemp("", "otpgo-warm-")
	if err != nil {
		return "", nil, fmt.Errorf("warm: %w", err)
	}
	replace := map[string]string{}
	var pkgs []string
	for _, ch := range t.Course.Chapters {
		if ch.Coming || ch.Dir == "" || len(ch.Gradable()) == 0 || t.Chapters != nil && !slices.Contains(t.Chapters, ch.ID) {
			continue
		}
		pkgs = append(pkgs, "./"+path.Join("exercises", ch.Dir))
		dir := path.Join("solutions", ch.Dir)
		entries, err := fs.ReadDir(t.FS, dir)
		if err != nil {
			os.RemoveAll(tmp)
			return "", nil, fmt.Errorf("warm: read the course's %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			data, err := fs.ReadFile(t.FS, path.Join(dir, e.Name()))
			if err != nil {
				os.RemoveAll(tmp)
				return "", nil, fmt.Errorf("warm: %w", err)
			}
			injected := runner.HiddenPrefix + e.Name()
			f := filepath.Join(tmp, ch.Dir+"-"+injected)
			if err := os.WriteFile(f, data, 0o600); err != nil {
				os.RemoveAll(tmp)
				return "", nil, fmt.Errorf("warm: %w", err)
			}
			replace[filepath.Join(t.Root, "exercises", filepath.FromSlash(ch.Dir), injected)] = f
		}
	}
	if len(pkgs) == 0 {
		os.RemoveAll(tmp)
		return "", nil, errors.New("warm: the course has no graded chapter")
	}
	data, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, "overlay.json"), data, 0o600)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("warm: %w", err)
	}
	args = []string{"-overlay", filepath.Join(tmp, "overlay.json")}
	if t.Race {
		args = append(args, "-race")
	}
	return tmp, append(args, pkgs...), nil
}

type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		_, _ = l.w.Write(p[:k])
	}
	return len(p), nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
