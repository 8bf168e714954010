// Package resp speaks RESP2, the Redis serialization protocol, in both
// directions: AppendCommand encodes a command the way every client sends it,
// and ReadReply decodes one reply from a buffered stream.
//
// It is the Go counterpart of the protocol module the Elixir training hands
// to its attendees: chapter 03 uses it so that the exercises are about
// processes, not about parsing bytes.
//
// Decoded replies are plain Go values:
//
//	+OK\r\n               string "OK"              (simple string)
//	$3\r\nbar\r\n         string "bar"             (bulk string)
//	$-1\r\n               nil                      (null bulk: GET of a missing key)
//	:42\r\n               int64 42                 (integer)
//	*2\r\n:1\r\n:2\r\n    []any{int64(1), int64(2)} (array, may nest)
//	*-1\r\n               nil                      (null array)
//	-ERR boom\r\n         *Error{Message: "ERR boom"} (error reply)
//
// An error reply is a value, not a failure of the connection: after it the
// stream is still in step and the next reply can be read. ReadReply returns a
// non-nil error only when the connection itself is unusable: an I/O error
// (io.EOF when the peer closed between replies, io.ErrUnexpectedEOF in the
// middle of one) or bytes that are not RESP2 (ErrProtocol). Your client turns
// a *Error value into a Go error for its caller; a non-nil error from
// ReadReply means: close the socket.
package resp

import (
	"errors"
	"strings"
)

// Error is an error reply sent by the server, such as
// "WRONGTYPE Operation against a key holding the wrong kind of value".
// It implements error so a client can hand it to its caller as is; check for
// it with errors.As.
type Error struct {
	// Message is the reply without the leading '-' and the trailing CRLF.
	Message string
}

// Error returns the server's message.
func (e *Error) Error() string { return e.Message }

// Code returns the first word of the message, which Redis uses as an error
// class: "ERR", "WRONGTYPE", "NOSCRIPT", ...
func (e *Error) Code() string {
	code, _, _ := strings.Cut(e.Message, " ")
	return code
}

// ErrProtocol is wrapped by every error ReadReply returns for bytes that are
// not valid RESP2. The stream is out of step after it: close the connection.
var ErrProtocol = errors.New("resp: protocol error")
