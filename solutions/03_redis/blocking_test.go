package redis

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/redistest"
	"github.com/otpgo/otpgo/internal/resp"
)

func hiddenStartBlocking(t *testing.T, addr string) *Blocking {
	t.Helper()
	c, err := StartBlocking(addr)
	if err != nil {
		t.Fatalf("StartBlocking(%q): %v", addr, err)
	}
	if c == nil {
		t.Fatalf("StartBlocking(%q) returned a nil client and no error", addr)
	}
	hiddenCloseAtEnd(t, c)
	return c
}

// hiddenCheckBasics runs the commands every client must get right.
func hiddenCheckBasics(t *testing.T, c Client) {
	t.Helper()
	for _, tc := range []struct {
		args []string
		want any
		hint string
	}{
		{[]string{"PING"}, "PONG", "a simple string reply (+PONG) is a Go string"},
		{[]string{"SET", "greeting", "hello world"}, "OK", ""},
		{[]string{"GET", "greeting"}, "hello world", "a bulk string reply ($11) is a Go string"},
		{[]string{"GET", "missing"}, nil, "GET of a missing key is a null bulk string, which resp.ReadReply gives as nil"},
		{[]string{"INCR", "counter"}, int64(1), "an integer reply (:1) is an int64"},
		{[]string{"RPUSH", "list", "a", "b"}, int64(2), ""},
		{[]string{"LRANGE", "list", "0", "-1"}, []any{"a", "b"}, "an array reply is a []any"},
	} {
		v, err := c.Command(tc.args...)
		if err != nil || !reflect.DeepEqual(v, tc.want) {
			t.Fatalf("Command(%q) = (%#v, %v), want %#v. %s", tc.args, v, err, tc.want, tc.hint)
		}
	}
}

// hiddenCheckRedisErrors checks that an error reply is a Go error and leaves the
// client working.
func hiddenCheckRedisErrors(t *testing.T, c Client) {
	t.Helper()
	if _, err := c.Command("SET", "text", "not a number"); err != nil {
		t.Fatalf("SET: %v", err)
	}
	v, err := c.Command("INCR", "text")
	if err == nil {
		t.Fatalf("INCR of a non-number returned (%#v, nil); Redis answered with an error reply, "+
			"and Command must return it as its error", v)
	}
	var rerr *resp.Error
	if !errors.As(err, &rerr) {
		t.Fatalf("INCR of a non-number returned the error %v (%T); return the *resp.Error that ReadReply decoded "+
			"(wrapping it is fine), so callers can tell Redis's errors from connection failures", err, err)
	}
	if !strings.Contains(rerr.Message, "not an integer") {
		t.Fatalf("the *resp.Error says %q, want Redis's own message (value is not an integer...)", rerr.Message)
	}
	if v != nil {
		t.Errorf("with an error, Command should return a nil value, got %#v", v)
	}
	if v, err := c.Command("PING"); err != nil || v != "PONG" {
		t.Fatalf("after Redis answered with an error, PING returned (%#v, %v): an error reply is an ordinary "+
			"answer and the client must keep working. Return it as the handler's reply, not as its error "+
			"(a handler's error stops the process)", v, err)
	}
	if _, err := c.Command("NOSUCHCOMMAND", "x"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("an unknown command returned %v, want Redis's \"unknown command\" error", err)
	}
}

func TestBlockingPing(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartBlocking(t, srv.Addr())
	if v, err := c.Command("PING"); err != nil || v != "PONG" {
		t.Fatalf("Command(\"PING\") = (%#v, %v), want \"PONG\"", v, err)
	}
	if c.PID().IsZero() {
		t.Error("PID() is the zero PID: return the server's pid from StartServer")
	}
}

func TestBlockingSetGet(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartBlocking(t, srv.Addr())
	hiddenCheckBasics(t, c)
	if got, _ := srv.Miniredis().Get("greeting"); got != "hello world" {
		t.Fatalf("the server holds greeting=%q after SET, want \"hello world\"", got)
	}
}

func TestBlockingRedisErrors(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c := hiddenStartBlocking(t, srv.Addr())
	hiddenCheckRedisErrors(t, c)
}

func TestBlockingStartFailsWithoutRedis(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	addr := srv.Addr()
	srv.Close() // nothing listens on addr now
	c, err := StartBlocking(addr)
	if err == nil {
		c.Close()
		t.Fatalf("StartBlocking(%q) succeeded with no Redis listening; dial in Init and return the error", addr)
	}
	var crash *actor.PanicError
	if errors.As(err, &crash) {
		t.Fatalf("StartBlocking with no Redis listening failed because Init panicked (%v); "+
			"return the dial error from Init instead", crash.Value)
	}
}

func TestBlockingClose(t *testing.T) {
	hiddenLeakCheck(t)
	srv := redistest.Start(t)
	c, err := StartBlocking(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Command("PING"); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !hiddenEventually(time.Second, func() bool { return srv.ConnCount() == 0 }) {
		t.Fatalf("the server still has %d connection(s) 1s after Close: close the socket when the process ends", srv.ConnCount())
	}
	r, ok := hiddenWithin(hiddenAsync(c, "PING"), time.Second)
	if !ok {
		t.Fatal("Command after Close hung for 1s; it should fail at once")
	}
	if r.err == nil {
		t.Fatalf("Command after Close returned (%#v, nil), want an error", r.v)
	}

	// A supervisor's brutal kill, or an exit signal, skips Terminate: the
	// socket must still close.
	k, err := StartBlocking(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Command("PING"); err != nil {
		t.Fatal(err)
	}
	actor.Exit(k.PID(), actor.Kill)
	if !hiddenEventually(time.Second, func() bool { return srv.ConnCount() == 0 }) {
		t.Fatalf("the server still has %d connection(s) 1s after the client's process was killed. Kill skips "+
			"Terminate, so closing the socket there is not enough; tie it to the process's life: "+
			"context.AfterFunc(p.Context(), ...) runs however the process ends", srv.ConnCount())
	}
}
