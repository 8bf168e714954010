package observer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/otpgo/otpgo/internal/actor"
)

var (
	titleStyle    = lipgloss.NewStyle().Bold(true)
	dimStyle      = lipgloss.NewStyle().Faint(true)
	headStyle     = lipgloss.NewStyle().Bold(true).Underline(true)
	selStyle      = lipgloss.NewStyle().Reverse(true)
	warnStyle     = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
	badStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	goodStyle     = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	strategyStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("6"))
)

// column is one fixed-width column right of PROCESS, which takes the rest.
type column struct {
	head  string
	width int
	right bool
	cell  func(r *Row, pid string) string // styled, already padded to width
}

var columns = []column{
	// PID fits <0.9999999>: a class's demo passes <0.99999> within the
	// hour, and a truncated pid can't be told from its neighbour's.
	{"PID", pidWidth, false, func(_ *Row, pid string) string { return pad(orDash(pid), pidWidth) }},
	{"KIND", 11, false, func(r *Row, _ string) string { return pad(r.Kind, 11) }},
	{"STATUS", 8, false, statusCell},
	{"MBOX", 7, true, mboxCell},
	{"MSGS", 9, true, func(r *Row, _ string) string { return lpad(strconv.FormatUint(r.MessagesIn, 10), 9) }},
	{"RESTARTS", 9, true, restartsCell},
}

// pidWidth is the PID column's width, one space included.
const pidWidth = 12

// minName is the narrowest PROCESS column before columns are dropped.
const minName = 24

// visibleColumns drops KIND, then MSGS, on narrow terminals.
func visibleColumns(width int) ([]column, int) {
	cols := columns
	used := func(cs []column) int {
		n := 1
		for _, c := range cs {
			n += c.width
		}
		return n
	}
	for _, drop := range []string{"KIND", "MSGS"} {
		if width-used(cols) >= minName {
			break
		}
		var kept []column
		for _, c := range cols {
			if c.head != drop {
				kept = append(kept, c)
			}
		}
		cols = kept
	}
	return cols, max(width-used(cols), 12)
}

func (m Model) helpView() string { return m.help.View(m.keys) }

// rowsAndEvents splits the lines left between the fixed parts: the table
// gets what its rows need, keeping at least a few lines of events, and
// the event log gets the rest. A small tree leaves a long log.
func (m Model) rowsAndEvents() (table, events int) {
	fixed := 2 /* title, column heads */ + 1 /* detail */ + 1 /* events rule */ + 1 /* status */
	avail := m.height - fixed - lipgloss.Height(m.helpView())
	minEvents := min(max(avail/4, 3), 8)
	table = max(min(len(m.snap.Rows), avail-minEvents), 3)
	return table, max(avail-table, 3)
}

// tableHeight is the number of process rows that fit.
func (m Model) tableHeight() int {
	t, _ := m.rowsAndEvents()
	return t
}

// View draws the screen from the model alone.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "otpgo observe"
	return v
}

