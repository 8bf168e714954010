package actor

import (
	"slices"
	"sync"
)

// Status is what a process is doing, as shown by Processes().
type Status int

const (
	// Running: executing its function.
	Running Status = iota
	// Waiting: blocked in Receive or ReceiveMatch.
	Waiting
	// Exiting: running its Terminate callback or shutting down children.
	Exiting
	// Zombie: terminated (links and monitors have fired, its name is free,
	// its mailbox is closed, its context is cancelled) but its goroutine is
	// still running, because Go cannot kill a goroutine. It disappears when
	// the goroutine returns.
	Zombie
)

// String returns "running", "waiting", "exiting" or "zombie".
func (s Status) String() string {
	switch s {
	case Running:
		return "running"
	case Waiting:
		return "waiting"
	case Exiting:
		return "exiting"
	case Zombie:
		return "zombie"
	}
	return "Status(?)"
}

// ProcessInfo is a snapshot of one process (process_info/1).
type ProcessInfo struct {
	PID         PID
	Name        string // registered name, if any
	Kind        string // "process", "server", "supervisor", "statemachine" or the Kind option
	Status      Status
	MailboxLen  int    // messages waiting
	MessagesIn  uint64 // messages ever delivered to the mailbox
	Links       []PID
	Monitors    []PID  // processes this one monitors
	MonitoredBy []PID  // processes monitoring this one
	Parent      PID    // see Process.Parent
	ChildID     string // its id in its supervisor, if supervised
	// Restarts: for a supervised child, how many times its supervisor had
	// restarted it before this pid.
	Restarts int
	// Performed: for a supervisor, the restarts of its children it has
	// performed.
	Performed int
	State     string // current state of a state machine
	// TrapExit: exit signals other than Kill reach it as ExitMsg
	// messages instead of stopping it (process_info(Pid, trap_exit)).
	TrapExit bool
}

// Processes returns a snapshot of every live or zombie process, in pid
// order (erlang:processes/0 with process_info/1).
func Processes() []ProcessInfo {
	all := procs.list(nil)
	infos := make([]ProcessInfo, 0, len(all))
	for _, p := range all {
		infos = append(infos, p.info())
	}
	return infos
}

// NumProcesses returns how many processes are alive or zombies
// (erlang:system_info(process_count)). It is cheap: no snapshot.
func NumProcesses() int {
	n := 0
	for i := range procs.shards {
		s := &procs.shards[i]
		s.mu.Lock()
		n += s.n
		s.mu.Unlock()
	}
	return n
}

// Info returns a snapshot of pid, or false if it is neither alive nor a
// zombie.
func Info(pid PID) (ProcessInfo, bool) {
	p := pid.p
	if p == nil {
		return ProcessInfo{}, false
	}
	p.mu.Lock()
	gone := p.finished
	p.mu.Unlock()
	if gone {
		return ProcessInfo{}, false
	}
	return p.info(), true
}

func (p *Process) info() ProcessInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	info := ProcessInfo{
		PID:        p.Self(),
		Name:       p.regName(),
		Kind:       p.kind,
		MailboxLen: int(p.inbox.n) + int(p.saveLen.Load()),
		MessagesIn: p.messagesIn,
		Parent:     p.parent,
		TrapExit:   p.trap,
	}
	if x := p.ext; x != nil {
		info.ChildID, info.Restarts, info.Performed, info.State = x.childID, x.restarts, x.performed, x.smState
	}
	switch {
	case p.dead.Load():
		info.Status = Zombie
		info.MailboxLen = 0 // closed: what the zombie holds will never be received
	case p.exiting:
		info.Status = Exiting
	case p.waiting:
		info.Status = Waiting
	}
	if x := p.ext; x != nil {
		for o := range x.links {
			info.Links = append(info.Links, o.Self())
		}
		for _, o := range x.monitors {
			info.Monitors = append(info.Monitors, PID{o})
		}
		for _, o := range x.monitoredBy {
			info.MonitoredBy = append(info.MonitoredBy, o.Self())
		}
	}
	sortPIDs(info.Links)
	sortPIDs(info.Monitors)
	sortPIDs(info.MonitoredBy)
	return info
}

func sortPIDs(pids []PID) {
	slices.SortFunc(pids, func(a, b PID) int { return comparePIDs(a, b) })
}

func comparePIDs(a, b PID) int {
	var x, y uint64
	if a.p != nil {
		x = a.p.id
	}
	if b.p != nil {
		y = b.p.id
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// TreeNode is one node of a supervision tree. A child that is not running
// has a zero PID in its ProcessInfo.
type TreeNode struct {
	ProcessInfo
	Children []TreeNode // a supervisor's children, in start order
}

// Tree returns the supervision trees: one node per supervisor that no
// other supervisor supervises, with its children below it.
func Tree() []TreeNode {
	var roots []TreeNode
	for _, p := range procs.list(func(p *Process) bool { return p.supervisor }) {
		parent := p.Parent()
		if parent.p != nil && parent.p.supervisor && !parent.p.dead.Load() {
			continue // drawn under its parent
		}
		roots = append(roots, treeOf(p))
	}
	return roots
}

func treeOf(p *Process) TreeNode {
	node := TreeNode{ProcessInfo: p.info()}
	p.mu.Lock()
	var children []ChildInfo // copy-on-write: never modified in place
	if p.ext != nil {
		children = p.ext.children
	}
	p.mu.Unlock()
	node.Children = make([]TreeNode, len(children))
	for i, c := range children {
		child := &node.Children[i]
		switch {
		case c.PID.p == nil:
			child.ProcessInfo = ProcessInfo{ChildID: c.ID, Kind: "worker"}
			if c.Supervisor {
				child.Kind = "supervisor"
			}
		case c.PID.p.supervisor:
			*child = treeOf(c.PID.p)
		default:
			child.ProcessInfo = c.PID.p.info()
		}
		child.ChildID = c.ID
	}
	return node
}

// procs is the table of live and zombie processes, sharded so that
// spawning on several cores does not contend on one lock. Each shard is
// an intrusive doubly linked list: adding and removing cost no
// allocation.
var procs table

const shards = 64

type table struct {
	shards [shards]struct {
		mu   sync.Mutex
		head *Process
		n    int
		_    [40]byte // keep shards on separate cache lines
	}
}

func (t *table) add(p *Process) {
	s := &t.shards[p.id%shards]
	s.mu.Lock()
	s.n++
	p.next = s.head
	if s.head != nil {
		s.head.prev = p
	}
	s.head = p
	s.mu.Unlock()
}

func (t *table) remove(p *Process) {
	s := &t.shards[p.id%shards]
	s.mu.Lock()
	s.n--
	if p.prev != nil {
		p.prev.next = p.next
	} else if s.head == p {
		s.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	}
	p.prev, p.next = nil, nil
	s.mu.Unlock()
}

// list returns the processes for which keep (nil: all) is true, in pid
// order.
func (t *table) list(keep func(*Process) bool) []*Process {
	var all []*Process
	if keep == nil {
		all = make([]*Process, 0, NumProcesses()) // a hint: it may change meanwhile
	}
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for p := s.head; p != nil; p = p.next {
			if keep == nil || keep(p) {
				all = append(all, p)
			}
		}
		s.mu.Unlock()
	}
	slices.SortFunc(all, func(a, b *Process) int { return comparePIDs(a.Self(), b.Self()) })
	return all
}
