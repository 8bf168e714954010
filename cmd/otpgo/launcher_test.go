package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// keepGoCache pins GOCACHE to the one in use before a test moves
// XDG_CACHE_HOME (where the launcher keeps the program): go's cache
// defaults to a directory under it, and an empty one is a cold build.
func keepGoCache(tb testing.TB) {
	tb.Helper()
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		tb.Fatalf("go env GOCACHE: %v", err)
	}
	tb.Setenv("GOCACHE", strings.TrimSpace(string(out)))
}

// fakeCheckout writes a tiny otpgo module whose program prints greeting.
func fakeCheckout(t *testing.T, greeting string) string {
	t.Helper()
	root := t.TempDir()
	write(t, root, "go.mod", "module github.com/otpgo/otpgo\n\ngo 1.26\n")
	write(t, root, "internal/workshop/main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\""+greeting+"\") }\n")
	write(t, root, "exercises/aa_pkg/one.go", "package aa\n")
	return root
}

func write(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// later moves a file's modification time on, as an editor's save does, so
// the test does not depend on the file system's time resolution.
func later(t *testing.T, root, rel string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	next := info.ModTime().Add(2 * time.Second)
	if err := os.Chtimes(p, next, next); err != nil {
		t.Fatal(err)
	}
}

func TestStampFollowsTheProgramNotTheExercises(t *testing.T) {
	root := fakeCheckout(t, "v1")
	s1, err := stamp(root)
	if err != nil {
		t.Fatal(err)
	}
	write(t, root, "exercises/aa_pkg/one.go", "package aa // the learner's work\n")
	write(t, root, ".otpgo/progress.json", "{}")
	if s2, _ := stamp(root); s2 != s1 {
		t.Error("the stamp changed with the learner's exercises or otpgo's state: every check would rebuild otpgo")
	}
	write(t, root, "internal/workshop/main.go", "package main\n\nfunc main() {}\n")
	later(t, root, "internal/workshop/main.go")
	if s3, _ := stamp(root); s3 == s1 {
		t.Error("the stamp did not change with the program's code: a git pull would not take effect")
	}
}

func TestProgressCountsPackagesAndKeepsTheRest(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, true, 3)
	for _, l := range []string{"internal/abi", "github.com/otpgo/otpgo/internal/cli", "# github.com/otpgo/otpgo/internal/cli", "internal/cli/x.go:3:1: syntax error: unexpected }"} {
		p.line(l)
	}
	p.finish(false)
	if p.compiled != 2 || !strings.Contains(out.String(), "2 of at most 3 packages") || !strings.Contains(out.String(), "internal/cli") {
		t.Errorf("compiled = %d, shown:\n%q", p.compiled, out.String())
	}
	if e := p.errors(); !strings.Contains(e, "x.go:3:1: syntax error") || !strings.Contains(e, "# github.com") {
		t.Errorf("errors kept: %q", e)
	}
	var piped bytes.Buffer
	p = newProgress(&piped, false, 0)
	p.line("internal/abi")
	p.finish(true)
	if lines := strings.Count(piped.String(), "\n"); lines != 2 || strings.Contains(piped.String(), "\r") {
		t.Errorf("on a pipe: want a start and an end line, got:\n%q", piped.String())
	}
	// A relink compiles nothing: say so, not "0 packages compiled".
	var relink bytes.Buffer
	p = newProgress(&relink, false, 0)
	p.finish(true)
	if got := relink.String(); strings.Contains(got, "0 packages") || !strings.Contains(got, "nothing needed compiling") {
		t.Errorf("a build that compiled nothing says %q", got)
	}
}

