package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/class"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/tui"
	"github.com/otpgo/otpgo/internal/warm"
	"github.com/otpgo/otpgo/internal/workspace"
)

func init() { setDefaultAction(runTUI) }

// runTUI is `otpgo` with no command: the interactive app on a terminal,
// the welcome (lesson list and commands) anywhere else.
func runTUI(a *App, cmd *cobra.Command) error {
	if !a.Interactive() || !a.IsTerminal(a.Stdin) || a.Getenv("TERM") == "dumb" {
		return welcome(a, cmd)
	}
	c, err := a.Course()
	if err != nil {
		return err
	}
	b, err := newTUIBackend(cmd.Context(), a)
	if err != nil {
		return err
	}
	// The warm-up stops at the first check (which then builds what it
	// needs itself, never beside a second build) or when the app ends;
	// the build cache keeps what it had built.
	warmCtx, stopWarm := context.WithCancel(cmd.Context())
	defer stopWarm()
	b.stopWarm = stopWarm
	poll, _ := cmd.Flags().GetBool("poll") // defined on the root command
	opts := tui.Options{
		Poll:        poll,
		Course:      c,
		Backend:     b,
		LessonStyle: a.Getenv("GLAMOUR_STYLE"),
		Observe: func() *exec.Cmd {
			self, err := os.Executable()
			if err != nil {
				self = os.Args[0]
			}
			c := exec.Command(self, "observe")
			c.Dir = a.Dir
			return c
		},
		Warm: func(ctx context.Context, progress func(done, total int)) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			defer context.AfterFunc(warmCtx, cancel)()
			t, err := a.warmTarget(ctx, b.ws)
			if err != nil {
				return err
			}
			_, err = warm.Build(ctx, t, progress)
			return err
		},
		Trace: func(step, test string) *exec.Cmd {
			s, ok := c.Step(step)
			if !ok || !usesActor(a.FS, s.Chapter) {
				return nil
			}
			self, err := os.Executable()
			if err != nil {
				self = os.Args[0]
			}
			cmd := exec.Command(self, "trace", step, test, "--page")
			cmd.Dir = a.Dir
			return cmd
		},
	}
	if err := tui.Run(cmd.Context(), a.Stdin, a.Out, opts); err != nil {
		if ctxErr := cmd.Context().Err(); ctxErr != nil {
			return ctxErr
		}
		return err
	}
	return nil
}

// tuiBackend gives the app the same grader, progress store and reset as
// the commands.
type tuiBackend struct {
	a      *App
	ws     *workspace.Workspace
	store  *progress.Store
	grader *check.Grader
	race   bool
	// stopWarm cancels the background warm-up; nil if none.
	stopWarm context.CancelFunc
}

func newTUIBackend(ctx context.Context, a *App) (*tuiBackend, error) {
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
	return &tuiBackend{a: a, ws: ws, store: store, grader: g, race: a.RaceSupported(ctx)}, nil
}

func (b *tuiBackend) Progress() (*progress.State, error) { return b.store.Load() }

func (b *tuiBackend) Check(ctx context.Context, s *catalog.Step, phase func(runner.Phase)) (runner.Verdict, error) {
	if b.stopWarm != nil {
		b.stopWarm()
	}
	if err := b.a.requireGo(ctx, "checking a step"); err != nil {
		return runner.Verdict{}, err
	}
	vs, err := b.grader.Check(ctx, []*catalog.Step{s}, check.Options{Race: b.race, Progress: phase})
	if err != nil {
		return runner.Verdict{}, err
	}
	if len(vs) != 1 {
		return runner.Verdict{}, fmt.Errorf("check %s: %d verdicts, want 1", s.ID, len(vs))
	}
	// The app owns the screen: a class notice would garble it, so it is dropped.
	_ = class.Report(ctx, b.ws.StateDir(), vs...)
	if vs[0].Status == runner.Passed {
		if err := b.store.MarkPassed(s.ID); err != nil {
			return vs[0], fmt.Errorf("%s passes, but recording your progress failed: %w", s.ID, err)
		}
	}
	return vs[0], nil
}

func (b *tuiBackend) NextHint(s *catalog.Step) (int, error) {
	return b.store.NextHint(s.ID, len(s.Hints))
}

func (b *tuiBackend) Solution(s *catalog.Step) ([]tui.File, error) {
	var out []tui.File
	for _, f := range s.Files {
		data, err := fs.ReadFile(b.a.FS, s.Chapter.SolutionPath(f))
		if err != nil {
			return nil, fmt.Errorf("solution of %s: %w", s.ID, err)
		}
		out = append(out, tui.File{Name: f, Content: string(data)})
	}
	return out, nil
}

// Reset is `otpgo reset STEP --yes`, with the same helpers: files that
// differ from the skeleton are backed up, then all of them restored;
// nothing is written before every backup succeeded. The backup is "" when
// there was nothing of the learner's to save (the files were missing).
func (b *tuiBackend) Reset(s *catalog.Step) (string, error) {
	todo, err := pendingRestores(b.a.FS, b.ws, exerciseFiles(s))
	if err != nil {
		return "", err
	}
	if len(todo) == 0 {
		return "", fmt.Errorf("nothing to reset: %s is already the original skeleton", fileListOf(s))
	}
	backup := b.ws.BackupDir(b.a.Now())
	saved, err := restoreSkeletons(b.ws, backup, todo)
	if saved == 0 {
		return "", err
	}
	return b.ws.Rel(backup) + "/", err
}

func fileListOf(s *catalog.Step) string {
	var out string
	for i, f := range exerciseFiles(s) {
		if i > 0 {
			out += ", "
		}
		out += f
	}
	return out
}

func (b *tuiBackend) Dir(s *catalog.Step) string {
	return b.ws.Path(path.Join("exercises", s.Chapter.Dir))
}

func (b *tuiBackend) StateDir() string { return b.ws.StateDir() }
