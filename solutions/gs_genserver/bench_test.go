package genserver

import (
	"testing"
	"time"
)

// BenchmarkCall measures one Call round trip through the hand-rolled
// server. Compare it with BenchmarkRawCall: the ratio is the price of the
// behaviour (envelopes, interface dispatch, a reply channel per call).
func BenchmarkCall(b *testing.B) {
	s, err := Start(&zzCounter{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	for b.Loop() {
		if _, err := s.Call("inc", time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawCall is the baseline: a goroutine owning an int, a request
// channel and a reply channel, with nothing else.
func BenchmarkRawCall(b *testing.B) {
	req := make(chan chan int)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case r := <-req:
				n++
				r <- n
			case <-done:
				return
			}
		}
	}()
	defer close(done)
	for b.Loop() {
		r := make(chan int, 1)
		req <- r
		<-r
	}
}
