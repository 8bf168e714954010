package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
)

// completeIDs completes chapter and step IDs of written chapters, each
// with its title (cobra shows "gs.1  The behaviour ..." in zsh and fish).
// onlyGradable leaves out steps without tests and chapters with none.
func (a *App) completeIDs(onlyGradable bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		c, err := a.Course()
		if c == nil || err != nil && len(c.Chapters) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		add := func(id, desc string) {
			if strings.HasPrefix(id, toComplete) {
				out = append(out, cobra.CompletionWithDesc(id, desc))
			}
		}
		for _, ch := range c.Chapters {
			if ch.Coming || onlyGradable && len(ch.Gradable()) == 0 {
				continue
			}
			add(ch.ID, ch.Title)
			for _, s := range ch.Steps {
				if !onlyGradable || s.Gradable() {
					add(s.ID, s.Title)
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// stepsOf returns the gradable steps of the targets, each once, in the
// order given, or an error for a target with nothing to grade.
func stepsOf(targets []catalog.Target) ([]*catalog.Step, error) {
	var out []*catalog.Step
	seen := map[*catalog.Step]bool{}
	for _, t := range targets {
		steps := t.Steps()
		var graded []*catalog.Step
		for _, s := range steps {
			if s.Gradable() {
				graded = append(graded, s)
			}
		}
		if len(graded) == 0 {
			return nil, &notGradedError{target: t}
		}
		for _, s := range graded {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out, nil
}

type notGradedError struct{ target catalog.Target }

func (e *notGradedError) Error() string {
	if e.target.Step != nil {
		return "step " + e.target.Step.ID + " has no tests: it is for reading and trying by hand, not graded (otpgo lesson show " + e.target.Step.ID + ")"
	}
	return "chapter " + e.target.Chapter.ID + " has no graded steps: read it with otpgo lesson show " + e.target.Chapter.ID
}
