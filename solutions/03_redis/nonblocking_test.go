package redis

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/redistest"
	"github.com/otpgo/otpgo/internal/resp"
)

func hiddenStartNonBlocking(t *testing.T, addr string) *NonBlocking {
	t.Helper()
	c, err := StartNonBlocking(addr)
	if err != nil {
		t.Fatalf("StartNonBlocking(%q): %v", addr, err)
	}
	if c == nil {
		t.Fatalf("StartNonBlocking(%q) returned a nil client and no error", addr)
	}
	hiddenCloseAtEnd(t, c)
	return c
}

func TestNonBlockingCommands(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartNonBlocking(t, srv.Addr())
	hiddenCheckBasics(t, c)
	hiddenCheckRedisErrors(t, c)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	hiddenCheckReaderEnds(t, srv, "Close")
	// A kill skips Terminate: the socket must close all the same.
	k := hiddenStartNonBlocking(t, srv.Addr())
	if _, err := k.Command("PING"); err != nil {
		t.Fatal(err)
	}
	actor.Exit(k.PID(), actor.Kill)
	hiddenCheckReaderEnds(t, srv, "the client's process was killed")
}

// hiddenCheckReaderEnds checks that srv's last client connection closed
// after what ended the client's process.
func hiddenCheckReaderEnds(t *testing.T, srv *redistest.Server, after string) {
	t.Helper()
	if !hiddenEventually(time.Second, func() bool { return srv.ConnCount() == 0 }) {
		t.Fatalf("the server still has %d connection(s) 1s after %s: the reader is still running after its "+
			"server ended, blocked in its Read. Go cannot kill a goroutine, and a kill skips Terminate: close "+
			"the socket when the process ends, however it ends (context.AfterFunc(p.Context(), ...)), and the "+
			"reader's Read fails", srv.ConnCount(), after)
	}
}

func TestNonBlockingConcurrentCallers(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartNonBlocking(t, srv.Addr())
	cr := hiddenStartCrowd(c, 100, hiddenEcho)
	if !cr.wait(2 * time.Second) {
		t.Fatalf("only %d of 100 concurrent callers had a reply after 2s: does every reply from the reader "+
			"reach the server (actor.Send) and get answered with actor.Reply? Replies that arrive in the same "+
			"read must not be lost: one bufio.Reader for the connection, resp.ReadReply in a loop", cr.finished())
	}
	cr.mustEcho(t, "100 concurrent callers")
}

// The point of 03.2: the process does not wait on the socket, so commands
// from many callers are in flight together. A Redis that holds its replies
// shows it without timing anything: a client that pipelines writes every
// command before the first reply; one that waits for each reply writes one.
func TestNonBlockingPipelines(t *testing.T) {
	hiddenLeakCheck(t)
	srv := hiddenStartHolding(t)
	c := hiddenStartNonBlocking(t, srv.l.Addr().String())
	if v, err := c.Command("PING"); err != nil || v != "PONG" {
		t.Fatalf("PING = (%#v, %v), want PONG", v, err)
	}
	const n = 50
	srv.hold()
	cr := hiddenStartCrowd(c, n, hiddenEcho)
	arrived := hiddenEventually(2*time.Second, func() bool { return srv.heldCount() == n })
	got := srv.heldCount()
	srv.release()
	if !cr.wait(2 * time.Second) {
		t.Fatalf("only %d of %d callers had their reply 2s after Redis answered everything it was sent: replies "+
			"that arrive in one read must not be lost (see TestNonBlockingCoalescedReplies)", cr.finished(), n)
	}
	if !arrived {
		t.Fatalf("%d callers each sent a command, and while Redis held its replies only %d of them reached it. "+
			"A server that waits for each reply (ReadReply inside HandleCall) sends one command per round "+
			"trip: %d commands take %d round trips. Write the command, remember the caller (from), "+
			"return actor.NoReply, and answer with actor.Reply(from, v) when the reader delivers the reply.",
			n, got, n, n)
	}
	cr.mustEcho(t, fmt.Sprintf("%d pipelined callers", n))
}

// hiddenHoldingServer is a tiny Redis (PING and ECHO) that can hold its
// replies: between hold and release it reads and keeps every command
// without answering, then answers them all, in order.
type hiddenHoldingServer struct {
	l       net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   []net.Conn
	closed  bool
	holding bool
	held    []hiddenHeld
}

// hiddenHeld is one command waiting for its reply, and where to send it.
type hiddenHeld struct {
	conn net.Conn
	args []any
}

func hiddenStartHolding(t *testing.T) *hiddenHoldingServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &hiddenHoldingServer{l: l}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			if s.closed { // accepted after close swept the connections
				s.mu.Unlock()
				c.Close()
				return
			}
			s.conns = append(s.conns, c)
			s.wg.Add(1)
			s.mu.Unlock()
			go s.serve(c)
		}
	}()
	// Registered after the leak check, so it runs before it.
	t.Cleanup(s.close)
	return s
}

func (s *hiddenHoldingServer) serve(c net.Conn) {
	defer s.wg.Done()
	br := bufio.NewReader(c)
	for {
		v, err := resp.ReadReply(br)
		if err != nil {
			return
		}
		args, _ := v.([]any)
		s.mu.Lock()
		if s.holding {
			s.held = append(s.held, hiddenHeld{c, args})
		} else {
			hiddenAnswer(c, args)
		}
		s.mu.Unlock()
	}
}