func (m Model) render() string {
	if m.width == 0 {
		return "starting the observer…"
	}
	var b strings.Builder
	line := func(s string) {
		b.WriteString(ansi.Truncate(s, m.width, "…"))
		b.WriteByte('\n')
	}

	// Title and totals.
	title := titleStyle.Render("otpgo observe")
	if !m.haveSnap {
		line(title + dimStyle.Render(" · taking the first snapshot…"))
	} else {
		s := m.snap
		parts := []string{
			plural(s.Processes, "process", "processes"),
			plural(s.Supervisors, "supervisor", "supervisors"),
			plural(s.Mailboxes, "message queued", "messages queued"),
		}
		if s.Zombies > 0 {
			parts = append(parts, badStyle.Render(plural(s.Zombies, "zombie", "zombies")))
		}
		if m.opts.Demo != nil {
			load := "load " + onOff(m.load)
			if m.load {
				load = warnStyle.Render(load)
			}
			parts = append(parts, load)
		}
		line(title + " · " + strings.Join(parts, " · "))
	}

	// Table.
	cols, wName := visibleColumns(m.width)
	head := pad("PROCESS", wName+1)
	for _, c := range cols {
		if c.right {
			head += lpad(c.head, c.width)
		} else {
			head += pad(c.head, c.width)
		}
	}
	line(headStyle.Render(head))
	h := m.tableHeight()
	rows := m.snap.Rows
	for i := m.offset; i < m.offset+h; i++ {
		if i >= len(rows) {
			line("")
			continue
		}
		line(m.renderRow(i, m.onRow && i == m.cursor, cols, wName))
	}

	// Detail of the selection; a stopped demo matters more than a
	// selection that is not in the table.
	r, ok := m.current()
	switch {
	case ok && m.onRow:
		line(dimStyle.Render(detail(r)))
	case m.haveSnap && m.demoDown:
		line(badStyle.Render("the demo application stopped: press r to start it again"))
	case ok:
		line(dimStyle.Render(detail(r) + " · not in the tree this refresh"))
	default:
		line("")
	}

	// Events, newest last.
	_, n := m.rowsAndEvents()
	logHead := "events"
	if m.dropped > 0 {
		logHead += fmt.Sprintf(" (%d dropped: the log could not keep up)", m.dropped)
	}
	line(dimStyle.Render("── " + logHead + " " + strings.Repeat("─", max(m.width-len(logHead)-4, 0))))
	start := max(len(m.events)-n, 0)
	shown := m.events[start:]
	for i := range n {
		if i < len(shown) {
			line(shown[i].line(m.labels))
		} else {
			line("")
		}
	}

	line(m.status)
	b.WriteString(m.helpView())
	return b.String()
}

func (m Model) renderRow(i int, selected bool, cols []column, wName int) string {
	r := &m.snap.Rows[i]
	pid := m.snap.PIDText(i)
	name := m.snap.Prefix(i) + r.Label
	if r.Strategy != "" {
		name += " " + strategyStyle.Render(r.Strategy)
	}
	marker := " "
	if selected {
		marker = "▸"
	}
	name = marker + ansi.Truncate(name, wName, "…")
	s := name + strings.Repeat(" ", max(wName+1-ansi.StringWidth(name), 0))
	for _, c := range cols {
		s += c.cell(r, pid)
	}
	if selected {
		// Reverse the plain text: nested colours would cancel the reverse.
		return selStyle.Render(ansi.Strip(s))
	}
	return s
}

func orDash(pid string) string {
	if pid == "" {
		return "—"
	}
	return pid
}

func statusCell(r *Row, pid string) string {
	if pid == "" {
		return badStyle.Render(pad("stopped", 8))
	}
	cell := pad(r.Status.String(), 8)
	switch r.Status {
	case actor.Zombie:
		return badStyle.Render(cell)
	case actor.Running:
		return goodStyle.Render(cell)
	case actor.Exiting:
		return warnStyle.Render(cell)
	}
	return cell
}

func mboxCell(r *Row, _ string) string {
	cell := lpad(strconv.Itoa(r.MailboxLen), 7)
	switch {
	case r.MailboxLen >= 100:
		return badStyle.Render(cell)
	case r.MailboxLen > 0:
		return warnStyle.Render(cell)
	}
	return cell
}

func restartsCell(r *Row, _ string) string {
	cell := lpad(strconv.Itoa(r.Restarts), 9)
	if r.Restarts > 0 {
		return warnStyle.Render(cell)
	}
	return cell
}

