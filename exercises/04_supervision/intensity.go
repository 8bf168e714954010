package supervision

import (
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// Intensity is a supervisor's restart intensity: more than MaxRestarts
// restarts within Within and the supervisor gives up, stops its children
// and exits, leaving the problem to its own supervisor.
type Intensity struct {
	MaxRestarts int
	Within      time.Duration
}

// StartApp starts a two-level tree under a one_for_one root:
//
//	root (one_for_one)
//	├── "pipeline": a supervisor started from PipelineSpec(sink, in):
//	│   rest_for_one over conn, cache, api, with restart intensity in
//	└── "metrics": a worker reporting to sink
//
// When the pipeline's children crash too often, the pipeline supervisor
// exits and the root restarts it; metrics is never touched.
func StartApp(sink Sink, in Intensity) (actor.PID, error) {
	panic("TODO(04.5): start a OneForOne root whose children are a \"pipeline\" supervisor (actor.StartSupervisor(PipelineSpec(sink, in))) and Spec(\"metrics\")")
}
