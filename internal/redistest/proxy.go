package redistest

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// coalesceQuiet is how long the reply stream must stay silent before the
// proxy writes what it has gathered in Coalesce mode.
const coalesceQuiet = 5 * time.Millisecond

// Proxy is a TCP proxy on 127.0.0.1 between a client and a Redis server,
// whose faults a test switches on and off while connections are open.
// Requests go through untouched; the faults apply to replies (server to
// client), which is where a client's parsing and waiting are tested.
type Proxy struct {
	target  string
	l       net.Listener
	latency atomic.Int64 // time.Duration
	split   atomic.Bool
	merge   atomic.Bool

	mu     sync.Mutex
	conns  map[*link]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewProxy listens on a free port of 127.0.0.1 and forwards every connection
// it accepts to target. A connection whose target refuses it is closed at
// once. The proxy is closed when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := Listen(target)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// Listen is NewProxy for programs that have no testing.TB, such as
// `otpgo bench`: the caller must Close the proxy.
func Listen(target string) (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &Proxy{target: target, l: l, conns: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the address clients should dial instead of the target's.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// SetLatency holds every piece of reply back for d before delivering it,
// adding d to each round trip. Pieces stay in order and do not queue
// behind each other's delay: ten pipelined replies arrive d late, not 10*d.
// 0 turns it off.
func (p *Proxy) SetLatency(d time.Duration) { p.latency.Store(int64(d)) }

// SplitWrites delivers replies one byte per write, so the client reads them
// in pieces as small as the network can make them.
func (p *Proxy) SplitWrites(on bool) { p.split.Store(on) }

// Coalesce gathers replies until the server has been silent for a few
// milliseconds and delivers them in a single write, so one read on the
// client holds several replies.
func (p *Proxy) Coalesce(on bool) { p.merge.Store(on) }

// DropAll closes every open connection on both sides, as a network failure
// would. New connections are still accepted.
func (p *Proxy) DropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.close()
	}
}

// ConnCount is the number of client connections open through the proxy.
func (p *Proxy) ConnCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Close stops accepting, drops every connection and waits for the proxy's
// goroutines to end. Closing twice does nothing.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.l.Close()
	for c := range p.conns {
		c.close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.l.Accept()
		if err != nil {
			return // listener closed
		}
		server, err := net.DialTimeout("tcp", p.target, time.Second)
		if err != nil {
			client.Close()
			continue
		}
		c := &link{client: client, server: server, done: make(chan struct{})}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.close()
			return
		}
		p.conns[c] = struct{}{}
		p.wg.Add(3)
		p.mu.Unlock()
		go p.up(c)
		pieces := make(chan piece, 1024)
		go p.readReplies(c, pieces)
		go p.deliver(c, pieces)
	}
}

// link is one proxied connection.
type link struct {
	client, server net.Conn
	once           sync.Once
	done           chan struct{} // closed with the connection
}

func (c *link) close() {
	c.once.Do(func() {
		close(c.done)
		c.client.Close()
		c.server.Close()
	})
}

func (p *Proxy) forget(c *link) {
	c.close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// up copies requests to the server as they come.
func (p *Proxy) up(c *link) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.client.Read(buf)
		if n > 0 {
			if _, werr := c.server.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	p.forget(c)
}

// piece is a chunk of reply and when it was read; a nil data marks the end
// of the server's stream.
type piece struct {
	data []byte
	at   time.Time
}

// readReplies stamps each chunk the server sends, for deliver to hold back.
func (p *Proxy) readReplies(c *link, out chan<- piece) {
	defer p.wg.Done()
	for {
		buf := make([]byte, 32<<10)
		n, err := c.server.Read(buf)
		if n > 0 {
			select {
			case out <- piece{data: buf[:n], at: time.Now()}:
			case <-c.done:
				return
			}
		}
		if err != nil {
			select {
			case out <- piece{at: time.Now()}:
			case <-c.done:
			}
			return
		}
	}
}

// deliver writes replies to the client once their latency has passed,
// whole, byte by byte or gathered, as the proxy is set up right now.
func (p *Proxy) deliver(c *link, in <-chan piece) {
	defer p.wg.Done()
	defer p.forget(c)
	// Go 1.23 timers: Reset needs no draining, a stale tick is never seen.
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	// due waits until pc's latency has passed; false if the link closed.
	due := func(pc piece) bool {
		d := time.Until(pc.at.Add(time.Duration(p.latency.Load())))
		if d <= 0 {
			return true
		}
		timer.Reset(d)
		select {
		case <-timer.C:
			return true
		case <-c.done:
			return false
		}
	}
	for {
		var pc piece
		select {
		case pc = <-in:
		case <-c.done:
			return
		}
		if !due(pc) || pc.data == nil {
			return // nil data: the server closed, and every reply is out
		}
		data, eof := pc.data, false
		if p.merge.Load() {
			var ok bool
			if data, eof, ok = p.gather(c, in, data, timer, due); !ok {
				return
			}
		}
		if p.write(c, data) != nil || eof {
			return
		}
	}
}

// gather appends the pieces that follow data until the stream has been
// quiet for coalesceQuiet, the server closed (eof), or 64 KB are waiting.
// ok is false if the link closed.
func (p *Proxy) gather(c *link, in <-chan piece, data []byte, timer *time.Timer, due func(piece) bool) (_ []byte, eof, ok bool) {
	for len(data) < 64<<10 {
		timer.Reset(coalesceQuiet)
		select {
		case next := <-in:
			if !due(next) {
				return nil, false, false
			}
			if next.data == nil {
				return data, true, true
			}
			data = append(data, next.data...)
		case <-timer.C:
			return data, false, true
		case <-c.done:
			return nil, false, false
		}
	}
	return data, false, true
}

func (p *Proxy) write(c *link, data []byte) error {
	if !p.split.Load() {
		_, err := c.client.Write(data)
		return err
	}
	for i := range data {
		if _, err := c.client.Write(data[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}