// TestBuildsOnceAndAgainOnlyWhenTheCodeChanges builds a tiny program with
// the real go command.
func TestBuildsOnceAndAgainOnlyWhenTheCodeChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short: runs go build")
	}
	keepGoCache(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir()) // os.UserCacheDir on macOS
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	root := fakeCheckout(t, "v1")
	runIt := func() (out, progress string) {
		t.Helper()
		var w bytes.Buffer
		bin, err := ensureBuilt(ctx, root, &w)
		if err != nil {
			t.Fatal(err)
		}
		o, err := exec.CommandContext(ctx, bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(o)), w.String()
	}
	if out, prog := runIt(); out != "v1" || !strings.Contains(prog, "building otpgo") {
		t.Fatalf("first start: %q, progress %q", out, prog)
	}
	if out, prog := runIt(); out != "v1" || prog != "" {
		t.Fatalf("second start, nothing changed: %q, progress %q; want no build", out, prog)
	}
	write(t, root, "exercises/aa_pkg/one.go", "package aa // edited\n")
	if _, prog := runIt(); prog != "" {
		t.Fatalf("after editing an exercise: progress %q; want no build", prog)
	}
	write(t, root, "internal/workshop/main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"v2\") }\n")
	later(t, root, "internal/workshop/main.go")
	if out, prog := runIt(); out != "v2" || !strings.Contains(prog, "built") {
		t.Fatalf("after a pull changed the code: %q, progress %q; want v2, rebuilt", out, prog)
	}

	write(t, root, "internal/workshop/main.go", "package main\n\nfunc main() {\n")
	later(t, root, "internal/workshop/main.go")
	_, err := ensureBuilt(ctx, root, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "internal/workshop/main.go:") || !strings.Contains(err.Error(), "Your exercises are not involved") {
		t.Fatalf("a checkout that does not build: %v", err)
	}
}

// TestSignalStopsTheBuild: Ctrl-C, TERM or HUP while the first build runs
// ends the launcher and the whole build with it.
func TestSignalStopsTheBuild(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SKIPPED: signals are a Unix test")
	}
	if testing.Short() {
		t.Skip("SKIPPED in -short: builds the launcher")
	}
	tmp := t.TempDir()
	launcher := filepath.Join(tmp, "otpgo")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", launcher, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// A go that hangs in build, and says where.
	fake := filepath.Join(tmp, "fakego")
	write(t, fake, "go", "#!/bin/sh\ncase \"$1\" in build) echo $$ > \"$PIDFILE\"; exec sleep 120;; esac\n")
	if err := os.Chmod(filepath.Join(fake, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			root := fakeCheckout(t, "v1")
			pidFile := filepath.Join(t.TempDir(), "pid")
			cmd := exec.CommandContext(ctx, launcher, "version")
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "PATH="+fake+":/usr/bin:/bin", "PIDFILE="+pidFile, "XDG_CACHE_HOME="+t.TempDir())
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pid string
			deadline := time.Now().Add(time.Minute)
			for pid == "" {
				if time.Now().After(deadline) {
					t.Fatalf("the fake go build never started: %s", stderr.String())
				}
				data, _ := os.ReadFile(pidFile)
				pid = strings.TrimSpace(string(data))
				time.Sleep(10 * time.Millisecond) // polling a file another process writes
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("after %v: %v; want exit 130\n%s", sig, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "stopped while building") {
				t.Errorf("stderr does not say the build stopped:\n%s", stderr.String())
			}
			for deadline := time.Now().Add(30 * time.Second); exec.Command("kill", "-0", pid).Run() == nil; {
				if time.Now().After(deadline) {
					t.Fatalf("the build (pid %s) still runs after otpgo stopped", pid)
				}
				time.Sleep(10 * time.Millisecond) // the kernel reaps asynchronously
			}
		})
	}
}

func TestOutsideACheckoutSaysHowToGetOne(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Chdir(t.TempDir())
	if _, ok := newestBuilt(); ok {
		t.Fatal("a fresh cache has a built otpgo")
	}
	// launch prints the error itself; its exit code says it could not start.
	if code := launch([]string{"version"}); code != 2 {
		t.Fatalf("launch outside a checkout = %d; want 2", code)
	}
}

// startBench builds the program of this checkout into a fresh cache and
// returns the checkout's root and the program.
func startBench(b *testing.B) (root, program string) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	keepGoCache(b)
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	program, err = ensureBuilt(context.Background(), root, &bytes.Buffer{})
	if err != nil {
		b.Fatal(err)
	}
	return root, program
}

// BenchmarkStart is `otpgo version` through the launcher, the program
// built already: what every start pays for the stamp and the exec. Its
// baseline, BenchmarkStartBaseline, starts the program directly.
func BenchmarkStart(b *testing.B) {
	root, _ := startBench(b)
	launcher := filepath.Join(b.TempDir(), "otpgo")
	if out, err := exec.Command("go", "build", "-o", launcher, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for b.Loop() {
		cmd := exec.Command(launcher, "version")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "building") {
			b.Fatalf("%v: %s", err, out)
		}
	}
}

// BenchmarkStartBaseline starts the built program for `otpgo version`.
func BenchmarkStartBaseline(b *testing.B) {
	root, program := startBench(b)
	for b.Loop() {
		cmd := exec.Command(program, "version")
		cmd.Dir = root
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
