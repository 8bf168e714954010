// Package progress keeps the learner's progress in .otpgo/progress.json at
// the root of the checkout: which steps passed and when, and how many hints
// of each step were shown.
//
// Every change is a read-modify-write under an exclusive file lock
// (.otpgo/progress.lock), written to a temp file and renamed over the old
// one, so two otpgo processes (a check in one terminal, the TUI in another)
// never lose each other's updates and a crash never leaves half a file.
// Reading takes no lock and writes nothing (the rename makes that safe), so
// progress shows on a read-only or full disk. The file is input like any
// other: a file that is too large, is not valid JSON or breaks the
// invariants (a null step, a hint count out of range) is moved aside and
// progress starts fresh, with a warning: losing a record of progress must
// never stop a learner.
package progress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Version is the format version this package writes. A file with a newer
// version is refused (not overwritten): it comes from a newer otpgo.
const Version = 1

// Limits on what progress.json may hold. The file is small (a few hundred
// bytes per step), so anything larger was not written by otpgo.
const (
	// MaxFileSize is the largest progress file read; a larger one is moved
	// aside unread.
	MaxFileSize = 1 << 20
	// MaxHints bounds hints_seen: no step has anywhere near this many.
	MaxHints = 1000
)

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
	// GivenAt is when `otpgo catchup` put the step's reference code in
	// place for the learner (see given.go); nil if it never did.
	GivenAt *time.Time `json:"given_at,omitempty"`
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

// Load returns the current state (empty if there is none yet). It reads
// without the lock, which is safe because every write is an atomic rename,
// so it works on a read-only or full disk. It never creates anything, except
// when the file is unreadable: then it takes the lock to move the file
// aside; if it cannot, it leaves the file alone, warns, and returns an
// empty state. The only error for the file's content is ErrNewerFormat.
func (s *Store) Load() (*State, error) {
	st, why, err := s.read()
	if err != nil || why == "" {
		return st, err
	}
	// Move it aside under the lock, so as not to move a file another otpgo
	// has just replaced with a good one.
	var out *State
	err = s.withLock(func() error {
		var err error
		if out, why, err = s.read(); err != nil || why == "" {
			return err
		}
		out = emptyState()
		return s.moveAside(why)
	})
	switch {
	case errors.Is(err, ErrNewerFormat):
		return nil, err
	case err != nil:
		s.warn(fmt.Sprintf("warning: %s is unreadable (%s) and otpgo could not move it aside (%v); showing no progress until it is moved away or fixed. Nothing was changed.", s.Path(), why, err))
		return emptyState(), nil
	}
	return out, nil
}

// Update applies fn to the current state and saves the result atomically,
// all under the lock. If fn returns an error nothing is written and that
// error is returned as is. When the state cannot be saved (read-only or
// full disk), the error says so and the file is as it was.
func (s *Store) Update(fn func(*State) error) error {
	var fnErr error
	err := s.withLock(func() error {
		st, err := s.readRepair()
		if err != nil {
			return err
		}
		if fnErr = fn(st); fnErr != nil {
			return fnErr
		}
		return s.write(st)
	})
	if err == nil || fnErr != nil || errors.Is(err, ErrNewerFormat) {
		return err
	}
	return fmt.Errorf("save progress in %s: %w (is the disk full, or the directory read-only?)", s.dir, err)
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

func emptyState() *State { return &State{Version: Version, Steps: map[string]*StepState{}} }

// read loads the file without moving anything. A missing file is an empty
// state. For a file whose content is unusable it returns why, and no state.
func (s *Store) read() (st *State, why string, err error) {
	f, err := os.Open(s.Path())
	if errors.Is(err, os.ErrNotExist) {
		return emptyState(), "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read progress: %w", err)
	}
	defer f.Close()
	// One byte over the limit tells a file at the limit from a larger one.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("read progress %s: %w", s.Path(), err)
	}
	st, why = decode(data)
	if st != nil && st.Version > Version {
		return nil, "", fmt.Errorf("%s: %w (version %d; this otpgo reads up to %d): update otpgo (go install ./cmd/otpgo from an up-to-date checkout), or move the file away to start over",
			s.Path(), ErrNewerFormat, st.Version, Version)
	}
	return st, why, nil
}

