package supervision

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// StartMatch starts a game match made of "board", "clock" and "referee"
// (workers reporting to sink, started in that order) under a one_for_all
// supervisor: they only make sense together, so when one crashes all of
// them are restarted.
func StartMatch(sink Sink) (actor.PID, error) {
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{
		Strategy: actor.OneForAll,
		Children: []actor.ChildSpec{
			Spec("board", sink),
			Spec("clock", sink),
			Spec("referee", sink),
		},
	})
	if err != nil {
		return actor.PID{}, fmt.Errorf("start match: %w", err)
	}
	return sup, nil
}
