package runner

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A trace is the dump a dying test binary prints: "panic: ..." or
// "fatal error: ..." (or go test's own "panic: test timed out"), a few
// header lines, then goroutine stacks. It can be huge (every goroutine of a
// leaky program), so it is parsed as it streams and only the goroutines
// with a frame in the learner's package are kept.
type trace struct {
	p        *paths
	header   []string
	gs       []*goroutine // kept: goroutines with a frame in the package
	dropped  int          // goroutines in the package beyond maxGoroutines
	cur      *goroutine
	fn       string // function line waiting for its file line
	inBlock  bool   // inside a goroutine block (until a blank line)
	finished bool   // a blank line ended the last block and something else followed
	rtStack  bool   // inside the runtime's own "runtime stack:" section
}

type goroutine struct {
	id     string
	state  string // "chan receive"
	frames []frame
	more   int  // frames in the package beyond maxFrames
	busy   bool // running on another thread when the dump was taken: no stack
	alike  int  // more goroutines in the same state at the same frames, not listed
}

// sameAs reports whether g and o are alike for a reader: the same state
// and the same frames, as a process per item all waiting at one line.
func (g *goroutine) sameAs(o *goroutine) bool {
	return g.state == o.state && g.busy == o.busy && g.more == o.more && slices.Equal(g.frames, o.frames)
}

// busyLine is what the runtime prints instead of the stack of a goroutine
// that was running on another thread. In a test binary that is nearly
// always the code under test, spinning.
const busyLine = "goroutine running on other thread; stack unavailable"

type frame struct {
	fn, file string
	line     string // "" when the runtime could not tell (see frameLine)
	created  bool   // "created by" frame: where the goroutine was started
}

// frameLine is the line of a frame of the learner's package, or "" when
// the runtime's answer is not a line of code. Go reports a goroutine it
// stopped inside a tight loop at line 1 of the file (an instruction with no
// position of its own); line 1 of a Go file is its package clause, so
// showing it would send the learner to the wrong place.
func frameLine(line string) string {
	if line == "0" || line == "1" {
		return ""
	}
	return line
}

// where is the frame's place for a learner: "exercises/fx/fx.go:7", or the
// file alone when the line is unknown.
func (f frame) where(p *paths) string {
	if f.line == "" {
		return p.display(f.file)
	}
	return p.display(f.file) + ":" + f.line
}

const (
	maxGoroutines  = 8
	maxFrames      = 24 // per goroutine; a stack overflow has thousands
	maxTraceHeader = 12
)

var (
	goroutineRE = regexp.MustCompile(`^goroutine (\d+) (?:[^\[]* )?\[([^\]]*)\]:$`)
	fileLineRE  = regexp.MustCompile(`^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$`)
)

// startsTrace reports whether an output line begins a dying binary's dump.
func startsTrace(line string) bool {
	return strings.HasPrefix(line, "panic: ") ||
		strings.HasPrefix(line, "fatal error: ") ||
		strings.HasPrefix(line, "runtime: goroutine stack exceeds")
}

func newTrace(p *paths, first string) *trace {
	return &trace{p: p, header: []string{first}}
}

// timedOut reports whether this is go test's -timeout dump.
func (t *trace) timedOut() bool { return strings.HasPrefix(t.header[0], "panic: test timed out") }

// fatal reports whether the runtime killed the program (concurrent map
// writes, stack overflow, deadlock) rather than a panic.
func (t *trace) fatal() bool { return strings.HasPrefix(t.first(), "fatal error: ") }

// first is the line that names what happened: "panic: boom" or
// "fatal error: stack overflow" (after the runtime's own preamble).
func (t *trace) first() string {
	for _, h := range t.header {
		if strings.HasPrefix(h, "panic: ") || strings.HasPrefix(h, "fatal error: ") {
			return h
		}
	}
	return t.header[0]
}

