package cli

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/resp"
)

// lockedBuffer is an io.Writer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitOutput(t *testing.T, out *lockedBuffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %v in the output:\n%s", re, out.String())
		}
		time.Sleep(2 * time.Millisecond) // polling with a deadline
	}
}

func TestRedisCommandServesUntilInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, Env{Stdout: out, Stderr: errOut, Dir: t.TempDir()}, "redis", "--addr", "127.0.0.1:0")
	}()
	addr := waitOutput(t, out, regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\.`))[1]
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
	waitOutput(t, out, regexp.MustCompile(`\[conn 1\] SET "greeting" "hi"`))

	cancel()
	select {
	case got := <-code:
		if got != ExitOK {
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
	code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut, Dir: t.TempDir()}, "redis", "--addr", l.Addr().String())
	if code != ExitError {
		t.Fatalf("exit %d, want %d", code, ExitError)
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
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, Env{Stdout: out, Stderr: errOut, Dir: t.TempDir()}, "redis", "--addr", "127.0.0.1:0", "--quiet")
	}()
	defer func() {
		cancel()
		select {
		case got := <-code:
			if got != ExitOK {
				t.Errorf("otpgo redis exited %d, want 0; stderr: %s", got, errOut.String())
			}
		case <-time.After(5 * time.Second):
			t.Error("otpgo redis did not stop within 5s of Ctrl-C")
		}
	}()
	addr := waitOutput(t, out, regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\.`))[1]

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
