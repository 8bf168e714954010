package seqdiag

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/otpgo/otpgo/internal/actor"
)

// TextOptions shape the terminal rendering.
type TextOptions struct {
	Width int   // columns; <= 0 means 100
	Color bool  // ANSI colours (a terminal); false for a pipe
	Names Names // optional names for pids
	// Header, if set, is told which of the lines Text writes (from 0)
	// names the lanes, so a pager can keep it in sight, and key, the
	// first line of the key above it that says whose each numbered lane
	// is (line itself when the lanes are named).
	Header func(key, line int)
	// Empty says why there is no diagram when the log holds nothing to
	// draw ("this test started no process"); "" is NoEvents.
	Empty string
}

// NoEvents is why a log with nothing to draw has no diagram, when the
// caller cannot say more.
const NoEvents = "no process events were recorded"

// noDiagram is the line said instead of an empty diagram.
func noDiagram(why string) string {
	if why == "" {
		why = NoEvents
	}
	return "no diagram: " + why
}

const (
	minLabel    = 8  // a lane label cut shorter says nothing: the lanes are numbered
	maxKeyLines = 6  // of the numbered lanes' key
	timeCol     = 9  // "+123.4ms "
	minLaneCol  = 7  // narrower, and the notes column goes
	maxLaneCol  = 22 // wider wastes the notes column
	minNotes    = 30 // room for a label moved out of a narrow arrow, and the message's value
)

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[1;33m"
	ansiDim    = "\x1b[2m"
	ansiCyan   = "\x1b[36m"
	ansiBold   = "\x1b[1m"
)

// TextLegend says what Text's lines and marks mean (the page has its own,
// htmlLegend); a caller prints it once under its diagrams.
const TextLegend = "Legend: ─▶ message  ┄▶ reply/spawn/link/monitor  ═▶ DOWN/EXIT/exit signal  ↺ sent to itself  ● received  ○ flushed unread  ✖ exited  … still alive at the end  ✗ never received or answered"

// LegendLines is TextLegend in lines of at most width columns, broken
// between its entries, so that a terminal does not break one in two.
func LegendLines(width int) []string {
	var lines []string
	line := ""
	for _, e := range strings.Split(TextLegend, "  ") {
		switch {
		case line == "":
			line = e
		case len([]rune(line))+2+len([]rune(e)) <= width:
			line += "  " + e
		default:
			lines = append(lines, line)
			line = "        " + e // under the first entry, past "Legend: "
		}
	}
	return append(lines, line)
}

