package runner

import "fmt"

// Verdicts: the records of a run turned into one Verdict per step.

// statusOf maps a test's kind to the step status it implies.
var statusOf = map[kind]Status{
	kindPass:    Passed,
	kindFail:    Failed,
	kindSkip:    Failed,
	kindFlood:   Failed,
	kindMissing: Failed,
	kindPanic:   Panicked,
	kindTimeout: TimedOut,
	kindCrash:   Crashed,
	kindNotRun:  Crashed,
}

// verdicts builds one Verdict per step from the records.
func (s *session) verdicts(count int) []Verdict {
	out := make([]Verdict, 0, len(s.req.Steps))
	for _, st := range s.req.Steps {
		v := Verdict{Step: st.ID, Status: Passed}
		if s.build != "" {
			v.Status = BuildError
			v.Detail = s.build
			for _, name := range st.Tests {
				v.Tests = append(v.Tests, TestOutcome{Name: name, Message: "not run: the package did not compile"})
			}
			out = append(out, v)
			continue
		}
		worst := kindPass
		var bad []string
		for _, name := range st.Tests {
			r := s.records[name]
			k, msg := kindPass, ""
			switch {
			case r.res != nil:
				k, msg = r.res.kind, r.res.msg
			case r.passed < count:
				k, msg = kindNotRun, fmt.Sprintf("ran %d of %d times", r.passed, count)
			}
			v.Tests = append(v.Tests, TestOutcome{Name: name, Passed: k == kindPass, Message: msg})
			if k != kindPass {
				bad = append(bad, name)
			}
			if k > worst {
				worst = k
			}
		}
		v.Status = statusOf[worst]
		switch {
		case v.Status != Passed:
			v.Detail = s.summary(v, bad, worst)
		case s.after != "":
			v.Status, v.Detail = Failed, s.after
		}
		out = append(out, v)
	}
	return out
}
