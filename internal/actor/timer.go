package actor

import "time"

// Timer is a pending SendAfter (erlang:send_after/3).
type Timer struct {
	t *time.Timer
}

// SendAfter sends msg to pid after d (erlang:send_after/3). Under
// testing/synctest the timer follows the bubble's fake clock.
func SendAfter(pid PID, msg any, d time.Duration) *Timer { panic(notYet) }

// Cancel stops the timer (erlang:cancel_timer/1). It returns true if the
// message had not been sent yet and now never will be.
func (t *Timer) Cancel() bool { panic(notYet) }
