package runner

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// goleak's report of goroutines left running, as a test prints it:
// "found unexpected goroutines:", then a list in brackets, each goroutine
// "Goroutine 21 in state sync.Cond.Wait, with sync.runtime_notifyListWait
// on top of the stack:" and its frames, the first after "[", the list
// closed by "]" on a line of its own.
var leakGoroutineRE = regexp.MustCompile(`^\s*\[?Goroutine (\d+) in state ([^,]+),`)

// leakMeaning follows goleak's heading: what a leak is, for a learner.
const leakMeaning = " something started during the test was still running when it ended. If a failure " +
	"above stopped the test before it cleaned up, fix that first; otherwise every process your code starts " +
	"must have returned, or been stopped, by then. Where each one was:"

// leaked is one goroutine of goleak's report, after trimFrames kept only
// the learner's frames.
type leaked struct {
	indent, id, state string
	frames            []string
	alike             int // more goroutines in the same state at the same frames
}

// explainLeaks (after trimFrames) says what goleak's report means and
// shows it for a learner: the goroutines in their code first, those
// alike once with how many more; then, in one line, how many wait in no
// code of theirs, which for a process in state sync.Cond.Wait is Receive
// (a server between requests, a supervisor waiting for a child to stop).
func explainLeaks(lines []string) []string {
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		out = append(out, l)
		if !strings.HasSuffix(strings.TrimSpace(l), "found unexpected goroutines:") {
			continue
		}
		out[len(out)-1] += leakMeaning
		var gs []*leaked
		j := i + 1
		for ; j < len(lines); j++ {
			if m := leakGoroutineRE.FindStringSubmatch(lines[j]); m != nil {
				indent := lines[j][:len(lines[j])-len(strings.TrimLeft(lines[j], " \t"))]
				if len(gs) > 0 {
					indent = gs[0].indent // the list's first, before its "["
				}
				gs = append(gs, &leaked{indent: indent, id: m[1], state: m[2]})
				continue
			}
			if len(gs) == 0 || strings.TrimSpace(lines[j]) == "]" {
				break
			}
			gs[len(gs)-1].frames = append(gs[len(gs)-1].frames, lines[j])
		}
		if len(gs) == 0 {
			continue // not goleak's report after all
		}
		if j < len(lines) && strings.TrimSpace(lines[j]) == "]" {
			j++
		}
		i = j - 1
		out = append(out, leakLines(gs)...)
	}
	return out
}

// maxLeakKinds bounds the goroutines a leaked one is compared with.
const maxLeakKinds = 64

// leakLines shows the goroutines of one report (see explainLeaks).
func leakLines(gs []*leaked) []string {
	var mine []*leaked
	idle := map[string]int{} // state -> goroutines with no frame of the learner's
	var states []string
	for _, g := range gs {
		if len(g.frames) == 0 {
			if idle[g.state] == 0 {
				states = append(states, g.state)
			}
			idle[g.state]++
			continue
		}
		// Bounded: a report of thousands of goroutines compares each
		// with the first few only.
		if k := slices.IndexFunc(mine[:min(len(mine), maxLeakKinds)], func(o *leaked) bool { return o.state == g.state && slices.Equal(o.frames, g.frames) }); k >= 0 {
			mine[k].alike++
			continue
		}
		mine = append(mine, g)
	}
	indent := gs[0].indent
	var out []string
	for _, g := range mine {
		head := fmt.Sprintf("%sgoroutine %s [%s]:", g.indent, g.id, g.state)
		if g.alike > 0 {
			head = fmt.Sprintf("%sgoroutine %s [%s], and %d more alike (the same state, at the same lines):", g.indent, g.id, g.state, g.alike)
		}
		out = append(out, head)
		out = append(out, g.frames...)
	}
	for _, s := range states {
		n := idle[s]
		what := "waiting inside the Go runtime, in no code of yours"
		if strings.HasPrefix(s, "sync.Cond.Wait") { // "(durable)" in a synctest bubble
			what = "processes waiting in Receive, in no code of yours: servers between requests, or supervisors waiting for their children; none was stopped"
			if n == 1 {
				what = "a process waiting in Receive, in no code of yours: a server between requests, or a supervisor waiting for its children; it was not stopped"
			}
		}
		lead := "and " // after the goroutines above, or the state before
		switch {
		case len(mine) > 0 || s != states[0]:
		case len(states) == 1 && n > 1:
			lead = "all "
		default:
			lead = ""
		}
		out = append(out, fmt.Sprintf("%s(%s%d in state %s: %s)", indent, lead, n, s, what))
	}
	return out
}
