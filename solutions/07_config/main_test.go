package config

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

// zzInitChildEnv marks a copy of this test binary started by loadedWith: it
// prints DefaultGreeting and exits. Package init runs once per program, so
// the only way to see what init read under another environment is to start
// the program again.
const zzInitChildEnv = "OTPGO_07_INIT_CHILD"

var zzInitChildOut = regexp.MustCompile(`(?m)^DefaultGreeting=(".*")$`)

func TestMain(m *testing.M) {
	if os.Getenv(zzInitChildEnv) == "1" {
		fmt.Printf("DefaultGreeting=%q\n", DefaultGreeting)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// zzLoadedWith starts this test binary again with GREETER_GREETING set to
// value (or unset if !set) and returns the DefaultGreeting it was loaded
// with.
func zzLoadedWith(t *testing.T, value string, set bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, EnvGreeting+"=") && !strings.HasPrefix(kv, "GORACE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, zzInitChildEnv+"=1", "GORACE=atexit_sleep_ms=0")
	if set {
		cmd.Env = append(cmd.Env, EnvGreeting+"="+value)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		env := EnvGreeting + " unset"
		if set {
			env = fmt.Sprintf("%s=%q", EnvGreeting, value)
		}
		t.Fatalf("a fresh copy of the program, started with %s, failed (%v): did the package panic before any test started? "+
			"Init must not panic: it runs before every test and every program\n%s", env, err, stderr.String())
	}
	m := zzInitChildOut.FindSubmatch(out)
	if m == nil {
		t.Fatalf("a fresh copy of the program printed no DefaultGreeting:\n%s%s", out, stderr.String())
	}
	s, err := strconv.Unquote(string(m[1]))
	if err != nil {
		t.Fatalf("bad output from a fresh copy of the program: %s", m[1])
	}
	return s
}

// zzUnsetGreeting removes GREETER_GREETING for the rest of the test (and
// restores it afterwards).
func zzUnsetGreeting(t *testing.T) {
	t.Helper()
	t.Setenv(EnvGreeting, "") // registers the restore
	os.Unsetenv(EnvGreeting)
}

// zzSetTestVersion sets Version while the program runs, until the test ends
// (-ldflags -X sets it earlier, before init; Describe must be right in both).
func zzSetTestVersion(t *testing.T, v string) {
	t.Helper()
	old := Version
	Version = v
	t.Cleanup(func() { Version = old })
}

// zzLeakHint says what usually leaks in this chapter.
const zzLeakHint = "a process the test started is still running: a supervisor stops all its children when it stops"

// zzVerifyNoLeaks checks that no goroutine is left once the test is over.
// Call it first: cleanups run last-in first-out, so every process the
// helpers started is stopped before the check, even when the test fails
// halfway.
func zzVerifyNoLeaks(t *testing.T) {
	t.Helper()
	// Only this test's leaks: a goroutine leaked by an earlier failing
	// test is that test's failure, not this one's.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(before); err != nil {
			t.Errorf("goroutines were left running after the test (%s):\n%v", zzLeakHint, err)
		}
	})
}

// zzKeepDefaultGreeting sets DefaultGreeting to FallbackGreeting for the
// test, as if the program had been loaded without GREETER_GREETING, so that
// the test does not depend on the environment it runs in (a greeting
// exported in the learner's shell would make DefaultGreeting and the
// environment agree). It fails the test if DefaultGreeting changes while
// it runs, saying what this test saw, and puts the loaded value back. Call
// it before starting a greeter: its check then runs after the greeters are
// stopped.
func zzKeepDefaultGreeting(t *testing.T) {
	t.Helper()
	loaded := DefaultGreeting
	DefaultGreeting = FallbackGreeting
	t.Cleanup(func() {
		if DefaultGreeting != FallbackGreeting {
			t.Errorf("DefaultGreeting changed from %q to %q during this test: it is what the program was loaded with "+
				"and must never change. Keep the start-time greeting in the greeter's state, not in a package variable", FallbackGreeting, DefaultGreeting)
		}
		DefaultGreeting = loaded
	})
}

// zzLoadedDefault sets DefaultGreeting to v for the rest of the test, as if
// the program had been loaded with GREETER_GREETING=v. Call it after
// zzKeepDefaultGreeting: cleanups run last-in first-out, so v is gone again
// before that check runs.
func zzLoadedDefault(t *testing.T, v string) {
	t.Helper()
	old := DefaultGreeting
	DefaultGreeting = v
	t.Cleanup(func() { DefaultGreeting = old })
}

// zzStartTestGreeter starts a greeter, stopped when the test ends.
func zzStartTestGreeter(t *testing.T, opts Options) actor.PID {
	t.Helper()
	pid, err := Start(opts)
	if err != nil {
		t.Fatalf("Start(%+v): %v", opts, err)
	}
	if pid.IsZero() {
		t.Fatalf("Start(%+v) returned the zero PID and no error", opts)
	}
	t.Cleanup(func() {
		if actor.Alive(pid) {
			zzStopTestProc(t, pid)
		}
	})
	return pid
}

// zzStopTestProc stops a server or supervisor and checks it exited.
func zzStopTestProc(t *testing.T, pid actor.PID) {
	t.Helper()
	if err := actor.Stop(pid, actor.Shutdown, 2*time.Second); err != nil {
		t.Errorf("stopping %v: %v", pid, err)
	}
}

func zzMustGreet(t *testing.T, pid actor.PID, name string) string {
	t.Helper()
	msg, err := Greet(pid, name)
	if err != nil {
		t.Fatalf("Greet(%v, %q): %v", pid, name, err)
	}
	return msg
}

func zzMustConfig(t *testing.T, pid actor.PID) Config {
	t.Helper()
	cfg, err := CurrentConfig(pid)
	if err != nil {
		t.Fatalf("CurrentConfig(%v): %v", pid, err)
	}
	return cfg
}

// zzWaitRegistered polls until a live process other than old is registered as
// GreeterName, or fails after a deadline.
func zzWaitRegistered(t *testing.T, old actor.PID, why string) actor.PID {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		pid, ok := actor.WhereIs(GreeterName)
		if ok && pid != old && actor.Alive(pid) {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no live process registered as %q %s", GreeterName, why)
		}
		time.Sleep(time.Millisecond)
	}
}
