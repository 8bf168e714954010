package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
)

// Output helpers every command uses: JSON, lists of step IDs, first lines.

// writeJSON writes v to a.Out as indented JSON, for --json.
func writeJSON(a *App, v any) error {
	enc := json.NewEncoder(a.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// idList names steps for a progress line: all of them, or the first and
// last of a long list.
func idList(steps []*catalog.Step) string {
	ids := make([]string, len(steps))
	for i, s := range steps {
		ids[i] = s.ID
	}
	if len(ids) > 4 {
		return fmt.Sprintf("%s ... %s (%d steps)", ids[0], ids[len(ids)-1], len(ids))
	}
	return strings.Join(ids, ", ")
}

// firstLineOf is s up to its first newline, for a one-line finding.
func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
