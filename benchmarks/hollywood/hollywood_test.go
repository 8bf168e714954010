package hollywood

import (
	"sync"
	"testing"

	"github.com/anthdm/hollywood/actor"

	"github.com/otpgo/otpgo/benchmarks/internal/bench"
)

// hollywood as its docs intend: an engine, actors from SpawnFunc with the
// default inbox, engine.Send and engine.Request(...).Result(). An engine
// has no Stop: each benchmark poisons every actor it spawned.

func startHollywood(b *testing.B) *actor.Engine {
	b.Helper()
	e, err := actor.NewEngine(actor.NewEngineConfig())
	if err != nil {
		b.Fatalf("hollywood: new engine: %v", err)
	}
	return e
}

// hollywoodStop poisons pid and waits until it has stopped.
func hollywoodStop(e *actor.Engine, pid *actor.PID) {
	<-e.Poison(pid).Done()
}

func hollywoodCall(b *testing.B) {
	bench.Settle(b)
	e := startHollywood(b)
	echo := e.SpawnFunc(func(c *actor.Context) {
		if _, ok := c.Message().(bench.Ping); ok {
			c.Respond(c.Message())
		}
	}, "echo")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reply, err := e.Request(echo, bench.Payload, bench.CallTimeout).Result()
		if err != nil {
			b.Fatalf("hollywood: request: %v", err)
		}
		if reply != bench.Payload {
			b.Fatal("hollywood: wrong reply")
		}
	}
	b.StopTimer()
	hollywoodStop(e, echo)
}

func hollywoodSend(b *testing.B) {
	bench.Settle(b)
	e := startHollywood(b)
	n, got := b.N, 0
	done := make(chan struct{})
	recv := e.SpawnFunc(func(c *actor.Context) {
		if _, ok := c.Message().(bench.Ping); ok {
			got++
			if got == n {
				close(done)
			}
		}
	}, "recv")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Send(recv, bench.Payload)
	}
	<-done
	b.StopTimer()
	hollywoodStop(e, recv)
}

func hollywoodSpawn(b *testing.B) {
	bench.Settle(b)
	e := startHollywood(b)
	done := make(chan struct{})
	var stopped sync.WaitGroup
	f := func(c *actor.Context) {
		switch c.Message().(type) {
		case bench.Ping:
			done <- struct{}{}
			c.Engine().Poison(c.PID())
		case actor.Stopped:
			stopped.Done()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stopped.Add(1)
		pid := e.SpawnFunc(f, "oneshot")
		e.Send(pid, bench.Payload)
		<-done
	}
	b.StopTimer()
	stopped.Wait()
}

func hollywoodIdle(b *testing.B) {
	bench.Settle(b)
	e := startHollywood(b)
	bench.MeasureIdle(b, func(k int) func() {
		var started sync.WaitGroup
		started.Add(k)
		f := func(c *actor.Context) {
			if _, ok := c.Message().(actor.Started); ok {
				started.Done()
			}
		}
		pids := make([]*actor.PID, k)
		for i := range pids {
			pids[i] = e.SpawnFunc(f, "idle")
		}
		started.Wait()
		return func() {
			for _, pid := range pids {
				hollywoodStop(e, pid)
			}
		}
	})
}
