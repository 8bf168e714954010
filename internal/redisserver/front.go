package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"

	"github.com/otpgo/otpgo/internal/resp"
)

// redisFront stands between `otpgo redis`'s clients and miniredis. Every
// command is read as Redis reads it (readCommand) and encoded again on its
// way in, because miniredis alone is not safe to face a network:
//   - it panics on an empty command (`*0\r\n`), which would take the whole
//     server down the first time a learner's client calls Command() with
//     no arguments. The front sends frontEmpty instead, which frontControl
//     answers, in order, with an "empty command" error: a mistake gets an
//     error reply, as any other does.
//   - it closes the connection on an inline command (`PING` typed into nc
//     or telnet); real Redis accepts them, quotes and all.
//   - it has no limits: the front refuses what Redis refuses (a 64 KiB
//     inline line, a 512 MB bulk string), with Redis's error reply, sent
//     after the replies to the commands before it (frontClose).
//
// Replies go back to the client untouched.
type redisFront struct {
	m  *miniredis.Miniredis
	wg sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]net.Conn // client conn -> its miniredis conn, closed on shutdown
}

// Commands the front sends miniredis on its own behalf. A client could send
// these names too, but only to close or confuse its own connection.
const (
	frontEmpty = "\x00OTPGO-EMPTY" // the client sent an empty command
	frontClose = "\x00OTPGO-CLOSE" // [reply]: send the error reply, if any, then close
)

// closeGrace bounds how long the front waits for miniredis to take
// frontClose (it may be blocked in a BLPOP for a client that has gone).
const closeGrace = time.Second

// frontControl handles the front's own commands in miniredis's pre-hook;
// it reports whether cmd was one.
func frontControl(p *server.Peer, cmd string, args []string) bool {
	switch cmd {
	case frontEmpty:
		p.WriteError("ERR empty command: a command needs at least its name, e.g. PING")
	case frontClose:
		if len(args) > 0 {
			p.WriteError(args[0])
		}
		p.Close() // after this reply is flushed: replies before it go first
	default:
		return false
	}
	return true
}