// Text writes log as a sequence diagram in text, one row per event,
// time going down, fitted to opt.Width: lane labels and arrow labels are
// shortened in their middle, and long runs of alike rows are elided.
func Text(w io.Writer, log actor.TraceLog, opt TextOptions) error {
	d := build(log, opt.Names)
	width := opt.Width
	if width <= 0 {
		width = 100
	}
	n := max(len(d.lanes), 1)
	col := min((width-timeCol-minNotes)/n, maxLaneCol)
	if col < minLaneCol {
		// Too many lifelines for a notes column: the lanes take it all.
		col = max((width-timeCol)/n, 3)
	}
	notesW := max(width-timeCol-n*col, 0)

	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opt.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}
	written := 0 // lines before the header
	if d.dropped > 0 {
		fmt.Fprintln(bw, paint(ansiYellow, fmt.Sprintf("… %d earlier events were dropped (the trace keeps the newest %d)", d.dropped, d.events)))
		written++
	}
	if d.fake {
		for _, l := range wrapText(FakeClockNote, width, 4) { // a pager cuts a long line
			fmt.Fprintln(bw, paint(ansiDim, l))
			written++
		}
	}
	if len(d.rows) == 0 {
		fmt.Fprintln(bw, noDiagram(opt.Empty))
		return bw.Flush()
	}

	// Too narrow for names ("P…>"): lanes are numbered, and a key above
	// says whose each number is.
	keyed := col-1 < minLabel && n > 1
	key := written
	if keyed {
		for _, l := range laneKey(d.lanes, width) {
			fmt.Fprintln(bw, l)
			written++
		}
	}

	// Header: each lane's label centred over its lifeline.
	head := make([]rune, timeCol+n*col)
	for i := range head {
		head[i] = ' '
	}
	for i, l := range d.lanes {
		label := l.label
		if keyed {
			label = strconv.Itoa(i + 1)
		}
		lab := []rune(fitLane(label, col-1))
		start := timeCol + i*col + (col-len(lab))/2
		copy(head[start:], lab)
	}
	if opt.Header != nil {
		opt.Header(key, written)
	}
	fmt.Fprintln(bw, paint(ansiBold, clipRunes(strings.TrimRight(string(head), " "), width)))

	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true // a lane exists from its first row; before it, it is blank
	}
	born := make([]bool, n)
	line := make([]rune, timeCol+n*col)
	for _, r := range d.rows {
		born[r.from], born[r.to] = true, true
		lifelines(line, born, alive, col)
		if r.style != styleElided {
			copy(line, []rune(fmt.Sprintf("%8s ", "+"+roundDur(r.at))))
		}
		code := ""
		switch r.style {
		case styleSignal:
			code = ansiRed
		case styleReply:
			code = ansiCyan
		case styleControl, styleElided:
			code = ansiDim
		}
		if r.lost {
			code = ansiYellow
		}
		note := r.note
		elided := ""
		switch {
		case r.style == styleElided:
			// Over the lifelines, and on into the notes column: it has no note.
			lab := []rune(elide(fmt.Sprintf("⋮ %d more %s", r.elided, r.label), width-timeCol))
			ext := []rune(string(line) + strings.Repeat(" ", max(timeCol+len(lab)-len(line), 0)))
			copy(ext[timeCol:], lab)
			elided = strings.TrimRight(string(ext), " ")
		case r.from == r.to:
			c := center(r.from, col)
			mark := '●'
			switch {
			case r.end:
				mark = '✖'
			case r.alive:
				mark = '…'
			case r.flushed:
				mark = '○'
			case r.lost && r.style == styleMark:
				mark = '✗' // a call that timed out
			case r.style != styleMark:
				mark = '↺' // a process sending to itself
			}
			line[c] = mark
			// The mark's label goes right of the lifeline, up to the next
			// one; what does not fit moves to the notes.
			room := col - 2
			if r.from == n-1 {
				room = col - col/2 - 2
			}
			lab := []rune(r.label)
			if room >= 4 && len([]rune(r.label)) <= room {
				copy(line[c+2:], lab)
			} else {
				note = strings.TrimSpace(r.label + " " + note)
			}
		default:
			if !drawArrow(line, r, col) {
				note = strings.TrimSpace(r.label + " " + note)
			}
		}
		if r.lost {
			note = "✗ " + note
		}
		if r.end {
			alive[r.from] = false
		}
		text := strings.TrimRight(string(line), " ")
		if elided != "" {
			text = elided
		}
		// A note runs on below its row, beside the lifelines (or under
		// them, when there is no notes column), rather than being cut:
		// the reason a process exited is often its last words.
		var more []string
		switch {
		case note == "":
		case notesW > 10:
			parts := wrapText(note, notesW-1, noteLines)
			text += strings.Repeat(" ", len(line)-len([]rune(text))) + " " + parts[0]
			for _, p := range parts[1:] {
				more = append(more, string(lifelines(line, born, alive, col))+" "+p)
			}
		default:
			for i, p := range wrapText(note, width-timeCol-2, noteLines) {
				lead := "↳ "
				if i > 0 {
					lead = "  "
				}
				more = append(more, strings.Repeat(" ", timeCol)+lead+p)
			}
		}
		fmt.Fprintln(bw, paint(code, clipRunes(text, width)))
		for _, m := range more {
			fmt.Fprintln(bw, paint(code, clipRunes(m, width)))
		}
	}
	return bw.Flush()
}

