package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// replies pairs wire bytes with the value ReadReply must return for them.
var replies = []struct {
	name string
	wire string
	want any
}{
	{"simple string", "+OK\r\n", "OK"},
	{"empty simple string", "+\r\n", ""},
	{"simple string with lone CR", "+a\rb\r\n", "a\rb"},
	{"error", "-ERR unknown command\r\n", &Error{Message: "ERR unknown command"}},
	{"integer", ":42\r\n", int64(42)},
	{"negative integer", ":-7\r\n", int64(-7)},
	{"max int64", ":9223372036854775807\r\n", int64(9223372036854775807)},
	{"min int64", ":-9223372036854775808\r\n", int64(-9223372036854775808)},
	{"bulk string", "$3\r\nbar\r\n", "bar"},
	{"empty bulk string", "$0\r\n\r\n", ""},
	{"bulk string holding CRLF", "$4\r\na\r\nb\r\n", "a\r\nb"},
	{"null bulk string", "$-1\r\n", nil},
	{"empty array", "*0\r\n", []any{}},
	{"null array", "*-1\r\n", nil},
	{"array", "*3\r\n:1\r\n$1\r\nx\r\n+OK\r\n", []any{int64(1), "x", "OK"}},
	{"array with nil and error", "*2\r\n$-1\r\n-WRONGTYPE nope\r\n", []any{nil, &Error{Message: "WRONGTYPE nope"}}},
	{"nested array", "*2\r\n*1\r\n:1\r\n*0\r\n", []any{[]any{int64(1)}, []any{}}},
}

func read(t *testing.T, r io.Reader, size int) []any {
	t.Helper()
	br := bufio.NewReaderSize(r, size)
	var got []any
	for {
		v, err := ReadReply(br)
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("ReadReply after %d replies: %v", len(got), err)
		}
		got = append(got, v)
	}
}

func TestReadReply(t *testing.T) {
	for _, tc := range replies {
		t.Run(tc.name, func(t *testing.T) {
			got := read(t, strings.NewReader(tc.wire), 4096)
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Fatalf("ReadReply(%q) = %#v, want one reply %#v", tc.wire, got, tc.want)
			}
		})
	}
}

// All replies back to back, read through readers that hand out 1 byte, half
// of what was asked, or everything at once, with buffers big and tiny: the
// decoder must give the same sequence every time.
func TestReadReplyStreaming(t *testing.T) {
	var wire strings.Builder
	var want []any
	for _, tc := range replies {
		wire.WriteString(tc.wire)
		want = append(want, tc.want)
	}
	big := strings.Repeat("x", 5000) // bigger than the tiny buffer and the default one
	wire.WriteString("$5000\r\n" + big + "\r\n")
	want = append(want, big)
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+EOF": iotest.DataErrReader,
	}
	for name, wrap := range readers {
		for _, size := range []int{16, 4096} {
			got := read(t, wrap(strings.NewReader(wire.String())), size)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s reader, buffer %d: got %#v\nwant %#v", name, size, got, want)
			}
		}
	}
}

// A reply whose bytes have not all arrived yet makes ReadReply wait for
// them, then return it; the next reply is untouched.
func TestReadReplyWaitsForTheRest(t *testing.T) {
	pr, pw := io.Pipe()
	br := bufio.NewReader(pr)
	type result struct {
		v   any
		err error
	}
	done := make(chan result)
	go func() {
		v, err := ReadReply(br)
		done <- result{v, err}
	}()
	for _, piece := range []string{"*2\r\n$5\r\nhel", "lo\r", "\n:1", "\r\n+next\r\n"} {
		if _, err := pw.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	r := <-done
	if r.err != nil || !reflect.DeepEqual(r.v, []any{"hello", int64(1)}) {
		t.Fatalf("got %#v, %v; want [hello 1]", r.v, r.err)
	}
	go pw.Close()
	if v, err := ReadReply(br); err != nil || v != "next" {
		t.Fatalf("second reply: got %#v, %v; want \"next\"", v, err)
	}
}

func TestServerErrorIsAValueNotAFailure(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("-WRONGTYPE Operation against a key\r\n+OK\r\n"))
	v, err := ReadReply(br)
	if err != nil {
		t.Fatalf("an error reply must not fail ReadReply: %v", err)
	}
	var rerr *Error
	if e, ok := v.(error); !ok || !errors.As(e, &rerr) {
		t.Fatalf("got %#v, want a *resp.Error", v)
	}
	if rerr.Code() != "WRONGTYPE" || rerr.Error() != "WRONGTYPE Operation against a key" {
		t.Fatalf("Code() = %q, Error() = %q", rerr.Code(), rerr.Error())
	}
	if errors.Is(rerr, ErrProtocol) {
		t.Fatal("a server error must not match ErrProtocol")
	}
	if v, err := ReadReply(br); err != nil || v != "OK" {
		t.Fatalf("the stream must stay in step after an error reply: got %#v, %v", v, err)
	}
}

