package actor

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// eventually polls cond until it holds or a generous deadline passes.
// It is for states with no signal to wait on (a zombie's goroutine
// returning); everything else waits on messages.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// noProcessesLeft fails the test if any process outlived it.
func noProcessesLeft(t *testing.T) {
	t.Helper()
	eventually(t, "every process has exited", func() bool { return NumProcesses() == 0 })
}

// mustRun runs f as a process and fails the test on an abnormal exit.
func mustRun(t *testing.T, f Func) {
	t.Helper()
	if err := Run(f); err != nil {
		t.Fatalf("process exited with %v", err)
	}
}
