package runner

import "strings"

// Output capture: what a run keeps of its tests' and the package's
// output, within the limits.

const maxPkgLines = 400

// keep stores one output line of a test's current run, within the limits.
func (tr *testRun) keep(rec *record, test, line string) {
	n := len(line) + 1
	if rec.outSize+n > perTestLimit || tr.stored+n > totalLimit {
		rec.cut = true
		return
	}
	rec.out = append(rec.out, outLine{test, line})
	rec.outSize += n
	tr.stored += n
}

// startRun forgets the previous run's output (it passed, or its failure
// is already in rec.res).
func (tr *testRun) startRun(rec *record) {
	tr.stored -= rec.outSize
	rec.out, rec.outSize, rec.cut, rec.passedSub, rec.ended = nil, 0, false, nil, false
}

func (tr *testRun) pkgLine(line string) {
	t := strings.TrimSpace(line)
	if t == "" || t == "PASS" || t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "ok ") ||
		strings.HasPrefix(t, "testing: warning: no tests to run") ||
		len(tr.pkgLines) >= maxPkgLines || tr.stored+len(line) > totalLimit {
		return
	}
	tr.pkgLines = append(tr.pkgLines, line)
	tr.stored += len(line) + 1
}
