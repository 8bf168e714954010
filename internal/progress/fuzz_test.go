package progress

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad writes arbitrary bytes as progress.json: Load must never fail
// or panic on them (only a newer format version is refused), what it
// returns must hold the invariants the commands rely on, and the next
// write must work.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		`{"version":1,"steps":{"gs.1":{"passed_at":"2026-03-04T05:06:07Z","last_passed_at":"2026-03-04T05:06:07Z","hints_seen":2}}}`,
		`{"version":1,"steps":{"gs.1":null}}`,
		`{"version":1,"steps":{"gs.1":{"hints_seen":-1}}}`,
		`{"version":1,"steps":{"gs.1":{"hints_seen":9223372036854775807}}}`,
		`{"version":1,"steps":{"":{"passed_at":"0000-01-01T00:00:00Z"}}}`,
		`{"version":1,"steps":{"a":{"passed_at":null,"last_passed_at":"9999-12-31T23:59:59Z"}}}`,
		`{"version":1,"steps":null}`,
		`{"version":2}`,
		`{"version":-1}`,
		`{"version":1e400}`,
		`null`,
		`[]`,
		`{"version":1,"steps":{"gs.1":{}},"version":0}`,
		"",
		"\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := Open(dir, WithClock(clock))
		st, err := s.Load()
		if err != nil {
			if st != nil {
				t.Fatalf("Load returned both %+v and %v", st, err)
			}
			return // a newer format: refused, said so
		}
		exercise(t, st)
		for id := range st.Steps {
			if lvl, err := s.NextHint(id, 3); err != nil || lvl < 1 || lvl > 3 {
				t.Fatalf("NextHint(%q, 3) = %d, %v; want 1..3", id, lvl, err)
			}
			break
		}
		if err := s.MarkPassed("gs.1"); err != nil {
			t.Fatalf("MarkPassed after Load: %v", err)
		}
		st, err = s.Load()
		if err != nil || !st.Done("gs.1") {
			t.Fatalf("Load after MarkPassed = %+v, %v", st, err)
		}
		exercise(t, st)
	})
}
