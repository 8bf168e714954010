package observer

import "github.com/otpgo/otpgo/internal/actor"

// Row is one line of the process table: a process (or a supervised child
// that is not running) with where it sits in the tree.
type Row struct {
	// Key identifies the row across refreshes even when the pid changes
	// (a restarted child keeps its key): the path of names/child ids.
	Key string
	// Prefix draws the tree ("│  ├─ ").
	Prefix string
	// Label is the registered name, else the child id, else the pid.
	Label string
	// Strategy is a supervisor's restart strategy, when known.
	Strategy string
	// PIDText is the pid as printed, "" for a child that is not running.
	PIDText string
	actor.ProcessInfo
}

// Snapshot is what one refresh shows.
type Snapshot struct {
	Rows        []Row
	Processes   int // live and zombie processes
	Supervisors int
	Zombies     int
	Mailboxes   int // messages waiting, summed over all processes
}

// Labeler names a supervisor's strategy for a process; it may return "".
type Labeler func(actor.ProcessInfo) string

// Take builds a Snapshot from the runtime's introspection. It walks every
// process, so it runs in a tea.Cmd, never in Update.
func Take(label Labeler) Snapshot {
	return Build(actor.Tree(), actor.Processes(), label)
}

// Build lays out trees (supervision trees, roots first) and then every
// process in procs that no tree contains, as "unsupervised".
func Build(trees []actor.TreeNode, procs []actor.ProcessInfo, label Labeler) Snapshot {
	s := Snapshot{Rows: make([]Row, 0, len(procs)+8)}
	inTree := make(map[actor.PID]bool, len(procs))
	var walk func(n actor.TreeNode, key, prefix, childPrefix string)
	walk = func(n actor.TreeNode, key, prefix, childPrefix string) {
		r := newRow(key, n.ProcessInfo)
		r.Prefix = prefix
		if label != nil {
			r.Strategy = label(n.ProcessInfo)
		}
		if !n.PID.IsZero() {
			inTree[n.PID] = true
		}
		s.Rows = append(s.Rows, r)
		for i, c := range n.Children {
			last := i == len(n.Children)-1
			branch, cont := "├─ ", "│  "
			if last {
				branch, cont = "└─ ", "   "
			}
			walk(c, key+"/"+childKey(c.ProcessInfo), childPrefix+branch, childPrefix+cont)
		}
	}
	for _, t := range trees {
		walk(t, rowLabel(t.ProcessInfo), "", "")
	}
	for _, p := range procs {
		if p.Kind == "supervisor" {
			s.Supervisors++
		}
		if p.Status == actor.Zombie {
			s.Zombies++
		}
		s.Mailboxes += p.MailboxLen
		if inTree[p.PID] {
			continue
		}
		r := newRow("~"+p.PID.String(), p)
		if label != nil {
			r.Strategy = label(p)
		}
		s.Rows = append(s.Rows, r)
	}
	s.Processes = len(procs)
	return s
}

func newRow(key string, p actor.ProcessInfo) Row {
	r := Row{Key: key, Label: rowLabel(p), ProcessInfo: p}
	if !p.PID.IsZero() {
		r.PIDText = p.PID.String()
	}
	return r
}

func rowLabel(p actor.ProcessInfo) string {
	switch {
	case p.Name != "":
		return p.Name
	case p.ChildID != "":
		return p.ChildID
	default:
		return p.PID.String()
	}
}

// childKey prefers the child id: it survives restarts, unlike the pid.
func childKey(p actor.ProcessInfo) string {
	if p.ChildID != "" {
		return p.ChildID
	}
	return rowLabel(p)
}

// index returns the position of key in rows, or -1.
func (s Snapshot) index(key string) int {
	for i, r := range s.Rows {
		if r.Key == key {
			return i
		}
	}
	return -1
}
