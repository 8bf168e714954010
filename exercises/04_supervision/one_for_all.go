package supervision

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// StartMatch starts a game match made of "board", "clock" and "referee"
// (workers reporting to sink, started in that order) under a one_for_all
// supervisor: they only make sense together, so when one crashes all of
// them are restarted.
func StartMatch(sink Sink) (actor.PID, error) {
	panic("TODO(04.3): start a OneForAll supervisor with board, clock and referee")
}
