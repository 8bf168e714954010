package present

import (
	"fmt"
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"
)

// Style names a way to render markdown.
type Style string

// The styles: a reader's on a dark or light terminal, a projector's
// (brighter text, bolder headings), and plain text for pipes and files.
const (
	Dark      Style = "dark"
	Light     Style = "light"
	Projector Style = "projector"
	Plain     Style = "plain"
)

// TabWidth is how many spaces a tab in code becomes. Renderers measure a
// tab as one cell while the terminal draws up to eight, so a line with
// tabs, padded to the width, overflows and the terminal wraps it: the
// stray blank line after every indented line of code.
const TabWidth = 4

// ParseStyle maps a name to a Style; "" and unknown names are Dark, and
// glamour's "notty"/"ascii" are Plain.
func ParseStyle(name string) Style {
	switch name {
	case "light":
		return Light
	case "projector":
		return Projector
	case "plain", "notty", "ascii":
		return Plain
	}
	return Dark
}

// config is the glamour style for s: glamour's own, without the "## "
// markers it puts before headings, which read as stray markdown.
func (s Style) config() ansi.StyleConfig {
	var c ansi.StyleConfig
	switch s {
	case Light:
		c = styles.LightStyleConfig
	default:
		c = styles.DarkStyleConfig
	}
	for _, h := range []*ansi.StyleBlock{&c.H2, &c.H3, &c.H4, &c.H5, &c.H6} {
		h.Prefix = ""
	}
	if s == Plain {
		// The dark style, colours stripped after rendering: no markdown
		// markers, no padding around code spans.
		c.H1.Prefix, c.H1.Suffix = "", ""
		c.Code.Prefix, c.Code.Suffix = "", ""
		c.CodeBlock.Chroma, c.CodeBlock.Theme = nil, "" // no highlighting to strip
	}
	if s == Projector {
		// Full-brightness text and headings: a projector washes out
		// greys, and a room reads from meters away.
		c.Document.Color = ptr("15")
		c.Document.Margin = ptr(uint(1))
		c.Heading.Color = ptr("14")
		c.H3.Color = ptr("11")
		c.Code.Color = ptr("11")
		c.Code.BackgroundColor = nil
		c.Code.Bold = ptr(true)
		c.CodeBlock.Margin = ptr(uint(1))
		// A theme of its own: glamour registers its "charm" chroma theme
		// once per process, from whichever style renders first.
		c.CodeBlock.Chroma, c.CodeBlock.Theme = nil, "monokai"
		c.Strong.Color = ptr("15")
		c.Item.Color = ptr("15")
		c.Enumeration.Color = ptr("15")
		c.Link.Color = ptr("14")
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// Render renders md at width cells in style s. Code blocks are never
// wrapped: a line wider than width stays one line (the caller scrolls or
// cuts it visibly). Plain output has no escape codes and no trailing
// spaces.
func Render(md string, width int, s Style) (string, error) {
	cfg := s.config()
	prose, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithWordWrap(width))
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	// glamour wraps code at the word-wrap width too, mid-token: code
	// blocks are rendered on their own, unwrapped.
	code, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithWordWrap(0))
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	var b strings.Builder
	for _, seg := range splitFences(ExpandTabs(md)) {
		r := prose
		if seg.code {
			r = code
		} else {
			seg.text = protectSpans(joinListLines(seg.text))
		}
		if strings.TrimSpace(seg.text) == "" {
			continue
		}
		out, err := r.Render(seg.text)
		if err != nil {
			return "", fmt.Errorf("render markdown: %w", err)
		}
		// One blank line between segments: each rendering brings its own
		// blank (or space-padded) lines around it.
		out = strings.Join(dropBlankEdges(strings.Split(strings.NewReplacer(nbHyphen, "-", nbSpace, " ").Replace(out), "\n")), "\n")
		if seg.code {
			out = trimRight(out) // unwrapped code is padded to its longest line
			out = indentLines(out, seg.indent)
		}
		b.WriteString(out + "\n\n")
	}
	out := strings.TrimRight(b.String(), "\n") + "\n"
	if s == Plain {
		out = trimLines(xansi.Strip(out))
	}
	return out, nil
}

