// Package seqdiag draws a trace of actor events (actor.TraceLog) as a
// sequence diagram: one lifeline per process, time going down, an arrow
// per message labelled with its type, DOWN and EXIT drawn apart, calls
// paired with their replies, and messages that were never received
// marked. Text renders it for a terminal or a pipe, HTML as a
// self-contained page with an inline SVG. The trace file format (JSON
// lines) and the hooks a test binary uses to write it live here too.
package seqdiag

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/runner"
)

// Style is how a row is drawn.
type Style uint8

const (
	styleMessage Style = iota // a send or a call
	styleSignal               // DOWN or EXIT: a process's death reaching another
	styleReply                // a call's reply
	styleControl              // spawn, link, monitor, restart
	styleMark                 // something on one lifeline: receive, exit, drop, timer
	styleElided               // "N more alike"
)

// lane is one lifeline.
type lane struct {
	pid   uint64
	label string
}

// row is one line of the diagram.
type row struct {
	at       time.Duration
	style    Style
	from, to int    // lane indexes; to == from for a mark
	label    string // on the arrow or the mark
	note     string // in the notes column
	lost     bool   // a message never received, or a call never answered
	end      bool   // the lifeline ends here (exit)
	flushed  bool   // a mark: a message thrown away unread (demonitor's flush)
	key      string // rows with equal keys in a row form a run that may be elided
	elided   int    // styleElided: how many rows were left out
	alive    bool   // the process was still alive at the end
	eventSeq uint64
}

type diagram struct {
	lanes   []lane
	rows    []row
	dropped uint64
	events  int
	fake    bool // some times are a testing/synctest bubble's fake clock
}

// runKeep is how many rows of a long run of alike rows are kept at each
// end; the middle becomes one "N more alike" row.
const runKeep = 2

// Names maps pids to the names a diagram shows for them (a role in the
// test, say), ahead of registered names and kinds.
type Names map[uint64]string

// FakeClockNote explains the times of a test that runs in a
// testing/synctest bubble, which Text and HTML print above its diagram.
const FakeClockNote = "Times are the test's fake clock (testing/synctest): it stands still while processes run and jumps only when all of them wait, so work between waits shows no time."