// hiddenAnswer writes the reply to one command; the caller holds s.mu, so
// replies keep the order of the commands.
func hiddenAnswer(c net.Conn, args []any) {
	var reply any = &resp.Error{Message: "ERR this test server knows only PING and ECHO"}
	if len(args) == 1 && args[0] == "PING" {
		reply = "PONG"
	} else if len(args) == 2 && args[0] == "ECHO" {
		reply = args[1]
	}
	b, err := resp.AppendValue(nil, reply)
	if err == nil {
		_, _ = c.Write(b) // a client gone is the test's to notice
	}
}

func (s *hiddenHoldingServer) hold() {
	s.mu.Lock()
	s.holding = true
	s.mu.Unlock()
}

func (s *hiddenHoldingServer) heldCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// release answers every held command and stops holding.
func (s *hiddenHoldingServer) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.held {
		hiddenAnswer(h.conn, h.args)
	}
	s.held, s.holding = nil, false
}

// close hangs up on every client and waits for the server's goroutines.
func (s *hiddenHoldingServer) close() {
	s.l.Close()
	s.mu.Lock()
	s.closed = true
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func TestNonBlockingSplitReplies(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	p := redistest.NewProxy(t, srv.Addr())
	p.SplitWrites(true) // every reply arrives one byte per write
	c := hiddenStartNonBlocking(t, p.Addr())
	long := strings.Repeat("0123456789", 30)
	if v, err := c.Command("SET", "long", long); err != nil || v != "OK" {
		t.Fatalf("SET through a proxy that splits replies into 1-byte writes = (%#v, %v), want \"OK\": "+
			"resp.ReadReply waits for the rest of a reply when you keep one bufio.Reader on the connection", v, err)
	}
	if v, err := c.Command("GET", "long"); err != nil || v != long {
		t.Fatalf("GET of a 300-byte value arriving 1 byte at a time = (%s, %v): keep one bufio.Reader "+
			"on the connection and let resp.ReadReply wait for the rest of a reply", hiddenShort(v), err)
	}
	cr := hiddenStartCrowd(c, 20, hiddenEcho)
	if !cr.wait(2 * time.Second) {
		t.Fatalf("only %d of 20 callers had a reply after 2s with replies arriving 1 byte at a time", cr.finished())
	}
	cr.mustEcho(t, "replies split into 1-byte writes")
}

func TestNonBlockingCoalescedReplies(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	p := redistest.NewProxy(t, srv.Addr())
	p.Coalesce(true) // replies are gathered and arrive many per read
	c := hiddenStartNonBlocking(t, p.Addr())
	cr := hiddenStartCrowd(c, 50, hiddenEcho)
	if !cr.wait(time.Second) {
		t.Fatalf("only %d of 50 callers had a reply after 1s when several replies arrived in one read. "+
			"Keep one bufio.Reader for the connection's whole life and call resp.ReadReply on it in a loop: "+
			"a new reader per reply, or one conn.Read per reply, throws away the replies that came in the same read",
			cr.finished())
	}
	cr.mustEcho(t, "coalesced replies")
}

func TestNonBlockingConnectionDropped(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	p := redistest.NewProxy(t, srv.Addr())
	c := hiddenStartNonBlocking(t, p.Addr())
	if _, err := c.Command("PING"); err != nil {
		t.Fatal(err)
	}
	before := srv.Miniredis().CommandCount()
	p.SetLatency(time.Hour) // the replies will never arrive
	const n = 10
	cr := hiddenStartCrowd(c, n, hiddenEcho)
	if !hiddenEventually(time.Second, func() bool { return srv.Miniredis().CommandCount()-before >= n }) {
		p.DropAll()
		cr.wait(2 * time.Second)
		t.Fatalf("only %d of %d concurrent commands reached Redis within 1s: the client must not wait for one "+
			"reply before sending the next command (see TestNonBlockingPipelines)", srv.Miniredis().CommandCount()-before, n)
	}
	dropped := time.Now()
	p.DropAll() // the connection breaks with 10 callers waiting
	if !cr.wait(time.Second) {
		t.Fatalf("%d of %d callers were still waiting 1s after the connection dropped. When ReadReply fails, "+
			"the reader must tell the server, and the server must Reply an error to every waiting caller "+
			"(a caller must never hang)", n-cr.finished(), n)
	}
	cr.mu.Lock()
	for i, r := range cr.results {
		if r.err == nil {
			t.Errorf("caller %d got (%#v, nil) although the connection dropped before its reply", i, r.v)
		}
	}
	cr.mu.Unlock()
	t.Logf("pending callers failed %v after the drop", time.Since(dropped).Round(time.Millisecond))
	r, ok := hiddenWithin(hiddenAsync(c, "PING"), time.Second)
	if !ok {
		t.Fatal("a Command after the connection dropped hung for 1s; it must fail")
	}
	if r.err == nil {
		t.Fatalf("a Command after the connection dropped returned (%#v, nil), want an error", r.v)
	}
}
