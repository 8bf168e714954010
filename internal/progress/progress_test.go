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
