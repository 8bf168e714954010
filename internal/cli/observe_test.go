package cli

import "testing"

// --mine names the chapters it knows before building anything.
func TestObserveMineUnknownChapterListsTheChoices(t *testing.T) {
	h := newHarness(t)
	h.tty = true
	if code := h.exec("observe", "--mine", "06"); code == 0 {
		t.Fatalf("observe --mine 06 exited 0; stderr:\n%s", h.errOut())
	}
	h.mustContain("stderr", h.errOut(), "no such chapter with a tree", "04, 05, 07, sup")
}

// Like the demo, your own tree is a full-screen view: refused through a pipe.
func TestObserveMineNeedsATerminal(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("observe", "--mine", "04"); code == 0 {
		t.Fatalf("observe --mine 04 without a terminal exited 0; stderr:\n%s", h.errOut())
	}
	h.mustContain("stderr", h.errOut(), "full-screen view")
}
