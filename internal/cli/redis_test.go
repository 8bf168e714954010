package cli

import (
	"bufio"
	"context"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/resp"
	"github.com/otpgo/otpgo/internal/testout"
)

// otpgo redis builds its server from the checkout (miniredis stays out of
// otpgo's own build), says so, serves, and stops cleanly on Ctrl-C. The
// server itself is tested in internal/redisserver.
func TestRedisCommandBuildsTheServerAndStopsOnCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short: builds the redis server with go build")
	}
	defer goleak.VerifyNone(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &testout.Buffer{}, &testout.Buffer{}
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, Env{Stdout: out, Stderr: errOut, Dir: root}, "redis", "--addr", ":0")
	}()
	addr := testout.Wait(t, out, regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\.`), time.Now().Add(3*time.Minute))[1]
	for _, want := range []string{"Building otpgo redis (go build ./internal/redisserver", "Built in "} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(resp.AppendCommand(nil, "PING")); err != nil {
		t.Fatal(err)
	}
	if v, err := resp.ReadReply(bufio.NewReader(c)); err != nil || v != "PONG" {
		t.Fatalf("PING = %#v, %v; want PONG", v, err)
	}
	testout.Wait(t, out, regexp.MustCompile(`\[conn 1\] PING`), time.Now().Add(5*time.Second))
	cancel()
	select {
	case got := <-code:
		if got != ExitOK {
			t.Errorf("exit %d after Ctrl-C, want 0; stderr:\n%s", got, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("otpgo redis did not stop within 10s of Ctrl-C")
	}
	if !strings.Contains(out.String(), "Redis stopped.") {
		t.Errorf("the server did not stop cleanly:\n%s", out.String())
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("the port still accepts connections after otpgo redis stopped")
	}
}
