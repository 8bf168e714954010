package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// nestedLesson has Go code in a list item, indented with tabs.
const nestedLesson = "# Alpha\n\nIntro.\n\n## Step aa.1: first\n\n1. Start the server:\n\n   ```go\n   func (s *server) Init(p *actor.Process) error {\n   \tif s.ok {\n   \t\tactor.Send(p.Self(), tick{})\n   \t}\n   \treturn nil\n   }\n   ```\n\n2. Then `otpgo check aa.1`.\n"

// TestLessonShowGolden: a lesson with nested Go code, piped (plain) and on
// a colour terminal (ANSI): code lines stay whole, one per line, with no
// blank line after each, and headings carry no ## marker.
func TestLessonShowGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		tty  bool
	}{{"plain", false}, {"ansi", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { waitHighlighterIdle(t) })
			h := newHarness(t)
			h.fsys["content/aa/lesson.md"].Data = []byte(nestedLesson)
			h.tty = tc.tty
			if code := h.exec("lesson", "show", "aa"); code != ExitOK {
				t.Fatal(h.errOut())
			}
			out := h.out()
			plain := ansi.Strip(out)
			for _, want := range []string{"        actor.Send(p.Self(), tick{})\n", "    func (s *server) Init(p *actor.Process) error {\n"} {
				if !strings.Contains(plain, want) {
					t.Errorf("code line %q is not whole on its own line:\n%s", want, plain)
				}
			}
			if strings.Contains(plain, "##") || strings.Contains(plain, "\t") {
				t.Errorf("## marker or tab in the output:\n%s", plain)
			}
			golden.RequireEqual(t, out)
		})
	}
}

// waitHighlighterIdle waits for the clock goroutine that regexp2 (chroma's
// highlighter) keeps for about a second after its last match, so the
// leak checks of the tests that follow see none of ours.
func waitHighlighterIdle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if !strings.Contains(string(buf[:n]), "regexp2.runClock") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("regexp2's clock goroutine still runs 5s after rendering")
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for an event
	}
}

// TestPagerLessGetsR: a $PAGER of less is given -R, so it shows the
// colours instead of escape codes; the text arrives on its stdin.
func TestPagerLessGetsR(t *testing.T) {
	dir := t.TempDir()
	less := filepath.Join(dir, "less")
	if err := os.WriteFile(less, []byte("#!/bin/sh\necho \"args: $*\"\ncat\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := &App{Env: Env{Getenv: func(k string) string {
		if k == "PAGER" {
			return less + " -F"
		}
		return ""
	}}, Out: &out, Err: &out}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.page(ctx, "title", "\x1b[1mbold\x1b[0m text\n", nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "args: -F -R") || !strings.Contains(got, "\x1b[1mbold") {
		t.Fatalf("the pager saw %q; want args -F -R and the text on stdin", got)
	}
}

// TestHintRendersCodeBlocks: a hint is markdown; its code block prints as
// code, one line per line, piped or on a terminal.
func TestHintRendersCodeBlocks(t *testing.T) {
	t.Cleanup(func() { waitHighlighterIdle(t) })
	for _, tty := range []bool{false, true} {
		h := newHarness(t)
		h.tty = tty
		hint := `"Call ` + "`One`" + ` like this:\n\n` + "```go" + `\nif One() == 1 {\n\treturn nil\n}\n` + "```" + `"`
		f := h.fsys["content/aa/chapter.json"]
		f.Data = []byte(strings.Replace(string(f.Data), `"nudge one"`, hint, 1))
		if code := h.exec("hint", "aa.1"); code != ExitOK {
			t.Fatal(h.errOut())
		}
		out := ansi.Strip(h.out())
		for _, want := range []string{"    if One() == 1 {\n", "        return nil\n", "    }\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("tty=%v: hint output lacks the code line %q:\n%s", tty, want, out)
			}
		}
		if strings.Contains(out, "```") {
			t.Errorf("tty=%v: the fence shows:\n%s", tty, out)
		}
	}
}

// TestPresentNeedsATerminal: piped, present says what to run instead.
func TestPresentNeedsATerminal(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("present", "aa"); code != ExitError {
		t.Fatalf("present, not a terminal: exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "needs a terminal", "otpgo lesson show aa")
	if code := h.exec("present", "zz.9"); code == ExitOK {
		t.Fatal("present of an unknown ID succeeded")
	}
}
