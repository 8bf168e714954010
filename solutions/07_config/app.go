package config

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// GreeterName is the name the supervised greeter is registered under.
const GreeterName = "greeter"

// ChildSpec describes a greeter registered as GreeterName, for a
// supervisor. opts are the child's arguments: the supervisor passes the
// same opts to every restart. Anything else (the environment) is read by
// the greeter itself when it starts, so a restart picks up a change.
func ChildSpec(opts Options) actor.ChildSpec {
	return actor.ChildSpec{
		ID: GreeterName,
		Start: func() (actor.PID, error) {
			return Start(opts, actor.Name(GreeterName))
		},
	}
}

// StartApp starts the application: a one_for_one supervisor with one
// greeter, ChildSpec(opts). Stop it with actor.Stop.
func StartApp(opts Options) (actor.PID, error) {
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{
		Strategy: actor.OneForOne,
		Children: []actor.ChildSpec{ChildSpec(opts)},
	})
	if err != nil {
		return actor.PID{}, fmt.Errorf("start greeter app: %w", err)
	}
	return sup, nil
}