func build(log actor.TraceLog, names Names) diagram {
	d := diagram{dropped: log.Dropped, events: len(log.Events)}
	index := make(map[uint64]int)
	kinds := make(map[uint64]string)
	regs := make(map[uint64]string)
	roles := make(map[uint64]string)         // from the function a process runs
	childIDs := make(map[uint64]string)      // a supervisor's id for its child
	fate := make(map[uint64]actor.TraceKind) // message ids: TraceReceive, TraceDrop, or 0 if neither
	leftover := make(map[uint64]bool)        // message ids the hidden test found left in a mailbox
	replied := make(map[uint64]bool)         // call ids answered
	callNo := make(map[uint64]int)
	for _, ev := range log.Events {
		d.fake = d.fake || ev.FakeClock
		switch ev.Kind {
		case actor.TraceSpawn:
			kinds[ev.PID] = ev.Type
			roles[ev.PID] = role(ev.Site)
			if ev.Name != "" {
				regs[ev.PID] = ev.Name
			}
		case actor.TraceRegister:
			regs[ev.PID] = ev.Name
		case actor.TraceChild:
			childIDs[ev.Peer] = ev.Name
		case actor.TraceReceive, actor.TraceDrop:
			fate[ev.Msg] = ev.Kind
			if leftoverCheck(ev.Site) {
				leftover[ev.Msg] = true
			}
		case actor.TraceReply:
			if !callTimedOut(ev) {
				replied[ev.Msg] = true
			}
		case actor.TraceCall:
			callNo[ev.Msg] = len(callNo) + 1
		}
	}
	laneOf := func(pid uint64) int {
		if i, ok := index[pid]; ok {
			return i
		}
		label := names[pid]
		switch {
		case label != "":
		case pid == 0:
			label = "(not a process)"
		case regs[pid] != "":
			label = regs[pid]
		case childIDs[pid] != "":
			label = childIDs[pid] + " " + pidText(pid) // as the supervisor and the observer name it
		case kinds[pid] != "" && kinds[pid] != "process":
			label = kinds[pid] + " " + pidText(pid)
		case roles[pid] != "":
			label = roles[pid] + " " + pidText(pid)
		default:
			label = pidText(pid)
		}
		index[pid] = len(d.lanes)
		d.lanes = append(d.lanes, lane{pid: pid, label: label})
		return index[pid]
	}
	// Real-clock times count from the first event: a trace starts as the
	// test binary does, and what ran before the test (another run of it
	// in a child, say) is not the learner's time. A fake clock's times
	// are the test's own already.
	var origin time.Duration
	if i := slices.IndexFunc(log.Events, func(ev actor.TraceEvent) bool { return !ev.FakeClock }); i >= 0 {
		origin = log.Events[i].At
	}
	lastAliveNote := ""
	saidTrapped, saidUntrapped := false, false // what EXIT and an exit signal mean, said once
	exited := make(map[uint64]bool)            // pids whose exit has been drawn
	for _, ev := range log.Events {
		r := row{at: ev.At, eventSeq: ev.Seq}
		if !ev.FakeClock {
			r.at = max(ev.At-origin, 0)
		}
		typ := shortType(ev.Type)
		switch ev.Kind {
		case actor.TraceRegister:
			continue
		case actor.TraceSpawn:
			if ev.Peer == 0 {
				r.from = laneOf(ev.PID)
				r.to, r.style, r.label = r.from, styleMark, "start"
			} else {
				r.from, r.to = laneOf(ev.Peer), laneOf(ev.PID)
				r.style, r.label = styleControl, "spawn"
			}
		case actor.TraceSend, actor.TraceCall:
			r.from, r.to, r.style, r.label = laneOf(ev.PID), laneOf(ev.Peer), styleMessage, typ
			if ev.Kind == actor.TraceCall {
				r.label = fmt.Sprintf("call#%d %s", callNo[ev.Msg], typ)
				if !replied[ev.Msg] {
					r.lost, r.note = true, "never answered"
					if ev.Value != "" {
						r.note += ": " + ev.Value
					}
				}
			}
			switch {
			case fate[ev.Msg] == 0:
				r.lost, r.note = true, "never received"
			case fate[ev.Msg] == actor.TraceDrop && r.note == "":
				r.note = "flushed unread"
			}
			if leftover[ev.Msg] && r.note == "" {
				r.note = "left over: your code never took it"
			}
			if ev.Value != "" && r.note == "" {
				r.note = ev.Value
			}
			if ev.Kind == actor.TraceCall && ev.PID == ev.Peer && ev.PID != 0 {
				// gen_server:call(self(), ...): the answer would come
				// from the very loop that is waiting for it.
				r.note = "called itself: it cannot answer while it waits, so the call can only time out"
			}
		case actor.TraceDown, actor.TraceExitMsg:
			r.from, r.to, r.style = laneOf(ev.PID), laneOf(ev.Peer), styleSignal
			r.label, r.note = ev.Type, "reason: "+ev.Reason
			if leftover[ev.Msg] {
				r.note = "left over: your code never took it (" + ev.Reason + ")"
			}
			switch fate[ev.Msg] {
			case 0:
				r.lost, r.note = true, "never received ("+ev.Reason+")"
			case actor.TraceDrop:
				r.note = "flushed unread (" + ev.Reason + ")"
			}
			if ev.Kind == actor.TraceExitMsg && !saidTrapped && strings.HasPrefix(r.note, "reason: ") {
				// What 04 and sup turn on, said at its first sight.
				r.note += "; trapped: the exit signal came as a message"
				saidTrapped = true
			}
		case actor.TraceReply:
			r.from, r.to, r.style = laneOf(ev.PID), laneOf(ev.Peer), styleReply
			n := callNo[ev.Msg]
			switch {
			case callTimedOut(ev):
				// The caller's own timer answered, not the server: drawn on
				// the caller, and the call stays never answered.
				r.from = r.to
				r.style, r.lost = styleMark, true
				r.label, r.note = fmt.Sprintf("call#%d timed out", n), "(no reply came)"
			case ev.Reason != "":
				r.label, r.note = fmt.Sprintf("call#%d failed", n), ev.Reason
			default:
				r.label, r.note = fmt.Sprintf("reply#%d %s", n, shortType(ev.Type)), ev.Value
			}
		case actor.TraceReceive:
			r.from = laneOf(ev.PID)
			r.to, r.style = r.from, styleMark
			switch n := callNo[ev.Msg]; {
			case ev.Msg == 0:
				r.label = "receive"
			case n > 0:
				r.label = fmt.Sprintf("took call#%d", n)
			default:
				r.label = "took " + typ
			}
			if ev.Msg != 0 {
				r.note = "waited " + roundDur(ev.Wait)
			}
			if inTest(ev.Site) {
				// The test's own receive; its helpers' names mean nothing
				// to the learner.
				r.label = "test " + r.label
			}
			if leftoverCheck(ev.Site) {
				r.note += ": the test found it left over"
			}
		case actor.TraceDrop:
			r.from = laneOf(ev.PID)
			// Not received: Demonitor's flush threw it away. Right when
			// the answer came first; a bug when it was the answer.
			r.to, r.style, r.label, r.note, r.flushed = r.from, styleMark, "flushed "+typ, "by demonitor", true
		case actor.TraceLink, actor.TraceMonitor:
			r.from, r.to, r.style, r.label = laneOf(ev.PID), laneOf(ev.Peer), styleControl, ev.Kind.String()
		case actor.TraceExit:
			exited[ev.PID] = true
			r.from = laneOf(ev.PID)
			r.to, r.style, r.label, r.end = r.from, styleMark, "exit "+ev.Reason, true
		case actor.TraceSignal:
			// An exit signal that stops its target: drawn as the signal it
			// is, ahead of the target's exit.
			r.from, r.to, r.style = laneOf(ev.PID), laneOf(ev.Peer), styleSignal
			r.label, r.note = "exit signal", "reason: "+ev.Reason
			switch {
			case ev.Reason == actor.Kill.Error():
				r.label, r.note = "kill", "untrappable"
			case !saidUntrapped:
				r.note += "; not trapped, so it stops the process"
				saidUntrapped = true
			}
			if at := siteAt(ev.Site); at != "" {
				// Where the stopped process was stuck: after a hang, the
				// line to look at.
				r.note += "; it was waiting " + at
			}
		case actor.TraceAlive:
			// Written with the trace: the process never exited.
			r.from = laneOf(ev.PID)
			r.to, r.style, r.alive = r.from, styleMark, true
			at := siteAt(ev.Site)
			r.label, r.note = "still "+ev.Reason, "when the trace was written"
			if at != "" {
				r.note = at
			}
			if ev.Reason == actor.Zombie.String() {
				r.label, r.note = "exited, code still running", "Go cannot stop a goroutine: return when Context() is done"
				if at != "" {
					r.note = "running " + at + ". " + r.note
				}
			}
			// Many stuck alike (a process per item): say it once.
			if r.note == lastAliveNote {
				r.note = ""
			} else {
				lastAliveNote = r.note
			}
		case actor.TraceTimer:
			r.from = laneOf(ev.Peer)
			r.to, r.style, r.label = r.from, styleMark, "timer fired"
			if exited[ev.Peer] {
				// A timer is not cancelled by its process's exit.
				r.note = "after its process exited: no one will take the message"
			}
		case actor.TraceRestart:
			r.from, r.to, r.style = laneOf(ev.PID), laneOf(ev.Peer), styleControl
			r.label, r.note = "restart "+ev.Name, "after "+ev.Reason
		default:
			continue
		}
		r.key = fmt.Sprintf("%d/%d/%d/%s/%t", r.style, r.from, r.to, numberless(r.label), r.lost)
		d.rows = append(d.rows, r)
	}
	d.rows = elideRuns(d.rows)
	return d
}

