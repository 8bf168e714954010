package supervision

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// StartWorker starts a worker named id (for reports only: it is not
// registered) that reports Started to sink when it starts and Terminated,
// with the reason, when it stops: after Crash, after actor.Stop, and when
// its supervisor stops it. For that last one it must trap exits: a
// supervisor stops a child with an exit signal, which kills a process that
// does not trap exits before its Terminate can run. Only Kill silences it.
//
// Build it as a GenServer: a struct embedding actor.BaseServer with Init,
// HandleCast and Terminate, started with actor.StartServer.
func StartWorker(id string, sink Sink) (actor.PID, error) {
	panic("TODO(04.1): start a GenServer whose Init traps exits and reports Started, and whose Terminate reports Terminated")
}

// Crash makes the worker pid stop with reason, as if its code had failed
// (reason nil means actor.Normal). It does not wait.
func Crash(pid actor.PID, reason error) {
	panic("TODO(04.1): cast the worker a message its HandleCast answers by returning reason")
}

// Spec is the child spec of a permanent worker id reporting to sink, for
// a supervisor: its ID is id and its Start calls StartWorker.
func Spec(id string, sink Sink) actor.ChildSpec {
	panic("TODO(04.1): return an actor.ChildSpec with ID id whose Start calls StartWorker(id, sink)")
}
