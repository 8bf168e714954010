package protoactor

import (
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/otpgo/otpgo/benchmarks/internal/bench"
)

// protoactor-go as its docs intend: an actor system, actors from
// PropsFromFunc with the default (unbounded) mailbox and dispatcher,
// Root.Send and Root.RequestFuture(...).Result().

// startProto makes an actor system whose logger is silent (it logs each
// system start at Info level) and shuts it down when b ends.
func startProto(b *testing.B) *actor.ActorSystem {
	b.Helper()
	quiet := actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	})
	sys := actor.NewActorSystem(quiet)
	b.Cleanup(sys.Shutdown)
	return sys
}

// protoStop stops pid and waits until it has stopped.
func protoStop(b *testing.B, sys *actor.ActorSystem, pid *actor.PID) {
	b.Helper()
	if err := sys.Root.StopFuture(pid).Wait(); err != nil {
		b.Fatalf("protoactor: stop %v: %v", pid, err)
	}
}

func protoCall(b *testing.B) {
	bench.Settle(b)
	sys := startProto(b)
	echo := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(bench.Ping); ok {
			c.Respond(c.Message())
		}
	}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reply, err := sys.Root.RequestFuture(echo, bench.Payload, bench.CallTimeout).Result()
		if err != nil {
			b.Fatalf("protoactor: request: %v", err)
		}
		if reply != bench.Payload {
			b.Fatal("protoactor: wrong reply")
		}
	}
	b.StopTimer()
	protoStop(b, sys, echo)
}

func protoSend(b *testing.B) {
	bench.Settle(b)
	sys := startProto(b)
	n, got := b.N, 0
	done := make(chan struct{})
	recv := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(bench.Ping); ok {
			got++
			if got == n {
				close(done)
			}
		}
	}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sys.Root.Send(recv, bench.Payload)
	}
	<-done
	b.StopTimer()
	protoStop(b, sys, recv)
}

func protoSpawn(b *testing.B) {
	bench.Settle(b)
	sys := startProto(b)
	done := make(chan struct{})
	var stopped sync.WaitGroup
	props := actor.PropsFromFunc(func(c actor.Context) {
		switch c.Message().(type) {
		case bench.Ping:
			done <- struct{}{}
			c.Stop(c.Self())
		case *actor.Stopped:
			stopped.Done()
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stopped.Add(1)
		pid := sys.Root.Spawn(props)
		sys.Root.Send(pid, bench.Payload)
		<-done
	}
	b.StopTimer()
	stopped.Wait()
}

func protoIdle(b *testing.B) {
	bench.Settle(b)
	sys := startProto(b)
	bench.MeasureIdle(b, func(k int) func() {
		var started, stopped sync.WaitGroup
		started.Add(k)
		stopped.Add(k)
		props := actor.PropsFromFunc(func(c actor.Context) {
			switch c.Message().(type) {
			case *actor.Started:
				started.Done()
			case *actor.Stopped:
				stopped.Done()
			}
		})
		pids := make([]*actor.PID, k)
		for i := range pids {
			pids[i] = sys.Root.Spawn(props)
		}
		started.Wait()
		return func() {
			for _, pid := range pids {
				sys.Root.Stop(pid)
			}
			stopped.Wait()
		}
	})
}
