package class

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/runner"
)

// hostileBoard accepts connections on loopback and hands each to serve,
// until the test ends.
func hostileBoard(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// joined is an attendee's .otpgo that joined the board at addr.
func joined(t *testing.T, addr string) string {
	t.Helper()
	state := filepath.Join(t.TempDir(), ".otpgo")
	if err := withLock(state, func() error {
		return saveMember(state, Member{Addr: addr, Token: "tok", Attendee: "a1", Name: "Ana", NextSeq: 1})
	}); err != nil {
		t.Fatal(err)
	}
	return state
}

// A board that reads the report and never answers, or answers without
// end, holds the check for about ReportWait, no more, and the report waits
// in the queue.
func TestAHostileBoardCannotHoldOrFloodTheCheck(t *testing.T) {
	defer goleak.VerifyNone(t)
	for name, serve := range map[string]func(net.Conn){
		"silent": func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			io.Copy(io.Discard, c) // until the attendee hangs up
		},
		"endless header": func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			for c.SetWriteDeadline(time.Now().Add(10*time.Second)) == nil {
				if _, err := c.Write([]byte("X-A: " + strings.Repeat("a", 1000) + "\r\n")); err != nil {
					return
				}
			}
		},
		"endless body": func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Write([]byte("HTTP/1.0 200 OK\r\n\r\n"))
			for {
				if _, err := c.Write(bytes.Repeat([]byte("{"), 4096)); err != nil {
					return
				}
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			state := joined(t, hostileBoard(t, serve))
			got := make(chan string, 1)
			go func() { got <- Report(context.Background(), state, runner.Verdict{Step: "01.1", Status: runner.Passed}) }()
			select {
			case n := <-got:
				if !strings.Contains(n, "1 report(s) kept") {
					t.Errorf("notice %q; want the report kept for later", n)
				}
			case <-time.After(10 * ReportWait):
				t.Fatal("the report is still waiting on the board after 10 x ReportWait")
			}
		})
	}
}

// The attendee's otpgo speaks plain HTTP to the trainer's board, so an
// https:// address gets a clear refusal; a host without a port is port 80.
func TestBoardAddresses(t *testing.T) {
	for in, want := range map[string]board{
		"192.168.1.20:7421":          {hostport: "192.168.1.20:7421"},
		"http://192.168.1.20:7421/":  {hostport: "192.168.1.20:7421"},
		"http://board.lan/otpgo/":    {hostport: "board.lan:80", prefix: "/otpgo"},
		"[::1]:7421":                 {hostport: "[::1]:7421"},
		"http://[fe80::1]/":          {hostport: "[fe80::1]:80"},
		"localhost:7421":             {hostport: "localhost:7421"},
		"http://localhost:7421/a/b/": {hostport: "localhost:7421", prefix: "/a/b"},
	} {
		if got, err := boardAt(in); err != nil || got != want {
			t.Errorf("boardAt(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"https://board.lan:7421", "", "http://a b:1", "a:1/x\r\nX-Evil: 1"} {
		if b, err := boardAt(in); err == nil {
			t.Errorf("boardAt(%q) = %+v; want a refusal", in, b)
		}
	}
}

// The answers of otpgo's own board (net/http's, as it writes them) read
// back whole; anything else is an error, never a panic or more than the
// bounds.
func TestReadAnswer(t *testing.T) {
	for _, tc := range []struct {
		in     string
		status int
		body   string
	}{
		{"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"last_seq\":4}", 200, "{\"last_seq\":4"},
		{"HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n{\"error\":\"who?\"}\n", 401, "{\"error\":\"who?\"}\n"},
		{"HTTP/1.1 200 OK\n\n", 200, ""},
	} {
		status, _, body, err := readAnswer(strings.NewReader(tc.in))
		if err != nil || status != tc.status || string(body) != tc.body {
			t.Errorf("readAnswer(%q) = %d, %q, %v; want %d, %q", tc.in, status, body, err, tc.status, tc.body)
		}
	}
	for _, in := range []string{
		"", "HTTP/1.1 200 OK\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", 5000) + "\r\n",
		"HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("a", maxAnswerBody+1),
	} {
		if status, _, body, err := readAnswer(strings.NewReader(in)); err == nil {
			t.Errorf("readAnswer(%.60q) = %d, %d bytes; want an error", in, status, len(body))
		}
	}
}

func FuzzReadAnswer(f *testing.F) {
	f.Add([]byte("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n{\"error\":\"x\"}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		status, _, body, err := readAnswer(bufio.NewReader(bytes.NewReader(in)))
		if err == nil && (status < 100 || status > 999 || len(body) > maxAnswerBody) {
			t.Fatalf("status %d, %d bytes of body", status, len(body))
		}
	})
}
