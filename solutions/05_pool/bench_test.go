package pool

import (
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/redistest"
)

// Why is the pool's size a read-mostly global and not a GenServer? Every
// Command reads it. BenchmarkSize/global reads it the way Command does;
// BenchmarkSize/baseline asks a GenServer that owns the same number, as a
// pool built around a "manager" process would. On many goroutines at once:
//
//	go test -run '^$' -bench Size -cpu 1,2,4 ./solutions/05_pool | go run ./internal/benchratio
func BenchmarkSize(b *testing.B) {
	b.Run("global", func(b *testing.B) {
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
	})
	b.Run("baseline", func(b *testing.B) {
		pid, err := actor.StartServer(&zzBenchSizeServer{n: 4})
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
	})
}

// zzBenchSizeServer is the baseline: a GenServer that owns the size, so
// every read is a Call queued in its one mailbox.
type zzBenchSizeServer struct {
	actor.BaseServer
	n int
}

func (s *zzBenchSizeServer) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	return s.n, nil
}
