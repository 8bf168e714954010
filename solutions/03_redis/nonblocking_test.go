package redis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/redistest"
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
// from many callers are in flight together and share one round trip.
func TestNonBlockingPipelines(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	p := redistest.NewProxy(t, srv.Addr())
	c := hiddenStartNonBlocking(t, p.Addr())
	if _, err := c.Command("PING"); err != nil {
		t.Fatal(err)
	}
	const rtt = 20 * time.Millisecond
	p.SetLatency(rtt) // every reply now arrives 20ms after it was sent
	const n = 50
	start := time.Now()
	cr := hiddenStartCrowd(c, n, hiddenEcho)
	if !cr.wait(10 * rtt) {
		done := cr.finished()
		p.DropAll() // free a client stuck waiting on the socket
		cr.wait(2 * time.Second)
		t.Fatalf("after %v (10 round trips of %v) only %d of %d concurrent commands had their reply. "+
			"A server that waits for each reply (ReadReply inside HandleCall) serves one caller per round "+
			"trip: %d commands take %d round trips (%v). Write the command, remember the caller (from), "+
			"return actor.NoReply, and answer with actor.Reply(from, v) when the reader delivers the reply. "+
			"(If your server already does that, check that replies arriving together are not lost: "+
			"see TestNonBlockingCoalescedReplies.)",
			time.Since(start).Round(time.Millisecond), rtt, done, n, n, n, n*rtt)
	}
	cr.mustEcho(t, fmt.Sprintf("%d pipelined callers", n))
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
