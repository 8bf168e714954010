package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
	"testing/iotest"
)

// FuzzDecode feeds arbitrary bytes to ReadReply. Properties:
//   - it never panics, and every failure is io.EOF, io.ErrUnexpectedEOF or
//     wraps ErrProtocol;
//   - reading one byte at a time gives exactly the same replies and error;
//   - every reply it returns survives AppendValue -> ReadReply unchanged.
//
// The committed corpus in testdata/fuzz/FuzzDecode holds each reply type,
// nesting, and the malformed inputs that once mattered.
func FuzzDecode(f *testing.F) {
	for _, tc := range replies {
		f.Add([]byte(tc.wire))
	}
	f.Add(AppendCommand(nil, "SET", "k", "v\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, wholeErr := decodeAll(bufio.NewReader(bytes.NewReader(data)))
		for _, v := range whole {
			buf, err := AppendValue(nil, v)
			if err != nil {
				t.Fatalf("AppendValue(%#v) from input %q: %v", v, data, err)
			}
			back, err := ReadReply(bufio.NewReader(bytes.NewReader(buf)))
			if err != nil || !reflect.DeepEqual(back, v) {
				t.Fatalf("round trip of %#v through %q gave %#v, %v", v, buf, back, err)
			}
		}
		if wholeErr != io.EOF && wholeErr != io.ErrUnexpectedEOF && !errors.Is(wholeErr, ErrProtocol) {
			t.Fatalf("input %q: unexpected error type %T: %v", data, wholeErr, wholeErr)
		}
		split, splitErr := decodeAll(bufio.NewReaderSize(iotest.OneByteReader(bytes.NewReader(data)), 16))
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("input %q: whole read gave %#v, 1-byte reads gave %#v", data, whole, split)
		}
		if (wholeErr == nil) != (splitErr == nil) || errors.Is(wholeErr, ErrProtocol) != errors.Is(splitErr, ErrProtocol) {
			t.Fatalf("input %q: whole read ended with %v, 1-byte reads with %v", data, wholeErr, splitErr)
		}
	})
}

func decodeAll(br *bufio.Reader) ([]any, error) {
	var out []any
	for {
		v, err := ReadReply(br)
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
}