// noteLines bounds the lines one note takes.
const noteLines = 4

// lifelines fills line with the lifelines alone: a row's background, and
// a note's continuation.
func lifelines(line []rune, born, alive []bool, col int) []rune {
	for i := range line {
		line[i] = ' '
	}
	for i := range born {
		if born[i] && alive[i] {
			line[center(i, col)] = '│'
		}
	}
	return line
}

// wrapText breaks s into lines of at most w runes, at spaces where it
// can, and at most maxLines of them (the last cut with "…").
func wrapText(s string, w, maxLines int) []string {
	w = max(w, 2)
	var lines []string
	r := []rune(s)
	for len(r) > 0 {
		if len(lines) == maxLines-1 {
			lines = append(lines, cutEnd(string(r), w))
			break
		}
		if len(r) <= w {
			lines = append(lines, string(r))
			break
		}
		cut := w
		for i := w; i > 0; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		lines = append(lines, strings.TrimRight(string(r[:cut]), " "))
		r = []rune(strings.TrimLeft(string(r[cut:]), " "))
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

func center(i, col int) int { return timeCol + i*col + col/2 }

// drawArrow draws r's arrow between two lifelines on line, with its label
// in the middle of the shaft; it reports false if the label had to be
// shortened (the caller then shows it whole in the notes).
func drawArrow(line []rune, r row, col int) bool {
	a, b := center(r.from, col), center(r.to, col)
	shaft := '─'
	switch r.style {
	case styleSignal:
		shaft = '═'
	case styleReply, styleControl:
		shaft = '┄'
	}
	lo, hi := min(a, b), max(a, b)
	for x := lo + 1; x < hi; x++ {
		line[x] = shaft
	}
	if b > a {
		line[b-1] = '▶'
	} else {
		line[b+1] = '◀'
	}
	room := hi - lo - 4
	if room < 6 { // a label of one or two letters says nothing
		return false
	}
	lab := []rune(" " + fitLabel(r.label, room-2) + " ")
	start := lo + 1 + (hi-lo-1-len(lab))/2
	copy(line[start:], lab)
	return len([]rune(r.label)) <= room-2
}

// clipRunes cuts s to n runes (the lane labels and lines are built to
// fit; this is the guarantee).
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// cutEnd shortens s to n runes by cutting its end: a note's start (the
// label, "✗ never received") matters most.
func cutEnd(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// laneKey says whose each numbered lane is: "Lanes: 1 test <0.1> · 2–21
// ParallelEach <0.2>…<0.21>", a run of lanes of one role (a process per
// item) in one entry; in lines of width, broken between entries, at most
// maxKeyLines of them.
func laneKey(lanes []lane, width int) []string {
	role := func(l lane) string {
		if r, ok := strings.CutSuffix(l.label, " "+pidText(l.pid)); ok && l.pid != 0 {
			return r
		}
		return ""
	}
	var parts []string
	for i := 0; i < len(lanes); {
		j := i
		for r := role(lanes[i]); r != "" && j+1 < len(lanes) && role(lanes[j+1]) == r; {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d %s %s…%s", i+1, j+1, role(lanes[i]), pidText(lanes[i].pid), pidText(lanes[j].pid)))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", i+1, lanes[i].label))
		}
		i = j + 1
	}
	var lines []string
	line := "Lanes:"
	for _, p := range parts {
		if len([]rune(line))+1+len([]rune(p)) > width && line != "Lanes:" && strings.TrimSpace(line) != "" {
			lines = append(lines, line)
			line = "      "
		}
		if strings.TrimSpace(line) != "" && line != "Lanes:" {
			line += " ·"
		}
		line += " " + p
	}
	lines = append(lines, line)
	if len(lines) > maxKeyLines {
		lines = append(lines[:maxKeyLines-1], "       …")
	}
	for i, l := range lines {
		lines[i] = clipRunes(l, width)
	}
	return lines
}
