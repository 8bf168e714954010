package supervision

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// StartPipeline starts "conn", "cache" and "api" (workers reporting to
// sink, started in that order), each depending on the ones before it,
// under a rest_for_one supervisor: when one crashes, it and every child
// started after it are restarted.
func StartPipeline(sink Sink) (actor.PID, error) {
	sup, err := actor.StartSupervisor(PipelineSpec(sink, Intensity{MaxRestarts: actor.DefaultMaxRestarts}))
	if err != nil {
		return actor.PID{}, fmt.Errorf("start pipeline: %w", err)
	}
	return sup, nil
}

// PipelineSpec is the pipeline supervisor's spec: rest_for_one over
// "conn", "cache" and "api", with restart intensity in (MaxRestarts 0
// means no restart, as max_restarts: 0; a zero Within means 5s).
// StartPipeline starts it with the default intensity; StartApp (04.5)
// with the intensity it is given.
func PipelineSpec(sink Sink, in Intensity) actor.SupervisorSpec {
	return actor.SupervisorSpec{
		Strategy:    actor.RestForOne,
		MaxRestarts: new(in.MaxRestarts),
		Within:      in.Within,
		Children: []actor.ChildSpec{
			Spec("conn", sink),
			Spec("cache", sink),
			Spec("api", sink),
		},
	}
}
