package tui

import (
	"strings"
	"sync"

	"github.com/otpgo/otpgo/internal/present"
)

// hintCache keeps rendered hints: View runs every frame and a hint's
// markdown does not change. Keys are few (hints × widths × styles).
var hintCache sync.Map // hintKey -> string

type hintKey struct {
	md    string
	width int
	style string
}

// renderHint renders a hint's markdown (code blocks as code) at width in
// the lesson's style; a hint that does not render is shown as written.
func renderHint(md string, width int, style string) string {
	k := hintKey{md, width, style}
	if s, ok := hintCache.Load(k); ok {
		return s.(string)
	}
	out, err := present.Render(md, width, present.ParseStyle(style))
	if err != nil {
		return md
	}
	// The first line follows the hint's number ("1/3 ..."): drop its margin.
	out = strings.TrimLeft(strings.Trim(out, "\n"), " ")
	hintCache.Store(k, out)
	return out
}
