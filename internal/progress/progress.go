// Package progress keeps the learner's progress in .otpgo/progress.json at
// the root of the checkout: which steps passed and when, and how many hints
// of each step were shown.
//
// Every change is a read-modify-write under an exclusive file lock
// (.otpgo/progress.lock), written to a temp file and renamed over the old
// one, so two otpgo processes (a check in one terminal, the TUI in another)
// never lose each other's updates and a crash never leaves half a file. A
// file that cannot be read is moved aside and progress starts fresh, with
// a warning: losing a record of progress must never stop a learner.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Version is the format version this package writes. A file with a newer
// version is refused (not overwritten): it comes from a newer otpgo.
const Version = 1

// FileName and LockName are the files in the state directory.
const (
	FileName = "progress.json"
	LockName = "progress.lock"
)

// State is the content of progress.json.
type State struct {
	Version int                   `json:"version"`
	Steps   map[string]*StepState `json:"steps"`
}

// StepState is what is known about one step.
type StepState struct {
	// PassedAt is when `otpgo check` first saw every test of the step
	// pass; nil if it never did.
	PassedAt *time.Time `json:"passed_at,omitempty"`
	// LastPassedAt is the most recent pass.
	LastPassedAt *time.Time `json:"last_passed_at,omitempty"`
	// HintsSeen is how many hints of the ladder were shown (0 = none).
	HintsSeen int `json:"hints_seen,omitempty"`
}

// Done reports whether the step has ever passed.
func (s *State) Done(stepID string) bool {
	st, ok := s.Steps[stepID]
	return ok && st.PassedAt != nil
}

// Frontier is the step that passed for the first time most recently: where
// the learner is in the course. "" when nothing passed yet.
func (s *State) Frontier() string {
	id, latest := "", time.Time{}
	for stepID, st := range s.Steps {
		if st.PassedAt != nil && (id == "" || st.PassedAt.After(latest) || st.PassedAt.Equal(latest) && stepID > id) {
			id, latest = stepID, *st.PassedAt
		}
	}
	return id
}

// HintsSeen is how many hints of the step were shown.
func (s *State) HintsSeen(stepID string) int {
	if st, ok := s.Steps[stepID]; ok {
		return st.HintsSeen
	}
	return 0
}

func (s *State) step(id string) *StepState {
	if s.Steps == nil {
		s.Steps = map[string]*StepState{}
	}
	st, ok := s.Steps[id]
	if !ok {
		st = &StepState{}
		s.Steps[id] = st
	}
	return st
}

// ErrNewerFormat is returned for a progress file written by a newer otpgo.
var ErrNewerFormat = errors.New("progress file has a newer format")

// Store reads and writes the progress of one checkout.
type Store struct {
	dir  string
	now  func() time.Time
	warn func(string)
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used for pass times and corrupt-file names.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithWarn sets where warnings go (a corrupt file moved aside). The
// default discards them; the CLI prints them on stderr.
func WithWarn(warn func(msg string)) Option { return func(s *Store) { s.warn = warn } }

// Open returns the store kept in dir (the workspace's .otpgo directory).
// Nothing is read or created until the first Load or Update.
func Open(dir string, opts ...Option) *Store {
	s := &Store{dir: dir, now: time.Now, warn: func(string) {}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Path is the progress file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Load returns the current state (empty if there is none yet).
func (s *Store) Load() (*State, error) {
	var out *State
	err := s.withLock(func() error {
		st, err := s.read()
		out = st
		return err
	})
	return out, err
}

// Update applies fn to the current state and saves the result atomically,
// all under the lock. If fn returns an error nothing is written.
func (s *Store) Update(fn func(*State) error) error {
	return s.withLock(func() error {
		st, err := s.read()
		if err != nil {
			return err
		}
		if err := fn(st); err != nil {
			return err
		}
		return s.write(st)
	})
}

// MarkPassed records that the steps passed now.
func (s *Store) MarkPassed(stepIDs ...string) error {
	if len(stepIDs) == 0 {
		return nil
	}
	now := s.now().UTC().Truncate(time.Second)
	return s.Update(func(st *State) error {
		for _, id := range stepIDs {
			ss := st.step(id)
			if ss.PassedAt == nil {
				ss.PassedAt = &now
			}
			ss.LastPassedAt = &now
		}
		return nil
	})
}

// NextHint records that one more hint of the step is shown and returns
// its level, 1-based, never above max (the last hint repeats).
func (s *Store) NextHint(stepID string, max int) (int, error) {
	var level int
	err := s.Update(func(st *State) error {
		ss := st.step(stepID)
		level = min(ss.HintsSeen+1, max)
		ss.HintsSeen = level
		return nil
	})
	return level, err
}

// SawHints records that the first n hints of the step were shown (for
// `otpgo hint --all`), never lowering the count.
func (s *Store) SawHints(stepID string, n int) error {
	return s.Update(func(st *State) error {
		ss := st.step(stepID)
		ss.HintsSeen = max(ss.HintsSeen, n)
		return nil
	})
}

// read loads the file; the caller holds the lock. A missing file is an
// empty state; an unreadable one is moved aside (see package doc).
func (s *Store) read() (*State, error) {
	empty := &State{Version: Version, Steps: map[string]*StepState{}}
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, os.ErrNotExist) {
		return empty, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}
	var st State
	var why string
	switch err := json.Unmarshal(data, &st); {
	case err != nil:
		why = err.Error()
	case st.Version > Version:
		return nil, fmt.Errorf("%s: %w (version %d; this otpgo reads up to %d): update otpgo (go install ./cmd/otpgo from an up-to-date checkout), or move the file away to start over",
			s.Path(), ErrNewerFormat, st.Version, Version)
	case st.Version < 1:
		why = "no format version"
	}
	if why != "" {
		aside := fmt.Sprintf("%s.corrupt-%s", s.Path(), s.now().UTC().Format("20060102T150405.000000000"))
		if err := os.Rename(s.Path(), aside); err != nil {
			return nil, fmt.Errorf("progress file %s is unreadable (%s) and could not be moved aside: %w", s.Path(), why, err)
		}
		s.warn(fmt.Sprintf("warning: %s was unreadable (%s); moved it to %s and started fresh. Steps you passed show as pending until you check them again.", s.Path(), why, filepath.Base(aside)))
		return empty, nil
	}
	if st.Steps == nil {
		st.Steps = map[string]*StepState{}
	}
	return &st, nil
}

// write replaces the file atomically: a temp file in the same directory,
// synced, then renamed over the old one.
func (s *Store) write(st *State) error {
	st.Version = Version
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, FileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after a successful rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.Path()); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	return nil
}

// withLock runs fn holding the exclusive lock on .otpgo/progress.lock,
// creating the directory if needed.
func (s *Store) withLock(fn func() error) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("progress: create %s: %w", s.dir, err)
	}
	return WithFileLock(filepath.Join(s.dir, LockName), fn)
}

// WithFileLock runs fn holding an exclusive lock on the file at path
// (created if missing; its directory must exist). Other processes calling
// WithFileLock on the same path wait. The lock dies with the process.
func WithFileLock(path string, fn func() error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("open lock: %w", err)
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer unlockFile(f)
	return fn()
}
