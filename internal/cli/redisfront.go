package cli

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/alicebob/miniredis/v2"

	"github.com/otpgo/otpgo/internal/resp"
)

// redisFront stands between `otpgo redis`'s clients and miniredis. Every
// command is decoded and encoded again on its way in, for two reasons:
//   - miniredis v2.40 panics on an empty command (`*0\r\n`), which would
//     take the whole server down the first time a learner's client calls
//     Command() with no arguments. The front sends a command with an empty
//     name instead, which the pre-hook in redis.go answers, in order, with
//     an "empty command" error: a mistake gets an error reply, as any
//     other does.
//   - miniredis closes the connection on an inline command (`PING` typed
//     into nc or telnet); real Redis accepts them, so the front turns the
//     line into a proper command.
//
// Replies go back to the client untouched.
type redisFront struct {
	m  *miniredis.Miniredis
	wg sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{} // client conns, closed on shutdown
}

// serve accepts clients on l until l is closed, then closes every client
// connection and waits until all of its goroutines have returned.
func (f *redisFront) serve(l net.Listener) {
	f.conns = map[net.Conn]struct{}{}
	for {
		c, err := l.Accept()
		if err != nil {
			break // the listener was closed: shutting down
		}
		s, err := f.m.Dial()
		if err != nil {
			c.Close()
			continue
		}
		f.mu.Lock()
		f.conns[c] = struct{}{}
		f.mu.Unlock()
		f.wg.Add(2)
		go func() { defer f.wg.Done(); f.commands(c, s) }()
		go func() { defer f.wg.Done(); f.replies(c, s) }()
	}
	f.mu.Lock()
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// commands copies the client's commands to miniredis, re-encoded.
func (f *redisFront) commands(c, s net.Conn) {
	defer s.Close() // miniredis sees the client go
	r := bufio.NewReader(c)
	var buf []byte
	for {
		args, err := readCommand(r)
		if err != nil {
			return // the client closed, or sent bytes that are not RESP
		}
		if len(args) == 0 {
			args = []string{""}
		}
		buf = resp.AppendCommand(buf[:0], args...)
		if _, err := s.Write(buf); err != nil {
			return
		}
	}
}

// replies copies miniredis's replies to the client; when either side is
// done, the client is closed too.
func (f *redisFront) replies(c, s net.Conn) {
	_, _ = io.Copy(c, s)
	c.Close()
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
}

// errNotACommand is a RESP value that is not an array of strings.
var errNotACommand = errors.New("not a command")

// readCommand reads one command: a RESP array of bulk strings, as every
// client sends, or an inline command (a line of words) as typed by hand.
func readCommand(r *bufio.Reader) ([]string, error) {
	b, err := r.Peek(1)
	if err != nil {
		return nil, err
	}
	if b[0] != '*' {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if args := strings.Fields(line); len(args) > 0 {
			return args, nil
		}
		return readCommand(r) // an empty line: Redis ignores it too
	}
	v, err := resp.ReadReply(r)
	if err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok && v != nil {
		return nil, errNotACommand
	}
	args := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, errNotACommand
		}
		args = append(args, s)
	}
	return args, nil
}
