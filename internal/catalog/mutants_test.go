package catalog_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
)

// aa2Mutant is a mutant of aa.2 against its checkpoint, where two.go is
// "package aa // aa.2 done".
const aa2Mutant = `mistake: the comment says the wrong step
expect: aa.2
test: TestTwo
--- two.go
+++ two.go
@@ -1 +1 @@
-package aa // aa.2 done
+package aa // aa.1 done
`

func TestMutantsLoadOntoTheirStep(t *testing.T) {
	m := sharedFixture()
	m["solutions/aa_pkg/_mutants/aa.2/wrong-step.diff"] = &fstest.MapFile{Data: []byte(aa2Mutant)}
	c, err := catalog.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.Step("aa.2")
	if len(s.Mutants) != 1 || s.Mutants[0].ID() != "aa.2/wrong-step" || s.Mutants[0].Mistake != "the comment says the wrong step" {
		t.Fatalf("aa.2's mutants = %+v", s.Mutants)
	}
}

func TestMutantValidation(t *testing.T) {
	cases := []struct {
		name, file, data, contains string
	}{
		{"moved spot", "solutions/aa_pkg/_mutants/aa.3/moved.diff", aa2Mutant, "does not apply to checkpoint aa.3"},
		{"no step", "solutions/aa_pkg/_mutants/aa.9/x.diff", aa2Mutant, "aa.9 is not a step of chapter aa"},
		{"not a diff", "solutions/aa_pkg/_mutants/aa.2/notes.txt", "x", "not a mutant"},
		{"bad header", "solutions/aa_pkg/_mutants/aa.2/x.diff", "expect: e\n--- two.go\n+++ two.go\n@@ @@\n-a\n+b\n", `no "mistake:"`},
		{"unknown test", "solutions/aa_pkg/_mutants/aa.2/x.diff", strings.Replace(aa2Mutant, "TestTwo", "TestNope", 1), "TestNope is not one of step aa.2's tests"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := sharedFixture()
			m[tc.file] = &fstest.MapFile{Data: []byte(tc.data)}
			requireProblem(t, m, tc.file, tc.contains)
		})
	}
}

// TestEveryGradedStepHasMutants: the shipped course keeps at least three
// committed mistakes per graded step, so verify proves each step's tests
// against mistakes, not only against the skeleton.
func TestEveryGradedStepHasMutants(t *testing.T) {
	c, err := catalog.Load(otpgo.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Steps() {
		if s.Gradable() && len(s.Mutants) < 3 {
			t.Errorf("step %s has %d mutants; write at least 3 in solutions/%s/_mutants/%s/ (docs/CONTRACTS.md)", s.ID, len(s.Mutants), s.Chapter.Dir, s.ID)
		}
	}
}
