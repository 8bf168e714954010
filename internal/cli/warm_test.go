package cli

import (
	"testing"
)

// doctor --warm builds what check needs, saying how far along it is, and
// then reports the cache warm by the same measure.
func TestDoctorWarmBuildsWhatCheckNeeds(t *testing.T) {
	h := newHarness(t)
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	if code := h.exec("doctor", "--warm"); code != ExitOK {
		t.Fatalf("doctor --warm: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	h.mustContain("doctor --warm (stderr)", h.errOut(), "Warming the build cache", "Warm: ")
	h.mustContain("doctor --warm", h.out(), "Build cache: warm (all ", "packages otpgo check needs are built)")
}