func TestReadReplyBadInput(t *testing.T) {
	for _, tc := range []struct {
		wire string
		want error
	}{
		{"", io.EOF},
		{"+OK", io.ErrUnexpectedEOF},
		{"$3\r\nba", io.ErrUnexpectedEOF},
		{"$10000\r\nshort", io.ErrUnexpectedEOF},
		{"*2\r\n:1\r\n", io.ErrUnexpectedEOF},
		{"*1\r\n", io.ErrUnexpectedEOF},
		{"+OK\n", ErrProtocol},
		{"\r\n", ErrProtocol},
		{"?\r\n", ErrProtocol},
		{"PONG\r\n", ErrProtocol},
		{"%1\r\n", ErrProtocol},
		{":\r\n", ErrProtocol},
		{":12a\r\n", ErrProtocol},
		{":9223372036854775808\r\n", ErrProtocol},
		{":-9223372036854775809\r\n", ErrProtocol},
		{"$-2\r\n", ErrProtocol},
		{"$x\r\n", ErrProtocol},
		{"$3\r\nbarXY", ErrProtocol},
		{"$600000000\r\n", ErrProtocol},
		{"*-5\r\n", ErrProtocol},
		{"*9999999999\r\n", ErrProtocol},
		{strings.Repeat("*1\r\n", MaxDepth+1) + ":1\r\n", ErrProtocol},
		{"+" + strings.Repeat("a", MaxLineLen+10) + "\r\n", ErrProtocol},
	} {
		v, err := ReadReply(bufio.NewReaderSize(strings.NewReader(tc.wire), 16))
		if !errors.Is(err, tc.want) {
			t.Errorf("ReadReply(%.40q) = %#v, %v; want error %v", tc.wire, v, err, tc.want)
		}
	}
}

func TestReadReplyPassesIOErrorsThrough(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := ReadReply(bufio.NewReader(iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the reader's own error", err)
	}
}

func TestAppendCommand(t *testing.T) {
	got := string(AppendCommand(nil, "SET", "k", "a\r\nb"))
	want := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n"
	if got != want {
		t.Fatalf("AppendCommand = %q, want %q", got, want)
	}
	buf := AppendCommand(nil, "PING")
	v, err := ReadReply(bufio.NewReader(bytes.NewReader(buf)))
	if err != nil || !reflect.DeepEqual(v, []any{"PING"}) {
		t.Fatalf("decoding an encoded command: %#v, %v", v, err)
	}
}

func TestAppendValueRoundTrip(t *testing.T) {
	for _, tc := range replies {
		buf, err := AppendValue(nil, tc.want)
		if err != nil {
			t.Fatalf("%s: AppendValue: %v", tc.name, err)
		}
		v, err := ReadReply(bufio.NewReader(bytes.NewReader(buf)))
		if err != nil || !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%s: round trip through %q gave %#v, %v; want %#v", tc.name, buf, v, err, tc.want)
		}
	}
	buf, err := AppendValue(nil, []any{1, []byte("b"), []string{"c"}, &Error{Message: "ERR a\r\nb"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(1), "b", []any{"c"}, &Error{Message: "ERR a\r b"}}
	if v, err := ReadReply(bufio.NewReader(bytes.NewReader(buf))); err != nil || !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v, %v; want %#v", v, err, want)
	}
	if _, err := AppendValue(nil, 1.5); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Fatalf("AppendValue(1.5) = %v; want an error naming the type", err)
	}
}

// loop replays the same bytes forever without allocating.
type loop struct {
	b   []byte
	off int
}

func (l *loop) Read(p []byte) (int, error) {
	n := copy(p, l.b[l.off:])
	l.off = (l.off + n) % len(l.b)
	return n, nil
}

func TestDecodeAllocations(t *testing.T) {
	bulk := "$1024\r\n" + strings.Repeat("v", 1024) + "\r\n"
	br := bufio.NewReader(&loop{b: []byte(bulk)})
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := ReadReply(br); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Fatalf("decoding a 1 KB bulk string took %.1f allocations, want at most 2 (the string and its interface box)", allocs)
	}
}

func benchmarkDecode(b *testing.B, wire string) {
	br := bufio.NewReader(&loop{b: []byte(wire)})
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadReply(br); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBulk1K(b *testing.B) {
	benchmarkDecode(b, "$1024\r\n"+strings.Repeat("v", 1024)+"\r\n")
}

func BenchmarkDecodeSimpleString(b *testing.B) { benchmarkDecode(b, "+OK\r\n") }

func BenchmarkDecodeArray10(b *testing.B) {
	benchmarkDecode(b, "*10\r\n"+strings.Repeat("$5\r\nvalue\r\n", 10))
}

func BenchmarkAppendCommand(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 128)
	for b.Loop() {
		buf = AppendCommand(buf[:0], "SET", "key", "value")
	}
}
