package actor

import (
	"strconv"
	"sync/atomic"
	"time"
)

// Infinity, given as a timeout to Receive, Call or Stop, or as a shutdown
// to Timeout, means "no deadline". Any negative duration means the same.
const Infinity time.Duration = -1

// PID identifies a process, like an Erlang pid. PIDs are comparable (use ==
// or map keys) and print as "<0.42>". The zero PID names no process: Send
// to it is a no-op and Alive reports false.
type PID struct {
	p *Process
}

// String returns the pid in Erlang's notation, "<0.42>", or "<none>" for
// the zero PID.
func (pid PID) String() string {
	if pid.p == nil {
		return "<none>"
	}
	return "<0." + strconv.FormatUint(pid.p.id, 10) + ">"
}

// IsZero reports whether pid is the zero PID.
func (pid PID) IsZero() bool { return pid.p == nil }

// Ref is a unique reference, like Erlang's make_ref(): the identity of a
// monitor, a call or a timer. Refs are comparable; the zero Ref is never
// returned by MakeRef.
type Ref struct {
	n uint64
}

var refCounter atomic.Uint64

// MakeRef returns a Ref that no other call returns.
func MakeRef() Ref { return Ref{refCounter.Add(1)} }

// String returns the ref as "#Ref<42>".
func (r Ref) String() string { return "#Ref<" + strconv.FormatUint(r.n, 10) + ">" }