// add feeds one output line.
func (t *trace) add(line string) {
	if t.finished {
		return
	}
	if m := goroutineRE.FindStringSubmatch(line); m != nil {
		t.endGoroutine()
		state, _, _ := strings.Cut(m[2], ",") // "chan receive, 2 minutes"
		t.cur = &goroutine{id: m[1], state: state}
		t.inBlock = true
		return
	}
	if t.cur == nil {
		if t.inBlock || len(t.gs) > 0 || t.dropped > 0 {
			// After the last goroutine: go test's own trailer.
			t.finished = true
			return
		}
		if line == "runtime stack:" {
			t.rtStack = true // the runtime's own frames: nothing for a learner
		}
		if !t.rtStack && len(t.header) < maxTraceHeader {
			t.header = append(t.header, line)
		}
		return
	}
	if line == "" {
		t.endGoroutine()
		return
	}
	if strings.TrimSpace(line) == busyLine {
		t.cur.busy = true
		return
	}
	if m := fileLineRE.FindStringSubmatch(line); m != nil && t.fn != "" {
		switch {
		case !t.p.inPkg(m[1]):
		case len(t.cur.frames) < maxFrames:
			t.cur.frames = append(t.cur.frames, frame{
				fn: shortFunc(t.fn), file: m[1], line: frameLine(m[2]),
				created: strings.HasPrefix(t.fn, "created by "),
			})
		default:
			t.cur.more++
		}
		t.fn = ""
		return
	}
	t.fn = line
}

func (t *trace) endGoroutine() {
	g := t.cur
	t.cur, t.fn = nil, ""
	if g == nil || (len(g.frames) == 0 && !g.busy) {
		return
	}
	// Twenty goroutines at one line are said once, so the cap below
	// leaves room for the one that is different.
	if i := slices.IndexFunc(t.gs, g.sameAs); i >= 0 {
		t.gs[i].alike++
		return
	}
	if len(t.gs) >= maxGoroutines {
		t.dropped++
		return
	}
	t.gs = append(t.gs, g)
}

// value is the panic or fatal error message: "boom", "concurrent map writes".
func (t *trace) value() string {
	v := t.first()
	for _, p := range []string{"panic: ", "fatal error: "} {
		v = strings.TrimPrefix(v, p)
	}
	v = strings.TrimSuffix(v, " [recovered, repanicked]")
	v = strings.TrimSuffix(v, " [recovered]")
	return v
}

// runningTests lists the tests go test's timeout dump says were running.
func (t *trace) runningTests() []string {
	var names []string
	in := false
	for _, h := range t.header[1:] {
		switch {
		case strings.TrimSpace(h) == "running tests:":
			in = true
		case in && strings.HasPrefix(h, "\t\t"):
			name, _, _ := strings.Cut(strings.TrimSpace(h), " ")
			names = append(names, name)
		default:
			in = false
		}
	}
	return names
}

// stuckHint guesses, from the states of the learner's goroutines, whether a
// timed-out test was busy (a loop that never waits) or blocked (deadlock,
// missing message). A busy goroutine wins: a test blocked waiting for an
// answer from a loop that spins is the loop's fault.
func (t *trace) stuckHint() string {
	t.endGoroutine()
	if len(t.gs) == 0 {
		return ""
	}
	blocked := 0
	for _, g := range t.gs {
		if g.spinning() {
			return "Your code is busy, not blocked: " + t.spinner(g) +
				" never blocks, so it holds a CPU and never lets the test go on. A loop must wait for something (a receive, a select, a call) or end."
		}
		if blockingState(g.state) {
			blocked++
		}
	}
	if blocked == len(t.gs) {
		hint := "Every goroutine in your code is blocked waiting (see the [state] of each): a deadlock, or a message or reply that is never sent."
		if slices.ContainsFunc(t.gs, func(g *goroutine) bool { return g.state == "IO wait" || strings.HasPrefix(g.state, "IO wait,") }) {
			hint += " [IO wait] is waiting for the network: was the request written, and flushed (a bufio.Writer holds what it has not sent)?"
		}
		return hint
	}
	return ""
}

// inOwnCode is 1 when one of g's frames is in the learner's own files
// (not a test file), else 0.
func (g *goroutine) inOwnCode() int {
	for _, f := range g.frames {
		if !f.created && !strings.HasSuffix(f.file, "_test.go") {
			return 1
		}
	}
	return 0
}

// calledByTest is 1 when one of g's frames is in a test file (the test
// called into the learner's code, or started the goroutine), else 0.
func (g *goroutine) calledByTest() int {
	for _, f := range g.frames {
		if strings.HasSuffix(f.file, "_test.go") {
			return 1
		}
	}
	return 0
}

// spinning reports whether g was executing, not waiting, when the dump was
// taken: after a whole timeout, that is a loop that never blocks.
func (g *goroutine) spinning() bool {
	return g.busy || g.state == "running" || g.state == "runnable"
}

