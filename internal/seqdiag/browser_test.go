package seqdiag

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/otpgo/otpgo/internal/seqdiag/browsertest"
)

// TestHTMLInChromium opens a trace page from a file in headless Chromium,
// which renders an SVG with one lifeline per process and draws the
// never-received DOWN. OTPGO_TRACE_SCREENSHOT=file.png saves the page.
// (otpgo trace's tests open the pages of real runs the same way.)
func TestHTMLInChromium(t *testing.T) {
	var page bytes.Buffer
	if err := HTML(&page, "otpgo trace 01.3", []Section{{Title: "busy", Log: busy03()}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "trace.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := browsertest.Open(t, file)
	// Five processes in busy03 (0 stands for "no process": a timer).
	// Lifelines are laid out: each has a height and they do not overlap.
	if all, apart := p.Lifelines(); all != 5 || apart != 5 {
		t.Errorf("the SVG has %d lifelines, %d drawn apart with a height; want 5, one per process", all, apart)
	}
	if lost := p.Count(`document.querySelectorAll("svg line.lost").length`); lost != 3 {
		t.Errorf("%d arrows marked lost; want 3 (the call that timed out, the reconnect and the status request; the self-send is a mark)", lost)
	}
	if n := p.Count(`document.querySelectorAll("svg circle.gaveup").length`); n != 2 {
		t.Errorf("%d marks of a message never received or a call given up; want 2 (the self-send, and the call's timeout on the caller)", n)
	}
	p.Screenshot("OTPGO_TRACE_SCREENSHOT")
}
