package actor

import (
	"errors"
	"time"
)

// Restart says when a supervisor restarts a child that exited.
type Restart int

const (
	// Permanent children are always restarted.
	Permanent Restart = iota
	// Transient children are restarted only after an abnormal exit: not
	// Normal, not Shutdown.
	Transient
	// Temporary children are never restarted; their spec is removed when
	// they exit.
	Temporary
)

// String returns "permanent", "transient" or "temporary".
func (r Restart) String() string {
	switch r {
	case Permanent:
		return "permanent"
	case Transient:
		return "transient"
	case Temporary:
		return "temporary"
	}
	return "Restart(?)"
}

// ShutdownSpec says how a supervisor stops a child. The zero value means
// Timeout(5*time.Second) for a worker and Timeout(Infinity) for a
// supervisor, as in OTP.
type ShutdownSpec struct {
	brutal bool
	set    bool
	d      time.Duration
}

// BrutalKill stops a child with Exit(child, Kill) at once.
var BrutalKill = ShutdownSpec{brutal: true, set: true}

// Timeout stops a child by sending it an exit signal with reason Shutdown
// and waiting up to d for it to exit, then killing it. Timeout(Infinity)
// waits forever (use it for child supervisors).
func Timeout(d time.Duration) ShutdownSpec { return ShutdownSpec{set: true, d: d} }

// String returns "brutal_kill", "infinity" or the timeout, like "5s".
func (s ShutdownSpec) String() string { panic(notYet) }

// ChildSpec describes one child of a supervisor (child_spec()).
type ChildSpec struct {
	// ID names the child within its supervisor; it must be unique there.
	ID string
	// Start starts the child and returns its pid; the supervisor links to
	// it and becomes its parent. It runs in the supervisor's process.
	// Returning the zero PID and a nil error means "ignore": the spec is
	// kept but no process runs.
	Start func() (PID, error)
	// Restart: Permanent (the zero value), Transient or Temporary.
	Restart Restart
	// Shutdown: how to stop the child; see ShutdownSpec.
	Shutdown ShutdownSpec
	// Supervisor is true if the child is itself a supervisor.
	Supervisor bool
}

// Strategy decides which children a supervisor restarts when the child at
// index failed (in start order) among n children must be restarted. It
// returns their indices in start order; the supervisor stops those still
// running in reverse order, then starts them all again in order.
// OneForOne, OneForAll and RestForOne are the OTP strategies; any function
// with this shape is a strategy.
type Strategy func(n, failed int) []int

// OneForOne restarts only the child that exited (one_for_one).
func OneForOne(n, failed int) []int { return []int{failed} }

// OneForAll restarts every child (one_for_all).
func OneForAll(n, failed int) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// RestForOne restarts the child that exited and every child started after
// it (rest_for_one).
func RestForOne(n, failed int) []int {
	rest := make([]int, 0, n-failed)
	for i := failed; i < n; i++ {
		rest = append(rest, i)
	}
	return rest
}

// SupervisorSpec configures a supervisor (the return value of init/1).
type SupervisorSpec struct {
	// Strategy defaults to OneForOne.
	Strategy Strategy
	// MaxRestarts is the restart intensity: more than MaxRestarts restarts
	// within Within stops the supervisor. Zero means 3; a negative value
	// allows no restart at all.
	MaxRestarts int
	// Within is the intensity period; zero means 5s.
	Within time.Duration
	// Children are started in order and stopped in reverse order.
	Children []ChildSpec
}

// ErrMaxRestarts is wrapped in the exit reason of a supervisor that gave
// up because its children restarted too often.
var ErrMaxRestarts = errors.New("reached max restart intensity")

// StartSupervisor starts a supervisor process (supervisor:start_link/2
// without the link) that starts spec.Children in order, and returns once
// they are all started. If a child fails to start, the ones already
// started are stopped in reverse order and the error is returned.
func StartSupervisor(spec SupervisorSpec, opts ...StartOption) (PID, error) { panic(notYet) }

// StartLinkSupervisor is StartSupervisor with the supervisor linked to p
// and p as its parent (supervisor:start_link/2).
func (p *Process) StartLinkSupervisor(spec SupervisorSpec, opts ...StartOption) (PID, error) {
	panic(notYet)
}

// StartChild adds c to the supervisor sup and starts it
// (supervisor:start_child/2).
func StartChild(sup PID, c ChildSpec) (PID, error) { panic(notYet) }

// TerminateChild stops the child id but keeps its spec, so RestartChild
// can start it again (supervisor:terminate_child/2).
func TerminateChild(sup PID, id string) error { panic(notYet) }

// RestartChild starts again a child stopped with TerminateChild
// (supervisor:restart_child/2).
func RestartChild(sup PID, id string) (PID, error) { panic(notYet) }

// DeleteChild removes the spec of a stopped child
// (supervisor:delete_child/2).
func DeleteChild(sup PID, id string) error { panic(notYet) }

// ChildInfo describes one child of a supervisor (which_children/1). PID
// is zero if the child is not running.
type ChildInfo struct {
	ID         string
	PID        PID
	Supervisor bool
	Restart    Restart
}

// WhichChildren lists sup's children in start order
// (supervisor:which_children/1).
func WhichChildren(sup PID) ([]ChildInfo, error) { panic(notYet) }

// Counts is the result of CountChildren (supervisor:count_children/1).
type Counts struct {
	Specs       int // all child specs
	Active      int // children running
	Supervisors int // specs that are supervisors
	Workers     int // specs that are workers
}

// CountChildren counts sup's children (supervisor:count_children/1).
func CountChildren(sup PID) (Counts, error) { panic(notYet) }
