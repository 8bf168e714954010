package config

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// GreeterName is the name the supervised greeter is registered under.
const GreeterName = "greeter"

// ChildSpec describes a greeter registered as GreeterName, for a
// supervisor. opts are the child's arguments: the supervisor passes the
// same opts to every restart. Anything else (the environment) must be read
// by the greeter itself when it starts, so that a restart picks up a
// change: do not resolve the configuration here.
func ChildSpec(opts Options) actor.ChildSpec {
	panic("TODO(07.3): return a ChildSpec whose Start calls Start(opts, actor.Name(GreeterName))")
}

// StartApp starts the application: a one_for_one supervisor with one
// greeter, ChildSpec(opts). Stop it with actor.Stop.
func StartApp(opts Options) (actor.PID, error) {
	panic("TODO(07.3): start a supervisor (actor.StartSupervisor) with ChildSpec(opts)")
}
