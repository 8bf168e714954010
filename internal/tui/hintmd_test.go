package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestHintCodeBlockRendersAsCode: in the step panel a hint's fenced Go
// code keeps its lines, indented, without the fence.
func TestHintCodeBlockRendersAsCode(t *testing.T) {
	md := "Loop:\n\n```go\nfor {\n\tmsg, err := p.Receive(actor.Infinity)\n}\n```"
	out := ansi.Strip(renderHint(md, 60, "notty"))
	for _, want := range []string{"    for {\n", "        msg, err := p.Receive(actor.Infinity)\n", "    }"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered hint lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "```") {
		t.Errorf("the fence shows:\n%s", out)
	}
}