// decode parses and validates the file's content. It returns the state,
// or why the content cannot be used (st is then nil, except for a newer
// version, which the caller refuses). Validation is what lets every other
// method trust the state: no nil step, hint counts in range.
func decode(data []byte) (st *State, why string) {
	if len(data) > MaxFileSize {
		return nil, fmt.Sprintf("larger than %d bytes", MaxFileSize)
	}
	st = &State{}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, err.Error()
	}
	switch {
	case st.Version > Version:
		return st, ""
	case st.Version < 1:
		return nil, "no format version"
	}
	if st.Steps == nil {
		st.Steps = map[string]*StepState{}
	}
	for id, ss := range st.Steps {
		switch {
		case ss == nil:
			return nil, fmt.Sprintf("step %q is null", id)
		case ss.HintsSeen < 0 || ss.HintsSeen > MaxHints:
			return nil, fmt.Sprintf("step %q has hints_seen %d, outside 0..%d", id, ss.HintsSeen, MaxHints)
		}
	}
	return st, ""
}

// readRepair is read for a caller holding the lock: an unreadable file is
// moved aside (see package doc) and the state starts empty.
func (s *Store) readRepair() (*State, error) {
	st, why, err := s.read()
	if err != nil || why == "" {
		return st, err
	}
	if err := s.moveAside(why); err != nil {
		return nil, fmt.Errorf("progress file %s is unreadable (%s) and could not be moved aside: %w", s.Path(), why, err)
	}
	return emptyState(), nil
}

// moveAside renames the unreadable file to progress.json.corrupt-<time>,
// keeping it for the learner to look at, and warns.
func (s *Store) moveAside(why string) error {
	aside := fmt.Sprintf("%s.corrupt-%s", s.Path(), s.now().UTC().Format("20060102T150405.000000000"))
	if err := os.Rename(s.Path(), aside); err != nil {
		return err
	}
	s.warn(fmt.Sprintf("warning: %s was unreadable (%s); moved it to %s and started fresh. Steps you passed show as pending until you check them again.", s.Path(), why, filepath.Base(aside)))
	return nil
}

// write replaces the file atomically (WriteFileAtomic).
func (s *Store) write(st *State) error {
	st.Version = Version
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	return WriteFileAtomic(s.Path(), append(data, '\n'))
}

// WriteFileAtomic replaces the file at p with data (mode 0644): a temp
// file in the same directory (created if missing), synced, then renamed
// over p, so an interruption leaves the old file or the new one, never
// half of one.
func WriteFileAtomic(p string, data []byte) error {
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create a temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := renameOver(tmp.Name(), p); err != nil {
		return fmt.Errorf("replace %s: %w", p, err)
	}
	return nil
}

// renameOver renames from over to. On Windows a file another process has
// open cannot be replaced, and Load reads without the lock, so a reader
// can be in the way for the moment its read takes: try again a few times.
func renameOver(from, to string) error {
	err := os.Rename(from, to)
	for wait := time.Millisecond; err != nil && runtime.GOOS == "windows" && wait <= 64*time.Millisecond; wait *= 2 {
		time.Sleep(wait)
		err = os.Rename(from, to)
	}
	return err
}

// withLock runs fn holding the exclusive lock on .otpgo/progress.lock,
// creating the directory if needed.
func (s *Store) withLock(fn func() error) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", s.dir, err)
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

// lockPoll is how often WithFileLockContext tries a held lock again.
const lockPoll = 50 * time.Millisecond

// WithFileLockContext is WithFileLock for a caller that may give up: while
// another process holds the lock it tries again every lockPoll, and
// returns ctx's error, without running fn, once ctx is done.
func WithFileLockContext(ctx context.Context, path string, fn func() error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("open lock: %w", err)
	}
	defer f.Close()
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		ok, err := tryLockFile(f)
		if err != nil {
			return fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	defer unlockFile(f)
	return fn()
}
