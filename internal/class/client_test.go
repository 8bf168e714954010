package class

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
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
			go func() {
				got <- Report(context.Background(), state, runner.Verdict{Step: "01.1", Status: runner.Passed})
			}()
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
// back whole, with whether the connection may carry the next report;
// anything else is an error, never a panic or more than the bounds.
func TestReadAnswer(t *testing.T) {
	for _, tc := range []struct {
		in     string
		status int
		body   string
		keep   bool
	}{
		{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"last_seq\":4}", 200, "{\"last_seq\":4", true},
		{"HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n{\"error\":\"who?\"}\n", 401, "{\"error\":\"who?\"}\n", false},
		{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", 200, "{}", false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n3;x=y\r\n\":1\r\n1\r\n}\r\n0\r\nX-T: 1\r\n\r\n", 200, "{\"a\":1}", true},
		{"HTTP/1.1 200 OK\n\n", 200, "", false},
	} {
		status, _, body, keep, err := readAnswer(bufio.NewReader(strings.NewReader(tc.in)))
		if err != nil || status != tc.status || string(body) != tc.body || keep != tc.keep {
			t.Errorf("readAnswer(%q) = %d, %q, keep %v, %v; want %d, %q, keep %v", tc.in, status, body, keep, err, tc.status, tc.body, tc.keep)
		}
	}
	for _, in := range []string{
		"", "HTTP/1.1 200 OK\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", 5000) + "\r\n",
		"HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("a", maxAnswerBody+1),
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("1\r\na\r\n", 5000) + "0\r\n\r\n",
	} {
		if status, _, body, _, err := readAnswer(bufio.NewReader(strings.NewReader(in))); err == nil {
			t.Errorf("readAnswer(%.60q) = %d, %d bytes; want an error", in, status, len(body))
		}
	}
}

func FuzzReadAnswer(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n{\"error\":\"x\"}"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		status, _, body, _, err := readAnswer(bufio.NewReader(bytes.NewReader(in)))
		if err == nil && (status < 100 || status > 999 || len(body) > maxAnswerBody) {
			t.Fatalf("status %d, %d bytes of body", status, len(body))
		}
	})
}

// Reports reuse a kept-alive connection; one the board has closed since
// (an idle timeout, a restart) fails before any answer, and the report
// goes on a new connection instead of waiting in the queue.
func TestAReportOnAConnectionTheBoardClosedGoesOnANewOne(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the board's cleanup
	t.Cleanup(CloseIdle)
	var conns atomic.Int32
	requests := 0 // the accept loop's goroutine only
	addr := hostileBoard(t, func(c net.Conn) {
		conns.Add(1)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		for {
			length := 0
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(l)), "content-length:"); ok {
					fmt.Sscan(v, &length)
				}
				if strings.TrimSpace(l) == "" {
					break
				}
			}
			io.CopyN(io.Discard, br, int64(length))
			requests++
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"last_seq\":1000}"))
			if requests == 1 {
				return // the board drops the kept-alive connection
			}
		}
	})
	state := joined(t, addr)
	for i := range 3 {
		if n := Report(context.Background(), state, runner.Verdict{Step: "01.1", Status: runner.Passed}); n != "" {
			t.Fatalf("report %d: notice %q; want it delivered", i+1, n)
		}
	}
	if q, _, _ := loadQueue(state); len(q) != 0 {
		t.Fatalf("%d report(s) queued; want all delivered", len(q))
	}
	CloseIdle()
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections for 3 reports; want 2 (one dropped by the board, one kept alive)", n)
	}
}
