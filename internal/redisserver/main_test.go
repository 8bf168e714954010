package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/resp"
	"github.com/otpgo/otpgo/internal/testout"
)

func TestRedisCommandServesUntilInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &testout.Buffer{}, &testout.Buffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"--addr", "127.0.0.1:0"}, out, errOut)
	}()
	addr := testout.Wait(t, out, regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\.`), time.Now().Add(5*time.Second))[1]
	if !strings.Contains(out.String(), "redis-cli -p ") {
		t.Errorf("the banner does not say how to connect:\n%s", out.String())
	}

	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(resp.AppendCommand(nil, "SET", "greeting", "hi")); err != nil {
		t.Fatal(err)
	}
	if v, err := resp.ReadReply(bufio.NewReader(c)); err != nil || v != "OK" {
		t.Fatalf("SET = %#v, %v", v, err)
	}
	testout.Wait(t, out, regexp.MustCompile(`\[conn 1\] SET "greeting" "hi"`), time.Now().Add(5*time.Second))

	cancel()
	select {
	case got := <-code:
		if got != exitOK {
			t.Fatalf("otpgo redis exited %d after Ctrl-C, want 0; stderr: %s", got, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("otpgo redis did not stop within 5s of Ctrl-C")
	}
	if !strings.Contains(out.String(), "Redis stopped.") {
		t.Errorf("no goodbye:\n%s", out.String())
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("the port still accepts connections after otpgo redis stopped")
	}
}

func TestRedisCommandPortTaken(t *testing.T) {
	defer goleak.VerifyNone(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--addr", l.Addr().String()}, &out, &errOut)
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	if msg := errOut.String(); !strings.Contains(msg, "already in use") || !strings.Contains(msg, "--addr") {
		t.Fatalf("the error should say the port is taken and how to pick another:\n%s", msg)
	}
}

// A learner's client that sends an empty command, or a person typing PING
// into nc, gets an answer, and the server keeps serving: miniredis alone
// would panic on the first and hang up on the second.
func TestRedisCommandSurvivesEmptyAndInlineCommands(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &testout.Buffer{}, &testout.Buffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"--addr", "127.0.0.1:0", "--quiet"}, out, errOut)
	}()
	defer func() {
		cancel()
		select {
		case got := <-code:
			if got != exitOK {
				t.Errorf("otpgo redis exited %d, want 0; stderr: %s", got, errOut.String())
			}
		case <-time.After(5 * time.Second):
			t.Error("otpgo redis did not stop within 5s of Ctrl-C")
		}
	}()
	addr := testout.Wait(t, out, regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\.`), time.Now().Add(5*time.Second))[1]

	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	// Pipelined: the error must come back in its place, before PONG.
	if _, err := c.Write([]byte("*0\r\n" + string(resp.AppendCommand(nil, "PING")) + "\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	if v, err := resp.ReadReply(r); err != nil {
		t.Fatalf("after an empty command the connection failed: %v", err)
	} else if e, isErr := v.(*resp.Error); !isErr || !strings.Contains(e.Message, "empty command") {
		t.Fatalf("an empty command got %#v, want an error reply that says it was empty", v)
	}
	for _, what := range []string{"PING after the empty command", "inline PING"} {
		if v, err := resp.ReadReply(r); err != nil || v != "PONG" {
			t.Fatalf("%s = %#v, %v; want PONG", what, v, err)
		}
	}
}

// Many empty lines are skipped in a loop: one frame per line used to
// overflow the stack and kill the server (7 MB of newlines was enough).
func TestReadCommandSkipsManyEmptyLines(t *testing.T) {
	// A small stack limit makes recursion fail in a moment rather than
	// after allocating a gigabyte of stack.
	defer debug.SetMaxStack(debug.SetMaxStack(32 << 20))
	in := append(bytes.Repeat([]byte("\n"), 10<<20), "PING\r\n"...)
	args, err := readCommand(bufio.NewReader(bytes.NewReader(in)))
	if err != nil || len(args) != 1 || args[0] != "PING" {
		t.Fatalf("readCommand after 10 MB of newlines = %q, %v; want [PING]", args, err)
	}
}