// maxPeriod is the longest block of rows that elideRuns finds repeated:
// a call, its receive and its reply are three.
const maxPeriod = 4

// elideRuns keeps the ends of each run of more than 2*runKeep+1 alike
// rows (a loop sending the same message), or of alike blocks of up to
// maxPeriod rows (a loop of calls: call, took call, reply), and replaces
// its middle with one row saying how many were left out. Rows differing
// only in a call's number are alike. Linear: a run is passed over once
// it is found.
func elideRuns(rows []row) []row {
	out := rows[:0:0]
	for i := 0; i < len(rows); {
		period, reps := 1, 1
		for p := 1; p <= maxPeriod && i+2*p <= len(rows); p++ {
			n := 1
			for i+(n+1)*p <= len(rows) && sameBlock(rows, i, i+n*p, p) {
				n++
			}
			if n > 2*runKeep+1 && n*p > period*reps {
				period, reps = p, n
			}
		}
		if reps <= 2*runKeep+1 {
			out = append(out, rows[i])
			i++
			continue
		}
		label := numberless(rows[i].label)
		if period > 1 {
			labels := make([]string, period)
			for k := range period {
				labels[k] = numberless(rows[i+k].label)
			}
			label = "rounds of " + strings.Join(labels, ", ")
		}
		out = append(out, rows[i:i+runKeep*period]...)
		out = append(out, row{style: styleElided, from: rows[i].from, to: rows[i].to,
			elided: reps - 2*runKeep, at: rows[i+runKeep*period].at, label: label})
		end := i + reps*period
		out = append(out, rows[end-runKeep*period:end]...)
		i = end
	}
	return out
}

