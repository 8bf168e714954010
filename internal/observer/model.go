// Package observer is chapter 06: a live view of a supervision tree, in the
// spirit of Erlang's :observer. It runs a demo application on internal/actor
// (see StartDemo) and shows every process with its status, mailbox, message
// count and restarts, refreshed from actor.Tree and actor.Processes; the
// learner kills or crashes a process and watches its supervisor restart it.
//
// The model never blocks its update loop: snapshots are taken in a tea.Cmd,
// and runtime events arrive through a Feed.
package observer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/otpgo/otpgo/internal/actor"
)

// ErrCrashed is the exit reason the observer sends to a process outside the
// demo when asked to crash it (demo processes panic instead).
var ErrCrashed = errors.New("crashed from the observer")

// Options configure a Model. Everything has a default wired to the real
// runtime; tests replace Snapshot to get a fixed picture.
type Options struct {
	// Demo is the application under observation; nil disables the load
	// toggle and restart.
	Demo *Demo
	// Feed brings lifecycle events; nil shows none.
	Feed *Feed
	// Snapshot takes one picture of the runtime (default Take with the
	// demo's strategy labels). It runs in a tea.Cmd.
	Snapshot func() Snapshot
	// Refresh is the pause between snapshots (default 250ms).
	Refresh time.Duration
	// Location for event times (default time.Local).
	Location *time.Location
	// MaxEvents kept in the log (default 500).
	MaxEvents int
}

// Model is the observer screen.
type Model struct {
	opts   Options
	keys   keyMap
	help   help.Model
	width  int
	height int

	snap     Snapshot
	haveSnap bool
	demoDown bool
	selected string // Row.Key of the selection: survives restarts
	// sel is the selected row as last seen, and onRow whether the
	// cursor's row is it in this snapshot. A refresh can drop the row
	// for a moment (a supervisor restarting it): then the actions go to
	// the process the learner chose, never to the row that took its
	// place at the cursor.
	sel    selection
	onRow  bool
	cursor int
	offset int

	events  []logEntry
	labels  map[actor.PID]string // unnamed children seen in snapshots, by pid
	dropped int64
	status  string
	load    bool
}

// New returns the observer model.
func New(opts Options) Model {
	if opts.Refresh <= 0 {
		opts.Refresh = 250 * time.Millisecond
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = 500
	}
	if opts.Snapshot == nil {
		var label Labeler
		if opts.Demo != nil {
			label = opts.Demo.Strategy
		}
		opts.Snapshot = func() Snapshot { return Take(label) }
	}
	m := Model{opts: opts, keys: defaultKeys(), help: help.New()}
	if opts.Demo != nil {
		m.load = opts.Demo.Load()
	}
	m.keys.Restart.SetEnabled(false)
	m.keys.Load.SetEnabled(opts.Demo != nil)
	m.status = "select a process with ↑/↓, then k to kill it or c to crash it"
	return m
}

// Messages: small types, one per thing that happened.
type (
	snapshotMsg struct {
		snap     Snapshot
		demoDown bool
	}
	refreshMsg struct{}
	actionMsg  string
)

func (m Model) takeSnapshot() tea.Cmd {
	snapshot, demo := m.opts.Snapshot, m.opts.Demo
	return func() tea.Msg {
		s := snapshot()
		return snapshotMsg{snap: s, demoDown: demo != nil && !demo.Running()}
	}
}

// Init takes the first snapshot and starts listening for events.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.takeSnapshot()}
	if m.opts.Feed != nil {
		cmds = append(cmds, m.opts.Feed.wait())
	}
	return tea.Batch(cmds...)
}

// Update handles one message. Work that touches the runtime runs in Cmds.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.clamp()
		return m, nil

	case snapshotMsg:
		m.snap, m.haveSnap, m.demoDown = msg.snap, true, msg.demoDown
		m.learnLabels()
		m.keys.Restart.SetEnabled(m.demoDown)
		if i := m.snap.index(m.selected); i >= 0 {
			m.cursor = i
		}
		m.clamp()
		// The next snapshot is asked for only when this one is in: never
		// two at once, however slow a snapshot of a big system is.
		return m, tea.Tick(m.opts.Refresh, func(time.Time) tea.Msg { return refreshMsg{} })

	case refreshMsg:
		return m, m.takeSnapshot()

	case eventsMsg:
		for _, e := range msg.events {
			m.events = append(m.events, newLogEntry(e, m.opts.Location))
		}
		if over := len(m.events) - m.opts.MaxEvents; over > 0 {
			m.events = append(m.events[:0:0], m.events[over:]...)
		}
		m.dropped = msg.dropped
		return m, m.opts.Feed.wait()

	case actionMsg:
		m.status = string(msg)
		return m, nil

	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	page := max(1, m.tableHeight()-1)
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Up):
		m.move(-1)
	case key.Matches(msg, m.keys.Down):
		m.move(1)
	case key.Matches(msg, m.keys.PageUp):
		m.move(-page)
	case key.Matches(msg, m.keys.PageDown):
		m.move(page)
	case key.Matches(msg, m.keys.Top):
		m.move(-len(m.snap.Rows))
	case key.Matches(msg, m.keys.Bottom):
		m.move(len(m.snap.Rows))
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		if m.help.ShowAll {
			m.keys.Help.SetHelp("?", "fewer keys")
		} else {
			m.keys.Help.SetHelp("?", "more keys")
		}
		m.clamp()
	case key.Matches(msg, m.keys.Kill):
		if r, ok := m.current(); ok {
			return m, kill(r)
		}
	case key.Matches(msg, m.keys.Crash):
		if r, ok := m.current(); ok {
			return m, crash(r, m.opts.Demo)
		}
	case key.Matches(msg, m.keys.Load):
		if m.opts.Demo != nil {
			m.load = !m.load
			demo, on := m.opts.Demo, m.load
			m.status = "load " + onOff(on)
			return m, func() tea.Msg { demo.SetLoad(on); return nil }
		}
	case key.Matches(msg, m.keys.Restart):
		demo := m.opts.Demo
		m.status = "restarting the demo application…"
		return m, func() tea.Msg {
			if err := demo.Restart(); err != nil {
				return actionMsg(err.Error())
			}
			return actionMsg("the demo application is running again")
		}
	}
	return m, nil
}