// What readCommand makes of each request, with the replies real Redis
// 7.0 sends to the same bytes (it closes the connection after each
// protocol error).
func TestReadCommandAsRedis(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []string // nil: no command
		wantErr string   // the error reply, "" for none
	}{
		{in: "PING\r\n", want: []string{"PING"}},
		{in: "PING\n", want: []string{"PING"}},
		{in: "\r\n\n\nPING\n", want: []string{"PING"}},
		{in: "ECHO  \t x  \r\n", want: []string{"ECHO", "x"}},
		{in: `ECHO "a b"` + "\r\n", want: []string{"ECHO", "a b"}},
		{in: `ECHO 'a\'b' "x\x41\n\"\\"` + "\r\n", want: []string{"ECHO", "a'b", "xA\n\"\\"}},
		{in: `ECHO 'a\nb'` + "\r\n", want: []string{"ECHO", `a\nb`}},
		{in: `ECHO "\xZZ"` + "\r\n", want: []string{"ECHO", "xZZ"}},
		{in: `ECHO "" ''` + "\r\n", want: []string{"ECHO", "", ""}},
		{in: "ECHO a\vb\r\n", want: []string{"ECHO", "a\vb"}},
		{in: "\vECHO a\r\n", want: []string{"ECHO", "a"}},
		{in: "ECHO \"a\"\tb\r\n", want: []string{"ECHO", "a", "b"}},
		{in: `ECHO "a"b` + "\r\n", wantErr: "ERR Protocol error: unbalanced quotes in request"},
		{in: `ECHO "ab` + "\r\n", wantErr: "ERR Protocol error: unbalanced quotes in request"},
		{in: `ECHO 'ab` + "\r\n", wantErr: "ERR Protocol error: unbalanced quotes in request"},
		{in: strings.Repeat("a", 64<<10) + "\n", want: []string{strings.Repeat("a", 64<<10)}},
		{in: strings.Repeat("a", 64<<10+1) + "\n", wantErr: "ERR Protocol error: too big inline request"},
		{in: strings.Repeat("a", 70000), wantErr: "ERR Protocol error: too big inline request"},
		{in: "*1\r\n$4\r\nPING\r\n", want: []string{"PING"}},
		{in: "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", want: []string{"ECHO", ""}},
		{in: "*1\r\n$4\r\nPINGxx", want: []string{"PING"}}, // Redis does not check the CRLF
		{in: "*0\r\n", want: []string{}},
		{in: "*-1\r\n", want: []string{}},
		{in: "*1\r\n$-5\r\n", wantErr: "ERR Protocol error: invalid bulk length"},
		{in: "*1\r\n$-0\r\n", wantErr: "ERR Protocol error: invalid bulk length"},
		{in: "*1\r\n$04\r\n", wantErr: "ERR Protocol error: invalid bulk length"},
		{in: "*1\r\n$\r\n", wantErr: "ERR Protocol error: invalid bulk length"},
		{in: "*1\r\n$x\r\n", wantErr: "ERR Protocol error: invalid bulk length"},
		{in: "*1\r\n$536870913\r\n", wantErr: "ERR Protocol error: invalid bulk length"},
		{in: "*1\r\n+PING\r\n", wantErr: "ERR Protocol error: expected '$', got '+'"},
		{in: "*abc\r\n", wantErr: "ERR Protocol error: invalid multibulk length"},
		{in: "*01\r\n", wantErr: "ERR Protocol error: invalid multibulk length"},
		{in: "*+1\r\n", wantErr: "ERR Protocol error: invalid multibulk length"},
		{in: "*\r\n", wantErr: "ERR Protocol error: invalid multibulk length"},
		{in: "*2147483648\r\n", wantErr: "ERR Protocol error: invalid multibulk length"},
		{in: "*" + strings.Repeat("1", 70000), wantErr: "ERR Protocol error: too big mbulk count string"},
		{in: "*1\r\n$" + strings.Repeat("1", 70000), wantErr: "ERR Protocol error: too big bulk count string"},
	} {
		args, err := readCommand(bufio.NewReader(strings.NewReader(tc.in)))
		name := tc.in
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		if tc.wantErr != "" {
			var pe protocolError
			if !errors.As(err, &pe) || pe.Reply() != tc.wantErr {
				t.Errorf("%q: got %q, %v; want the reply %q", name, args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(args, tc.want) || args == nil {
			t.Errorf("%q: got %q, %v; want %q", name, args, err, tc.want)
		}
	}
}

// A length that lies allocates only for the bytes that arrive, and an
// endless line stops being read at the limit.
func TestReadCommandMemoryIsBounded(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readCommand(bufio.NewReader(strings.NewReader("*1\r\n$536870912\r\nabc")))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a bulk cut short = %v; want io.ErrUnexpectedEOF", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("a claimed 512 MB bulk with 3 bytes sent allocated %d bytes", grew)
	}
	endless := &countingReader{}
	_, err = readCommand(bufio.NewReader(endless))
	var pe protocolError
	if !errors.As(err, &pe) {
		t.Fatalf("an endless inline line = %v; want a protocol error", err)
	}
	if endless.n > 128<<10 {
		t.Errorf("read %d bytes of an endless line before refusing it; want about 64 KiB", endless.n)
	}
}

// countingReader is a stream of 8 MiB of 'a' (endless as far as a 64 KiB
// limit is concerned) that counts what was read.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= 8<<20 {
		return 0, io.EOF
	}
	for i := range p {
		p[i] = 'a'
	}
	c.n += len(p)
	return len(p), nil
}

