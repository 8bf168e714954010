package redistest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/resp"
)

// leakCheck registers the goroutine check first, so that it runs after the
// Close cleanups that Start and NewProxy register.
func leakCheck(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

type conn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{t: t, c: c, br: bufio.NewReader(c)}
}

func (c *conn) send(args ...string) {
	c.t.Helper()
	if _, err := c.c.Write(resp.AppendCommand(nil, args...)); err != nil {
		c.t.Fatalf("write %v: %v", args, err)
	}
}

func (c *conn) read() (any, error) {
	_ = c.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	return resp.ReadReply(c.br)
}

func (c *conn) do(args ...string) any {
	c.t.Helper()
	c.send(args...)
	v, err := c.read()
	if err != nil {
		c.t.Fatalf("%v: %v", args, err)
	}
	return v
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polling with a deadline
	}
}

func TestServerRestartKeepsAddressAndData(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	c := dial(t, srv.Addr())
	if v := c.do("SET", "k", "v"); v != "OK" {
		t.Fatalf("SET: %#v", v)
	}
	waitFor(t, "ConnCount 1", func() bool { return srv.ConnCount() == 1 })

	srv.Close()
	if _, err := c.read(); !errors.Is(err, io.EOF) {
		t.Fatalf("after Close a client should read EOF, got %v", err)
	}
	if n := srv.ConnCount(); n != 0 {
		t.Fatalf("ConnCount after Close = %d", n)
	}
	if _, err := net.DialTimeout("tcp", srv.Addr(), time.Second); err == nil {
		t.Fatal("dial after Close succeeded")
	}

	addr := srv.Addr()
	srv.Restart()
	if srv.Addr() != addr {
		t.Fatalf("Restart moved the server from %s to %s", addr, srv.Addr())
	}
	c = dial(t, srv.Addr())
	if v := c.do("GET", "k"); v != "v" {
		t.Fatalf("GET after Restart = %#v, want the data kept", v)
	}
	srv.Restart() // restart while running closes first
	c = dial(t, srv.Addr())
	if v := c.do("PING"); v != "PONG" {
		t.Fatalf("PING = %#v", v)
	}
}

// miniredis's BLPOP returns nothing at all after a plain Close+Restart (its
// context stays cancelled); Restart must renew it.
func TestServerBLPOPAfterRestart(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	srv.Close()
	srv.Restart()
	waiter, pusher := dial(t, srv.Addr()), dial(t, srv.Addr())
	waiter.send("BLPOP", "q", "2")
	waitFor(t, "BLPOP to block", func() bool { return srv.ConnCount() == 2 })
	if v := pusher.do("RPUSH", "q", "x"); v != int64(1) {
		t.Fatalf("RPUSH: %#v", v)
	}
	v, err := waiter.read()
	if err != nil || !reflect.DeepEqual(v, []any{"q", "x"}) {
		t.Fatalf("BLPOP after Restart = %#v, %v; want [q x]", v, err)
	}
}

func TestProxyForwards(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	p := NewProxy(t, srv.Addr())
	c := dial(t, p.Addr())
	if v := c.do("SET", "k", "v"); v != "OK" {
		t.Fatalf("SET through proxy: %#v", v)
	}
	if v := c.do("GET", "k"); v != "v" {
		t.Fatalf("GET through proxy: %#v", v)
	}
	if p.ConnCount() != 1 {
		t.Fatalf("proxy ConnCount = %d, want 1", p.ConnCount())
	}
}

func TestProxyLatencyIsADelayNotAQueue(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	p := NewProxy(t, srv.Addr())
	const d = 30 * time.Millisecond
	p.SetLatency(d)
	c := dial(t, p.Addr())

	start := time.Now()
	c.do("PING")
	if rtt := time.Since(start); rtt < d {
		t.Fatalf("round trip took %v, want at least the latency %v", rtt, d)
	}

	// 20 requests in flight at once, written d/20 apart so that their
	// replies reach the proxy as 20 separate pieces (pipelined in one write,
	// they would come back as one piece, and a queue would look like a
	// delay). Each reply is held d from when it arrived: the last one is out
	// about 2d after the first request. A queue, which holds each piece d
	// after the one before it went out, takes 20d.
	const n = 20
	start = time.Now()
	var lastSent time.Time
	for range n {
		c.send("PING")
		lastSent = time.Now()
		time.Sleep(d / n) // spaces the requests; nothing is waited for
	}
	for i := range n {
		if v, err := c.read(); err != nil || v != "PONG" {
			t.Fatalf("reply %d: %#v, %v", i, v, err)
		}
	}
	// Measured from the last request, so a slow machine that spaces the
	// requests wider does not count against the proxy.
	if late := time.Since(lastSent); late > 8*d {
		t.Fatalf("the last of %d pipelined PINGs came %v after it was sent, want about the latency %v: "+
			"the proxy holds each reply d after the previous one went out (a queue), not d from when it arrived", n, late, d)
	}
	if took := time.Since(start); took < d {
		t.Fatalf("%d pipelined PINGs took %v, want at least the latency %v", n, took, d)
	}

	p.SetLatency(0)
	start = time.Now()
	c.do("PING")
	if rtt := time.Since(start); rtt >= d {
		t.Fatalf("with latency off a round trip still took %v", rtt)
	}
}

