package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/checkpoint"
	"github.com/otpgo/otpgo/internal/workspace"
)

// Writing the learner's files from a plan, shared by reset and catchup:
// which step, asking first, then applying with a backup.

// resolveStepFor resolves id to a step with files to write, for verb
// ("catch up to", "reset"): a chapter, a step without files, a coming or
// unknown ID are errors saying what to give instead.
func (a *App) resolveStepFor(verb, id string) (*catalog.Step, *workspace.Workspace, error) {
	c, err := a.Course()
	if err != nil {
		return nil, nil, err
	}
	t, err := c.Resolve(id)
	if err != nil {
		return nil, nil, err
	}
	if t.Step == nil {
		var ids []string
		for _, s := range t.Chapter.Gradable() {
			ids = append(ids, s.ID)
		}
		if len(ids) == 0 {
			return nil, nil, fmt.Errorf("chapter %s has no graded steps to %s", t.Chapter.ID, verb)
		}
		return nil, nil, fmt.Errorf("%s a step, not a chapter: one of %s", verb, strings.Join(ids, ", "))
	}
	if !t.Step.Gradable() || t.Chapter.Dir == "" {
		return nil, nil, fmt.Errorf("%s has no code to %s: it is read, not graded", t.Step.ID, verb)
	}
	ws, err := a.Workspace()
	if err != nil {
		return nil, nil, err
	}
	return t.Step, ws, nil
}

// confirmWrite asks before a command writes the learner's files: on a
// terminal it lists lines and asks; elsewhere it needs --yes.
func (a *App) confirmWrite(what string, lines []string, yes bool) (bool, error) {
	if yes {
		return true, nil
	}
	if !a.IsTerminal(a.Stdin) {
		return false, fmt.Errorf("%s would write %d file(s) in exercises/ (%s); run it again with --yes to confirm. Your versions are backed up to .otpgo/backup/ first", what, len(lines), strings.Join(lines, "; "))
	}
	fmt.Fprintf(a.Err, "%s? This writes:\n", capitalize(what))
	for _, l := range lines {
		fmt.Fprintf(a.Err, "  %s\n", l)
	}
	fmt.Fprint(a.Err, "Your versions are saved to .otpgo/backup/ first. Go ahead? [y/N] ")
	answer, _ := bufio.NewReader(a.Stdin).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
		fmt.Fprintln(a.Err, "Nothing changed.")
		return false, nil
	}
	return true, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// applyPlan writes plan in the workspace and says what it did: the backup
// first (its path, so nothing is lost), then each file and where it came
// from.
func (a *App) applyPlan(ctx context.Context, ws *workspace.Workspace, plan *checkpoint.Plan) error {
	backup := ws.BackupDir(a.Now())
	res, err := checkpoint.Apply(ctx, ws.Root, plan, backup)
	if res.BackupDir != "" {
		fmt.Fprintf(a.Out, "Saved your version of the files it replaces to %s\n", ws.Rel(res.BackupDir)+"/")
	}
	from := map[string]string{}
	for _, w := range plan.Writes {
		from[plan.Chapter.ExercisePath(w.File)] = w.From
	}
	for _, rel := range res.Written {
		fmt.Fprintf(a.Out, "Wrote %s from %s\n", rel, from[rel])
	}
	for _, rel := range res.Unchanged {
		fmt.Fprintf(a.Out, "%s already is %s\n", rel, from[rel])
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: %w", err)
		}
		return err
	}
	return nil
}
