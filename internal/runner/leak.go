package runner

import (
	"regexp"
	"strings"
)

// goleak's report of goroutines left running, as a test prints it:
// "found unexpected goroutines:", then per goroutine "[Goroutine 21 in
// state sync.Cond.Wait, with sync.runtime_notifyListWait on top of the
// stack:", its frames, and "]".
var leakGoroutineRE = regexp.MustCompile(`^\s*\[Goroutine \d+ in state ([^,]+),`)

// leakMeaning follows goleak's heading: what a leak is, for a learner.
const leakMeaning = " something started during the test was still running when it ended. If a failure " +
	"above stopped the test before it cleaned up, fix that first; otherwise every process your code starts " +
	"must have returned, or been stopped, by then. Where each one was:"

// explainLeaks (after trimFrames, which kept only the learner's frames)
// says what goleak's report means, and marks a goroutine left with no
// frame of the learner's: it waits inside the runtime, which for a
// process in state sync.Cond.Wait is Receive (a server between requests).
func explainLeaks(lines []string) []string {
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		if strings.HasSuffix(strings.TrimSpace(l), "found unexpected goroutines:") {
			out = append(out, l+leakMeaning)
			continue
		}
		out = append(out, l)
		m := leakGoroutineRE.FindStringSubmatch(l)
		if m == nil || i+1 >= len(lines) {
			continue
		}
		if next := strings.TrimSpace(lines[i+1]); next != "]" && !leakGoroutineRE.MatchString(lines[i+1]) {
			continue // the learner's frames follow
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		where := "waiting inside the Go runtime, in no code of yours"
		if m[1] == "sync.Cond.Wait" {
			where = "a process waiting in Receive (a server between requests): it was never stopped"
		}
		out = append(out, indent+" ("+where+")")
	}
	return out
}
