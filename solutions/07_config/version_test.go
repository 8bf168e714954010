package config

import (
	"strings"
	"testing"
)

// 07.1: link time and init time.

func TestDescribeReportsVersion(t *testing.T) {
	zzVerifyNoLeaks(t)
	// Two versions, one after the other: a line made at init, or made
	// once on the first call and kept, shows at most one of them.
	for _, v := range []string{"1.2.3-test", "1.2.4-test"} {
		zzSetTestVersion(t, v)
		d := Describe()
		if !strings.Contains(d, v) {
			t.Fatalf("Version was set to %q while the program ran, but Describe() = %q: Describe must read Version when it is called, not a copy made earlier (at init, or on its first call)", v, d)
		}
		if !strings.Contains(d, DefaultGreeting) {
			t.Fatalf("Describe() = %q does not mention DefaultGreeting %q", d, DefaultGreeting)
		}
	}
}

func TestDefaultGreetingReadAtInit(t *testing.T) {
	zzVerifyNoLeaks(t)
	if got := zzLoadedWith(t, "Bonjour", true); got != "Bonjour" {
		t.Fatalf("a program started with %s=Bonjour has DefaultGreeting %q: read the environment when the package is initialised (in the var's initializer or in func init)", EnvGreeting, got)
	}
	if got := zzLoadedWith(t, "", false); got != FallbackGreeting {
		t.Fatalf("a program started without %s has DefaultGreeting %q, want FallbackGreeting %q", EnvGreeting, got, FallbackGreeting)
	}
	if got := zzLoadedWith(t, "", true); got != FallbackGreeting {
		t.Fatalf("a program started with %s set to \"\" has DefaultGreeting %q, want FallbackGreeting %q: treat an empty value like an unset one", EnvGreeting, got, FallbackGreeting)
	}
}
