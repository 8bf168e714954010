package runner

import "fmt"

// Verdicts: the records of a run turned into one Verdict per step.

// verdicts builds one Verdict per step from the records.
func (tr *testRun) verdicts(count int) []Verdict {
	out := make([]Verdict, 0, len(tr.req.Steps))
	for _, st := range tr.req.Steps {
		v := Verdict{Step: st.ID, Status: Passed}
		if tr.build != "" {
			v.Status = BuildError
			v.Detail = tr.build
			for _, name := range st.Tests {
				v.Tests = append(v.Tests, TestOutcome{Name: name, Message: "not run: the package did not compile"})
			}
			out = append(out, v)
			continue
		}
		var bad []string
		for _, name := range st.Tests {
			r := tr.records[name]
			status, msg := Passed, ""
			switch {
			case r.res != nil:
				status, msg = r.res.status, r.res.msg
			case r.passed < count:
				status, msg = Crashed, fmt.Sprintf("ran %d of %d times", r.passed, count)
			}
			v.Tests = append(v.Tests, TestOutcome{Name: name, Passed: status == Passed, Message: msg})
			if status != Passed {
				bad = append(bad, name)
			}
			// A step is as bad as its worst test.
			v.Status = max(v.Status, status)
		}
		switch {
		case v.Status != Passed:
			v.Detail = tr.summary(v, bad)
		case tr.after != "":
			v.Status, v.Detail = Failed, tr.after
		}
		out = append(out, v)
	}
	return out
}