// countingConn counts the reads that returned data.
type countingConn struct {
	net.Conn
	reads []int
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.reads = append(c.reads, n)
	}
	return n, err
}

func TestProxySplitWrites(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	p := NewProxy(t, srv.Addr())
	p.SplitWrites(true)
	c := dial(t, p.Addr())
	cc := &countingConn{Conn: c.c}
	c.br = bufio.NewReader(cc)
	big := strings.Repeat("x", 200)
	c.do("SET", "k", big)
	cc.reads = nil
	if v := c.do("GET", "k"); v != big {
		t.Fatalf("GET through a splitting proxy = %.20q..., want the 200-byte value", v)
	}
	// 207 bytes written one at a time cannot all be in the first read unless
	// the reader was descheduled for all 207 writes.
	if len(cc.reads) < 2 {
		t.Fatalf("a 207-byte reply arrived in reads of %v bytes; SplitWrites should cut it up", cc.reads)
	}
}

func TestProxyCoalesce(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	p := NewProxy(t, srv.Addr())
	p.Coalesce(true)
	c := dial(t, p.Addr())
	cc := &countingConn{Conn: c.c}
	c.br = bufio.NewReader(cc)
	var batch []byte
	for range 10 {
		batch = resp.AppendCommand(batch, "PING")
	}
	if _, err := c.c.Write(batch); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if v, err := c.read(); err != nil || v != "PONG" {
			t.Fatalf("reply %d: %#v, %v", i, v, err)
		}
	}
	if len(cc.reads) != 1 || cc.reads[0] != 70 {
		t.Fatalf("10 coalesced PONGs arrived in reads of %v bytes, want one read of 70", cc.reads)
	}
}

func TestProxyDropAll(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	p := NewProxy(t, srv.Addr())
	p.SetLatency(20 * time.Millisecond)
	a, b := dial(t, p.Addr()), dial(t, p.Addr())
	a.do("PING")
	b.send("PING") // in flight when the connection drops
	waitFor(t, "2 proxied connections", func() bool { return p.ConnCount() == 2 })
	p.DropAll()
	for _, c := range []*conn{a, b} {
		if _, err := c.read(); err == nil {
			t.Fatal("a read after DropAll succeeded")
		}
	}
	waitFor(t, "the proxy to forget its connections", func() bool { return p.ConnCount() == 0 })
	waitFor(t, "the server to see its connections close", func() bool { return srv.ConnCount() == 0 })
	// The proxy still accepts.
	c := dial(t, p.Addr())
	if v := c.do("PING"); v != "PONG" {
		t.Fatalf("PING after DropAll: %#v", v)
	}
}

func TestProxyServerDown(t *testing.T) {
	leakCheck(t)
	srv := Start(t)
	p := NewProxy(t, srv.Addr())
	c := dial(t, p.Addr())
	c.send("PING")
	srv.Close()
	// The reply may or may not have made it out before the close; either
	// way the connection then ends instead of hanging.
	for {
		if _, err := c.read(); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "reset") {
				break
			}
			t.Fatalf("read after server Close: %v, want EOF", err)
		}
	}
	// A new connection while the server is down is accepted and closed.
	d := dial(t, p.Addr())
	if _, err := d.read(); err == nil {
		t.Fatal("a connection through the proxy to a closed server should be closed")
	}
	srv.Restart()
	d = dial(t, p.Addr())
	if v := d.do("PING"); v != "PONG" {
		t.Fatalf("PING after Restart: %#v", v)
	}
}
