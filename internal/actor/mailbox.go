package actor

import "time"

// Receive returns the oldest message in p's mailbox, waiting up to timeout
// for one (receive Msg -> ... after Timeout -> ... end). Timeout 0 polls;
// Infinity (or any negative duration) waits forever. It returns ErrTimeout
// if no message came in time, and p's exit reason once p has been
// terminated from outside (killed, or an exit signal it does not trap): the
// process should then return that error.
func (p *Process) Receive(timeout time.Duration) (any, error) { panic(notYet) }

// ReceiveMatch is a selective receive: it returns the oldest message for
// which match returns true, waiting up to timeout for one. Messages that do
// not match stay in the mailbox, in order, for later receives. Errors are
// those of Receive.
func (p *Process) ReceiveMatch(match func(any) bool, timeout time.Duration) (any, error) {
	panic(notYet)
}
