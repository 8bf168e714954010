package pool

import (
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/redistest"
)

// Why is the pool's size a read-mostly global and not a GenServer? Every
// Command reads it. Compare, on many goroutines at once:
//
//	go test -run '^$' -bench Size -cpu 1,2,4 ./solutions/05_pool

// BenchmarkSizeGlobal reads the size the way Command does.
func BenchmarkSizeGlobal(b *testing.B) {
	srv := redistest.Start(b)
	sup, err := Start(Options{Name: "bench", Addr: srv.Addr(), Size: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer actor.Stop(sup, actor.Shutdown, time.Second)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if Size("bench") != 4 {
				b.Fatal("wrong size")
			}
		}
	})
}

// benchSizeServer is the alternative: a GenServer that owns the size.
type benchSizeServer struct {
	actor.BaseServer
	n int
}

func (s *benchSizeServer) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	return s.n, nil
}

// BenchmarkSizeServer is the baseline: one Call per read, all readers
// queueing in one mailbox.
func BenchmarkSizeServer(b *testing.B) {
	pid, err := actor.StartServer(&benchSizeServer{n: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer actor.Stop(pid, actor.Shutdown, time.Second)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if v, err := actor.Call(pid, nil, time.Second); err != nil || v != 4 {
				b.Fatal(v, err)
			}
		}
	})
}
