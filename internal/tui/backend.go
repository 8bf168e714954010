package tui

import (
	"context"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
)

// Backend is everything the app does outside itself: grading, progress,
// files. The real one is the learner's session (internal/session, wired
// in internal/cli/tui.go); tests use a fake so no go test runs.
// Methods are called from tea.Cmds, never from Update.
type Backend interface {
	// Progress is the learner's progress.
	Progress() (*progress.State, error)
	// Check grades one step. phase, if not nil, is told when compiling
	// starts and when tests run. A failing step is a Verdict; the error
	// is for the machinery (no go toolchain, cancelled), except a
	// *session.NotRecordedError, which comes with a true verdict.
	Check(ctx context.Context, s *catalog.Step, phase func(runner.Phase)) (runner.Verdict, error)
	// NextHint records that one more hint of s was shown and returns how
	// many are shown now (1-based); with a *session.NotRecordedError the
	// hints are still shown.
	NextHint(s *catalog.Step) (int, error)
	// Solution returns the solution of s's files, file by file.
	Solution(s *catalog.Step) ([]File, error)
	// Reset undoes s: its files go back to how they stood when s began
	// (see internal/checkpoint), after saving the learner's versions; it returns where they were saved, relative to
	// the workspace root ("" if there was nothing to save), also with an
	// error that came after saving them.
	Reset(s *catalog.Step) (backup string, err error)
	// Catchup is `otpgo catchup s --yes`: the reference code of every
	// earlier step of s's chapter not passed goes in place (after a
	// backup) and those steps are recorded as given. summary says what
	// changed and where the backup is.
	Catchup(s *catalog.Step) (summary string, err error)
	// Dir is the absolute directory of s's files, for watch mode.
	Dir(s *catalog.Step) string
	// StateDir is the workspace's .otpgo directory (watch mode's probe).
	StateDir() string
}

// File is one file's name and content.
type File = session.File