// sameBlock reports whether the p rows at a and at b are alike, in order.
func sameBlock(rows []row, a, b, p int) bool {
	for k := range p {
		if rows[a+k].key != rows[b+k].key {
			return false
		}
	}
	return true
}

// numberless is label without a call's number ("call#12 get" -> "call#… get").
func numberless(label string) string {
	i := strings.IndexByte(label, '#')
	if i < 0 {
		return label
	}
	j := i + 1
	for j < len(label) && label[j] >= '0' && label[j] <= '9' {
		j++
	}
	if j == i+1 {
		return label
	}
	return label[:i+1] + "…" + label[j:]
}

func pidText(pid uint64) string { return fmt.Sprintf("<0.%d>", pid) }

// shortType drops package paths and names from a Go type
// ("example.com/x/concurrency.reply[int]" -> "reply[int]").
func shortType(t string) string {
	var b strings.Builder
	start := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '.' {
			b.WriteString(t[start:lastWordStart(t, start, i)])
			start = i + 1
			continue
		}
	}
	b.WriteString(t[start:])
	return b.String()
}

// lastWordStart returns where the identifier (or path) ending at i
// begins, at or after from.
func lastWordStart(t string, from, i int) int {
	j := i
	for j > from {
		c := t[j-1]
		if c == '_' || c == '/' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			j--
			continue
		}
		break
	}
	return j
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

// fitLane fits a lane's label into n runes, cutting its name before its
// pid ("supervi… <0.1>", not "superv…r <0.1>"): the pid is what tells
// lanes of one name apart.
func fitLane(s string, n int) string {
	r := []rune(s)
	i := strings.LastIndex(s, " <")
	if len(r) <= n || i < 0 || !strings.HasSuffix(s, ">") {
		return elide(s, n)
	}
	name, pid := []rune(s[:i]), []rune(s[i:])
	keep := n - len(pid) - 1
	if keep < 3 { // a name cut to a letter or two says nothing
		return elide(s, n)
	}
	return string(name[:min(keep, len(name))]) + "…" + string(pid)
}

