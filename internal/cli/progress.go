package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { register(newProgressCommand) }

// newProgressCommand builds `otpgo progress`.
func newProgressCommand(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "progress",
		Short:   "How far you are: steps passed per chapter, hints used",
		GroupID: groupLearn,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProgress(a, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func runProgress(a *App, asJSON bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	store, st, err := a.loadProgress()
	if err != nil {
		return err
	}
	ov := buildOverview(c, st)
	if asJSON {
		return writeJSON(a, ov)
	}
	s := a.style()
	w := a.Out
	fmt.Fprintf(w, "%d of %d steps passed  %s %d%%\n\n", ov.Done, ov.Total, s.green(bar(ov.Done, ov.Total, 30)), percent(ov.Done, ov.Total))
	hints := 0
	for _, ch := range ov.Chapters {
		var status string
		switch {
		case ch.Coming:
			status = s.dim("coming")
		case ch.Total == 0:
			status = s.dim("not graded")
		default:
			status = fmt.Sprintf("%d/%d %s", ch.Done, ch.Total, s.green(bar(ch.Done, ch.Total, 10)))
		}
		var last string
		for _, so := range ch.Steps {
			hints += so.HintsSeen
			if so.PassedAt != nil {
				last = "last passed " + so.ID + " on " + so.PassedAt.Local().Format("Jan 2 15:04")
			}
		}
		fmt.Fprintf(w, "%-4s %-34s %s  %s\n", ch.ID, ch.Title, status, s.dim(last))
	}
	fmt.Fprintln(w)
	if hints > 0 {
		fmt.Fprintf(w, "Hints seen: %d.\n", hints)
	}
	if ov.Next != "" {
		fmt.Fprintf(w, "Next: otpgo check %s\n", ov.Next)
	}
	fmt.Fprintf(w, "%s\n", s.dim("Kept in "+store.Path()))
	return nil
}
