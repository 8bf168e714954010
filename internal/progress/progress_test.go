package progress

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var fixed = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func clock() time.Time { return fixed }

func TestMarkPassedRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".otpgo")
	s := Open(dir, WithClock(clock))
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Done("gs.1") {
		t.Fatal("a fresh store says gs.1 is done")
	}
	if err := s.MarkPassed("gs.1", "gs.2"); err != nil {
		t.Fatal(err)
	}
	st, err = Open(dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Done("gs.1") || !st.Done("gs.2") || st.Done("gs.3") {
		t.Fatalf("after MarkPassed(gs.1, gs.2): %+v", st.Steps)
	}
	if got := *st.Steps["gs.1"].PassedAt; !got.Equal(fixed) {
		t.Errorf("PassedAt = %v; want %v", got, fixed)
	}
	if st.Version != Version {
		t.Errorf("Version = %d; want %d", st.Version, Version)
	}
	// No temp file is left behind by the atomic write.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}
}

// The frontier is the step first passed most recently, not the last one
// re-checked: re-passing an old step doesn't send the learner back.
func TestFrontierIsTheLatestFirstPass(t *testing.T) {
	now := fixed
	s := Open(filepath.Join(t.TempDir(), ".otpgo"), WithClock(func() time.Time { return now }))
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if f := st.Frontier(); f != "" {
		t.Fatalf("Frontier of a fresh store = %q; want \"\"", f)
	}
	for _, id := range []string{"01.1", "02.1", "01.1"} {
		now = now.Add(time.Minute)
		if err := s.MarkPassed(id); err != nil {
			t.Fatal(err)
		}
	}
	if st, err = s.Load(); err != nil {
		t.Fatal(err)
	}
	if f := st.Frontier(); f != "02.1" {
		t.Errorf("Frontier after passing 01.1, 02.1, then 01.1 again = %q; want 02.1", f)
	}
}

func TestHintLevelsAdvanceAndStop(t *testing.T) {
	s := Open(t.TempDir())
	for i, want := range []int{1, 2, 3, 3} {
		got, err := s.NextHint("gs.1", 3)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("call %d: NextHint = %d; want %d", i+1, got, want)
		}
	}
	if err := s.SawHints("gs.2", 2); err != nil {
		t.Fatal(err)
	}
	if err := s.SawHints("gs.2", 1); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Load()
	if st.HintsSeen("gs.2") != 2 {
		t.Errorf("SawHints(2) then SawHints(1): HintsSeen = %d; want 2 (never lowered)", st.HintsSeen("gs.2"))
	}
}

