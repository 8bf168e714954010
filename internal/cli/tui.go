package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/class"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
	"github.com/otpgo/otpgo/internal/tui"
	"github.com/otpgo/otpgo/internal/warm"
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
			t, err := a.warmTarget(ctx, b.sess.WS)
			if err != nil {
				return err
			}
			_, err = warm.Build(ctx, t, progress)
			return err
		},
		RaiseHand: raiseHandFor(b.sess.WS.StateDir()),
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

// tuiBackend is the learner's session as the app calls it: one step at a
// time, class notices dropped (they would garble the app's screen).
type tuiBackend struct {
	a    *App
	sess *session.Session
	race bool
	// stopWarm cancels the background warm-up; nil if none.
	stopWarm context.CancelFunc
}

func newTUIBackend(ctx context.Context, a *App) (*tuiBackend, error) {
	sess, err := a.Session()
	if err != nil {
		return nil, err
	}
	sess.Recorded = func(ctx context.Context, vs []runner.Verdict) { _ = class.Report(ctx, sess.WS.StateDir(), vs...) }
	return &tuiBackend{a: a, sess: sess, race: a.RaceSupported(ctx)}, nil
}

func (b *tuiBackend) Progress() (*progress.State, error) { return b.sess.Store.Load() }

func (b *tuiBackend) Check(ctx context.Context, s *catalog.Step, phase func(runner.Phase)) (runner.Verdict, error) {
	if b.stopWarm != nil {
		b.stopWarm()
	}
	if err := b.a.requireGo(ctx, "checking a step"); err != nil {
		return runner.Verdict{}, err
	}
	res, err := b.sess.Check(ctx, []*catalog.Step{s}, check.Options{Race: b.race, Progress: phase})
	if err != nil {
		return runner.Verdict{}, err
	}
	if len(res.Verdicts) != 1 {
		return runner.Verdict{}, fmt.Errorf("check %s: %d verdicts, want 1", s.ID, len(res.Verdicts))
	}
	if res.RecordErr != nil {
		return res.Verdicts[0], res.RecordErr
	}
	return res.Verdicts[0], nil
}

func (b *tuiBackend) NextHint(s *catalog.Step) (int, error) {
	n, warn, err := b.sess.Hint(s)
	if err != nil {
		return 0, err
	}
	if warn != nil {
		return n, warn
	}
	return n, nil
}

func (b *tuiBackend) Solution(s *catalog.Step) ([]tui.File, error) { return b.sess.Solution(s) }

func (b *tuiBackend) Reset(s *catalog.Step) (string, error) { return b.sess.Reset(s) }

func (b *tuiBackend) Catchup(s *catalog.Step) (string, error) { return b.sess.Catchup(s) }

func (b *tuiBackend) Dir(s *catalog.Step) string { return b.sess.Dir(s.Chapter) }

func (b *tuiBackend) StateDir() string { return b.sess.WS.StateDir() }

// raiseHandFor is the app's "!" key: nil unless this checkout has joined a
// class. It shares no code; `otpgo class help --share` does.
func raiseHandFor(stateDir string) func(step string) (string, error) {
	if _, ok := class.Joined(stateDir); !ok {
		return nil
	}
	return func(step string) (string, error) {
		return class.RaiseHand(context.Background(), stateDir, step, "stuck on "+step+" (raised from the app)", "", false)
	}
}
