package redis03

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/redistest"
)

func TestRunEveryReferenceClient(t *testing.T) {
	defer goleak.VerifyNone(t)
	opts := Options{Callers: []int{1, 4}, Duration: 20 * time.Millisecond, RTTs: []time.Duration{0, 200 * time.Microsecond}}
	results, err := Run(context.Background(), Reference(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(Reference()) * 2 * 2; len(results) != want {
		t.Fatalf("%d results, want %d", len(results), want)
	}
	for _, r := range results {
		if r.Err != nil || r.Ops == 0 {
			t.Errorf("%s at %d callers, rtt %v: %d ops, error %v", r.Contender, r.Callers, r.RTT, r.Ops, r.Err)
		}
	}
	var out bytes.Buffer
	if err := WriteTable(&out, results, opts.Callers); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Loopback", "200µs", "non-blocking / blocking at 4 callers", GoRedis, StateMachine} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// A client that panics (a TODO) or fails gives a failed row, not a crash.
func TestMeasureReportsTODOs(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	todo := Contender{"todo", func(string) (Client, error) { return panicky{}, nil }}
	r := Measure(context.Background(), srv.Addr(), todo, 2, 10*time.Millisecond)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "TODO(03.1)") {
		t.Fatalf("Measure of a panicking client: %v, want the TODO message", r.Err)
	}
	var out bytes.Buffer
	_ = WriteTable(&out, []Result{r}, []int{2})
	if !strings.Contains(out.String(), "failed") || !strings.Contains(out.String(), "TODO(03.1)") {
		t.Fatalf("table:\n%s", out.String())
	}
}

type panicky struct{}

func (panicky) Command(...string) (any, error) { panic("TODO(03.1): write Command") }
func (panicky) Close() error                   { return nil }

func TestWireRoundTrip(t *testing.T) {
	r := Result{Contender: "x", Callers: 3, Ops: 7, Elapsed: time.Second}
	if got := Wire(r).Result(); !reflect.DeepEqual(got, r) {
		t.Fatalf("%#v != %#v", got, r)
	}
	r.Err = fmt.Errorf("boom")
	if got := Wire(r).Result(); got.Err == nil || got.Err.Error() != "boom" {
		t.Fatalf("error lost: %#v", got)
	}
}

func TestThousands(t *testing.T) {
	for f, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.4: "1,234,567"} {
		if got := thousands(f); got != want {
			t.Errorf("thousands(%v) = %q, want %q", f, got, want)
		}
	}
}

// The reference clients against a real redis-server, when there is one.
func TestReferenceClientsAgainstRealRedis(t *testing.T) {
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		t.Skip("REDIS_ADDR is not set: set it to a real redis-server (e.g. REDIS_ADDR=127.0.0.1:6379) to run the reference clients against it")
	}
	defer goleak.VerifyNone(t)
	for _, c := range Reference() {
		t.Run(c.Name, func(t *testing.T) {
			cl, err := c.Start(addr)
			if err != nil {
				t.Fatalf("start against %s: %v", addr, err)
			}
			defer cl.Close()
			key := fmt.Sprintf("otpgo:test:%d", time.Now().UnixNano())
			defer cl.Command("DEL", key)
			for _, step := range []struct {
				args []string
				want any
			}{
				{[]string{"PING"}, "PONG"},
				{[]string{"SET", key, "v"}, "OK"},
				{[]string{"GET", key}, "v"},
			} {
				if v, err := cl.Command(step.args...); err != nil || v != step.want {
					t.Fatalf("%v = (%#v, %v), want %#v", step.args, v, err, step.want)
				}
			}
			if _, err := cl.Command("INCR", key); err == nil {
				t.Fatal("INCR of a non-number succeeded")
			}
			var wg sync.WaitGroup
			var bad atomic.Int32
			for i := range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					want := fmt.Sprintf("caller-%d", i)
					if v, err := cl.Command("ECHO", want); err != nil || v != want {
						bad.Add(1)
					}
				}()
			}
			wg.Wait()
			if bad.Load() > 0 {
				t.Fatalf("%d of 50 concurrent ECHOs got a wrong reply", bad.Load())
			}
		})
	}
}

// BenchmarkClients measures each reference client and go-redis side by
// side, straight over loopback and through a 1ms-round-trip proxy, at 1, 16
// and 64 concurrent callers. In each group the blocking client is named
// "baseline", so that `make bench` (internal/benchratio) prints every other
// client's time per command as a ratio to it; go-redis's row gives the
// second yardstick.
func BenchmarkClients(b *testing.B) {
	srv, err := StartServer()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for _, rtt := range DefaultOptions.RTTs {
		addr := srv.Addr()
		if rtt > 0 {
			link, err := redistest.Listen(addr)
			if err != nil {
				b.Fatal(err)
			}
			defer link.Close()
			link.SetLatency(rtt)
			addr = link.Addr()
		}
		for _, callers := range DefaultOptions.Callers {
			for _, c := range Reference() {
				leaf := strings.NewReplacer(" ", "_", "(", "", ")", "").Replace(c.Name)
				if c.Name == Blocking {
					leaf = "baseline"
				}
				name := fmt.Sprintf("rtt=%v/callers=%d/%s", rtt, callers, leaf)
				b.Run(name, func(b *testing.B) { benchClient(b, c, addr, callers) })
			}
		}
	}
}

func benchClient(b *testing.B, c Contender, addr string, callers int) {
	cl, err := c.Start(addr)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				if _, err := cl.Command("GET", "bench:key"); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}