func detail(r selection) string {
	if r.pid == "" {
		return fmt.Sprintf("%s is not running", r.Label)
	}
	parts := []string{r.pid + " " + r.Label}
	if !r.Parent.IsZero() {
		parts = append(parts, "parent "+r.Parent.String())
	}
	parts = append(parts, "links "+pids(r.Links))
	if len(r.Monitors) > 0 {
		parts = append(parts, "monitors "+pids(r.Monitors))
	}
	if len(r.MonitoredBy) > 0 {
		parts = append(parts, "monitored by "+pids(r.MonitoredBy))
	}
	if r.State != "" {
		parts = append(parts, "state "+r.State)
	}
	if r.Performed > 0 {
		// Not in RESTARTS, which for every row is the process's own
		// restarts: one kill under a rest_for_one counts three here.
		times := fmt.Sprintf("%d times", r.Performed)
		if r.Performed == 1 {
			times = "once"
		}
		parts = append(parts, "restarted its children "+times)
	}
	return strings.Join(parts, " · ")
}

func pids(ps []actor.PID) string {
	if len(ps) == 0 {
		return "none"
	}
	const most = 6
	s := make([]string, 0, most+1)
	for i, p := range ps {
		if i == most {
			s = append(s, fmt.Sprintf("+%d", len(ps)-most))
			break
		}
		s = append(s, p.String())
	}
	return strings.Join(s, " ")
}

// logEntry is one event as the log keeps it; its line is drawn by View,
// so a process that had no name when the event came (a supervisor's
// children get their ids after they start) shows the name the tree knows
// by the time it is drawn.
type logEntry struct {
	kind     actor.EventKind
	at       time.Time
	pid      actor.PID
	who      string // registered name or child id; "" if the event had neither
	procKind string // shown when no name is known
	pidText  string
	oldText  string
	why      error
}

func newLogEntry(e actor.Event, loc *time.Location) logEntry {
	who := e.Name
	if who == "" {
		who = e.ChildID
	}
	return logEntry{kind: e.Kind, at: e.Time.In(loc), pid: e.PID, who: who, procKind: e.ProcKind,
		pidText: e.PID.String(), oldText: e.Old.String(), why: e.Reason}
}

// line is the entry's line of the log; labels names unnamed processes.
func (e logEntry) line(labels map[actor.PID]string) string {
	who := e.who
	if who == "" {
		who = labels[e.pid]
	}
	if who == "" {
		who = e.procKind
	}
	return eventLine(e.kind, e.at, who, e.pidText, e.oldText, e.why)
}

func eventLine(kind actor.EventKind, t time.Time, who, pid, old string, why error) string {
	at := dimStyle.Render(t.Format("15:04:05.000"))
	switch kind {
	case actor.Spawned:
		return fmt.Sprintf("%s %s  %s %s", at, goodStyle.Render("spawned  "), pid, who)
	case actor.Exited:
		return fmt.Sprintf("%s %s  %s %s: %s", at, badStyle.Render("exited   "), pid, who, reason(why))
	case actor.Restarted:
		return fmt.Sprintf("%s %s  %s %s → %s (it exited: %s)", at, warnStyle.Render("restarted"), who, old, pid, reason(why))
	}
	return fmt.Sprintf("%s %v %s %s", at, kind, pid, who)
}

// reason prints an exit reason on one line: a panic without its stack.
func reason(err error) string {
	if err == nil {
		return "normal"
	}
	var pe *actor.PanicError
	if errors.As(err, &pe) {
		return fmt.Sprintf("panic: %v", pe.Value)
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if errors.Is(err, actor.ErrMaxRestarts) {
		// "shutdown: supervisor <0.3>: child "w" exited with killed, more
		// than 5 restarts in 10s: reached max restart intensity" -> the
		// news first.
		msg = strings.TrimSuffix(msg, ": "+actor.ErrMaxRestarts.Error())
		msg = strings.TrimPrefix(msg, actor.Shutdown.Error()+": ")
		if strings.HasPrefix(msg, "supervisor <") {
			if i := strings.Index(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
		}
		return "max restart intensity: " + msg
	}
	return msg
}

func pad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w-1, "…") + " "
}

func lpad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
