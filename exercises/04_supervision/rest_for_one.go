package supervision

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// StartPipeline starts "conn", "cache" and "api" (workers reporting to
// sink, started in that order), each depending on the ones before it,
// under a rest_for_one supervisor: when one crashes, it and every child
// started after it are restarted.
func StartPipeline(sink Sink) (actor.PID, error) {
	panic("TODO(04.4): start a RestForOne supervisor with conn, cache and api")
}
