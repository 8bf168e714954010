package progress

import (
	"testing"
	"time"
)

func TestGivenIsNotPassed(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := Open(t.TempDir(), WithClock(func() time.Time { return now }))
	if err := s.MarkPassed("02.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkGiven("02.1", "02.2"); err != nil {
		t.Fatal(err)
	}
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Status{"02.1": Passed, "02.2": Given, "02.3": Pending} {
		if got := st.Status(id); got != want {
			t.Errorf("Status(%s) = %v; want %v", id, got, want)
		}
	}
	if st.Done("02.2") || !st.Settled("02.2") || st.Settled("02.3") {
		t.Errorf("a given step must be settled but not done: Done=%v Settled=%v", st.Done("02.2"), st.Settled("02.2"))
	}
	if err := s.Clear("02.1", "02.2", "09.9"); err != nil {
		t.Fatal(err)
	}
	if st, err = s.Load(); err != nil {
		t.Fatal(err)
	}
	if st.Status("02.1") != Pending || st.Status("02.2") != Pending {
		t.Errorf("after Clear: %v, %v; want pending", st.Status("02.1"), st.Status("02.2"))
	}
	if err := s.MarkPassed("02.2"); err != nil {
		t.Fatal(err)
	}
	if st, _ = s.Load(); st.Status("02.2") != Passed {
		t.Errorf("a pass of a given step: %v; want passed", st.Status("02.2"))
	}
}
