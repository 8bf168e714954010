package supervision

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// StartPipeline starts "conn", "cache" and "api" (workers reporting to
// sink, started in that order), each depending on the ones before it,
// under a rest_for_one supervisor: when one crashes, it and every child
// started after it are restarted.
func StartPipeline(sink Sink) (actor.PID, error) {
	panic("TODO(04.4): write PipelineSpec below, then start a supervisor from PipelineSpec(sink, Intensity{MaxRestarts: actor.DefaultMaxRestarts})")
}

// PipelineSpec is the pipeline supervisor's spec: rest_for_one over
// "conn", "cache" and "api", with restart intensity in (MaxRestarts 0
// means no restart, as max_restarts: 0; a zero Within means 5s).
// StartPipeline starts it with the default intensity; StartApp (04.5)
// with the intensity it is given.
func PipelineSpec(sink Sink, in Intensity) actor.SupervisorSpec {
	panic("TODO(04.4): return an actor.SupervisorSpec: Strategy actor.RestForOne, MaxRestarts new(in.MaxRestarts) and Within from in, Children conn, cache, api")
}