// maxLabels bounds the pids remembered for the log: supervisors that
// restart forever must not grow it without end.
const maxLabels = 4096

// learnLabels remembers the snapshot's unnamed children by pid, so the
// log can name them, even after they exited. The map is new each time
// (models are values; one shared map would change older copies).
func (m *Model) learnLabels() {
	if len(m.snap.Supervised) == 0 {
		return
	}
	labels := make(map[actor.PID]string, len(m.labels)+len(m.snap.Supervised))
	if len(m.labels)+len(m.snap.Supervised) <= maxLabels {
		for pid, l := range m.labels {
			labels[pid] = l
		}
	}
	for pid, l := range m.snap.Supervised {
		labels[pid] = l
	}
	m.labels = labels
}

func (m *Model) move(d int) {
	if len(m.snap.Rows) == 0 {
		return
	}
	m.cursor = min(max(m.cursor+d, 0), len(m.snap.Rows)-1)
	m.selected = m.snap.Key(m.cursor)
	m.clamp()
}

// follow records whether the cursor's row is the selected process and,
// if so, remembers it for when a later refresh lacks it.
func (m *Model) follow() {
	m.onRow = m.selected != "" && m.cursor < len(m.snap.Rows) && m.snap.Key(m.cursor) == m.selected
	if m.onRow {
		m.sel = m.rowAt(m.cursor)
	}
}

// clamp keeps the cursor on a row and the row on screen.
func (m *Model) clamp() {
	defer m.follow()
	n := len(m.snap.Rows)
	if n == 0 {
		m.cursor, m.offset = 0, 0
		return
	}
	m.cursor = min(max(m.cursor, 0), n-1)
	if m.selected == "" {
		m.selected = m.snap.Key(m.cursor)
	}
	h := m.tableHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(n-h, 0))
}

// selection is what the actions need to know about the selected row.
type selection struct {
	Row
	key, pid string
}

// current is the selection: the cursor's row, or, while the selected
// process has no row in this snapshot, that process as last seen.
func (m Model) current() (selection, bool) {
	switch {
	case m.onRow:
		return m.rowAt(m.cursor), true
	case m.sel.key != "" && m.sel.key == m.selected:
		return m.sel, true
	}
	return selection{}, false
}

func (m Model) rowAt(i int) selection {
	return selection{Row: m.snap.Rows[i], key: m.snap.Key(i), pid: m.snap.PIDText(i)}
}

// notRunning says why the selection can't be killed or crashed. The row
// may be up to one refresh old: a process that exited since names its
// pid, so the learner (and a test) can tell which one is meant.
func notRunning(r selection) (string, bool) {
	switch {
	case r.PID.IsZero():
		return fmt.Sprintf("%s is not running", r.Label), true
	case !actor.Alive(r.PID):
		return fmt.Sprintf("%s %s has already exited", r.Label, r.PID), true
	}
	return "", false
}

// kill sends the untrappable exit signal, like observer's "kill process".
func kill(r selection) tea.Cmd {
	return func() tea.Msg {
		if why, ok := notRunning(r); ok {
			return actionMsg(why)
		}
		actor.Exit(r.PID, actor.Kill)
		return actionMsg(fmt.Sprintf("killed %s %s: %s", r.Label, r.PID, afterExit(r)))
	}
}

// crash makes a demo process panic, as a bug would, and sends any other
// process an exit signal. Supervisors trap exits, so there is nothing to
// crash from outside: say so instead; of another process that traps
// exits, say that it did.
func crash(r selection, demo *Demo) tea.Cmd {
	return func() tea.Msg {
		if why, ok := notRunning(r); ok {
			return actionMsg(why)
		}
		switch {
		case r.Kind == "supervisor":
			return actionMsg(fmt.Sprintf("%s is a supervisor: it traps exits and runs no code of yours to crash; k kills it", r.Label))
		case demo != nil && inDemo(r, demo):
			actor.Send(r.PID, Crash{})
			return actionMsg(fmt.Sprintf("crashed %s %s (it panicked): %s", r.Label, r.PID, afterExit(r)))
		default:
			// As Erlang's observer does: an exit signal with a reason, which a
			// process that traps exits takes as a message and lives on.
			info, _ := actor.Info(r.PID)
			actor.Exit(r.PID, ErrCrashed)
			if info.TrapExit {
				// Short: the status line is one line of a laptop's terminal.
				return actionMsg(fmt.Sprintf("%s %s traps exits: the signal became a message and it lives on; k kills it", r.Label, r.PID))
			}
			return actionMsg(fmt.Sprintf("sent %s %s an exit signal (%v): %s", r.Label, r.PID, ErrCrashed, afterExit(r)))
		}
	}
}

// afterExit says what to watch once r's process exits: its supervisor
// restarting it, unless it is a root, which nothing restarts.
func afterExit(r selection) string {
	if r.Row.ParentRow < 0 {
		return "no supervisor is above it, so nothing restarts it"
	}
	return "watch its supervisor restart it"
}

func inDemo(r selection, d *Demo) bool {
	root := d.name("demo")
	return r.key == root || strings.HasPrefix(r.key, root+"/")
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