func TestCorruptFileIsMovedAside(t *testing.T) {
	for name, content := range map[string]string{
		"truncated":  `{"version": 1, "steps": {"gs.1": {"pas`,
		"no version": `{"steps": {}}`,
		"wrong type": `{"version": "one"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, FileName)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			var warnings []string
			s := Open(dir, WithClock(clock), WithWarn(func(m string) { warnings = append(warnings, m) }))
			if err := s.MarkPassed("gs.1"); err != nil {
				t.Fatalf("MarkPassed over a corrupt file: %v; want a fresh start, not an error", err)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], "moved it to") {
				t.Fatalf("warnings = %q; want one saying where the file went", warnings)
			}
			matches, _ := filepath.Glob(p + ".corrupt-*")
			if len(matches) != 1 {
				t.Fatalf("corrupt copies = %v; want exactly one", matches)
			}
			kept, _ := os.ReadFile(matches[0])
			if string(kept) != content {
				t.Errorf("the corrupt file's content was not kept: %q", kept)
			}
			st, err := s.Load()
			if err != nil || !st.Done("gs.1") {
				t.Fatalf("after recovery Load = %+v, %v; want gs.1 done", st, err)
			}
		})
	}
}

func TestNewerFormatIsRefusedNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	content := `{"version": 99, "steps": {}}`
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Open(dir).MarkPassed("gs.1")
	if !errors.Is(err, ErrNewerFormat) || !strings.Contains(err.Error(), "update otpgo") {
		t.Fatalf("MarkPassed over a newer file = %v; want ErrNewerFormat saying what to do", err)
	}
	if got, _ := os.ReadFile(p); string(got) != content {
		t.Errorf("the newer file was changed to %q", got)
	}
}

// TestConcurrentUpdatesAreNotLost runs many read-modify-writes at once;
// without the file lock some would overwrite others.
func TestConcurrentUpdatesAreNotLost(t *testing.T) {
	dir := t.TempDir()
	const n = 30
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			// A Store per goroutine, as separate processes would have.
			if err := Open(dir).MarkPassed(fmt.Sprintf("x.%d", i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, err := Open(dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Steps) != n {
		t.Fatalf("%d concurrent MarkPassed calls left %d steps recorded; updates were lost", n, len(st.Steps))
	}
}

// Content that decodes as JSON but breaks the invariants the rest of otpgo
// relies on is as unreadable as broken JSON: it is moved aside, and every
// method works on what Load returns.
func TestInvalidContentIsMovedAside(t *testing.T) {
	for name, content := range map[string]string{
		"null step":        `{"version":1,"steps":{"gs.1":null}}`,
		"negative hints":   `{"version":1,"steps":{"gs.1":{"hints_seen":-3}}}`,
		"absurd hints":     `{"version":1,"steps":{"gs.1":{"hints_seen":9223372036854775807}}}`,
		"null document":    `null`,
		"steps not object": `{"version":1,"steps":[]}`,
		"too large":        `{"version":1,"steps":{"gs.1":{}}}` + strings.Repeat(" ", MaxFileSize),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, FileName)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			var warnings []string
			s := Open(dir, WithClock(clock), WithWarn(func(m string) { warnings = append(warnings, m) }))
			st, err := s.Load()
			if err != nil {
				t.Fatalf("Load = %v; want a fresh start", err)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], "moved it to") {
				t.Fatalf("warnings = %q; want one saying where the file went", warnings)
			}
			exercise(t, st)
			if lvl, err := s.NextHint("gs.1", 3); err != nil || lvl != 1 {
				t.Fatalf("NextHint after recovery = %d, %v; want 1", lvl, err)
			}
			matches, _ := filepath.Glob(p + ".corrupt-*")
			if len(matches) != 1 {
				t.Fatalf("corrupt copies = %v; want exactly one", matches)
			}
		})
	}
}

// exercise calls every reading method of st, as the commands do, and checks
// the invariants they rely on.
func exercise(t *testing.T, st *State) {
	t.Helper()
	if st == nil || st.Steps == nil {
		t.Fatalf("Load returned %#v; want a state with a steps map", st)
	}
	for id, ss := range st.Steps {
		if ss == nil {
			t.Fatalf("step %q is nil", id)
		}
		if n := st.HintsSeen(id); n < 0 || n > MaxHints {
			t.Fatalf("HintsSeen(%q) = %d; want 0..%d", id, n, MaxHints)
		}
		_ = st.Done(id)
	}
	if f := st.Frontier(); f != "" && !st.Done(f) {
		t.Fatalf("Frontier %q is not done", f)
	}
}

// Reading takes no lock: progress shows on a read-only .otpgo, where the
// lock file cannot be opened for writing. A lock path that is a directory
// fails to open for everyone, root included, as a read-only file system
// would.
func TestLoadNeedsNoLock(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir, WithClock(clock))
	if err := s.MarkPassed("gs.1"); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, LockName)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, LockName), 0o755); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())
	st, err := s.Load()
	if err != nil {
		t.Fatalf("Load with an unopenable lock = %v; want the state (reading needs no lock)", err)
	}
	if !st.Done("gs.1") {
		t.Fatalf("Load lost gs.1: %+v", st.Steps)
	}
	err = s.MarkPassed("gs.2")
	if err == nil || !strings.Contains(err.Error(), "save progress") {
		t.Fatalf("MarkPassed with an unopenable lock = %v; want an error saying progress was not saved", err)
	}
	if after, _ := os.ReadFile(s.Path()); string(after) != string(before) {
		t.Errorf("a failed write changed the file:\n%s\nwas:\n%s", after, before)
	}
}

// Load of a checkout that never ran a check creates nothing.
func TestLoadCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".otpgo")
	st, err := Open(dir).Load()
	if err != nil || len(st.Steps) != 0 {
		t.Fatalf("Load of nothing = %+v, %v", st, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created %s (stat: %v); reading must not write", dir, err)
	}
}

// A bad file that cannot be moved aside (read-only .otpgo) is left as it
// is, said so, and reading goes on with no progress.
func TestUnmovableBadFileIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	content := `{"version":1,"steps":{"gs.1":null}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, LockName), 0o755); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	st, err := Open(dir, WithWarn(func(m string) { warnings = append(warnings, m) })).Load()
	if err != nil {
		t.Fatalf("Load = %v; want an empty state and a warning", err)
	}
	exercise(t, st)
	if len(warnings) != 1 || !strings.Contains(warnings[0], "could not move it aside") {
		t.Fatalf("warnings = %q; want one saying the file stays where it is", warnings)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, FileName)); string(got) != content {
		t.Errorf("the file was changed to %q", got)
	}
}
