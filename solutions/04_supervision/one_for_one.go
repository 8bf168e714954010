package supervision

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// StartCaches starts three independent caches, "users", "orders" and
// "sessions" (workers reporting to sink, started in that order), under a
// one_for_one supervisor: when one crashes, only that one is restarted.
func StartCaches(sink Sink) (actor.PID, error) {
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{
		Strategy: actor.OneForOne,
		Children: []actor.ChildSpec{
			Spec("users", sink),
			Spec("orders", sink),
			Spec("sessions", sink),
		},
	})
	if err != nil {
		return actor.PID{}, fmt.Errorf("start caches: %w", err)
	}
	return sup, nil
}
