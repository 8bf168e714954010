package runner

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Build advice: the compiler's messages, shown at the learner's lines.

var (
	undefinedRE  = regexp.MustCompile(`^hidden test \S+: undefined: (\w+)`)
	redeclaredRE = regexp.MustCompile(`: (\w+) redeclared in this block`)
)

// buildDetail is the Detail of a BuildError: the compiler's (or vet's)
// messages with the learner's paths, and what to do when the hidden tests
// are the ones that don't compile.
func buildDetail(iv *invocation, dir string) string {
	lines := iv.build
	if len(lines) == 0 {
		lines = []string{"go test reported a build failure without a message"}
	}
	var b strings.Builder
	if iv.vet {
		b.WriteString("go vet (which go test runs first) reported:\n")
	}
	b.WriteString(strings.Join(lines, "\n"))
	var names, clashes []string
	hidden := false
	for i, l := range lines {
		// The compiler reports a clash at the later file and names the
		// other on the next line; either may be the hidden test.
		if m := redeclaredRE.FindStringSubmatch(l); m != nil && !slices.Contains(clashes, m[1]) &&
			(strings.HasPrefix(l, "hidden test ") || i+1 < len(lines) && strings.Contains(lines[i+1], "hidden test ")) {
			clashes = append(clashes, m[1])
		}
		if strings.HasPrefix(l, "hidden test ") {
			hidden = true
			if m := undefinedRE.FindStringSubmatch(l); m != nil && !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	switch {
	case len(clashes) > 0:
		// A clash breaks the hidden tests' uses of the name too: those
		// errors follow from it, so the rename is the whole advice.
		fmt.Fprintf(&b, "\n\nThe hidden tests also declare %s: rename yours in %s (any name not starting with %s is free).", strings.Join(clashes, ", "), dir, strings.Join(HiddenNamePrefixes, " or "))
	case len(names) > 0:
		fmt.Fprintf(&b, "\n\nThe hidden tests use %s, which %s does not define. Keep the names and signatures the skeleton gave you.", strings.Join(names, ", "), dir)
	case hidden:
		fmt.Fprintf(&b, "\n\nThe hidden tests don't compile against %s: its exported names or signatures differ from the skeleton's.", dir)
	}
	return b.String()
}
