package actor

import (
	"errors"
	"fmt"
)

// Exit reasons. A process's exit reason is an error; compare reasons with
// errors.Is, because runtimes and users wrap them with context.
var (
	// Normal is the reason of a process whose function returned nil.
	// Links ignore it unless the linked process traps exits.
	Normal = errors.New("normal")
	// Shutdown is the reason a supervisor uses to stop a child, and the
	// reason Stop uses by convention. Transient children are not restarted
	// after it.
	Shutdown = errors.New("shutdown")
	// Kill, sent with Exit, terminates the target even if it traps exits.
	// The target's exit reason is then Killed, never Kill.
	Kill = errors.New("kill")
	// Killed is the exit reason of a process terminated with Kill.
	Killed = errors.New("killed")
	// NoProc means the process does not exist (any more): the reason in a
	// Down for a monitor set on a dead pid, and the error of Call and Stop
	// on a dead or dying server.
	NoProc = errors.New("noproc")
)

// ErrTimeout is returned by Receive, ReceiveMatch, Call and Stop when their
// deadline passes.
var ErrTimeout = errors.New("timeout")

// ErrGoexit is the exit reason of a process whose goroutine called
// runtime.Goexit, as t.Fatal does when a test calls it inside a process:
// report failures from a process by returning an error instead.
var ErrGoexit = errors.New("the process's goroutine called runtime.Goexit (t.Fatal or t.FailNow inside a process?)")

// ErrAlreadyRegistered is returned (wrapped) when a name is already taken
// or a process already has a name.
var ErrAlreadyRegistered = errors.New("already registered")

// PanicError is the exit reason of a process that panicked. A panic in a
// process never crashes the program: it becomes the process's exit reason,
// seen by its links and monitors like any other crash.
type PanicError struct {
	Value any    // the value passed to panic
	Stack string // the goroutine's stack at the panic
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through a panic(err).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
