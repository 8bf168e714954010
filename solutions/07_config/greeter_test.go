package config

import (
	"os"
	"testing"
)

// 07.2: read at Start, kept for the process's life.

func TestStartReadsEnvironment(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	t.Setenv(EnvGreeting, "Bonjour")
	zzSetTestVersion(t, "1.2.3-test")
	pid := zzStartTestGreeter(t, Options{})
	if msg := zzMustGreet(t, pid, "Ann"); msg != "Bonjour, Ann!" {
		if msg == DefaultGreeting+", Ann!" {
			t.Fatalf("Greet said %q: that is DefaultGreeting, fixed when the program was loaded. %s was \"Bonjour\" when the greeter started: read the environment when the greeter starts (in Init)", msg, EnvGreeting)
		}
		t.Fatalf("with %s=Bonjour, Greet(\"Ann\") = %q, want \"Bonjour, Ann!\"", EnvGreeting, msg)
	}
	cfg := zzMustConfig(t, pid)
	if cfg.Greeting != "Bonjour" {
		t.Errorf("CurrentConfig().Greeting = %q, want \"Bonjour\" (what the greeter read at start)", cfg.Greeting)
	}
	if cfg.Version != "1.2.3-test" {
		t.Errorf("CurrentConfig().Version = %q, but Version was %q when the greeter started", cfg.Version, "1.2.3-test")
	}
	zzSetTestVersion(t, "9.9.9-later")
	if v := zzMustConfig(t, pid).Version; v != "1.2.3-test" {
		t.Errorf("after Version changed to \"9.9.9-later\", CurrentConfig().Version of the running greeter = %q, want %q: "+
			"Config is what the greeter read when it started; answer CurrentConfig from its state, not from the package variables of this moment", v, "1.2.3-test")
	}
}

func TestOptionsWinOverEnvironment(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	t.Setenv(EnvGreeting, "Bonjour")
	pid := zzStartTestGreeter(t, Options{Greeting: "Salut"})
	if msg := zzMustGreet(t, pid, "Ann"); msg != "Salut, Ann!" {
		t.Fatalf("started with Options{Greeting: \"Salut\"} and %s=Bonjour, Greet(\"Ann\") = %q, want \"Salut, Ann!\": an explicit option wins over the environment", EnvGreeting, msg)
	}
}

func TestNoEnvironmentFallsBackToDefault(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	zzUnsetGreeting(t)
	// As if the program had been loaded with GREETER_GREETING=Howdy: the
	// fallback is DefaultGreeting, whatever it is, not FallbackGreeting.
	zzLoadedDefault(t, "Howdy")
	pid := zzStartTestGreeter(t, Options{})
	if msg, want := zzMustGreet(t, pid, "Ann"), DefaultGreeting+", Ann!"; msg != want {
		if msg == FallbackGreeting+", Ann!" {
			t.Fatalf("with %s unset and DefaultGreeting %q, Greet(\"Ann\") = %q: that is FallbackGreeting. Fall back to DefaultGreeting, "+
				"what the program was loaded with (FallbackGreeting is only DefaultGreeting's own fallback, at init)", EnvGreeting, DefaultGreeting, msg)
		}
		t.Fatalf("with %s unset, Greet(\"Ann\") = %q, want %q (DefaultGreeting)", EnvGreeting, msg, want)
	}
	t.Setenv(EnvGreeting, "")
	pid2 := zzStartTestGreeter(t, Options{})
	if msg, want := zzMustGreet(t, pid2, "Ann"), DefaultGreeting+", Ann!"; msg != want {
		t.Fatalf("with %s set to \"\", Greet(\"Ann\") = %q, want %q: treat an empty value like an unset one", EnvGreeting, msg, want)
	}
}

func TestRunningGreeterKeepsItsConfig(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzKeepDefaultGreeting(t)
	t.Setenv(EnvGreeting, "Bonjour")
	first := zzStartTestGreeter(t, Options{})
	if msg := zzMustGreet(t, first, "Ann"); msg != "Bonjour, Ann!" {
		t.Fatalf("with %s=Bonjour, Greet(\"Ann\") = %q, want \"Bonjour, Ann!\"", EnvGreeting, msg)
	}

	os.Setenv(EnvGreeting, "Hola") // the configuration changes at runtime
	if msg := zzMustGreet(t, first, "Ann"); msg != "Bonjour, Ann!" {
		t.Fatalf("a greeter started with %s=Bonjour said %q after the variable changed to Hola: it reads the environment on every call. Read the configuration once when the process starts and keep it in its state (a restart picks up changes: 07.3)", EnvGreeting, msg)
	}
	if g := zzMustConfig(t, first).Greeting; g != "Bonjour" {
		t.Fatalf("after %s changed to Hola, CurrentConfig().Greeting of the running greeter = %q, want \"Bonjour\"", EnvGreeting, g)
	}

	second := zzStartTestGreeter(t, Options{})
	if msg := zzMustGreet(t, second, "Ann"); msg != "Hola, Ann!" {
		t.Fatalf("a greeter started after %s changed to Hola said %q, want \"Hola, Ann!\"", EnvGreeting, msg)
	}
	if msg := zzMustGreet(t, first, "Ann"); msg != "Bonjour, Ann!" {
		t.Fatalf("once a second greeter had started with %s=Hola, the first one (started with Bonjour) said %q: "+
			"each greeter keeps what it read in its own state (a field of its server struct), not in a package variable all greeters share", EnvGreeting, msg)
	}
}
