package tui

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestTraceKeyDrawsTheFirstFailedTest: after a failed check, the panel
// offers t, and t runs the trace command for the step's first failed
// test with the terminal handed over.
func TestTraceKeyDrawsTheFirstFailedTest(t *testing.T) {
	asked := make(chan []string, 1)
	opts := Options{NoWatch: true, Trace: func(step, test string) *exec.Cmd {
		select {
		case asked <- []string{step, test}:
		default:
		}
		// The test binary itself, running no test: a command that ends at
		// once. Its output is dropped, so go test does not read it as ours.
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Stdout, c.Stderr = io.Discard, io.Discard
		return c
	}}
	h := start(t, opts, 100, 30)
	h.waitSelected("01.1 Parallel each")
	h.key("down")
	h.key("enter")
	h.wait("press enter to check")
	h.key("enter")
	h.wait("checking 01.2: compiling")
	h.fake.verdicts <- failing()
	h.wait("Press t to see the messages")
	h.key("t")
	select {
	case got := <-asked:
		if strings.Join(got, " ") != "01.2 TestTimeout" {
			t.Errorf("trace asked for %v; want step 01.2, its first failed test TestTimeout", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("t did not ask for the trace command")
	}
	h.quit()
}

// TestNoTraceKeyWithoutTrace: no Trace option (or a passing check): no offer.
func TestNoTraceKeyWithoutTrace(t *testing.T) {
	h := start(t, Options{NoWatch: true}, 100, 30)
	h.waitSelected("01.1 Parallel each")
	h.key("down")
	h.key("enter")
	h.wait("press enter to check")
	h.key("enter")
	h.wait("checking 01.2: compiling")
	h.fake.verdicts <- failing()
	h.wait("✗ FAILED")
	if screen := h.quit(); strings.Contains(screen, "Press t") {
		t.Errorf("the panel offers a trace with no Trace option:\n%s", screen)
	}
}
