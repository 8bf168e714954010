package config

import (
	"strings"
	"testing"
)

// 07.1: link time and init time.

func TestDescribeReportsVersion(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzSetTestVersion(t, "1.2.3-test")
	d := Describe()
	if !strings.Contains(d, "1.2.3-test") {
		t.Fatalf("Version was set to %q while the program ran, but Describe() = %q: Describe must read Version when it is called, not a copy made earlier (at init, say)", "1.2.3-test", d)
	}
	if !strings.Contains(d, DefaultGreeting) {
		t.Fatalf("Describe() = %q does not mention DefaultGreeting %q", d, DefaultGreeting)
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
