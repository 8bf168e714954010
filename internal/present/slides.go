// Package present renders lessons: markdown for a terminal or a pipe
// (Render), a pager for `otpgo lesson show`, and the full-screen
// presentation of `otpgo present`, one slide per section.
package present

import (
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
)

// Slide is one screen of a presentation.
type Slide struct {
	Title string // the section's heading, without the #s
	Body  string // markdown under the heading
	Step  *catalog.Step
}

// maxLessonBytes bounds what Split reads: a lesson is a few tens of kB.
const maxLessonBytes = 1 << 20

// Split cuts a lesson into slides: a new slide at each level-1 or level-2
// heading, and at a line holding only "---" (a break inside a section,
// which keeps the section's title). Headings and rules inside fenced code
// do not count. A slide whose heading names a step ID ("Step 02.1: ...")
// belongs to that step, and so do the breaks after it.
func Split(lesson string, steps []*catalog.Step) []Slide {
	if len(lesson) > maxLessonBytes {
		lesson = lesson[:maxLessonBytes]
	}
	var slides []Slide
	cur := Slide{}
	var body strings.Builder
	flush := func() {
		cur.Body = strings.Trim(body.String(), "\n")
		body.Reset()
		if cur.Title != "" || strings.TrimSpace(cur.Body) != "" {
			slides = append(slides, cur)
		}
	}
	inFence := false
	for _, l := range strings.Split(lesson, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") {
			inFence = !inFence
		}
		switch {
		case inFence:
		case strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "## "):
			flush()
			cur = Slide{Title: strings.TrimSpace(strings.TrimLeft(l, "#")), Step: stepNamed(l, steps)}
			continue
		case t == "---":
			flush()
			cur = Slide{Title: cur.Title, Step: cur.Step}
			continue
		}
		body.WriteString(l + "\n")
	}
	flush()
	return slides
}

// stepNamed is the step whose ID the heading names, if any.
func stepNamed(heading string, steps []*catalog.Step) *catalog.Step {
	for _, s := range steps {
		if catalog.MentionsStep(heading, s.ID) {
			return s
		}
	}
	return nil
}
