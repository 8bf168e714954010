package tui

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
)

// renderVerdict explains a step's verdict as the session grouped it: the
// headline, then each test, with the values the test got in red and the
// ones it wanted in green, and file:line references to the learner's
// files made to stand out.
func renderVerdict(sr session.StepReport, width int) string {
	var b strings.Builder
	s, v := sr.Step, sr.Verdict
	files := s.Files
	switch v.Status {
	case runner.Passed:
		fmt.Fprintf(&b, "%s %s", passStyle.Render("✓ PASSED"), fmt.Sprintf("%s: all %d tests pass", s.ID, len(v.Tests)))
		for _, t := range v.Tests {
			fmt.Fprintf(&b, "\n  %s %s", passStyle.Render("✓"), t.Name)
		}
		return b.String()
	case runner.BuildError:
		fmt.Fprintf(&b, "%s %s", failStyle.Render("✗ DOES NOT COMPILE"), dimStyle.Render("(no test ran)"))
		b.WriteString("\n\n" + indent(highlight(session.CleanMessage(v.Detail), files), "  ", width))
		return b.String()
	}
	b.WriteString(indent(failStyle.Render("✗ "+strings.ToUpper(v.Status.String()))+" "+session.CleanMessage(v.Detail), "", width))
	for _, t := range v.Tests {
		if t.Passed {
			fmt.Fprintf(&b, "\n  %s %s", passStyle.Render("✓"), t.Name)
		}
	}
	for _, f := range sr.Failures {
		fmt.Fprintf(&b, "\n  %s %s", failStyle.Render("✗"), f.Name)
		if f.Message != "" {
			b.WriteString("\n" + indent(highlight(f.Message, files), "      ", width))
		}
		if len(f.Same) > 0 {
			b.WriteString("\n" + indent(fmt.Sprintf("  %s %s", failStyle.Render("✗"),
				dimStyle.Render(fmt.Sprintf("%d more failed the same way: %s", len(f.Same), strings.Join(f.Same, ", ")))), "", width))
		}
	}
	if sr.Advice != "" {
		b.WriteString("\n" + indent("  "+sr.Advice, "", width))
	}
	return b.String()
}

// indent prefixes every line of s with pre, wrapping lines longer than
// width under their own indentation (plus two spaces), so a long message
// stays visibly inside the test it belongs to.
func indent(s, pre string, width int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l == "" {
			out = append(out, "")
			continue
		}
		if ansi.StringWidth(pre+l) <= width {
			out = append(out, pre+l)
			continue
		}
		content := strings.TrimLeft(l, " ")
		lead := l[:len(l)-len(content)]
		hang := pre + lead + "  "
		wrapped := strings.Split(ansi.Wrap(content, max(width-len(hang), 20), " "), "\n")
		for j, w := range wrapped {
			if j == 0 {
				out = append(out, pre+lead+w)
			} else {
				out = append(out, hang+strings.TrimLeft(w, " "))
			}
		}
	}
	return strings.Join(out, "\n")
}

var (
	fileLineRE = regexp.MustCompile(`(?:[\w.\-]+/)*[\w.\-]+\.go:\d+(?::\d+)?`)
	// "X = 1, want 2", "got 1, want 2", "got: 1 want: 2"
	gotWantRE = regexp.MustCompile(`^(.*?(?:=|\bgot:?|\breturned))\s(.+?)(,?\s+(?:want|wanted|expected):?\s)(.+)$`)
)

// highlight colours one message, line by line.
func highlight(msg string, files []string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = highlightLine(l, files)
	}
	return strings.Join(lines, "\n")
}

func highlightLine(l string, files []string) string {
	// File references first, on the raw text; then got/want on what is
	// left of the line after the last reference.
	locs := fileLineRE.FindAllStringIndex(l, -1)
	if len(locs) == 0 {
		return gotWant(l)
	}
	var b strings.Builder
	prev := 0
	for _, loc := range locs {
		b.WriteString(l[prev:loc[0]])
		ref := l[loc[0]:loc[1]]
		if isLearnerFile(ref, files) {
			b.WriteString(mineStyle.Render(ref))
		} else {
			b.WriteString(fileStyle.Render(ref))
		}
		prev = loc[1]
	}
	b.WriteString(gotWant(l[prev:]))
	return b.String()
}

func gotWant(s string) string {
	m := gotWantRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	return m[1] + " " + gotStyle.Render(m[2]) + m[3] + wantStyle.Render(m[4])
}

// isLearnerFile reports whether a file:line reference points into one of
// the step's files (not the hidden tests, not the runtime).
func isLearnerFile(ref string, files []string) bool {
	name := ref[:strings.Index(ref, ".go:")+3]
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	for _, f := range files {
		if f == name {
			return true
		}
	}
	return false
}
