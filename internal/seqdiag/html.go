package seqdiag

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/otpgo/otpgo/internal/actor"
)

// SVG geometry, in pixels.
const (
	svgLane   = 180
	svgRow    = 24
	svgHead   = 48
	svgLeft   = 70 // the time column
	svgNotes  = 440
	svgMargin = 16

	svgLabel     = 22 // characters of a label that fit beside a lifeline (12px monospace)
	svgLastLabel = 11 // beside the last lifeline, before the notes
	svgNoteChars = 60 // and of a note in its column
)

// Section is one diagram of a page: a heading and a trace.
type Section struct {
	Title  string
	Detail string // under the title: what a failing test said
	Log    actor.TraceLog
	Names  Names
	Empty  string // why there is no diagram when Log has nothing to draw, as TextOptions.Empty
}

// HTML writes the sections as a self-contained page: inline CSS and one
// inline SVG per section, no script and nothing fetched from the network.
// Each lifeline is an SVG <line class="lifeline">, so the page can be
// checked by counting.
func HTML(w io.Writer, title string, sections []Section) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>%s</title>
<style>
body{font:14px system-ui,sans-serif;margin:1em;background:#fff;color:#222}
svg text{font:12px ui-monospace,monospace}
.lifeline{stroke:#888;stroke-dasharray:4 3}
.lane-box{fill:#eef3fb;stroke:#5b7bb5}
.msg{stroke:#222}.signal{stroke:#c0392b;stroke-width:2.5}.reply{stroke:#1f77b4;stroke-dasharray:6 3}
.control{stroke:#999;stroke-dasharray:2 3}.lost{stroke:#e67e22;stroke-width:2}
.t{fill:#777}.note{fill:#555}.lostnote{fill:#d35400;font-weight:bold}.signaltext{fill:#c0392b}
.legend{color:#555;font-size:13px}.detail{font-family:ui-monospace,monospace;color:#c0392b;white-space:pre-wrap}.exit{fill:#c0392b}.mark{fill:#222}circle.flushed{fill:#fff;stroke:#d35400;stroke-width:2}text.flushed{fill:#d35400}.elided{fill:#999;font-style:italic}circle.alive{fill:#fff;stroke:#2c7a2c;stroke-width:2;stroke-dasharray:2 2}text.alive{fill:#2c7a2c}circle.self{fill:#fff;stroke:#222;stroke-width:2}circle.gaveup{fill:#fff;stroke:#d35400;stroke-width:2}text.gaveup{fill:#d35400;font-weight:bold}.scroll{overflow-x:auto}
</style></head><body>
<h1>%s</h1>
`, html.EscapeString(title), html.EscapeString(title))
	for _, s := range sections {
		fmt.Fprintf(bw, "<section>\n<h2>%s</h2>\n", html.EscapeString(s.Title))
		if s.Detail != "" {
			fmt.Fprintf(bw, "<p class=\"detail\">%s</p>\n", html.EscapeString(s.Detail))
		}
		writeSVG(bw, build(s.Log, s.Names), s.Empty)
		bw.WriteString("</section>\n")
	}
	bw.WriteString(htmlLegend)
	bw.WriteString("</body></html>\n")
	return bw.Flush()
}

// htmlLegend says what the drawing's lines and marks mean, as the
// terminal's legend line does.
const htmlLegend = `<p class="legend">Time goes down. Black arrow: a message; dashed: a reply, spawn, link or monitor;
thick red: DOWN, EXIT or an exit signal (kill); orange, with ✗: never received. On a lifeline: ● received (or started),
○ flushed unread, red ●: exited, dashed green ○: still alive when the trace was written, hollow ○ with ↺: sent to itself,
orange ○: a call that timed out (never answered).</p>
`

func writeSVG(bw *bufio.Writer, d diagram, empty string) {
	if len(d.rows) == 0 {
		bw.WriteString("<p>" + html.EscapeString(noDiagram(empty)) + "</p>\n")
		return
	}
	n := len(d.lanes)
	width := svgLeft + n*svgLane + svgNotes
	height := svgHead + (len(d.rows)+1)*svgRow + svgMargin
	x := func(i int) int { return svgLeft + i*svgLane + svgLane/2 }
	y := func(r int) int { return svgHead + (r+1)*svgRow }

	if d.fake {
		fmt.Fprintf(bw, "<p class=\"detail\">%s</p>\n", html.EscapeString(FakeClockNote))
	}
	if d.dropped > 0 {
		fmt.Fprintf(bw, "<p>%d earlier events were dropped (the trace keeps the newest %d).</p>\n", d.dropped, d.events)
	}
	// It shrinks to the window, down to 70% (text still readable on a
	// projector), and scrolls sideways past that.
	fmt.Fprintf(bw, `<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" style="width:100%%;max-width:%dpx;min-width:%dpx;height:auto">
<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>
`, width, height, width, height, width, width*7/10)

	// Lifelines run from a lane's first row to its exit (or the end).
	first := make([]int, n)
	last := make([]int, n)
	for i := range n {
		first[i], last[i] = -1, len(d.rows)
	}
	for ri, r := range d.rows {
		for _, l := range []int{r.from, r.to} {
			if first[l] < 0 {
				first[l] = ri
			}
		}
		if r.end {
			last[r.from] = ri
		}
	}
	for i, l := range d.lanes {
		// The <title> shows the whole name when a pointer rests on a cut one.
		fmt.Fprintf(bw, `<g class="lane" data-pid="%d"><title>%s</title><rect class="lane-box" x="%d" y="8" width="%d" height="28" rx="4"/>`+
			`<text x="%d" y="27" text-anchor="middle">%s</text>`+
			`<line class="lifeline" x1="%d" y1="%d" x2="%d" y2="%d"/></g>`+"\n",
			l.pid, html.EscapeString(l.label), x(i)-svgLane/2+8, svgLane-16, x(i), html.EscapeString(fitLane(l.label, 22)),
			x(i), max(y(first[i])-svgRow/2, svgHead-12), x(i), y(last[i]))
	}
	for ri, r := range d.rows {
		yy := y(ri)
		if r.style != styleElided {
			fmt.Fprintf(bw, `<text class="t" x="4" y="%d">+%s</text>`, yy+4, html.EscapeString(roundDur(r.at)))
		}
		note := r.note
		switch {
		case r.style == styleElided:
			fmt.Fprintf(bw, `<text class="elided" x="%d" y="%d">⋮ %d more %s</text>`, x(min(r.from, r.to)), yy+4, r.elided, html.EscapeString(r.label))
		case r.from == r.to:
			room := svgLabel
			if r.from == n-1 {
				room = svgLastLabel // the notes column starts half a lane away
			}
			cls, label := "mark", r.label
			switch {
			case r.end:
				cls = "exit"
			case r.flushed:
				cls = "flushed"
			case r.alive:
				cls = "alive"
			case r.lost && r.style == styleMark:
				cls = "gaveup" // a call that timed out
			case r.style != styleMark:
				// A message to itself: not a receive, which ● means.
				cls, label = "self", "↺ "+r.label
				if r.lost {
					cls = "self gaveup"
				}
			}
			fmt.Fprintf(bw, `<circle class="%s" cx="%d" cy="%d" r="4"/>`, cls, x(r.from), yy)
			if len([]rune(label)) <= room {
				fmt.Fprintf(bw, `<text class="%s" x="%d" y="%d">%s</text>`, cls, x(r.from)+8, yy+4, html.EscapeString(label))
			} else {
				// As in the terminal: a label cut short reads wrong
				// ("exit …rpose"), so it moves whole to the notes.
				note = strings.TrimSpace(r.label + " " + note)
			}
		default:
			cls := map[Style]string{styleMessage: "msg", styleSignal: "signal", styleReply: "reply", styleControl: "control"}[r.style]
			if r.lost {
				cls += " lost"
			}
			x1, x2 := x(r.from), x(r.to)
			fmt.Fprintf(bw, `<line class="arrow %s" x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#head)"/>`, cls, x1, yy, x2, yy)
			tcls := ""
			if r.style == styleSignal {
				tcls = ` class="signaltext"`
			}
			fmt.Fprintf(bw, `<text%s x="%d" y="%d" text-anchor="middle">%s</text>`, tcls, (x1+x2)/2, yy-4, html.EscapeString(fitLabel(r.label, svgLabel)))
			if len([]rune(r.label)) > svgLabel {
				note = strings.TrimSpace(r.label + " " + note)
			}
		}
		if note != "" {
			cls := "note"
			if r.lost {
				cls, note = "lostnote", "✗ "+note
			}
			fmt.Fprintf(bw, `<text class="%s" x="%d" y="%d">%s</text>`, cls, svgLeft+n*svgLane+8, yy+4, html.EscapeString(cutEnd(note, svgNoteChars)))
		}
		bw.WriteString("\n")
	}
	bw.WriteString("</svg></div>\n")
}
