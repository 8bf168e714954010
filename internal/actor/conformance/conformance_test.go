package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// scriptTimeout bounds one escript run; a scenario takes well under 3s.
const scriptTimeout = 60 * time.Second

// maxTrace and maxLines cap what is read from an escript: its output is
// input, and diff's table grows with the product of the line counts.
const (
	maxTrace = 1 << 20
	maxLines = 1000
)

// expectedDiff is a documented difference: the lines only Erlang prints
// and the lines only Go prints, in order, and why. doc names the sentence
// of internal/actor's package doc that documents it.
type expectedDiff struct {
	why     string
	doc     string
	erlang  []string
	golang  []string
	escript string // the Erlang scenario, if not the one of the same name
}

var expectedDiffs = map[string]expectedDiff{
	"kill_busy_process": {
		why:    "Go cannot stop a goroutine: a killed process is dead for everyone at once, but its goroutine runs on (a zombie) until it returns",
		doc:    "it is a zombie",
		golang: []string{"still running after kill"},
	},
	"exit_self_normal_no_sender": {
		why:     "the package-level Exit carries no sender, so Normal sent to oneself is ignored; p.Exit(p.Self(), Normal) is exit(self(), normal) (scenario exit_self_normal)",
		doc:     "Exit(pid, Normal) carries no sender",
		escript: "exit_self_normal",
		erlang:  []string{"down normal"},
		golang:  []string{"not stopped"},
	},
	"gen_server_init_fail_link": {
		why:    "StartLink* removes the link when Init fails, so the caller gets the error and no exit signal",
		doc:    "remove\n//     the link when Init fails",
		erlang: []string{"exit boom"},
		golang: []string{"no exit"},
	},
	"sup_unknown_call": {
		why:    "a supervisor answers an unknown Call with ErrUnknownRequest and keeps running; OTP 25's crashes with function_clause",
		doc:    "A supervisor answers a Call it does not understand",
		erlang: []string{"call function_clause", "supervisor alive false"},
		golang: []string{"call unknown_request", "supervisor alive true"},
	},
	"sup_unexpected_cast": {
		why:    "a supervisor logs a cast it does not expect and keeps running; OTP 25's crashes with function_clause",
		doc:    "logs a Cast or message it does not",
		erlang: []string{"supervisor down function_clause"},
		golang: []string{"supervisor alive"},
	},
}

func TestConformance(t *testing.T) {
	escript, err := exec.LookPath("escript")
	if err != nil {
		fmt.Fprintln(os.Stderr, "CONFORMANCE SUITE AGAINST ERLANG/OTP SKIPPED: escript not found on PATH; install it with: apt-get install -y erlang-base")
		t.Skip("escript not found on PATH; apt-get install -y erlang-base")
	}
	agree, documented := 0, 0
	for _, name := range scenarioNames() {
		t.Run(name, func(t *testing.T) {
			want, known := expectedDiffs[name]
			script := name
			if known && want.escript != "" {
				script = want.escript
			}
			// Both twins run at once: most of their time is waiting.
			type result struct {
				lines []string
				err   error
			}
			erlDone := make(chan result, 1)
			go func() {
				lines, err := runEscript(t, escript, filepath.Join("testdata", script+".escript"))
				erlDone <- result{lines, err}
			}()
			got, goErr := runGo(name)
			res := <-erlDone
			if res.err != nil {
				t.Fatal(res.err)
			}
			if goErr != nil {
				t.Fatalf("Go scenario: %v (trace so far %q)", goErr, got)
			}
			erl := res.lines
			onlyErl, onlyGo := diff(erl, got)
			if !known {
				if len(onlyErl)+len(onlyGo) > 0 {
					t.Fatalf("traces differ:\nErlang/OTP:\n  %s\nGo:\n  %s\nonly in Erlang: %q\nonly in Go: %q",
						strings.Join(erl, "\n  "), strings.Join(got, "\n  "), onlyErl, onlyGo)
				}
				agree++
				return
			}
			if !slices.Equal(onlyErl, want.erlang) || !slices.Equal(onlyGo, want.golang) {
				t.Fatalf("documented difference (%s) changed:\nonly in Erlang: %q, want %q\nonly in Go: %q, want %q\nErlang/OTP:\n  %s\nGo:\n  %s",
					want.why, onlyErl, want.erlang, onlyGo, want.golang, strings.Join(erl, "\n  "), strings.Join(got, "\n  "))
			}
			documented++
		})
	}
	t.Logf("%d scenarios: %d agree with Erlang/OTP, %d documented differences", len(scenarios), agree, documented)
}

