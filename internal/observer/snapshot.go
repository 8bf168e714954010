package observer

import (
	"slices"
	"strings"

	"github.com/otpgo/otpgo/internal/actor"
)

// Row is one line of the process table: a process (or a supervised child
// that is not running) with where it sits in the tree. Build fills only
// what costs nothing; strings for display (tree prefix, pid, key) are made
// by the Snapshot for the rows on screen, because a refresh of ten
// thousand processes must not allocate ten thousand of each.
type Row struct {
	// ParentRow is the index of the supervisor's row, -1 for a root or
	// an unsupervised process.
	ParentRow int
	// Depth in the tree (0 for roots); Last: the last child of its parent.
	Depth int
	Last  bool
	// Part is this row's piece of its key: the child id, which a restarted
	// child keeps, else the name, else the pid.
	Part string
	// Label is the registered name, else the child id, else the pid.
	Label string
	// Strategy is a supervisor's restart strategy, when known.
	Strategy string
	// PIDText, if set, is printed instead of the pid (golden tests).
	PIDText string
	// Unsupervised: in no supervision tree.
	Unsupervised bool
	// ProcessInfo points into the runtime's snapshot (not a copy: ten
	// thousand copies are a refresh's biggest cost after the runtime's).
	*actor.ProcessInfo
}

// Snapshot is what one refresh shows.
type Snapshot struct {
	Rows        []Row
	Processes   int // live and zombie processes
	Supervisors int
	Zombies     int
	Mailboxes   int // messages waiting, summed over all processes
	// Supervised names the processes in the trees that have no
	// registered name by their child id: runtime events carry no child
	// id (but a restart's), so the log learns it here.
	Supervised map[actor.PID]string
}

// Labeler names a supervisor's strategy for a process; it may return "".
type Labeler func(actor.ProcessInfo) string

// Take builds a Snapshot from the runtime's introspection. It walks every
// process, so it runs in a tea.Cmd, never in Update.
func Take(label Labeler) Snapshot {
	return Build(actor.Tree(), actor.Processes(), label)
}

// Build lays out trees (supervision trees, roots first), then the trees
// of supervisors written by hand (handRolled), and then every process in
// procs that no tree contains, as unsupervised.
func Build(trees []actor.TreeNode, procs []actor.ProcessInfo, label Labeler) Snapshot {
	s := Snapshot{Rows: make([]Row, 0, len(procs)+8)}
	inTree := make(map[actor.PID]struct{}, len(procs))
	var walk func(n *actor.TreeNode, parent, depth int, last bool)
	walk = func(n *actor.TreeNode, parent, depth int, last bool) {
		r := Row{ParentRow: parent, Depth: depth, Last: last, ProcessInfo: &n.ProcessInfo}
		r.Label, r.Part = labels(&n.ProcessInfo)
		if label != nil {
			r.Strategy = label(n.ProcessInfo)
		}
		if !n.PID.IsZero() {
			inTree[n.PID] = struct{}{}
			if n.Name == "" && n.ChildID != "" {
				if s.Supervised == nil {
					s.Supervised = map[actor.PID]string{}
				}
				s.Supervised[n.PID] = n.ChildID
			}
		}
		me := len(s.Rows)
		s.Rows = append(s.Rows, r)
		for i := range n.Children {
			walk(&n.Children[i], me, depth+1, i == len(n.Children)-1)
		}
	}
	for i := range trees {
		walk(&trees[i], -1, 0, true)
	}
	s.handRolled(procs, inTree, label)
	for i := range procs {
		p := &procs[i]
		if p.Kind == "supervisor" {
			s.Supervisors++
		}
		if p.Status == actor.Zombie {
			s.Zombies++
		}
		s.Mailboxes += p.MailboxLen
		if _, ok := inTree[p.PID]; ok {
			continue
		}
		r := Row{ParentRow: -1, Last: true, Unsupervised: true, ProcessInfo: p}
		r.Label, r.Part = labels(p)
		if label != nil {
			r.Strategy = label(*p)
		}
		s.Rows = append(s.Rows, r)
	}
	s.Processes = len(procs)
	return s
}

