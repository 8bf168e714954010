package resp

import (
	"fmt"
	"strconv"
	"strings"
)

// AppendCommand appends a command to dst as a RESP array of bulk strings,
// the only form a Redis server accepts from a client, and returns the
// extended buffer:
//
//	AppendCommand(nil, "SET", "k", "v") // "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
//
// Bulk strings carry their length, so arguments may hold any bytes,
// including "\r\n". Reuse dst across calls to avoid an allocation per
// command.
func AppendCommand(dst []byte, args ...string) []byte {
	dst = appendHeader(dst, '*', len(args))
	for _, a := range args {
		dst = appendBulk(dst, a)
	}
	return dst
}

// AppendValue appends v encoded as a RESP2 reply: it is what a server
// writes, and what the tests' fake servers use. It accepts exactly the
// values ReadReply returns, plus a few conveniences:
//
//	nil                 null bulk string ($-1)
//	string, []byte      bulk string
//	int, int64          integer
//	[]any, []string     array (elements encoded recursively)
//	*Error              error reply; any LF in the message becomes a space
//
// Decoding what AppendValue wrote gives back an equal value (a []string
// comes back as []any of strings).
func AppendValue(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "$-1\r\n"...), nil
	case string:
		return appendBulk(dst, v), nil
	case []byte:
		return appendBulk(dst, string(v)), nil
	case int:
		return appendInt(dst, int64(v)), nil
	case int64:
		return appendInt(dst, v), nil
	case []string:
		return AppendCommand(dst, v...), nil
	case []any:
		dst = appendHeader(dst, '*', len(v))
		for i, e := range v {
			var err error
			if dst, err = AppendValue(dst, e); err != nil {
				return dst, fmt.Errorf("element %d: %w", i, err)
			}
		}
		return dst, nil
	case *Error:
		dst = append(dst, '-')
		// A line ends at LF, so an LF inside would end it early; a lone CR
		// is harmless and kept.
		dst = append(dst, strings.ReplaceAll(v.Message, "\n", " ")...)
		return append(dst, '\r', '\n'), nil
	default:
		return dst, fmt.Errorf("resp: cannot encode %T as a reply (want nil, string, []byte, int, int64, []any, []string or *resp.Error)", v)
	}
}

func appendHeader(dst []byte, kind byte, n int) []byte {
	dst = append(dst, kind)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

func appendBulk(dst []byte, s string) []byte {
	dst = appendHeader(dst, '$', len(s))
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}

func appendInt(dst []byte, n int64) []byte {
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, n, 10)
	return append(dst, '\r', '\n')
}