// serve accepts clients on l until l is closed, then closes every client
// connection and waits until all of its goroutines have returned.
func (f *redisFront) serve(l net.Listener) {
	f.conns = map[net.Conn]net.Conn{}
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
		f.conns[c] = s
		f.mu.Unlock()
		f.wg.Add(2)
		go func() { defer f.wg.Done(); f.commands(c, s) }()
		go func() { defer f.wg.Done(); f.replies(c, s) }()
	}
	// Both ends: a goroutine may be blocked on either (a pipelined command
	// behind a BLPOP waits to be written to miniredis).
	f.mu.Lock()
	for c, s := range f.conns {
		c.Close()
		s.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// commands copies the client's commands to miniredis, re-encoded. When the
// client is done (or sent what Redis refuses), it asks miniredis to close
// the connection after answering what came before, as Redis does.
func (f *redisFront) commands(c, s net.Conn) {
	r := bufio.NewReader(c)
	var buf []byte
	for {
		args, err := readCommand(r)
		if err != nil {
			var last []string
			if pe := protocolError(""); errors.As(err, &pe) {
				last = []string{frontClose, pe.Reply()}
			} else {
				last = []string{frontClose} // the client closed, or went over a limit
			}
			_ = s.SetWriteDeadline(time.Now().Add(closeGrace))
			if _, err := s.Write(resp.AppendCommand(buf[:0], last...)); err != nil {
				s.Close() // miniredis is stuck: drop what it owes
			}
			return
		}
		if len(args) == 0 {
			args = []string{frontEmpty}
		}
		buf = resp.AppendCommand(buf[:0], args...)
		if _, err := s.Write(buf); err != nil {
			return
		}
		if cap(buf) > maxInlineLen {
			buf = nil // do not keep a big command's buffer for the connection's life
		}
	}
}

// replies copies miniredis's replies to the client; when either side is
// done, both are closed.
func (f *redisFront) replies(c, s net.Conn) {
	_, _ = io.Copy(c, s)
	c.Close()
	s.Close()
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
}

// Limits of the request reader, Redis's own (networking.c, redis.conf).
const (
	// maxInlineLen is PROTO_INLINE_MAX_SIZE: the longest inline command,
	// and the longest "*N" or "$N" line.
	maxInlineLen = 64 << 10
	// maxBulkLen is proto-max-bulk-len: the longest argument.
	maxBulkLen = 512 << 20
	// maxArgs is the largest "*N" Redis accepts (INT_MAX).
	maxArgs = 1<<31 - 1
	// maxCommandSize is client-query-buffer-limit: a command that grows past
	// it closes the connection, with no reply, as in Redis. Each argument
	// counts its Go string header too, so that a million empty ones do not
	// pass for free.
	maxCommandSize = 1 << 30
	argOverhead    = 16
)

// protocolError is a request Redis refuses with "-ERR Protocol error: ...",
// after which it closes the connection.
type protocolError string

func (e protocolError) Error() string { return "redis protocol error: " + string(e) }

// Reply is the error reply Redis sends, without the leading '-'.
func (e protocolError) Reply() string { return "ERR Protocol error: " + string(e) }

// errCommandTooLarge is a command larger than maxCommandSize.
var errCommandTooLarge = errors.New("command larger than client-query-buffer-limit")

// readCommand reads one command as Redis reads requests: a RESP array of
// bulk strings, as every client sends, or an inline command (a line of
// words, with quotes) as typed by hand. It returns an empty, non-nil slice
// for "*0" and "*-1". A protocolError carries the reply Redis would send
// before closing; any other error ends the connection without one. Memory
// stays within the limits above: lengths are claims, so a bulk string
// grows only as its bytes arrive.
func readCommand(r *bufio.Reader) ([]string, error) {
	for {
		b, err := r.Peek(1)
		if err != nil {
			return nil, err
		}
		if b[0] == '*' {
			return readMultibulk(r)
		}
		line, err := readInlineLine(r)
		if err != nil {
			return nil, err
		}
		args, ok := splitArgs(line)
		if !ok {
			return nil, protocolError("unbalanced quotes in request")
		}
		if len(args) > 0 {
			return args, nil
		}
		// An empty line: Redis skips it too. A loop, not recursion, so any
		// number of them costs no stack.
	}
}

// readInlineLine reads up to '\n' and returns the line without its line
// ending. A line longer than maxInlineLen is refused as soon as that many
// bytes arrived without a newline, so an endless line costs 64 KiB.
func readInlineLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			if len(line) > maxInlineLen+1 { // +1: a '\r' may end it
				return nil, protocolError("too big inline request")
			}
			continue
		case err == io.EOF && len(line) > 0:
			return nil, io.ErrUnexpectedEOF
		case err != nil:
			return nil, err
		}
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > maxInlineLen {
			return nil, protocolError("too big inline request")
		}
		return line, nil
	}
}

// readMultibulk reads "*N\r\n" and N bulk strings, with Redis's checks
// and its error texts.
func readMultibulk(r *bufio.Reader) ([]string, error) {
	n, ok, err := readCount(r, "too big mbulk count string")
	if err != nil {
		return nil, err
	}
	if !ok || n > maxArgs {
		return nil, protocolError("invalid multibulk length")
	}
	if n <= 0 {
		return []string{}, nil
	}
	// The count is a claim: allocate for what may come, not for N.
	args := make([]string, 0, min(n, 1024))
	size := 0
	for range n {
		b, err := r.Peek(1)
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		if b[0] != '$' {
			return nil, protocolError(fmt.Sprintf("expected '$', got '%c'", b[0]))
		}
		l, ok, err := readCount(r, "too big bulk count string")
		if err != nil {
			return nil, err
		}
		if !ok || l < 0 || l > maxBulkLen {
			return nil, protocolError("invalid bulk length")
		}
		if size += int(l) + argOverhead; size > maxCommandSize {
			return nil, errCommandTooLarge
		}
		arg, err := readBulk(r, int(l))
		if err != nil {
			return nil, err
		}
		// Redis skips the two bytes after the payload without looking.
		if _, err := r.Discard(2); err != nil {
			return nil, unexpectedEOF(err)
		}
		args = append(args, arg)
	}
	return args, nil
}

