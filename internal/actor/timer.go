package actor

import "time"

// Timer is a pending SendAfter (erlang:send_after/3).
type Timer struct {
	t *time.Timer
}

// SendAfter sends msg to pid after d (erlang:send_after/3); d Infinity
// never sends. The timer is a time.AfterFunc, so no goroutine waits while
// it is pending, and under testing/synctest it follows the bubble's fake
// clock.
func SendAfter(pid PID, msg any, d time.Duration) *Timer {
	if d < 0 {
		return &Timer{}
	}
	return &Timer{t: time.AfterFunc(d, func() { traceTimer(pid); Send(pid, msg) })}
}

// Cancel stops the timer (erlang:cancel_timer/1). It returns true if the
// message had not been sent yet and now never will be.
func (t *Timer) Cancel() bool {
	if t == nil || t.t == nil {
		return t != nil
	}
	return t.t.Stop()
}