// handRolled lays out the supervisors the runtime does not know as such:
// a process of kind "supervisor" outside every runtime tree (a GenServer
// written as a supervisor, as in chapter sup). Its children are what
// makes a child in OTP: the processes it started (their parent) and is
// linked to; a child of kind "supervisor" has its own below it.
func (s *Snapshot) handRolled(procs []actor.ProcessInfo, inTree map[actor.PID]struct{}, label Labeler) {
	var roots []int
	for i := range procs {
		if _, ok := inTree[procs[i].PID]; !ok && procs[i].Kind == "supervisor" {
			roots = append(roots, i)
		}
	}
	if len(roots) == 0 {
		return // the common case costs one pass and no map
	}
	kids := make(map[actor.PID][]int)
	for i := range procs {
		p := &procs[i]
		if _, ok := inTree[p.PID]; !ok && !p.Parent.IsZero() && slices.Contains(p.Links, p.Parent) {
			kids[p.Parent] = append(kids[p.Parent], i) // procs is in pid order: start order
		}
	}
	var walk func(i, parent, depth int, last bool)
	walk = func(i, parent, depth int, last bool) {
		p := &procs[i]
		inTree[p.PID] = struct{}{}
		r := Row{ParentRow: parent, Depth: depth, Last: last, ProcessInfo: p}
		r.Label, r.Part = labels(p)
		if label != nil {
			r.Strategy = label(*p)
		}
		me := len(s.Rows)
		s.Rows = append(s.Rows, r)
		if p.Kind != "supervisor" {
			return
		}
		ks := kids[p.PID]
		for j, k := range ks {
			walk(k, me, depth+1, j == len(ks)-1)
		}
	}
	// A parent has a lower pid than its children, so it is walked first
	// and a nested supervisor is already drawn when its turn comes.
	for _, i := range roots {
		if _, ok := inTree[procs[i].PID]; !ok {
			walk(i, -1, 0, true)
		}
	}
}

// labels returns a process's label and key part without allocating,
// unless it has neither name nor child id.
func labels(p *actor.ProcessInfo) (label, part string) {
	switch {
	case p.Name != "" && p.ChildID != "":
		return p.Name, p.ChildID
	case p.Name != "":
		return p.Name, p.Name
	case p.ChildID != "":
		return p.ChildID, p.ChildID
	}
	pid := p.PID.String()
	return pid, pid
}

// Key identifies row i across refreshes, even when its pid changes: the
// path of key parts from its root ("demo/pool/worker-2").
func (s Snapshot) Key(i int) string {
	if i < 0 || i >= len(s.Rows) {
		return ""
	}
	r := &s.Rows[i]
	switch {
	case r.Unsupervised:
		return "~" + r.Part
	case r.ParentRow < 0:
		return r.Part
	}
	return s.Key(r.ParentRow) + "/" + r.Part
}

// Prefix draws the tree left of row i ("│  ├─ ").
func (s Snapshot) Prefix(i int) string {
	r := &s.Rows[i]
	if r.Depth == 0 {
		return ""
	}
	parts := make([]string, r.Depth)
	parts[r.Depth-1] = "├─ "
	if r.Last {
		parts[r.Depth-1] = "└─ "
	}
	for d, a := r.Depth-2, r.ParentRow; d >= 0 && a >= 0; d, a = d-1, s.Rows[a].ParentRow {
		if s.Rows[a].Last {
			parts[d] = "   "
		} else {
			parts[d] = "│  "
		}
	}
	return strings.Join(parts, "")
}

// PIDText is row i's pid as printed, "" for a child that is not running.
func (s Snapshot) PIDText(i int) string {
	r := &s.Rows[i]
	switch {
	case r.PIDText != "":
		return r.PIDText
	case r.PID.IsZero():
		return ""
	}
	return r.PID.String()
}

// index returns the row whose Key is key, or -1. Only rows whose own part
// matches the key's last part build their full key.
func (s Snapshot) index(key string) int {
	if key == "" {
		return -1
	}
	last := key[strings.LastIndexByte(key, '/')+1:]
	last = strings.TrimPrefix(last, "~")
	for i := range s.Rows {
		if s.Rows[i].Part == last && s.Key(i) == key {
			return i
		}
	}
	return -1
}
