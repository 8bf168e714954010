package cli

import (
	"testing"
	"time"
)

// TestElapsedIsSaidOnceItIsLong: a spinner says how long it has run once
// that is long enough to wonder, in whole seconds.
func TestElapsedIsSaidOnceItIsLong(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Second: "", 2999 * time.Millisecond: "", 3 * time.Second: " 3s", 12500 * time.Millisecond: " 12s"} {
		if got := elapsed(d); got != want {
			t.Errorf("elapsed(%v) = %q; want %q", d, got, want)
		}
	}
}
