package runner

import (
	"path/filepath"
	"testing"
	"time"
)

const exitZeroLearner = `package fx

import "syscall"

// Quit ends the program with status 0, as if all had gone well.
func Quit() { syscall.Exit(0) }
`

// go test -json reports the test that was running when the binary exited
// with status 0 as passed (cmd/go's "ok" line is taken for its end), and
// no package-level result comes. That is a crash, not a pass.
func TestRunExitZeroInTheLastTestIsNotAPass(t *testing.T) {
	t.Parallel()
	f := newFixture(t, exitZeroLearner)
	vs := f.run(f.request(`package fx

import "testing"

func TestA(t *testing.T) {}

func TestQuit(t *testing.T) { Quit() }
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestA"}}, Step{ID: "2", Tests: []string{"TestQuit"}}))
	wantStatus(t, vs[0], Passed)
	wantStatus(t, vs[1], Crashed)
	msg := outcome(t, vs[1], "TestQuit").Message
	wantContains(t, "message", msg, "exited while TestQuit was running", "os.Exit")
	wantNotContains(t, "message", msg, "ok  \t")
}

func TestRunExitZeroInTheFirstTestBlamesTheCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, exitZeroLearner)
	vs := f.run(f.request(`package fx

import "testing"

func TestQuit(t *testing.T) { Quit() }

func TestA(t *testing.T) {}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestQuit", "TestA"}}))
	wantStatus(t, vs[0], Crashed)
	wantContains(t, "message", outcome(t, vs[0], "TestQuit").Message, "exited while TestQuit was running")
	if !outcome(t, vs[0], "TestA").Passed {
		t.Errorf("TestA, never reached by the binary that died, was not run again")
	}
	for _, o := range vs[0].Tests {
		wantNotContains(t, o.Name+" message", o.Message, "chapter.json")
	}
}

func TestRunLearnerTestMainThatRunsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	write(t, filepath.Join(f.root, fixtureDir, "main_test.go"), "package fx\n\nimport \"testing\"\n\nfunc TestMain(m *testing.M) {}\n")
	vs := f.run(f.request("package fx\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {}\n",
		5*time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	if vs[0].Status == Passed {
		t.Fatal("a step whose test never ran passed")
	}
	msg := outcome(t, vs[0], "TestAdd").Message
	wantContains(t, "message", msg, "TestAdd never ran", "TestMain", "exercises/fx/main_test.go", "m.Run()")
	wantNotContains(t, "message", msg, "chapter.json")
}
