// Package bench holds what every benchmark package in this module shares:
// the message, the constants and the measuring helpers, so that raw Go,
// otpgo and each peer are measured by the same code.
package bench

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// IdleN is how many idle processes BenchmarkIdleProcess holds at once.
const IdleN = 10_000

// CallTimeout bounds every request so that a broken implementation fails
// the benchmark instead of hanging it.
const CallTimeout = 5 * time.Second

// Ping is the message every benchmark sends.
type Ping struct{}

// Payload is Ping boxed once, so no implementation pays for converting it
// to an interface on each send.
var Payload any = Ping{}

// MeasureIdle runs the idle-process scenario: each iteration spawns IdleN
// processes with start, which returns once all of them are running and
// waiting for a message, and stops them with the function start returned.
// It reports the growth of HeapInuse+StackInuse per process as "B/proc".
func MeasureIdle(b *testing.B, start func(n int) (stop func())) {
	b.Helper()
	var total float64
	for b.Loop() {
		b.StopTimer()
		before := inuse()
		b.StartTimer()
		stop := start(IdleN)
		b.StopTimer()
		after := inuse()
		total += float64(after-before) / IdleN
		b.StartTimer()
		stop()
	}
	b.ReportMetric(total/float64(b.N), "B/proc")
}

// inuse is the memory held by live objects and goroutine stacks, after
// collecting so that garbage does not count.
func inuse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

// Settle makes b fail if goroutines started during it are still running
// ten seconds after it ends: every benchmark must stop what it started.
func Settle(b *testing.B) {
	b.Helper()
	before := runtime.NumGoroutine()
	b.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				b.Errorf("%d goroutines left running (%d before):\n%s",
					runtime.NumGoroutine(), before, firstLines(string(buf[:n]), 60))
				return
			}
			// Polling with a deadline: stopped goroutines leave
			// asynchronously and nothing signals their end.
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