// FuzzReadCommand feeds arbitrary bytes to the front's command reader: it
// must not panic, must end (the input is finite), and what it returns must
// encode and decode back to the same command.
func FuzzReadCommand(f *testing.F) {
	for _, seed := range []string{
		"PING\r\n", `ECHO "a b" 'c\'d' "\x41"` + "\r\n", "\n\n\nPING\n", `ECHO "a"b` + "\r\n",
		"*1\r\n$4\r\nPING\r\n", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", "*0\r\n", "*-1\r\n",
		"*1\r\n$-5\r\n", "*1\r\n$536870913\r\n", "*1\r\n+PING\r\n", "*abc\r\n", "*1\r\n$536870912\r\nabc",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nGET k\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for range len(data) + 1 { // each command consumes at least one byte
			args, err := readCommand(r)
			if err != nil {
				var pe protocolError
				if !errors.As(err, &pe) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("readCommand = %v; want a protocol error or EOF", err)
				}
				return
			}
			if args == nil {
				t.Fatal("readCommand returned no args and no error")
			}
			if len(args) == 0 {
				continue
			}
			got, err := readCommand(bufio.NewReader(bytes.NewReader(resp.AppendCommand(nil, args...))))
			if err != nil || !slices.Equal(got, args) {
				t.Fatalf("%q re-encoded reads back as %q, %v", args, got, err)
			}
		}
		t.Fatal("readCommand did not consume its input")
	})
}

// startRedis runs `otpgo redis args...` until the test ends and returns
// the address it listens on, and its stdout and stderr.
func startRedis(t *testing.T, args ...string) (addr string, out, errOut *testout.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut = &testout.Buffer{}, &testout.Buffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, args, out, errOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case got := <-code:
			if got != exitOK {
				t.Errorf("otpgo redis exited %d, want 0; stderr: %s", got, errOut.String())
			}
		case <-time.After(5 * time.Second):
			t.Error("otpgo redis did not stop within 5s of Ctrl-C")
		}
	})
	addr = testout.Wait(t, out, regexp.MustCompile(`listening on (\S+:\d+)\.`), time.Now().Add(5*time.Second))[1]
	return addr, out, errOut
}

