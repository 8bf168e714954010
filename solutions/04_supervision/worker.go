package supervision

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// worker is the GenServer behind StartWorker. It does nothing but report.
type worker struct {
	actor.BaseServer
	id   string
	sink Sink
}

// crashMsg asks a worker to stop with reason.
type crashMsg struct{ reason error }

// Init traps exits, so that the exit signal a supervisor sends to stop its
// child becomes a call to Terminate instead of an instant death, and
// reports Started.
func (w *worker) Init(p *actor.Process) error {
	p.TrapExit(true)
	w.sink(Event{Kind: Started, ID: w.id, PID: p.Self()})
	return nil
}

// HandleCast stops the worker with the reason Crash asked for.
func (w *worker) HandleCast(p *actor.Process, msg any) error {
	if m, ok := msg.(crashMsg); ok {
		return m.reason
	}
	return nil
}

// Terminate reports Terminated with the reason the worker stops for.
func (w *worker) Terminate(p *actor.Process, reason error) {
	w.sink(Event{Kind: Terminated, ID: w.id, PID: p.Self(), Reason: reason})
}

// StartWorker starts a worker named id (for reports only: it is not
// registered) that reports Started to sink when it starts and Terminated,
// with the reason, when it stops: after Crash, after actor.Stop, and when
// its supervisor stops it, because it traps exits. Only Kill silences it.
func StartWorker(id string, sink Sink) (actor.PID, error) {
	pid, err := actor.StartServer(&worker{id: id, sink: sink})
	if err != nil {
		return actor.PID{}, fmt.Errorf("start worker %s: %w", id, err)
	}
	return pid, nil
}

// Crash makes the worker pid stop with reason, as if its code had failed
// (reason nil means actor.Normal). It does not wait.
func Crash(pid actor.PID, reason error) {
	if reason == nil {
		reason = actor.Normal
	}
	actor.Cast(pid, crashMsg{reason})
}

// Spec is the child spec of a permanent worker id reporting to sink, for
// a supervisor: its ID is id and its Start calls StartWorker.
func Spec(id string, sink Sink) actor.ChildSpec {
	return actor.ChildSpec{
		ID:    id,
		Start: func() (actor.PID, error) { return StartWorker(id, sink) },
	}
}
