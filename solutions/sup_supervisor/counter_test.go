package sup

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

// zzCounters starts the chapter's tree: small, medium and large at 1, 10
// and 100.
func zzCounters(t *testing.T) actor.PID {
	t.Helper()
	sup, err := Start([]ChildSpec{CounterSpec("small", 1), CounterSpec("medium", 10), CounterSpec("large", 100)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return sup
}

// zzLinked fails the test unless the counter registered as name is linked
// to sup: without the link its crash never reaches the supervisor, which
// can then neither restart it nor stop it.
func zzLinked(t *testing.T, sup actor.PID, name string) bool {
	t.Helper()
	pid, ok := actor.WhereIs(name)
	if !ok {
		return true // the registration check says so
	}
	if info, ok := actor.Info(pid); ok && slices.Contains(info.Links, sup) {
		return true
	}
	t.Errorf("counter %q is not linked to its supervisor: start it with sup.StartLinkServer (not "+
		"actor.StartServer), so that its exit reaches the supervisor as a signal; unlinked, a crash "+
		"goes unnoticed and the supervisor cannot restart or stop it", name)
	return false
}

// zzValue returns a counter's value, failing the test on an error.
func zzValue(t *testing.T, name string) int {
	t.Helper()
	v, err := Value(name)
	if err != nil {
		t.Fatalf("Value(%q): %v%s", name, err, zzStalePID(name, err))
	}
	return v
}

// zzStalePID explains a call that found no process although a live one is
// registered under name: the pid was looked up once and kept.
func zzStalePID(name string, err error) string {
	if !errors.Is(err, actor.NoProc) {
		return ""
	}
	if pid, ok := actor.WhereIs(name); ok && actor.Alive(pid) {
		return fmt.Sprintf(", though %v, alive, is registered as %q: look the counter up by name (actor.WhereIs) on every call, "+
			"never keep its pid: a restarted counter, or one of another supervisor, is a new process", pid, name)
	}
	return ""
}

func TestCountersStart(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	sup := zzCounters(t)
	defer zzStop(t, sup)
	for name, want := range map[string]int{"small": 1, "medium": 10, "large": 100} {
		if _, ok := actor.WhereIs(name); !ok {
			t.Errorf("no process is registered as %q: start the counter with actor.Name(%q)", name, name)
			continue
		}
		zzLinked(t, sup, name)
		if got := zzValue(t, name); got != want {
			t.Errorf("Value(%q) = %d, want %d", name, got, want)
		}
	}
	if got, err := Incr("small"); err != nil || got != 2 {
		t.Errorf("Incr(small) on 1 = (%v, %v), want (2, nil)", got, err)
	}
	if got := zzValue(t, "small"); got != 2 {
		t.Errorf("Value(small) after Incr = %d, want 2: the increment was lost. HandleCall must change the counter's own "+
			"state: a pointer receiver (func (c *counter)), not a value receiver, which changes a copy", got)
	}
}

func TestCountersCrashMedium(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	sup := zzCounters(t)
	defer zzStop(t, sup)
	for _, name := range []string{"small", "medium", "medium", "large"} {
		if _, err := Incr(name); err != nil {
			t.Fatalf("Incr(%q): %v%s", name, err, zzStalePID(name, err))
		}
	}
	old, ok := actor.WhereIs("medium")
	if !ok {
		t.Fatalf("no process is registered as \"medium\"")
	}
	if !zzLinked(t, sup, "medium") {
		return
	}
	actor.Exit(old, zzErrCrash)
	var now actor.PID
	if !zzEventually(time.Second, func() bool {
		now, ok = actor.WhereIs("medium")
		return ok && now != old && actor.Alive(now)
	}) {
		t.Fatalf("1s after medium crashed, no new process was registered as \"medium\": the supervisor " +
			"must restart it with its spec, which registers the name again")
	}
	if got := zzValue(t, "medium"); got != 10 {
		t.Errorf("the restarted medium is at %d, want its initial 10: a restarted child starts afresh "+
			"from its original arguments (its old state died with it)", got)
	}
	if got := zzValue(t, "small"); got != 2 {
		t.Errorf("small is at %d after medium crashed, want 2: only the crashed child is restarted "+
			"(one_for_one), the others keep their state", got)
	}
	if got := zzValue(t, "large"); got != 101 {
		t.Errorf("large is at %d after medium crashed, want 101: only the crashed child is restarted", got)
	}
}
