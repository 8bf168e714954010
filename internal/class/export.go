package class

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ExportRow is one attendee on one step they checked.
type ExportRow struct {
	Attendee string `json:"attendee"`
	Name     string `json:"name"`
	Step     string `json:"step"`
	Result   State  `json:"result"`
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
	Hints    int    `json:"hints"`
	OnStep   Millis `json:"time_on_step_ms"`
	PassedIn Millis `json:"passed_in_ms,omitempty"`
	Test     string `json:"failing_test,omitempty"`
	Message  string `json:"failing_message,omitempty"`
}

// LoadBoard replays dir's log into a board, read-only: it works whether
// or not a server is running on it.
func LoadBoard(dir string, chapters []ChapterInfo) (*Board, int, error) {
	b := NewBoard(chapters, 0, 0)
	skipped, err := Replay(dir, false, func(ev Event) { b.Apply(ev) })
	return b, skipped, err
}

// ExportRows lists, per attendee in join order and step in course order,
// what the board holds.
func (b *Board) ExportRows() []ExportRow {
	var out []ExportRow
	for _, id := range b.order {
		a := b.att[id]
		for _, ch := range b.chapters {
			for _, s := range ch.Steps {
				c := a.cells[s.ID]
				if c == nil {
					continue
				}
				out = append(out, ExportRow{Attendee: id, Name: a.name, Step: s.ID, Result: c.State, Status: c.Status,
					Attempts: c.Attempts, Hints: c.Hints, OnStep: c.OnStep, PassedIn: c.PassedIn, Test: c.Test, Message: c.Message})
			}
		}
	}
	return out
}

// Export writes rows as "csv" or "json".
func Export(w io.Writer, rows []ExportRow, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []ExportRow{}
		}
		if err := enc.Encode(rows); err != nil {
			return fmt.Errorf("write the export: %w", err)
		}
		return nil
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"attendee", "name", "step", "result", "status", "attempts", "hints", "time_on_step_s", "passed_in_s", "failing_test", "failing_message"})
		secs := func(m Millis) string {
			if m == 0 {
				return ""
			}
			return strconv.FormatFloat(m.Duration().Round(time.Second).Seconds(), 'f', 0, 64)
		}
		for _, r := range rows {
			// A cell starting with = + - @ is a formula to spreadsheets:
			// names and messages are the attendees', so defuse them.
			cw.Write([]string{r.Attendee, defuse(r.Name), r.Step, r.Result.String(), r.Status, strconv.Itoa(r.Attempts),
				strconv.Itoa(r.Hints), secs(r.OnStep), secs(r.PassedIn), defuse(r.Test), defuse(r.Message)})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write the export: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown export format %q: use --format csv or --format json", format)
}

func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