// segment is a run of prose, or one fenced code block.
type segment struct {
	text   string
	code   bool
	indent string // a fence inside a list item keeps its indentation
}

// splitFences cuts md into prose and fenced code blocks, in order; an
// unclosed fence runs to the end.
func splitFences(md string) []segment {
	var out []segment
	var cur strings.Builder
	flush := func(code bool, indent string) {
		out = append(out, segment{text: cur.String(), code: code, indent: indent})
		cur.Reset()
	}
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimLeft(l, " ")
		if !strings.HasPrefix(t, "```") {
			cur.WriteString(l + "\n")
			continue
		}
		flush(false, "")
		indent := l[:len(l)-len(t)]
		cur.WriteString(t + "\n")
		for i++; i < len(lines); i++ {
			c := strings.TrimPrefix(lines[i], indent)
			cur.WriteString(c + "\n")
			if strings.HasPrefix(strings.TrimSpace(c), "```") {
				break
			}
		}
		flush(true, indent)
	}
	flush(false, "")
	return out
}

// trimRight drops trailing spaces from each line, keeping escape codes.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		// The padding glamour adds is plain spaces, possibly wrapped in
		// colour codes: cut at the last visible non-space cell.
		w := xansi.StringWidth(strings.TrimRight(xansi.Strip(l), " "))
		lines[i] = xansi.Truncate(l, w, "")
	}
	return strings.Join(lines, "\n")
}

func indentLines(s, indent string) string {
	if indent == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = indent + l
	}
	return strings.Join(lines, "\n")
}

// ExpandTabs replaces each tab at the start of a line of a fenced code
// block with TabWidth spaces (see TabWidth); other text is kept as is.
func ExpandTabs(md string) string {
	if !strings.Contains(md, "\t") {
		return md
	}
	lines := strings.Split(md, "\n")
	inFence := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			lines[i] = strings.ReplaceAll(l, "\t", strings.Repeat(" ", TabWidth))
		}
	}
	return strings.Join(lines, "\n")
}

// trimLines drops trailing spaces (glamour pads to the width) and runs of
// more than one blank line.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimLeft(strings.Join(out, "\n"), "\n")
}

// joinListLines joins the continuation lines of each list item into one
// line: glamour keeps a list item's line breaks as hard breaks, which
// leaves short ragged lines once it wraps the item again.
func joinListLines(md string) string {
	lines := strings.Split(md, "\n")
	out := lines[:0]
	inItem := false
	for _, l := range lines {
		t := strings.TrimLeft(l, " ")
		switch {
		case t == "":
			inItem = false
		case isListItem(t):
			inItem = true
		case inItem && len(t) < len(l) && len(out) > 0:
			out[len(out)-1] += " " + t
			continue
		default:
			inItem = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// isListItem reports whether a line (without its indentation) starts a
// list item: "- ", "* ", "+ " or "12. ".
func isListItem(t string) bool {
	if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "+ ") {
		return true
	}
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' '
}

// nbHyphen stands in for "-" inside code spans while glamour wraps: its
// wrapper always breaks after a hyphen, which cut `-race` into "-" and
// "race". Render puts the hyphens back.
const nbHyphen = "\u2011"

// nbSpace stands in for a space inside code spans while glamour wraps,
// which broke `otpgo check 04` and `Intensity{MaxRestarts: 2, Within:
// time.Minute}` across lines on the projector. Render puts the spaces
// back: a command copied from the screen must hold plain spaces.
const nbSpace = "\u00a0"

// protectSpans replaces the hyphens and spaces inside code spans with
// nbHyphen and nbSpace. A span may cross a line break in its paragraph
// (it reads as a space), not a blank line.
func protectSpans(md string) string {
	if !strings.Contains(md, "`") {
		return md
	}
	rs := []rune(md)
	var b strings.Builder
	in := false
	for i, r := range rs {
		switch {
		case r == '`':
			in = !in
		case r == '\n' && in && i+1 < len(rs) && rs[i+1] == '\n':
			in = false // a blank line ends the paragraph, and any span left open
		case r == '\n' && i > 0 && rs[i-1] == '\n':
			in = false
		case in && r == '-':
			b.WriteString(nbHyphen)
			continue
		case in && (r == ' ' || r == '\n'):
			b.WriteString(nbSpace)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
