package check

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/mutant"
	"github.com/otpgo/otpgo/internal/runner"
)

// mutantTree is where, in verify's mirror, each mutant is written as a
// package of its own: <tree>/<dir>/<step ID>/<name>/, the step's
// checkpoint with the mistake applied. The "_" keeps `go build ./...` away.
const mutantTree = "_otpgo_mutants"

func mutantDir(s *catalog.Step, m *mutant.Mutant) string {
	return path.Join(mutantTree, s.Chapter.Dir, s.ID, m.Name)
}

// verifyMutant grades mutant m of step s: its tests (or the mutant's own
// choice of them) on the mutant's package in the mirror, count 1.
func (g *Grader) verifyMutant(ctx context.Context, s *catalog.Step, m *mutant.Mutant, opts VerifyOptions) (MutantResult, error) {
	res := MutantResult{Mutant: m.ID(), Mistake: m.Mistake}
	if m.Race && !opts.Race {
		res.OK, res.Skipped = true, "a data race: it needs the race detector, which is off"
		return res, nil
	}
	hidden, err := hiddenTests(g.FS, s.Chapter)
	if err != nil {
		return res, err
	}
	run := *s
	if len(m.Tests) > 0 {
		run.Tests = append(slices.Clone(m.Tests), m.Pass...)
	}
	start := time.Now()
	vs, err := g.run(ctx, g.request(mutantDir(s, m), hidden, []*catalog.Step{&run}, Options{Race: opts.Race, Count: 1}))
	if err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	res.Status = vs[0].Status
	res.Problem = judgeMutant(m, vs[0])
	res.OK = res.Problem == ""
	return res, nil
}

// judgeMutant says why verdict v does not reject mutant m as it must: ""
// when the run failed (or stopped the build, for a build mutant) with
// every expected phrase, the mutant's tests failing and its pass tests
// passing.
func judgeMutant(m *mutant.Mutant, v runner.Verdict) string {
	switch {
	case v.Status == runner.Passed:
		return "PASSES the tests: nothing catches this mistake"
	case m.Build && v.Status != runner.BuildError:
		return fmt.Sprintf("was meant to stop the build, but it compiled (the tests %s)", v.Status)
	case !m.Build && v.Status == runner.BuildError:
		return "does not compile, so it proves nothing about the tests: " + firstLine(v.Detail)
	}
	outcome := map[string]runner.TestOutcome{}
	var failure strings.Builder
	for _, t := range v.Tests {
		outcome[t.Name] = t
		if !t.Passed {
			failure.WriteString(t.Message + "\n")
		}
	}
	failure.WriteString(v.Detail)
	var problems []string
	for _, name := range m.Tests {
		if t, ok := outcome[name]; ok && t.Passed {
			problems = append(problems, name+" passed")
		}
	}
	for _, name := range m.Pass {
		if t, ok := outcome[name]; !ok || !t.Passed {
			problems = append(problems, fmt.Sprintf("%s failed, though the mistake is not its to catch: %s", name, firstLine(t.Message)))
		}
	}
	var missing []string
	for _, e := range m.Expect {
		if !mutant.Says(failure.String(), e) {
			missing = append(missing, fmt.Sprintf("%q", e))
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("%s without saying %s; the learner saw:\n%s", v.Status, strings.Join(missing, " or "), excerpt(failure.String(), 8)))
	}
	return strings.Join(problems, "; ")
}

// excerpt is the first n non-blank lines of s.
func excerpt(s string, n int) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(out) == n {
			out = append(out, "...")
			break
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
