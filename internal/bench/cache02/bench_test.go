package cache02

import (
	"fmt"
	"sync"
	"testing"

	cache "github.com/otpgo/otpgo/solutions/02_cache"
)

const keys = 1024

// getter is what both caches offer the readers.
type getter interface {
	Get(key int) (int, bool)
	Put(key, value int) error
	Stop() error
}

// readAll spreads b.N Gets over readers goroutines, all reading at once;
// ns/op is then wall time per Get, the inverse of read throughput.
func readAll(b *testing.B, c getter, readers int) {
	for k := range keys {
		if err := c.Put(k, k); err != nil {
			b.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for r := range readers {
		n := b.N / readers
		if r < b.N%readers {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range n {
				if v, ok := c.Get((r*7919 + i) % keys); !ok || v != (r*7919+i)%keys {
					b.Errorf("Get returned (%v, %v)", v, ok)
					return
				}
			}
		}()
	}
	b.ResetTimer()
	close(start)
	wg.Wait()
	b.StopTimer()
}

// BenchmarkParallelGet: readers=N/baseline is the 02.1 cache (every Get
// is a Call through the mailbox), readers=N/table the 02.3 cache (Get
// reads the table). benchratio prints table/baseline per reader count.
func BenchmarkParallelGet(b *testing.B) {
	for _, readers := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("readers=%d", readers), func(b *testing.B) {
			b.Run("baseline", func(b *testing.B) {
				c, err := StartMailbox[int, int]()
				if err != nil {
					b.Fatal(err)
				}
				defer c.Stop()
				readAll(b, c, readers)
			})
			b.Run("table", func(b *testing.B) {
				c, err := cache.Start[int, int]()
				if err != nil {
					b.Fatal(err)
				}
				defer c.Stop()
				readAll(b, c, readers)
			})
		})
	}
}
