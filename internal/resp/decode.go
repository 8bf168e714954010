package resp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits that keep a hostile or corrupt stream from exhausting memory or
// the stack. They are far above anything a Redis server sends in practice.
const (
	// MaxBulkLen is the largest bulk string accepted: Redis's own default
	// proto-max-bulk-len.
	MaxBulkLen = 512 << 20
	// MaxArrayLen is the largest array length accepted.
	MaxArrayLen = 1<<31 - 1
	// MaxDepth is how deeply arrays may nest.
	MaxDepth = 128
	// MaxLineLen bounds a simple string, error or length line.
	MaxLineLen = 64 << 10
)

// ReadReply reads exactly one reply from r and returns it as a Go value
// (see the package doc for the mapping). It reads only what the reply
// needs, so the bytes of the next reply stay in r's buffer: call it again
// to get them, whether they arrived in the same read or have not arrived
// yet (ReadReply then blocks until they do).
//
// A non-nil error means the connection is unusable: io.EOF if the peer
// closed it cleanly between replies, io.ErrUnexpectedEOF if it closed in
// the middle of one, an error wrapping ErrProtocol for bytes that are not
// RESP2, or the I/O error from the underlying reader. An error reply from
// the server is not one of these: it is returned as a *Error value with a
// nil error.
func ReadReply(r *bufio.Reader) (any, error) {
	return readReply(r, 0)
}

func readReply(r *bufio.Reader, depth int) (any, error) {
	line, err := readLine(r)
	if err != nil {
		if depth > 0 && err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if len(line) == 0 {
		return nil, fmt.Errorf("%w: empty line where a reply type byte was expected", ErrProtocol)
	}
	switch line[0] {
	case '+':
		return string(line[1:]), nil
	case '-':
		return &Error{Message: string(line[1:])}, nil
	case ':':
		n, ok := parseInt(line[1:])
		if !ok {
			return nil, fmt.Errorf("%w: bad integer %q", ErrProtocol, line)
		}
		return n, nil
	case '$':
		n, err := parseLen(line, MaxBulkLen)
		if err != nil || n < 0 {
			return nil, err // n < 0: null bulk string, nil value
		}
		return readBulk(r, int(n))
	case '*':
		n, err := parseLen(line, MaxArrayLen)
		if err != nil || n < 0 {
			return nil, err // n < 0: null array, nil value
		}
		if depth >= MaxDepth {
			return nil, fmt.Errorf("%w: arrays nested deeper than %d", ErrProtocol, MaxDepth)
		}
		// Preallocate modestly: the length is a claim, the elements are not
		// here yet.
		arr := make([]any, 0, min(n, 1024))
		for range n {
			v, err := readReply(r, depth+1)
			if err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, err
			}
			arr = append(arr, v)
		}
		return arr, nil
	case '_', ',', '#', '!', '=', '(', '%', '~', '>', '|':
		return nil, fmt.Errorf("%w: RESP3 reply type %q; this decoder speaks RESP2 (did the connection send HELLO 3?)", ErrProtocol, line[0])
	default:
		return nil, fmt.Errorf("%w: unknown reply type byte %q in %q", ErrProtocol, line[0], truncate(line))
	}
}

// readLine returns the next line without its CRLF. The slice points into
// r's buffer when the line fits there (no allocation) and is valid only
// until the next read from r.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Longer than the buffer: gather it in a fresh slice.
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull && len(long) <= MaxLineLen+2 {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	// The limit is checked before EOF so that the verdict does not depend on
	// how the bytes were split into reads.
	if len(line) > MaxLineLen+2 {
		return nil, fmt.Errorf("%w: line longer than %d bytes", ErrProtocol, MaxLineLen)
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("%w: line %q ends in LF without CR", ErrProtocol, truncate(line))
	}
	return line[:len(line)-2], nil
}

// readBulk reads n bytes of payload and the CRLF after them.
func readBulk(r *bufio.Reader, n int) (any, error) {
	var s string
	if n+2 <= r.Size() {
		// Fits in the buffer: one copy out of it, one allocation.
		b, err := r.Peek(n + 2)
		if err != nil {
			return nil, unexpected(err)
		}
		if b[n] != '\r' || b[n+1] != '\n' {
			return nil, fmt.Errorf("%w: bulk string of length %d not followed by CRLF", ErrProtocol, n)
		}
		s = string(b[:n])
		_, _ = r.Discard(n + 2) // cannot fail: Peek returned n+2 bytes
		return s, nil
	}
	// Larger than the buffer: copy it out piece by piece. Grow only by what
	// has a chance of arriving, so a lying length cannot allocate 512 MB.
	var sb strings.Builder
	sb.Grow(min(n, max(64<<10, r.Buffered())))
	for remaining := n; remaining > 0; {
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				return nil, unexpected(err)
			}
		}
		chunk, _ := r.Peek(min(remaining, r.Buffered()))
		sb.Write(chunk)
		_, _ = r.Discard(len(chunk))
		remaining -= len(chunk)
	}
	crlf, err := r.Peek(2)
	if err != nil {
		return nil, unexpected(err)
	}
	if crlf[0] != '\r' || crlf[1] != '\n' {
		return nil, fmt.Errorf("%w: bulk string of length %d not followed by CRLF", ErrProtocol, n)
	}
	_, _ = r.Discard(2)
	return sb.String(), nil
}

// parseLen parses the length in a "$n" or "*n" line: -1 (null) or 0..limit.
func parseLen(line []byte, limit int64) (int64, error) {
	n, ok := parseInt(line[1:])
	switch {
	case !ok:
		return 0, fmt.Errorf("%w: bad length in %q", ErrProtocol, truncate(line))
	case n < -1:
		return 0, fmt.Errorf("%w: negative length in %q", ErrProtocol, truncate(line))
	case n > limit:
		return 0, fmt.Errorf("%w: length %d in %q is over the limit of %d", ErrProtocol, n, line[:1], limit)
	}
	return n, nil
}

// parseInt parses -?[0-9]+ into an int64 without allocating.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
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

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func truncate(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
