package cli

import "testing"

func TestNoArgumentsWithoutATerminalListsTheLessons(t *testing.T) {
	h := newHarness(t)
	if code := h.exec(); code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, h.errOut())
	}
	h.mustContain("stdout", h.out(), "aa   Alpha", "aa.1", "← next", "otpgo lesson show ID")
}
