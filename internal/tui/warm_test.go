package tui

import (
	"context"
	"testing"
)

// The home screen shows the warm-up's progress in packages while it runs,
// and that check is warm once it is done.
func TestHomeShowsTheWarmUp(t *testing.T) {
	next := make(chan struct{})
	h := start(t, Options{Warm: func(ctx context.Context, progress func(done, total int)) error {
		progress(0, 3)
		select {
		case <-next:
		case <-ctx.Done():
			return ctx.Err()
		}
		progress(2, 3)
		select {
		case <-next:
		case <-ctx.Done():
			return ctx.Err()
		}
		progress(3, 3)
		return nil
	}}, 100, 24)
	h.wait("warm-up 0/3 packages")
	next <- struct{}{}
	h.wait("warm-up 2/3 packages")
	next <- struct{}{}
	h.wait("check warm")
}