// exchange sends in on a new connection to addr and returns everything
// the server sends back until it closes the connection, or until it has
// answered the probe appended to in (ECHO otpgo-probe-end).
func exchange(t *testing.T, addr string, in []byte) (reply string, closed bool) {
	t.Helper()
	const probe, probeReply = "ECHO otpgo-probe-end\r\n", "$15\r\notpgo-probe-end\r\n"
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	go func() { _, _ = c.Write(append(in[:len(in):len(in)], probe...)) }()
	var got []byte
	buf := make([]byte, 4096)
	for !bytes.HasSuffix(got, []byte(probeReply)) {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
			return string(got), true
		}
		if err != nil {
			t.Fatalf("after sending %.40q: %v; got so far %.200q", in, err, got)
		}
	}
	return strings.TrimSuffix(string(got), probeReply), false
}

// The requests of TestReadCommandAsRedis that both Redis and miniredis
// answer the same way, and that are complete (so the probe is reached).
// Not "*0" or "*-1": Redis ignores them, otpgo redis answers with an error
// on purpose (see redisFront).
var conformance = []string{
	`ECHO "a b"` + "\r\n",
	`ECHO 'a\'b'` + "\r\n",
	`ECHO "x\x41\n\"\\"` + "\r\n",
	`ECHO "\xZZ" ` + "\r\n",
	`ECHO ""` + "\r\n",
	"ECHO a\vb\r\n",
	"\vECHO a\r\n",
	"\r\n\n\nECHO a\n",
	"ECHO " + strings.Repeat("a", 64<<10-5) + "\n",
	`ECHO "a"b` + "\r\n",
	`ECHO "ab` + "\r\n",
	// Redis refuses a line once more than 64 KiB came without a newline, so
	// how far past 64 KiB it accepts one depends on how its reads split the
	// bytes: 200 KB is past that for sure.
	strings.Repeat("a", 200000),
	"*1\r\n$4\r\nPINGxx",
	"*1\r\n$-5\r\n",
	"*1\r\n$536870913\r\n",
	"*1\r\n+PING\r\n",
	"*abc\r\n",
	"*2147483648\r\n",
	"*1\r\n$x\r\n",
	"*1\r\n$04\r\n",
	"*" + strings.Repeat("1", 200000),
	"*1\r\n$" + strings.Repeat("1", 200000),
	"PING\r\n*1\r\n$-5\r\n",
}

