package actor

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Each benchmark sits beside its raw-Go baseline so that one run gives the
// ratio: go test -run '^$' -bench . -benchmem ./internal/actor

type echo struct{ BaseServer }

func (echo) HandleCall(p *Process, req any, from From) (any, error) { return req, nil }

// BenchmarkCall: one synchronous request/reply to a GenServer from a
// non-process goroutine, with no deadline, like its raw baseline.
func BenchmarkCall(b *testing.B) {
	pid, err := StartServer(echo{})
	if err != nil {
		b.Fatal(err)
	}
	defer Stop(pid, nil, Infinity)
	for b.Loop() {
		if _, err := Call(pid, 1, Infinity); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawCall: the same round trip hand-written with channels: a
// request carrying a fresh reply channel.
func BenchmarkRawCall(b *testing.B) {
	reqs := rawServer()
	defer close(reqs)
	for b.Loop() {
		reply := make(chan any, 1)
		reqs <- rawRequest{1, reply}
		<-reply
	}
}

// BenchmarkCallTimeout: Call with a deadline (a timer per call), the
// usual way to call.
func BenchmarkCallTimeout(b *testing.B) {
	pid, err := StartServer(echo{})
	if err != nil {
		b.Fatal(err)
	}
	defer Stop(pid, nil, Infinity)
	for b.Loop() {
		if _, err := Call(pid, 1, 5*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawCallTimeout: the raw round trip with a deadline.
func BenchmarkRawCallTimeout(b *testing.B) {
	reqs := rawServer()
	defer close(reqs)
	for b.Loop() {
		reply := make(chan any, 1)
		reqs <- rawRequest{1, reply}
		t := time.NewTimer(5 * time.Second)
		select {
		case <-reply:
		case <-t.C:
			b.Fatal("timeout")
		}
		t.Stop()
	}
}

type rawRequest struct {
	v     any
	reply chan any
}

func rawServer() chan rawRequest {
	reqs := make(chan rawRequest)
	go func() {
		for r := range reqs {
			r.reply <- r.v
		}
	}()
	return reqs
}

// BenchmarkSend: one-way messages to a process that drains them; the
// clock stops when the last one is received.
func BenchmarkSend(b *testing.B) {
	done := make(chan struct{})
	n := b.N
	pid := Spawn(func(p *Process) error {
		for range n {
			if _, err := p.Receive(Infinity); err != nil {
				return err
			}
		}
		close(done)
		return nil
	})
	b.ResetTimer()
	for i := range n {
		Send(pid, i)
	}
	<-done
}

// BenchmarkRawSend: one-way messages into a buffered chan any drained by
// a goroutine.
func BenchmarkRawSend(b *testing.B) {
	done := make(chan struct{})
	ch := make(chan any, 1024)
	n := b.N
	go func() {
		for range n {
			<-ch
		}
		close(done)
	}()
	b.ResetTimer()
	for i := range n {
		ch <- i
	}
	<-done
}

// BenchmarkSendSelf: a process sends itself a message and takes it, on
// one goroutine: the cost of Send and Receive without a second core's
// caches in the way, so a small change in either shows.
func BenchmarkSendSelf(b *testing.B) {
	err := Run(func(p *Process) error {
		self := p.Self()
		for i := 0; b.Loop(); i++ {
			Send(self, i)
			if _, err := p.Receive(Infinity); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRawSendSelf: a goroutine puts a message in a buffered chan any
// and takes it back.
func BenchmarkRawSendSelf(b *testing.B) {
	ch := make(chan any, 1)
	for i := 0; b.Loop(); i++ {
		ch <- i
		<-ch
	}
}

// BenchmarkSpawn: a process (goroutine + mailbox) that receives a first
// message and exits.
func BenchmarkSpawn(b *testing.B) {
	var wg sync.WaitGroup
	for i := 0; b.Loop(); i++ {
		wg.Add(1)
		pid := Spawn(func(p *Process) error {
			_, err := p.Receive(Infinity)
			wg.Done()
			return err
		})
		Send(pid, i)
	}
	wg.Wait()
}

// BenchmarkRawSpawn: a goroutine with a one-slot channel as mailbox that
// receives a first message and exits.
func BenchmarkRawSpawn(b *testing.B) {
	var wg sync.WaitGroup
	for i := 0; b.Loop(); i++ {
		wg.Add(1)
		ch := make(chan any, 1)
		go func() {
			<-ch
			wg.Done()
		}()
		ch <- i
	}
	wg.Wait()
}

// BenchmarkIdleProcess spawns a million processes blocked in Receive,
// reports the memory each costs (bytes/proc, split into heap and stack),
// then stops them all and waits until none is left.
func BenchmarkIdleProcess(b *testing.B) {
	benchIdle(b, func(ready *sync.WaitGroup) (stop func()) {
		pid := Spawn(func(p *Process) error {
			ready.Done()
			_, err := p.Receive(Infinity)
			return err
		})
		return func() { Send(pid, "stop") }
	})
}

// BenchmarkRawIdleProcess: the same million as bare goroutines, each
// blocked on its own one-slot channel.
func BenchmarkRawIdleProcess(b *testing.B) {
	benchIdle(b, func(ready *sync.WaitGroup) (stop func()) {
		ch := make(chan any, 1)
		go func() {
			ready.Done()
			<-ch
		}()
		return func() { ch <- "stop" }
	})
}

func benchIdle(b *testing.B, spawnIdle func(ready *sync.WaitGroup) (stop func())) {
	const n = 1_000_000
	base := runtime.NumGoroutine()
	var heap, stack float64
	for b.Loop() {
		before := memStats()
		var ready sync.WaitGroup
		ready.Add(n)
		stops := make([]func(), n)
		for i := range stops {
			if i == n/100 {
				// The runtime sizes new goroutines' stacks from the stacks
				// its last GC scanned. Let it see idle goroutines, as it
				// would in a long-running program, not just this harness.
				runtime.GC()
			}
			stops[i] = spawnIdle(&ready)
		}
		ready.Wait()
		after := memStats()
		overhead := float64(n * 8 * 2) // stops: a func value per process
		heap = (float64(after.HeapInuse-before.HeapInuse) - overhead) / n
		stack = float64(after.StackInuse-before.StackInuse) / n
		for _, stop := range stops {
			stop()
		}
		waitGoroutines(base)
	}
	b.ReportMetric(heap+stack, "bytes/proc")
	b.ReportMetric(heap, "heap-bytes/proc")
	b.ReportMetric(stack, "stack-bytes/proc")
}

// waitGoroutines waits until the million goroutines have really returned:
// the runtime sizes new goroutines' stacks from the stacks it last
// scanned, so exiting stragglers would inflate the next measurement.
func waitGoroutines(base int) {
	for runtime.NumGoroutine() > base {
		time.Sleep(time.Millisecond) // a million exits: nothing finer to wait on
	}
}

func memStats() runtime.MemStats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

// BenchmarkProcesses10k: a Processes() snapshot of 10,000 processes (the
// observer takes one per refresh).
func BenchmarkProcesses10k(b *testing.B) {
	stop := spawnIdleCrowd(10_000)
	defer stop()
	for b.Loop() {
		if len(Processes()) < 10_000 {
			b.Fatal("snapshot too small")
		}
	}
}

// BenchmarkTree10k: Tree() of 100 supervisors with 100 workers each.
func BenchmarkTree10k(b *testing.B) {
	worker := ChildSpec{Start: func() (PID, error) { return StartServer(&quietWorker{}) }}
	var children []ChildSpec
	for i := range 100 {
		var kids []ChildSpec
		for j := range 100 {
			w := worker
			w.ID = fmt.Sprint("w", j)
			kids = append(kids, w)
		}
		spec := SupervisorSpec{Children: kids}
		children = append(children, ChildSpec{ID: fmt.Sprint("s", i), Supervisor: true,
			Start: func() (PID, error) { return StartSupervisor(spec) }})
	}
	root, err := StartSupervisor(SupervisorSpec{Children: children})
	if err != nil {
		b.Fatal(err)
	}
	defer Stop(root, nil, Infinity)
	for b.Loop() {
		if len(Tree()) != 1 {
			b.Fatal("want one root")
		}
	}
}

func spawnIdleCrowd(n int) (stop func()) {
	var ready sync.WaitGroup
	ready.Add(n)
	pids := make([]PID, n)
	for i := range pids {
		pids[i] = Spawn(func(p *Process) error {
			ready.Done()
			_, err := p.Receive(Infinity)
			return err
		})
	}
	ready.Wait()
	return func() {
		for _, pid := range pids {
			Exit(pid, Kill)
		}
	}
}
