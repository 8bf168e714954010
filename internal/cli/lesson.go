package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/present"
	"github.com/otpgo/otpgo/internal/session"
)

func init() { register(newLessonCommand) }

// newLessonCommand builds `otpgo lesson` with list and show.
func newLessonCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "lesson",
		Short:   "List the chapters, or read one",
		GroupID: groupLearn,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listLessons(a, false)
		},
	}
	var asJSON, noPager bool
	list := &cobra.Command{
		Use:   "list",
		Short: "The chapters and their steps, with what you have done",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listLessons(a, asJSON)
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Read the lesson of a chapter (gs) or the part about one step (gs.1)",
		Long: `Read a lesson. On a terminal it is paged when longer than the screen: with
$PAGER if that shows colours (less, most, bat, moar, ov), else a built-in
pager; piped, it is plain text.`,
		Example: `  otpgo lesson show gs
  otpgo lesson show gs.2
  otpgo lesson show gs | cat`,
		Args:              exactlyOneID,
		ValidArgsFunction: a.completeIDs(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			return showLesson(cmd.Context(), a, args[0], noPager)
		},
	}
	show.Flags().BoolVar(&noPager, "no-pager", false, "print the whole lesson instead of paging it")
	cmd.AddCommand(list, show)
	return cmd
}

func listLessons(a *App, asJSON bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	st, err := a.State()
	if err != nil {
		return err
	}
	ov := buildOverview(c, st)
	if asJSON {
		return writeJSON(a, ov)
	}
	s := a.style()
	w := a.Out
	fmt.Fprintf(w, "%s  %d of %d steps done  %s %d%%\n\n", s.bold("otpgo"), ov.Done, ov.Total, s.green(bar(ov.Done, ov.Total, 24)), percent(ov.Done, ov.Total))
	for _, ch := range ov.Chapters {
		title := fmt.Sprintf("%-4s %-34s", ch.ID, ch.Title)
		switch {
		case ch.Coming:
			fmt.Fprintf(w, "%s %s\n", s.dim(title), s.dim("coming"))
			continue
		case ch.Total == 0:
			fmt.Fprintf(w, "%s %s\n", s.bold(title), s.dim("to read and try"))
		default:
			fmt.Fprintf(w, "%s %d/%d %s\n", s.bold(title), ch.Done, ch.Total, s.green(bar(ch.Done, ch.Total, 10)))
		}
		for _, so := range ch.Steps {
			mark := s.dim("·")
			switch {
			case !so.Graded:
				mark = s.dim("○")
			case so.Done:
				mark = s.green("✓")
			case so.Given:
				mark = s.cyan("≈")
			}
			line := fmt.Sprintf("     %s %-6s %s", mark, so.ID, so.Title)
			if so.Given {
				line += "  " + s.dim("given (caught up)")
			}
			if len(so.SharesWith) > 0 {
				line += "  " + s.dim("shares files with "+strings.Join(so.SharesWith, ", "))
			}
			if so.ID == ov.Next {
				line += "  " + s.cyan("← next")
			}
			fmt.Fprintln(w, line)
		}
	}
	fmt.Fprintln(w)
	if ov.Next != "" {
		step, _ := c.Step(ov.Next)
		fmt.Fprintf(w, "Next: read %s, edit %s, then %s\n",
			s.bold("otpgo lesson show "+step.Chapter.ID),
			strings.Join(session.StepFiles(step), ", "),
			s.bold("otpgo check "+step.ID))
	} else if ov.Total > 0 {
		fmt.Fprintln(w, "Every written step passes. More chapters are coming.")
	}
	return nil
}

func showLesson(ctx context.Context, a *App, id string, noPager bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	t, err := c.Resolve(id)
	if err != nil {
		return err
	}
	md := t.Chapter.Lesson
	if t.Step != nil {
		md = stepHeader(t.Step) + stepSection(t.Chapter.Lesson, t.Step.ID)
	}
	return a.renderMarkdown(ctx, "otpgo lesson show "+id, md, noPager)
}

// stepHeader says what a step asks for, as markdown.
func stepHeader(s *catalog.Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n\n", s.ID, s.Title)
	if s.Gradable() {
		fmt.Fprintf(&b, "Edit: `%s`\n\nGrade: `otpgo check %s` · Stuck: `otpgo hint %s` · Whole lesson: `otpgo lesson show %s`\n\n",
			strings.Join(session.StepFiles(s), "`, `"), s.ID, s.ID, s.Chapter.ID)
	} else {
		fmt.Fprintf(&b, "This step is not graded. Whole lesson: `otpgo lesson show %s`\n\n", s.Chapter.ID)
	}
	return b.String()
}

// stepSection returns the part of a lesson under the heading that names
// the step ID ("## Step gs.1: ..."), down to the next heading of the same
// or a higher level; the whole lesson if no heading names it.
func stepSection(lesson, stepID string) string {
	lines := strings.Split(lesson, "\n")
	start, level := -1, 0
	inFence := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inFence = !inFence
		}
		if inFence {
			continue
		}
		lv := headingLevel(l)
		if lv == 0 {
			continue
		}
		if start < 0 {
			if catalog.MentionsStep(l, stepID) {
				start, level = i, lv
			}
			continue
		}
		if lv <= level {
			return strings.Join(lines[start:i], "\n") + "\n"
		}
	}
	if start < 0 {
		return lesson
	}
	return strings.Join(lines[start:], "\n")
}

func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(line) || line[n] != ' ' {
		return 0
	}
	return n
}

// renderMarkdown prints a lesson: on a colour terminal rendered with
// colours at the terminal's width (at most 100) and paged when it does not
// fit; otherwise (piped, NO_COLOR, TERM=dumb) as plain text, 80 columns.
func (a *App) renderMarkdown(ctx context.Context, title, md string, noPager bool) error {
	if !a.Color() {
		out, err := present.Render(md, 80, present.Plain)
		if err != nil {
			return fmt.Errorf("render lesson: %w", err)
		}
		_, err = fmt.Fprint(a.Out, out)
		return err
	}
	width, height := 100, 0
	if f, ok := a.Out.(*os.File); ok {
		if w, h, err := term.GetSize(f.Fd()); err == nil && w > 20 {
			width, height = min(w-2, 100), h
		}
	}
	out, err := present.Render(md, width, a.lessonStyle())
	if err != nil {
		return fmt.Errorf("render lesson: %w", err)
	}
	if noPager || height == 0 || strings.Count(out, "\n") < height || !a.IsTerminal(a.Stdin) {
		_, err = fmt.Fprint(a.Out, out)
		return err
	}
	return a.page(ctx, title, out, nil)
}
