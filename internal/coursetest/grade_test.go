package coursetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// variant is a solution file changed to another right way of doing it: the
// hidden tests must pass it, so they grade behaviour, not the course's
// own shape or names.
type variant struct {
	name string
	dir  string // under solutions/
	file string // in dir
	// edits replace old with new in file, each exactly once, so that a
	// change to the solution that moves the variant's spot fails loudly.
	edits [][2]string
	// appended is added at the end of the file (new methods).
	appended string
	// pass lists the tests that must pass with the variant.
	pass []string
}

// grade runs the named tests of solutions/<m.dir> with m's file swapped in
// through -overlay (the checkout is never written) and returns each test's
// outcome and output.
func grade(t *testing.T, m variant) (passed map[string]bool, output map[string]string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "solutions", m.dir, m.file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the solution file: %v", err)
	}
	s := string(src)
	for _, e := range m.edits {
		if n := strings.Count(s, e[0]); n != 1 {
			t.Fatalf("%s holds %q %d times, want once: the solution changed, move the mistake", m.file, e[0], n)
		}
		s = strings.Replace(s, e[0], e[1], 1)
	}
	s += m.appended
	tmp := t.TempDir()
	wrong := filepath.Join(tmp, m.file)
	if err := os.WriteFile(wrong, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	ov, err := json.Marshal(map[string]map[string]string{"Replace": {path: wrong}})
	if err != nil {
		t.Fatal(err)
	}
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	names := m.pass

	// The test binary's own -timeout ends it; the context ends go itself.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{"test", "-json", "-count=1", "-timeout=60s"}
	args = append(args, "-overlay="+ovPath, "-run=^("+strings.Join(names, "|")+")$", "./solutions/"+m.dir)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, _ := cmd.Output() // a failing test exits 1: the events say which
	passed = map[string]bool{}
	output = map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" {
			continue
		}
		top, _, _ := strings.Cut(ev.Test, "/")
		switch ev.Action {
		case "output":
			output[top] += ev.Output
		case "pass":
			if top == ev.Test {
				passed[top] = true
			}
		}
	}
	for _, name := range names {
		if _, ran := output[name]; !ran {
			t.Fatalf("%s did not run: %s\n%s", name, stderr.String(), out)
		}
	}
	return passed, output
}

func TestRightSolutionsThatDifferPass(t *testing.T) {
	for _, m := range variants {
		t.Run(m.name, func(t *testing.T) {
			passed, output := grade(t, m)
			for _, name := range m.pass {
				if !passed[name] {
					t.Errorf("%s failed, but the code it tests is right:\n%s", name, output[name])
				}
			}
		})
	}
}
