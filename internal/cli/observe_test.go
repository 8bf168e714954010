package cli

import "testing"

// --mine names the chapters it knows before building anything, and
// before asking for a terminal: the wrong chapter is the first thing to fix.
func TestObserveMineUnknownChapterListsTheChoices(t *testing.T) {
	for _, tty := range []bool{true, false} {
		h := newHarness(t)
		h.tty = tty
		if code := h.exec("observe", "--mine", "06"); code == 0 {
			t.Fatalf("observe --mine 06 (terminal %v) exited 0; stderr:\n%s", tty, h.errOut())
		}
		h.mustContain("stderr", h.errOut(), "no such chapter with a tree", "04, 05, 07, sup")
	}
}

// Like the demo, your own tree is a full-screen view: refused through a pipe.
func TestObserveMineNeedsATerminal(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("observe", "--mine", "04"); code == 0 {
		t.Fatalf("observe --mine 04 without a terminal exited 0; stderr:\n%s", h.errOut())
	}
	h.mustContain("stderr", h.errOut(), "full-screen view")
}