// fitLabel fits a message's label into n runes: a generic type's
// arguments go first ("call#1 putReq[…]", not "call#1 …ing,int]"), then
// the middle (elide).
func fitLabel(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return elide(dropTypeArgs(s), n)
}

// dropTypeArgs replaces what each outermost pair of brackets holds with
// "…"; unbalanced brackets leave s as it is.
func dropTypeArgs(s string) string {
	var b strings.Builder
	depth := 0
	for _, c := range s {
		switch {
		case c == '[':
			if depth == 0 {
				b.WriteString("[…")
			}
			depth++
		case c == ']':
			if depth == 0 {
				return s
			}
			depth--
			if depth == 0 {
				b.WriteRune(']')
			}
		case depth == 0:
			b.WriteRune(c)
		}
	}
	if depth != 0 {
		return s
	}
	return b.String()
}

// elide shortens s to at most n runes by cutting out its middle.
func elide(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:max(n, 0)])
	}
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// inTest reports whether a receive's site is in a test file (the hidden
// tests' own checks) rather than in the learner's code.
func inTest(site string) bool { return strings.Contains(site, "_test.go:") }

// leftoverCheck reports whether a receive's site is a hidden test's
// check that a mailbox was left empty (a function named zzExpectEmpty…):
// what it takes, the learner's code should have taken.
func leftoverCheck(site string) bool {
	return inTest(site) && strings.HasPrefix(siteFunc(site), "zzExpectEmpty")
}

// role names a process by the function it runs (a spawn's site), as the
// learner wrote it: "Async" for "pkg.Async[...].func1"; "test" for one
// that a test file starts; "" when the site says nothing.
func role(site string) string {
	if inTest(site) {
		return "test" // the hidden test's, not the learner's
	}
	fn := siteFunc(site)
	if i := strings.Index(fn, "["); i >= 0 { // a generic function's "[...]"
		if j := strings.Index(fn[i:], "]"); j >= 0 {
			fn = fn[:i] + fn[i+j+1:]
		}
	}
	fn = strings.TrimSuffix(fn, "-fm") // a method value
	for {                              // closures: "F.func1.2" -> "F"
		i := strings.LastIndexByte(fn, '.')
		if i < 0 || !isClosureName(fn[i+1:]) {
			break
		}
		fn = fn[:i]
	}
	return fn
}

// isClosureName reports whether a part of a function's name is one the
// compiler gives a closure ("func1", "2", "gowrap1").
func isClosureName(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "func"), "gowrap")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// callTimedOut reports whether a reply event is a call's timeout: the
// caller's timer gave up ("call <0.2>: timeout", as Call words it); the
// server sent nothing. A server's exit reason that merely ends in
// "timeout" is the server's failure, and is not one.
func callTimedOut(ev actor.TraceEvent) bool {
	return ev.Kind == actor.TraceReply && ev.Reason == "call "+pidText(ev.PID)+": "+actor.ErrTimeout.Error()
}

// siteAt says where a site is, for a process still alive: "at
// each.go:23 in ParallelEach"; "" for no site.
func siteAt(site string) string {
	i := strings.LastIndex(site, " (")
	if i < 0 || !strings.HasSuffix(site, ")") {
		return ""
	}
	// A hidden test's file goes by its own name, as check shows it (the
	// learner has no zz_otpgo_hidden_x_test.go; solutions/ has x_test.go).
	at := "at " + strings.TrimPrefix(site[i+2:len(site)-1], runner.HiddenPrefix)
	if fn := role(site); fn != "" && fn != "test" {
		at += " in " + fn
	}
	return at
}

// siteFunc is the function of a site, without its package or file.
func siteFunc(site string) string {
	fn, _, _ := strings.Cut(site, " ")
	_, fn, _ = strings.Cut(fn, ".") // "pkg.Func.func1" -> "Func.func1"
	return fn
}