// Every expected diff names a scenario and is in internal/actor's doc.
func TestExpectedDiffsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "doc.go"))
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range expectedDiffs {
		if _, ok := scenarios[name]; !ok {
			t.Errorf("expected diff %q has no scenario", name)
		}
		if !bytes.Contains(doc, []byte(d.doc)) {
			t.Errorf("expected diff %q: internal/actor/doc.go does not contain %q; document the difference there", name, d.doc)
		}
	}
	for name := range scenarios {
		script := name
		if d, ok := expectedDiffs[name]; ok && d.escript != "" {
			script = d.escript
		}
		if _, err := os.Stat(filepath.Join("testdata", script+".escript")); err != nil {
			t.Errorf("scenario %q has no Erlang twin: %v", name, err)
		}
	}
}

func scenarioNames() []string {
	names := make([]string, 0, len(scenarios))
	for name := range scenarios {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// runEscript runs one Erlang scenario and returns its trace lines.
func runEscript(t *testing.T, escript, path string) ([]string, error) {
	// Reading the script makes go test's cache depend on it.
	if _, err := os.ReadFile(path); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, escript, path)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 64 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("escript %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("escript %s: %w", path, err)
	}
	data, readErr := io.ReadAll(io.LimitReader(out, maxTrace+1))
	waitErr := cmd.Wait()
	switch {
	case readErr != nil:
		return nil, fmt.Errorf("escript %s: read: %w", path, readErr)
	case len(data) > maxTrace:
		return nil, fmt.Errorf("escript %s printed more than %d bytes", path, maxTrace)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("escript %s did not finish within %v: %w", path, scriptTimeout, ctx.Err())
	case waitErr != nil:
		return nil, fmt.Errorf("escript %s: %w\n%s\n%s", path, waitErr, data, stderr.String())
	}
	trace := lines(string(data))
	if len(trace) > maxLines {
		return nil, fmt.Errorf("escript %s printed %d lines, more than the %d a scenario may print", path, len(trace), maxLines)
	}
	return trace, nil
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) > l.n {
		p = p[:l.n]
	}
	l.n -= len(p)
	if _, err := l.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimRight(l, "\r\n"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// runGo runs one Go scenario and returns its trace lines.
func runGo(name string) ([]string, error) {
	tr := &tracer{}
	err := scenarios[name](tr)
	return tr.get(), err
}

// diff returns the lines only in a and only in b, in order, around their
// longest common subsequence.
func diff(a, b []string) (onlyA, onlyB []string) {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			onlyA = append(onlyA, a[i])
			i++
		default:
			onlyB = append(onlyB, b[j])
			j++
		}
	}
	onlyA = append(onlyA, a[i:]...)
	onlyB = append(onlyB, b[j:]...)
	return onlyA, onlyB
}

// tracer collects a scenario's canonical trace; processes write to it
// concurrently.
type tracer struct {
	mu    sync.Mutex
	lines []string
}

func (tr *tracer) t(format string, args ...any) {
	tr.mu.Lock()
	tr.lines = append(tr.lines, fmt.Sprintf(format, args...))
	tr.mu.Unlock()
}

func (tr *tracer) get() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.lines)
}

// atom is an exit reason printed as an Erlang atom.
type atom string

func (a atom) Error() string { return string(a) }

const boom = atom("boom")

// r prints an exit reason or Call error as the Erlang script's r/1 does:
// the atom at its heart.
func r(err error) string {
	var a atom
	switch {
	case err == nil || errors.Is(err, actor.Normal):
		return "normal"
	case errors.As(err, &a):
		return string(a)
	case errors.Is(err, actor.Killed):
		return "killed"
	case errors.Is(err, actor.Shutdown):
		return "shutdown"
	case errors.Is(err, actor.ErrTimeout):
		return "timeout"
	case errors.Is(err, actor.ErrUnknownRequest):
		return "unknown_request"
	case errors.Is(err, actor.NoProc):
		return "noproc"
	}
	return "other(" + err.Error() + ")"
}
