package cache

// Test helpers are prefixed zz so that, injected into the learner's
// package, they never clash with the learner's own names.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// zzCatchTODO, deferred at the top of a test (after goleak), turns a panic
// from the learner's code (a TODO left in the skeleton) into a test
// failure with its message, so the other tests still run.
func zzCatchTODO(t *testing.T) {
	if r := recover(); r != nil {
		if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
			t.Fatalf("%s", s)
		}
		t.Fatalf("panic: %v\n%s", r, debug.Stack())
	}
}

// zzGoSafe runs f in a goroutine, turning a panic into a test error, and
// returns a channel closed when f is done.
func zzGoSafe(t *testing.T, f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
					t.Errorf("%s", s)
					return
				}
				t.Errorf("panic in a goroutine of the test: %v\n%s", r, debug.Stack())
			}
		}()
		f()
	}()
	return done
}

// zzWaitChan blocks until ch is closed or limit passes, and reports which.
func zzWaitChan(ch <-chan struct{}, limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	}
}

// zzEventually polls cond every millisecond until it holds or limit passes.
func zzEventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// zzStop stops c at the end of a test and reports a failure to stop.
func zzStop[K comparable, V any](t *testing.T, c *Cache[K, V]) {
	t.Helper()
	if err := c.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func zzKey(i int) string { return fmt.Sprintf("k%03d", i) }

// zzOnRace adds why to the failure of t if the race detector reports a
// data race while t runs: the report says where, why says which value was
// shared and how OTP gives it one owner.
func zzOnRace(t *testing.T, why string) {
	t.Helper()
	before := zzRaces()
	t.Cleanup(func() {
		if zzRaces() > before {
			t.Errorf("%s", why)
		}
	})
}

// zzChildEnv marks a run of the test binary as zzShared's child.
const zzChildEnv = "OTPGO_ZZ_CACHE_CHILD"

// zzChildTime bounds the child's run; a correct one takes milliseconds.
const zzChildTime = 2 * time.Second

// zzChildOutput bounds what zzShared reads of its child: the child runs
// the learner's code, so its output is not trusted to be small.
const zzChildOutput = 1 << 20

// zzShared explains, with why, a map that two goroutines share. A data
// race on a map is not always a race report: the Go runtime may first kill
// the program ("concurrent map read and map write"), and then no test gets
// to say anything. So t's body runs first in a child process (the same
// test binary, running only t): a race report or a map crash there fails t
// here, with why and where. After a clean child, zzShared returns and the
// body runs here as well, with its own checks and messages. In the child,
// zzShared returns at once. The child has zzChildTime: one that is slow or
// stuck is not this probe's business, and leaves the step's time to the
// run here, whose messages say what is wrong.
func zzShared(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(zzChildEnv) != "" {
		return
	}
	// The child's -test.timeout ends it with its goroutines' stacks; the
	// context is the backstop.
	ctx, cancel := context.WithTimeout(context.Background(), zzChildTime+time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$",
		"-test.count=1", "-test.timeout="+zzChildTime.String())
	cmd.Env = append(zzEnvWithout("OTPGO_TRACE"), zzChildEnv+"=1") // the trace belongs to this run
	out := &zzLimitedBuffer{max: zzChildOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("could not run this test in a child process to look for data races: %v", err)
	}
	report := out.String()
	if where, ok := zzWhereShared(report); ok {
		t.Fatalf("%s\n%s", why, where)
	}
	zzOnRace(t, why)
}

// zzWhereShared finds, in a child's output, a race report or the runtime's
// crash on a shared map, and says where it happened in the learner's files.
func zzWhereShared(out string) (string, bool) {
	start := strings.Index(out, "WARNING: DATA RACE")
	crash := strings.Index(out, "fatal error: concurrent map")
	switch {
	case start >= 0 && (crash < 0 || start < crash):
		report := out[start:]
		if end := strings.Index(report[len("WARNING"):], "=================="); end >= 0 {
			report = report[:len("WARNING")+end]
		}
		return "The race detector saw: " + zzAccesses(report, 2, "Read at", "Write at", "Previous read at", "Previous write at"), true
	case crash >= 0:
		line, rest, _ := strings.Cut(out[crash:], "\n")
		return "The Go runtime stopped the program (" + strings.TrimPrefix(line, "fatal error: ") + ") " +
			zzAccesses(rest, 1, "goroutine "), true
	}
	return "", false
}

// zzAccesses lists, for each block of report that starts with one of
// heads, the first frame in the learner's files ("read at cache.go:80 in
// Get"), for at most max blocks.
func zzAccesses(report string, max int, heads ...string) string {
	wd, _ := os.Getwd() // the package's directory: go test runs the binary there
	var found []string
	head, fn := "", ""
	for _, line := range strings.Split(report, "\n") {
		for _, h := range heads {
			if strings.HasPrefix(line, h) {
				head = "at" // a crash's goroutine
				if strings.HasSuffix(h, " at") {
					head = strings.ToLower(h) // "Read at" -> "read at"
				}
			}
		}
		trim := strings.TrimSpace(line)
		if head == "" || len(found) == max {
			continue
		}
		file, _, _ := strings.Cut(trim, " ") // "/dir/cache.go:80 +0x1d9", or no offset when inlined
		path, lineNo, isFrame := strings.Cut(file, ".go:")
		if !isFrame || !filepath.IsAbs(path) {
			if i := strings.LastIndex(trim, "("); i > 0 && strings.HasSuffix(trim, ")") {
				fn = trim[strings.LastIndex(trim[:i], ".")+1 : i] // pkg.(*Cache[K,V]).Get(args) -> Get
			}
			continue
		}
		path += ".go"
		if filepath.Dir(path) != wd || strings.HasSuffix(path, "_test.go") {
			continue
		}
		found = append(found, fmt.Sprintf("%s %s:%s in %s", head, filepath.Base(path), lineNo, fn))
		head = ""
	}
	if len(found) == 0 {
		return "in code outside your files."
	}
	return strings.Join(found, ", ") + "."
}

// zzEnvWithout is os.Environ without the variables whose names start with
// prefix.
func zzEnvWithout(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}

// zzLimitedBuffer keeps the first max bytes written to it and drops the
// rest, reporting every write as complete so the child never blocks. (No
// embedded bytes.Buffer: its ReadFrom would let io.Copy skip the limit.)
type zzLimitedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *zzLimitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *zzLimitedBuffer) String() string { return b.buf.String() }
