package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
)

// Session is the learner's session in the checkout: the course, progress,
// grader and files, as every command and the app use them. Class notices
// go to stderr.
func (a *App) Session() (*session.Session, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	ws, err := a.Workspace()
	if err != nil {
		return nil, err
	}
	store, err := a.Progress()
	if err != nil {
		return nil, err
	}
	g, err := a.Grader()
	if err != nil {
		return nil, err
	}
	return &session.Session{Course: c, FS: a.FS, WS: ws, Store: store, Grader: g, Now: a.Now,
		Recorded: func(ctx context.Context, vs []runner.Verdict) { a.reportToClass(ctx, vs) }}, nil
}

// printStepReports prints each step of a check's report: what failed,
// grouped as the session grouped it, and the detail or advice it chose.
// edit adds, under a failed step, which files to edit and where help is.
func (a *App) printStepReports(rep *session.Report, verbose, edit bool) {
	s := a.style()
	w := a.Out
	var failed *catalog.Step // the first step that failed, of the chapter being reported
	for _, sr := range rep.Steps {
		step, v := sr.Step, sr.Verdict
		if failed != nil && failed.Chapter != step.Chapter {
			failed = nil
		}
		if v.Status == runner.Passed {
			fmt.Fprintf(w, "%s %s %s %s\n", s.green("✓"), s.bold(step.ID), step.Title, s.dim(fmt.Sprintf("(%d tests passed)", len(v.Tests))))
			continue
		}
		fmt.Fprintf(w, "%s %s %s: %s\n", s.red("✗"), s.bold(step.ID), step.Title, s.red(session.StatusPhrase(v.Status)))
		for _, f := range sr.Failures {
			fmt.Fprintf(w, "    %s %s\n", s.red("✗"), s.bold(f.Name))
			if f.Message != "" {
				fmt.Fprintln(w, indent(session.CapLines(f.Message, f.Lines, verbose), "        "))
			}
			if len(f.Same) > 0 {
				fmt.Fprintf(w, "    %s %s\n", s.red("✗"), s.dim(fmt.Sprintf("%d more failed the same way: %s", len(f.Same), strings.Join(f.Same, ", "))))
			}
		}
		if sr.Detail != "" {
			fmt.Fprintln(w, indent(session.CapLines(sr.Detail, session.FirstFailureLines, verbose), "    "))
		} else if sr.Advice != "" {
			fmt.Fprintln(w, "    "+sr.Advice)
		}
		after := failed
		if failed == nil {
			failed = step
		}
		if !edit {
			continue
		}
		if sr.TestsPassed > 0 {
			fmt.Fprintf(w, "    %s\n", s.dim(fmt.Sprintf("(%d of the step's tests passed)", sr.TestsPassed)))
		}
		if after != nil && v.Status != runner.BuildError {
			// The failure is in the earlier step's code (a worker that
			// never stops, stuck in every later step's tests): this
			// step's files would be the wrong place to look.
			if files := session.StepFiles(after); sr.Mentions(files) {
				fmt.Fprintf(w, "    %s %s failed above, and these failures are in its code (%s): fix %s first, then check %s again\n",
					s.dim("→"), after.ID, strings.Join(files, ", "), after.ID, step.ID)
				continue
			}
		}
		fmt.Fprintf(w, "    %s edit %s · %s · %s\n", s.dim("→"), strings.Join(session.StepFiles(step), ", "),
			"otpgo hint "+step.ID, "otpgo lesson show "+step.ID)
		a.traceAdvice(w, step, v)
	}
}
