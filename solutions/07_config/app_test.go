package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/otpgo/otpgo/internal/actor"
)

// 07.3: a restart reads the configuration again; the child spec's
// arguments do not change.

func zzStartTestApp(t *testing.T, opts Options) (actor.PID, actor.PID) {
	t.Helper()
	sup, err := StartApp(opts)
	if err != nil {
		t.Fatalf("StartApp(%+v): %v", opts, err)
	}
	t.Cleanup(func() {
		if actor.Alive(sup) {
			zzStopTestProc(t, sup)
		}
	})
	pid, ok := actor.WhereIs(GreeterName)
	if !ok {
		t.Fatalf("StartApp returned but no process is registered as %q: register the greeter under GreeterName when it starts (actor.Name)", GreeterName)
	}
	return sup, pid
}

func TestAppSupervisesGreeter(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	t.Setenv(EnvGreeting, "Bonjour")
	sup, pid := zzStartTestApp(t, Options{})
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		t.Fatalf("StartApp must return a supervisor: WhichChildren: %v", err)
	}
	if pid == sup {
		t.Fatalf("the process registered as %q is the app supervisor %v itself: register the greeter, its child (actor.Name in the child spec's Start), not the supervisor", GreeterName, sup)
	}
	if len(kids) != 1 || kids[0].PID != pid {
		t.Fatalf("the app supervisor %v has children %s, want one child: the greeter, %v, the process registered as %q", sup, zzDescribeKids(kids), pid, GreeterName)
	}
	if kids[0].Restart == actor.Temporary {
		t.Fatalf("the greeter's child spec says Restart: actor.Temporary: its supervisor would never restart it, so a restart could never pick up a new configuration. Leave Restart at its zero value, actor.Permanent")
	}
	zzStopTestProc(t, sup)
	if actor.Alive(pid) {
		t.Fatalf("the greeter %v is still alive after its supervisor stopped", pid)
	}
	if _, ok := actor.WhereIs(GreeterName); ok {
		t.Fatalf("a process is still registered as %q after the app stopped", GreeterName)
	}
}

func TestRestartReadsConfigAgain(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	t.Setenv(EnvGreeting, "Bonjour")
	_, pid := zzStartTestApp(t, Options{})
	if msg := zzMustGreet(t, pid, "Ann"); msg != "Bonjour, Ann!" {
		t.Fatalf("with %s=Bonjour, the app's greeter said %q, want \"Bonjour, Ann!\"", EnvGreeting, msg)
	}
	t.Setenv(EnvGreeting, "Hola")
	if msg := zzMustGreet(t, pid, "Ann"); msg != "Bonjour, Ann!" {
		t.Fatalf("the running greeter said %q after %s changed to Hola: it must keep what it read at start", msg, EnvGreeting)
	}

	actor.Exit(pid, actor.Kill)
	restarted := zzWaitRegistered(t, pid, "after the greeter was killed: is it supervised (Restart: Permanent)?")
	if msg := zzMustGreet(t, restarted, "Ann"); msg != "Hola, Ann!" {
		if msg == "Bonjour, Ann!" {
			t.Fatalf("after %s changed to Hola and the greeter was restarted, it still says %q: the environment was read once, when the child spec was built "+
				"(or the Start closure wrote what it read into the Options it captured), and the supervisor reuses those arguments on every restart. "+
				"Put only Options in the child spec, leave them unchanged, and let the greeter read the environment when it starts", EnvGreeting, msg)
		}
		t.Fatalf("the restarted greeter said %q, want \"Hola, Ann!\"", msg)
	}
}

func TestRestartKeepsOptions(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	t.Setenv(EnvGreeting, "Bonjour")
	_, pid := zzStartTestApp(t, Options{Greeting: "Salut"})
	if msg := zzMustGreet(t, pid, "Ann"); msg != "Salut, Ann!" {
		t.Fatalf("StartApp(Options{Greeting: \"Salut\"}): the greeter said %q, want \"Salut, Ann!\"", msg)
	}
	t.Setenv(EnvGreeting, "Hola")
	actor.Exit(pid, actor.Kill)
	restarted := zzWaitRegistered(t, pid, "after the greeter was killed: is it supervised (Restart: Permanent)?")
	if msg := zzMustGreet(t, restarted, "Ann"); msg != "Salut, Ann!" {
		t.Fatalf("the restarted greeter said %q, want \"Salut, Ann!\": the supervisor restarts a child with the same Options it was given", msg)
	}
}

// zzDescribeKids lists a supervisor's children for a failure message.
func zzDescribeKids(kids []actor.ChildInfo) string {
	if len(kids) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, k := range kids {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q (pid %v)", k.ID, k.PID)
	}
	return b.String()
}