// readBulk reads n bytes of payload. A payload that fits in r's buffer is
// copied out of it once; a larger one grows only as its bytes arrive, so a
// length that lies costs nothing.
func readBulk(r *bufio.Reader, n int) (string, error) {
	if n <= r.Size() {
		b, err := r.Peek(n)
		if err != nil {
			return "", unexpectedEOF(err)
		}
		s := string(b)
		_, _ = r.Discard(n) // cannot fail: Peek returned n bytes
		return s, nil
	}
	var sb strings.Builder
	for n > 0 {
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				return "", unexpectedEOF(err)
			}
		}
		chunk, _ := r.Peek(min(n, r.Buffered()))
		sb.Write(chunk)
		_, _ = r.Discard(len(chunk))
		n -= len(chunk)
	}
	return sb.String(), nil
}

// readCount reads a "*N" or "$N" line as Redis does: up to the '\r', then
// one more byte, unchecked. N is parsed as Redis's string2ll does: no sign
// but '-', no leading zero, no spaces; ok is false otherwise.
func readCount(r *bufio.Reader, tooBig string) (n int64, ok bool, err error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\r')
		line = append(line, chunk...)
		if len(line) > maxInlineLen+1 {
			return 0, false, protocolError(tooBig)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return 0, false, unexpectedEOF(err)
		}
		break
	}
	if _, err := r.ReadByte(); err != nil {
		return 0, false, unexpectedEOF(err)
	}
	n, ok = string2ll(line[1 : len(line)-1]) // line[0] is the '*' or '$'
	return n, ok, nil
}

// string2ll parses b as Redis's string2ll does.
func string2ll(b []byte) (int64, bool) {
	if string(b) == "0" {
		return 0, true
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 || b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	switch {
	case neg && n <= 1<<63:
		return -int64(n), true // -(1<<63) wraps to itself: math.MinInt64
	case !neg && n < 1<<63:
		return int64(n), true
	}
	return 0, false
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// splitArgs splits an inline command into words as Redis's sdssplitargs
// does: words are separated by whitespace; "double quotes" take \xHH and
// \n \r \t \b \a escapes (any other escaped byte stands for itself);
// 'single quotes' take only \'; a closing quote must be followed by
// whitespace or the end. ok is false for unbalanced quotes. A NUL byte ends
// the line, as it ends Redis's C string.
func splitArgs(line []byte) (args []string, ok bool) {
	args = []string{}
	at := func(i int) byte { // the C string's view: NUL past the end
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p := 0
	for {
		for at(p) != 0 && isSpace(at(p)) {
			p++
		}
		if at(p) == 0 {
			return args, true
		}
		var cur []byte
		inDouble, inSingle := false, false
		for done := false; !done; {
			c := at(p)
			switch {
			case inDouble:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					cur = append(cur, unhex(at(p+2))<<4|unhex(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					cur = append(cur, unescape(at(p)))
				case c == '"':
					if at(p+1) != 0 && !isSpace(at(p+1)) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			case inSingle:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if at(p+1) != 0 && !isSpace(at(p+1)) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inDouble = true
				case '\'':
					inSingle = true
				default:
					cur = append(cur, c)
				}
			}
			if c != 0 {
				p++
			}
		}
		args = append(args, string(cur))
	}
}

// unescape is the byte a backslash escape inside double quotes stands for.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
