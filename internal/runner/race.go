package runner

import (
	"fmt"
	"regexp"
	"strings"
)

// raceAccessRE matches the header of one access in a race report:
// "Write at 0x00c000... by goroutine 8:", "Previous read of size 8 at ...
// by main goroutine:".
var raceAccessRE = regexp.MustCompile(`^\s*(Read|Write|Previous read|Previous write)(?: of size \d+)? at 0x[0-9a-f]+ by (goroutine \d+|main goroutine):\s*$`)

// raceMeaning is what a data race is, in the course's terms.
const raceMeaning = "DATA RACE: two goroutines used the same memory at the same time, at least one of them writing, " +
	"and no lock or message put them in order. Let one process own the value and the others ask it with a message."

// maxRaceReports caps how many distinct races one message explains.
const maxRaceReports = 3

// explainRaces replaces each race detector report in lines with what a
// learner needs: what a race is, once, and for each race its two accesses
// at the learner's file:line with whole function names. The goroutines'
// creation stacks and the runtime's frames are dropped; a race repeated
// at the same two places is shown once. Lines outside reports are kept.
func explainRaces(p *paths, lines []string) []string {
	out := make([]string, 0, len(lines))
	seen := map[string]bool{}
	explained := false
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "WARNING: DATA RACE" {
			out = append(out, lines[i])
			continue
		}
		j := i + 1
		for j < len(lines) && !isRuler(lines[j]) {
			j++
		}
		accesses := raceAccesses(p, lines[i+1:j])
		i = j // the closing ruler goes too
		key := strings.Join(accesses, "\n")
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(seen) > maxRaceReports {
			if len(seen) == maxRaceReports+1 {
				out = append(out, "    (and more races, at other places)")
			}
			continue
		}
		if !explained {
			out = append(out, raceMeaning)
			explained = true
		}
		out = append(out, accesses...)
	}
	return out
}

func isRuler(l string) bool { return l != "" && strings.Trim(l, "=") == "" }

// raceAccesses turns the body of one report into one line per access:
// "    write  (*table[...]).insert  exercises/02_cache/table.go:21
// (goroutine 8)", at the first frame in the graded package, or the first
// frame at all when none is (a race inside a library the learner called).
func raceAccesses(p *paths, body []string) []string {
	var out []string
	for i := 0; i < len(body); i++ {
		m := raceAccessRE.FindStringSubmatch(body[i])
		if m == nil {
			continue
		}
		what := strings.ToLower(m[1])
		var first, mine string
		for j := i + 1; j+1 < len(body) && strings.TrimSpace(body[j]) != ""; j += 2 {
			fl := fileLineRE.FindStringSubmatch(body[j+1])
			if fl == nil {
				break
			}
			frame := fmt.Sprintf("%s  %s:%s", shortFunc(strings.TrimSpace(body[j])), p.display(fl[1]), fl[2])
			if first == "" {
				first = frame
			}
			if p.inPkg(fl[1]) {
				mine = frame
				break
			}
		}
		if mine == "" {
			mine = first
		}
		if mine == "" {
			mine = "(no stack)"
		}
		out = append(out, fmt.Sprintf("    %-15s %s  (%s)", what, mine, m[2]))
	}
	return out
}
