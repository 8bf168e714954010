package actor

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
	Restarts    int    // supervised child: times its supervisor restarted it before this pid; supervisor: restarts it performed
	State       string // current state of a state machine
}

// Processes returns a snapshot of every live or zombie process, in pid
// order (erlang:processes/0 with process_info/1).
func Processes() []ProcessInfo { panic(notYet) }

// Info returns a snapshot of pid, or false if it is neither alive nor a
// zombie.
func Info(pid PID) (ProcessInfo, bool) { panic(notYet) }

// TreeNode is one node of a supervision tree. A child that is not running
// has a zero PID in its ProcessInfo.
type TreeNode struct {
	ProcessInfo
	Children []TreeNode // a supervisor's children, in start order
}

// Tree returns the supervision trees: one node per supervisor that no
// other supervisor supervises, with its children below it.
func Tree() []TreeNode { panic(notYet) }