// otpgo redis answers hostile and odd requests as Redis does, and keeps
// serving everyone else.
func TestRedisAnswersAsRedis(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after startRedis's cleanup
	addr, _, _ := startRedis(t, "--addr", "127.0.0.1:0", "--quiet")
	for _, tc := range []struct {
		in, reply string
		closed    bool
	}{
		{in: `ECHO "a b"` + "\r\n", reply: "$3\r\na b\r\n"},
		{in: "PING\r\n*1\r\n$-5\r\n", reply: "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", closed: true},
		{in: strings.Repeat("a", 70000), reply: "-ERR Protocol error: too big inline request\r\n", closed: true},
		{in: `ECHO "a"b` + "\r\n", reply: "-ERR Protocol error: unbalanced quotes in request\r\n", closed: true},
		// 1 MiB of empty lines end to end; TestReadCommandSkipsManyEmptyLines
		// proves with a small stack that they cost no stack at all.
		{in: strings.Repeat("\n", 1<<20) + "PING\r\n", reply: "+PONG\r\n"},
	} {
		reply, closed := exchange(t, addr, []byte(tc.in))
		if reply != tc.reply || closed != tc.closed {
			t.Errorf("%.40q: got %q (closed: %v); want %q (closed: %v)", tc.in, reply, closed, tc.reply, tc.closed)
		}
	}
	// A client that sends and then closes its side still gets its replies.
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("PING\r\nECHO bye\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.(*net.TCPConn).CloseWrite()
	if got, err := io.ReadAll(c); err != nil || string(got) != "+PONG\r\n$3\r\nbye\r\n" {
		t.Errorf("replies to a client that closed its side = %q, %v; want PONG and bye", got, err)
	}
}

// The same requests to a real Redis, when one is installed, and to otpgo
// redis get the same replies.
func TestRedisConformsToRealRedis(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		fmt.Fprintln(os.Stderr, "SKIPPED TestRedisConformsToRealRedis: no redis-server to compare with; install it with: apt-get install -y redis-server")
		t.Skip("redis-server not installed")
	}
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after startRedis's cleanup
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	srv.Cancel = func() error { return srv.Process.Signal(syscall.SIGTERM) }
	srv.WaitDelay = 5 * time.Second
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = srv.Wait() }()
	real := net.JoinHostPort("127.0.0.1", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", real, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not listen on %s within 10s: %v", real, err)
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
	ours, _, _ := startRedis(t, "--addr", "127.0.0.1:0", "--quiet")
	for _, in := range conformance {
		wantReply, wantClosed := exchange(t, real, []byte(in))
		reply, closed := exchange(t, ours, []byte(in))
		if reply != wantReply || closed != wantClosed {
			t.Errorf("%.40q: otpgo redis says %.200q (closed: %v); Redis says %.200q (closed: %v)", in, reply, closed, wantReply, wantClosed)
		}
	}
}

// An address with no host means this machine only, as the default does.
func TestRedisListenAddrDefaultsToLoopback(t *testing.T) {
	for in, want := range map[string]string{
		"":                "127.0.0.1:6379",
		":6380":           "127.0.0.1:6380",
		":0":              "127.0.0.1:0",
		"127.0.0.1:6379":  "127.0.0.1:6379",
		"0.0.0.0:6379":    "0.0.0.0:6379",
		"[::]:6379":       "[::]:6379",
		"localhost:6379":  "localhost:6379",
		"not an address":  "not an address",
		"192.168.1.2:123": "192.168.1.2:123",
	} {
		if got := redisListenAddr(in); got != want {
			t.Errorf("redisListenAddr(%q) = %q; want %q", in, got, want)
		}
	}
}

// A host-less --addr listens on loopback with no warning; an address that
// other machines can reach is allowed, with a warning that says so.
func TestRedisWarnsWhenReachableFromTheNetwork(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after startRedis's cleanup
	addr, _, errOut := startRedis(t, "--addr", ":0", "--quiet")
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
		t.Errorf("--addr :0 listens on %s; want 127.0.0.1", addr)
	}
	if strings.Contains(errOut.String(), "warning") {
		t.Errorf("a warning for a loopback address:\n%s", errOut.String())
	}
	addr, _, errOut = startRedis(t, "--addr", "0.0.0.0:0", "--quiet")
	if host, _, _ := net.SplitHostPort(addr); !net.ParseIP(host).IsUnspecified() {
		t.Errorf("--addr 0.0.0.0:0 listens on %s; want every interface", addr)
	}
	for _, want := range []string{"warning:", "anyone", "no password", "127.0.0.1"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("listening on every interface: stderr lacks %q:\n%s", want, errOut.String())
		}
	}
}

// BenchmarkReadCommand reads a pipelined stream of SET commands, as a
// client's benchmark sends them.
func BenchmarkReadCommand(b *testing.B) {
	one := resp.AppendCommand(nil, "SET", "key:000001", strings.Repeat("v", 100))
	stream := bytes.Repeat(one, 1000)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r := bufio.NewReader(bytes.NewReader(stream))
		for range 1000 {
			if _, err := readCommand(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
