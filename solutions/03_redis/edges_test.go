package redis

import (
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/redistest"
)

// hiddenSilentServer accepts connections and records what they send, but
// never answers: a client that waits for a reply it should not expect
// hangs against it.
type hiddenSilentServer struct {
	l      net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	got    strings.Builder
	conn   []net.Conn
	closed bool // set by close: a connection accepted after it is hung up at once
}

func hiddenStartSilent(t *testing.T) *hiddenSilentServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &hiddenSilentServer{l: l}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			if s.closed {
				// Accept can return a connection that close has not seen
				// (it ran between Accept and this lock): its reader would
				// wait for a client that waits for close, forever.
				s.mu.Unlock()
				c.Close()
				return
			}
			s.conn = append(s.conn, c)
			s.wg.Add(1)
			s.mu.Unlock()
			go func() {
				defer s.wg.Done()
				buf := make([]byte, 512)
				for {
					n, err := c.Read(buf)
					s.mu.Lock()
					s.got.Write(buf[:n])
					s.mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return s
}

// close hangs up on every client (so a client stuck reading gets EOF) and
// returns everything they sent.
func (s *hiddenSilentServer) close() string {
	s.l.Close()
	s.mu.Lock()
	s.closed = true
	for _, c := range s.conn {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got.String()
}

// hiddenCheckEmptyCommand: Command() with no arguments fails at once and
// sends nothing. Real Redis answers an empty command with no reply at all,
// so a client that sends one waits forever (and miniredis crashes on it).
func hiddenCheckEmptyCommand(t *testing.T, start func(addr string) (Client, error)) {
	t.Helper()
	srv := hiddenStartSilent(t)
	c, err := start(srv.l.Addr().String())
	if err != nil {
		srv.close()
		t.Fatalf("start against a server that accepts connections: %v", err)
	}
	r, ok := hiddenWithin(hiddenAsync(c), time.Second)
	sent := srv.close() // unblocks a client stuck waiting for a reply
	c.Close()
	if !ok {
		t.Fatalf("Command() with no arguments did not return within 1s: it sent %q and waited for a reply. "+
			"Redis never answers an empty command; return errEmptyCommand before writing anything", sent)
	}
	if !errors.Is(r.err, errEmptyCommand) {
		t.Fatalf("Command() with no arguments = (%#v, %v), want errEmptyCommand, returned before anything is sent", r.v, r.err)
	}
	if strings.Contains(sent, "*0\r\n") {
		t.Fatalf("Command() returned errEmptyCommand but sent %q to Redis first: check the arguments before writing", sent)
	}
}

func TestBlockingEmptyCommand(t *testing.T) {
	hiddenLeakCheck(t)
	hiddenCheckEmptyCommand(t, func(addr string) (Client, error) { return StartBlocking(addr) })
}

func TestNonBlockingEmptyCommand(t *testing.T) {
	hiddenLeakCheck(t)
	hiddenCheckEmptyCommand(t, func(addr string) (Client, error) { return StartNonBlocking(addr) })
}

// When Redis goes away the blocking client's call fails, never hangs, and
// says so with ErrDisconnected, as client.go promises.
func TestBlockingServerGone(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartBlocking(t, srv.Addr())
	if v, err := c.Command("PING"); err != nil || v != "PONG" {
		t.Fatalf("PING = (%#v, %v), want PONG", v, err)
	}
	srv.Close()
	r, ok := hiddenWithin(hiddenAsync(c, "PING"), time.Second)
	if !ok {
		t.Fatal("PING after Redis went away did not return within 1s: a failed read or write must end the call with an error")
	}
	if r.err == nil {
		t.Fatalf("PING after Redis went away = (%#v, nil), want an error", r.v)
	}
	if !errors.Is(r.err, ErrDisconnected) {
		t.Fatalf("PING after Redis went away failed with %v, which does not wrap ErrDisconnected: wrap the read "+
			"or write error (fmt.Errorf(\"%%w: %%w\", ErrDisconnected, err)) so callers can test "+
			"errors.Is(err, ErrDisconnected), as client.go promises", r.err)
	}
}
