package class

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Text renders a view for a terminal: one line per attendee, one column
// per step of the chapter (the one in progress if chapter is ""). It is
// what `otpgo class board` shows.
func Text(v View, chapter string) string {
	if chapter == "" {
		chapter = v.Chapter
	}
	var steps []StepInfo
	for _, c := range v.Chapters {
		if c.ID == chapter {
			steps = c.Steps
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "otpgo class %s · %d attendee(s) · chapter %s\n\n", v.Session, len(v.Rows), chapter)
	fmt.Fprintf(&b, "%-22s", "")
	for _, s := range steps {
		fmt.Fprintf(&b, " %-6s", s.ID)
	}
	b.WriteString("\n")
	var notes []string
	for _, r := range v.Rows {
		name := printable(r.Name)
		if r.Hand != nil {
			name = "✋ " + name
			notes = append(notes, fmt.Sprintf("✋ %s (%s): %s", printable(r.Name), r.Hand.Step, printable(r.Hand.Message)))
		}
		if r.Left {
			name += " (left)"
		}
		fmt.Fprintf(&b, "%-22s", clip(name, 22))
		stuck := map[string]bool{}
		for _, s := range r.Stuck {
			stuck[s] = true
		}
		for _, s := range steps {
			c := r.Cells[s.ID]
			cell := "·"
			if c != nil {
				switch c.State {
				case Passed:
					cell = "✓"
				case GivenByCatchUp:
					cell = "↺"
				case Failing:
					cell = fmt.Sprintf("✗%d", c.Attempts)
				}
				if stuck[s.ID] {
					cell += "!"
				}
			}
			fmt.Fprintf(&b, " %-6s", cell)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%-22s", "passed")
	for _, s := range steps {
		fmt.Fprintf(&b, " %-6s", fmt.Sprintf("%d/%d", v.Steps[s.ID].Passed, len(v.Rows)))
	}
	fmt.Fprintf(&b, "\n%-22s", "median")
	for _, s := range steps {
		m := ""
		if d := v.Steps[s.ID].Median; d > 0 {
			m = d.Duration().Round(time.Second).String()
		}
		fmt.Fprintf(&b, " %-6s", m)
	}
	b.WriteString("\n")
	for _, s := range steps {
		if st := v.Steps[s.ID]; st.TopTest != "" {
			notes = append(notes, fmt.Sprintf("%s: %d failing on %s: %s", s.ID, st.TopCount, printable(st.TopTest), printable(st.TopMessage)))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	b.WriteString("\n✓ passed  ✗n failing (attempts)  ↺ given by catch-up  · not started  ! stuck\n")
	return b.String()
}

// printable drops control characters (escape sequences) from an
// attendee's text before it reaches the trainer's terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
