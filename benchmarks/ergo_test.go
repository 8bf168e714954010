package benchmarks

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/ergo-services/ergo"
	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"
	"github.com/ergo-services/ergo/lib"
	"github.com/ergo-services/ergo/node"

	"github.com/otpgo/otpgo/benchmarks/internal/bench"
)

// ergo as its docs intend: a node, gen.Server processes, and calls made
// from inside a process (ergo's ServerProcess.Call only works from a
// callback). Default process options everywhere.

var ergoNodes atomic.Int64

// startErgo starts a local-only node (no EPMD, loopback listener) and stops
// it when b ends.
func startErgo(b *testing.B) node.Node {
	b.Helper()
	name := fmt.Sprintf("bench%d@localhost", ergoNodes.Add(1))
	n, err := ergo.StartNode(name, "cookie", node.Options{StaticRoutesOnly: true})
	if err != nil {
		b.Fatalf("ergo: start node: %v", err)
	}
	b.Cleanup(func() {
		n.Stop()
		n.Wait()
	})
	return n
}

func ergoSpawn1(b *testing.B, n node.Node, s gen.ServerBehavior) gen.Process {
	b.Helper()
	p, err := n.Spawn("", gen.ProcessOptions{}, s)
	if err != nil {
		b.Fatalf("ergo: spawn: %v", err)
	}
	return p
}

// ergoEcho replies to every call with the request.
type ergoEcho struct{ gen.Server }

func (*ergoEcho) HandleCall(_ *gen.ServerProcess, _ gen.ServerFrom, msg etf.Term) (etf.Term, gen.ServerStatus) {
	return msg, gen.ServerStatusOK
}

// ergoCaller makes the calls: asked directly for a callLoop, it calls the
// target n times from inside its own callback.
type ergoCaller struct{ gen.Server }

type ergoCallLoop struct {
	to etf.Pid
	n  int
}

func (*ergoCaller) HandleDirect(p *gen.ServerProcess, _ etf.Ref, msg any) (any, gen.DirectStatus) {
	loop, ok := msg.(ergoCallLoop)
	if !ok {
		return nil, lib.ErrUnsupportedRequest
	}
	for range loop.n {
		reply, err := p.Call(loop.to, bench.Payload)
		if err != nil {
			return nil, fmt.Errorf("call: %w", err)
		}
		if reply != bench.Payload {
			return nil, errors.New("call: wrong reply")
		}
	}
	return nil, gen.DirectStatusOK
}

func ergoCall(b *testing.B) {
	bench.Settle(b)
	n := startErgo(b)
	echo := ergoSpawn1(b, n, &ergoEcho{})
	caller := ergoSpawn1(b, n, &ergoCaller{})
	b.ReportAllocs()
	b.ResetTimer()
	// Each direct request runs a batch of calls inside the caller, so its
	// own cost is spread over many calls.
	for left := b.N; left > 0; left -= ergoCallBatch {
		loop := ergoCallLoop{to: echo.Self(), n: min(left, ergoCallBatch)}
		if _, err := caller.DirectWithTimeout(loop, 60); err != nil {
			b.Fatalf("ergo: %v", err)
		}
	}
}

// ergoCallBatch is how many calls one direct request makes. It must stay
// well under 2^18: ergo v1.999.224's MakeRef keeps only the low 18 bits of
// its counter (node/core.go: ID[0] = nt & (2<<17 - 1), ID[1] = nt >> 46), so
// refs repeat every 262,144, and a direct request outliving that many calls
// has its reply stolen by a call that reuses its ref, then hangs until its
// timeout.
const ergoCallBatch = 10_000

// ergoCounter closes done when it has received n messages.
type ergoCounter struct {
	gen.Server
	n, got int
	done   chan struct{}
}

func (c *ergoCounter) HandleInfo(_ *gen.ServerProcess, _ etf.Term) gen.ServerStatus {
	c.got++
	if c.got == c.n {
		close(c.done)
	}
	return gen.ServerStatusOK
}

// ergoSend1 sends one message, retrying: an ergo mailbox is bounded (100 by
// default) and Send reports ErrProcessMailboxFull rather than blocking, so
// the sender yields and tries again, as a real sender must.
func ergoSend1(from gen.Process, to etf.Pid) error {
	for {
		err := from.Send(to, bench.Payload)
		if !errors.Is(err, lib.ErrProcessMailboxFull) {
			return err
		}
		runtime.Gosched()
	}
}

func ergoSend(b *testing.B) {
	bench.Settle(b)
	n := startErgo(b)
	counter := &ergoCounter{n: b.N, done: make(chan struct{})}
	recv := ergoSpawn1(b, n, counter)
	sender := ergoSpawn1(b, n, &ergoCaller{})
	to := recv.Self()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ergoSend1(sender, to); err != nil {
			b.Fatalf("ergo: send: %v", err)
		}
	}
	<-counter.done
}

// ergoOneShot signals done on its first message and stops.
type ergoOneShot struct {
	gen.Server
	done chan struct{}
}

func (s *ergoOneShot) HandleInfo(_ *gen.ServerProcess, _ etf.Term) gen.ServerStatus {
	s.done <- struct{}{}
	return gen.ServerStatusStop
}

func ergoSpawn(b *testing.B) {
	bench.Settle(b)
	n := startErgo(b)
	sender := ergoSpawn1(b, n, &ergoCaller{})
	done := make(chan struct{})
	var last gen.Process
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := n.Spawn("", gen.ProcessOptions{}, &ergoOneShot{done: done})
		if err != nil {
			b.Fatalf("ergo: spawn: %v", err)
		}
		if err := ergoSend1(sender, p.Self()); err != nil {
			b.Fatalf("ergo: send: %v", err)
		}
		<-done
		last = p
	}
	b.StopTimer()
	last.Wait()
}

func ergoIdle(b *testing.B) {
	bench.Settle(b)
	n := startErgo(b)
	bench.MeasureIdle(b, func(k int) func() {
		ps := make([]gen.Process, k)
		for i := range ps {
			// Spawn returns once the process loop runs.
			ps[i] = ergoSpawn1(b, n, &ergoEcho{})
		}
		return func() {
			for _, p := range ps {
				p.Kill()
			}
			for _, p := range ps {
				p.Wait()
			}
		}
	})
}
