package supervision

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// StartCaches starts three independent caches, "users", "orders" and
// "sessions" (workers reporting to sink, started in that order), under a
// one_for_one supervisor: when one crashes, only that one is restarted.
func StartCaches(sink Sink) (actor.PID, error) {
	panic("TODO(04.2): start a OneForOne supervisor with Spec(\"users\"), Spec(\"orders\"), Spec(\"sessions\")")
}
