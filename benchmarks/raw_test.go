package benchmarks

import (
	"sync"
	"testing"

	"github.com/otpgo/otpgo/benchmarks/internal/bench"
)

// The raw-Go baselines: what each measurement costs with nothing but
// goroutines and channels. Every ratio in the table is against these.

type rawRequest struct {
	msg   any
	reply chan any
}

func rawCall(b *testing.B) {
	bench.Settle(b)
	reqs := make(chan rawRequest)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for r := range reqs {
			r.reply <- r.msg
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reply := make(chan any, 1)
		reqs <- rawRequest{msg: bench.Payload, reply: reply}
		if <-reply != bench.Payload {
			b.Fatal("raw call: wrong reply")
		}
	}
	b.StopTimer()
	close(reqs)
	<-done
}

// rawMailbox is the capacity of the raw mailbox channel in Send.
const rawMailbox = 1024

func rawSend(b *testing.B) {
	bench.Settle(b)
	ch := make(chan any, rawMailbox)
	done := make(chan struct{})
	n := b.N
	go func() {
		defer close(done)
		for range n {
			<-ch
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch <- bench.Payload
	}
	<-done
}

func rawSpawn(b *testing.B) {
	bench.Settle(b)
	done := make(chan struct{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mbox := make(chan any, 1)
		go func() {
			<-mbox
			done <- struct{}{}
		}()
		mbox <- bench.Payload
		<-done
	}
}

func rawIdle(b *testing.B) {
	bench.Settle(b)
	bench.MeasureIdle(b, func(n int) func() {
		var started, stopped sync.WaitGroup
		mboxes := make([]chan any, n)
		started.Add(n)
		stopped.Add(n)
		for i := range mboxes {
			mbox := make(chan any, 1)
			mboxes[i] = mbox
			go func() {
				defer stopped.Done()
				started.Done()
				<-mbox
			}()
		}
		started.Wait()
		return func() {
			for _, mbox := range mboxes {
				close(mbox)
			}
			stopped.Wait()
		}
	})
}