// spinner names a spinning goroutine for a learner: its innermost function
// in their package and where, or who started it when Go could not show its
// stack.
func (t *trace) spinner(g *goroutine) string {
	for _, f := range g.frames {
		if f.created {
			return "a goroutine started by " + f.fn + " (" + f.where(t.p) + ")"
		}
		if f.line == "" {
			return f.fn + " (in " + t.p.display(f.file) + "; Go could not tell the line: look for its loop)"
		}
		return f.fn + " (" + f.where(t.p) + ")"
	}
	return "a goroutine of yours (running on another CPU, so Go could not show where)"
}

func blockingState(s string) bool {
	for _, b := range []string{"chan ", "select", "sync.", "semacquire", "sleep", "IO wait", "sync.Cond.Wait"} {
		if strings.HasPrefix(s, b) {
			return true
		}
	}
	return false
}

// render writes the trace for a learner: what happened (except for a
// timeout, which the caller words better), then each of their goroutines
// with only their own frames.
func (t *trace) render() string {
	t.endGoroutine()
	var b strings.Builder
	if !t.timedOut() {
		first := t.first()
		b.WriteString(strings.TrimSuffix(strings.TrimSuffix(first, " [recovered, repanicked]"), " [recovered]"))
		b.WriteByte('\n')
		for _, h := range t.header {
			th := strings.TrimSpace(h)
			if h == first || th == "" || strings.HasPrefix(th, "panic: ") || strings.HasPrefix(th, "runtime: ") {
				continue // the repeated value of a re-panic, the runtime's registers
			}
			b.WriteString(strings.ReplaceAll(h, "\t", "    "))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	if len(t.gs) == 0 {
		b.WriteString("(no goroutine was in your package's code)\n")
		return strings.TrimRight(b.String(), "\n")
	}
	if t.timedOut() {
		b.WriteString("Goroutines in your package when the time ran out:\n\n")
		// The learner's own code first: the test's goroutine, waiting
		// for it, is seldom where to look; and of theirs, a goroutine
		// the test did not call in (a process, a server stuck in its
		// handler) before the calls from the test waiting on it.
		slices.SortStableFunc(t.gs, func(a, b *goroutine) int {
			return cmp.Or(cmp.Compare(b.inOwnCode(), a.inOwnCode()), cmp.Compare(a.calledByTest(), b.calledByTest()))
		})
	}
	for i, g := range t.gs {
		if i > 0 {
			b.WriteByte('\n')
		}
		if g.alike > 0 {
			fmt.Fprintf(&b, "goroutine %s [%s], and %d more alike (the same state, at the same lines):\n", g.id, g.state, g.alike)
		} else {
			fmt.Fprintf(&b, "goroutine %s [%s]:\n", g.id, g.state)
		}
		if g.busy {
			b.WriteString("    (busy on another CPU, so Go could not show where: a loop that never waits?)\n")
		}
		for i := 0; i < len(g.frames); i++ {
			f := g.frames[i]
			verb := ""
			if f.created {
				verb = "started by "
			}
			fmt.Fprintf(&b, "    %s%s  %s", verb, f.fn, f.where(t.p))
			// Recursion: say how often instead of repeating the frame.
			n := 1
			for i+1 < len(g.frames) && g.frames[i+1] == f {
				i++
				n++
			}
			if n > 1 {
				fmt.Fprintf(&b, "  (x%d)", n)
			}
			b.WriteByte('\n')
		}
		if g.more > 0 {
			fmt.Fprintf(&b, "    ... %d more frames in your package\n", g.more)
		}
	}
	if t.dropped > 0 {
		fmt.Fprintf(&b, "\n... and %d more goroutines in your package\n", t.dropped)
	}
	return strings.TrimRight(b.String(), "\n")
}

// trimFrames shortens the stacks inside ordinary test output (race
// detector reports, debug.PrintStack): a "function" line followed by a
// "file.go:N" line is one frame; frames outside the package are dropped,
// the others become one line with the learner's path.
func trimFrames(p *paths, lines []string) []string {
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		if i+1 < len(lines) {
			if m := fileLineRE.FindStringSubmatch(lines[i+1]); m != nil && looksLikeFunc(lines[i]) {
				if p.inPkg(m[1]) {
					indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
					out = append(out, fmt.Sprintf("%s%s  %s:%s", indent, shortFunc(strings.TrimSpace(lines[i])), p.display(m[1]), m[2]))
				}
				i++
				continue
			}
		}
		if strings.Trim(lines[i], "=") == "" && lines[i] != "" {
			continue // the race detector's ===== rulers
		}
		out = append(out, lines[i])
	}
	return out
}

func looksLikeFunc(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, ")") || strings.HasPrefix(s, "created by ")
}
