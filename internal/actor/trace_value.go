package actor

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unsafe"
)

// How a traced message's value is written: briefly (traceValueMax bytes),
// and the way a learner would write it, as fmt's %+v does, with one
// difference: an error or a Stringer inside a struct is written by its
// own method even when the field is unexported. fmt cannot call methods
// through an unexported field, and writes such an error as a pointer
// (`{err:0xc000012345}`), where the diagram should say `{err:EOF}`. And
// a pointer inside a message is written as its type (`{conn:&net.TCPConn}`),
// not its address.

// traceValueDepth bounds how deep the struct walk goes: messages are
// shallow, and a pointer cycle must end.
const traceValueDepth = 4

// traceValue renders msg briefly. A String or Error method that panics
// must not take the runtime down, hence the recover.
func traceValue(msg any) (s string) {
	defer func() {
		if recover() != nil {
			s = "?"
		}
	}()
	switch m := msg.(type) {
	case nil:
		return "nil"
	case string:
		s = strconv.Quote(truncate(m, traceValueMax))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, bool, PID, Ref:
		s = fmt.Sprint(m)
	default:
		var b strings.Builder
		writeValue(&b, msg, 0)
		s = b.String()
	}
	return truncate(s, traceValueMax)
}

// writeValue writes x to b as %+v would, but through its methods at any
// depth (see above). It stops once b holds more than traceValueMax bytes,
// so a big slice costs no more than a small one.
func writeValue(b *strings.Builder, x any, depth int) {
	switch m := x.(type) {
	case nil:
		if depth == 0 {
			b.WriteString("nil")
		} else {
			b.WriteString("<nil>")
		}
		return
	case error:
		b.WriteString(m.Error())
		return
	case fmt.Stringer:
		b.WriteString(m.String())
		return
	}
	v := reflect.ValueOf(x)
	switch {
	case depth >= traceValueDepth:
		fmt.Fprintf(b, "%+v", x)
	case v.Kind() == reflect.Struct:
		// A copy that can be addressed, so unexported fields can be read.
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		writeList(b, '{', '}', c.NumField(), func(i int) {
			b.WriteString(c.Type().Field(i).Name)
			b.WriteByte(':')
			writeValue(b, fieldValue(c.Field(i)), depth+1)
		})
	case v.Kind() == reflect.Pointer && !v.IsNil() && depth > 0:
		// Inside a message, a pointer is a reference to something else (a
		// connection, a server's state): its type says what; its insides
		// and its address would be noise.
		b.WriteString("&" + v.Type().Elem().String())
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct:
		b.WriteByte('&')
		writeValue(b, v.Elem().Interface(), depth+1)
	case (v.Kind() == reflect.Slice || v.Kind() == reflect.Array) && v.Type().Elem().Kind() != reflect.Uint8:
		writeList(b, '[', ']', v.Len(), func(i int) { writeValue(b, v.Index(i).Interface(), depth+1) })
	default:
		fmt.Fprintf(b, "%+v", x)
	}
}

// writeList writes n items between open and close, apart by spaces, as
// %+v writes a struct or a slice; it stops once b is past traceValueMax.
func writeList(b *strings.Builder, open, close byte, n int, item func(i int)) {
	b.WriteByte(open)
	for i := range n {
		if b.Len() > traceValueMax {
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		item(i)
	}
	b.WriteByte(close)
}

// fieldValue is f's value, also when f is unexported (f is addressable:
// it belongs to writeValue's copy). Only read, never written.
func fieldValue(f reflect.Value) any {
	if f.CanInterface() {
		return f.Interface()
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n] + "…"
}
