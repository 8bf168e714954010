package host

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/class"
	"github.com/otpgo/otpgo/internal/runner"
)

func benchServer(b *testing.B) (*Server, string) {
	dir := filepath.Join(b.TempDir(), "class")
	sess, _, err := OpenSession(dir, false, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	srv, err := NewServer(Config{Dir: dir, Chapters: testChapters}, sess)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/join", bytes.NewReader([]byte(`{"code":"`+sess.Code+`","name":"Ana"}`))))
	var j class.JoinReply
	if err := json.Unmarshal(rec.Body.Bytes(), &j); err != nil {
		b.Fatal(err, rec.Body.String())
	}
	srv.perAtt = newLimiter(1e12, 1e12, 10) // measure the work, not the limit
	return srv, j.Token
}

func reportBody(seq int) []byte {
	body, _ := json.Marshal(class.Batch{Reports: []class.Update{{Seq: uint64(seq), Kind: class.KindCheck, Step: "01.1", Status: "failed",
		Test: "TestSpawnReturnsAPID", Message: "Spawn returned the zero PID; did you start the goroutine?", Attempt: seq, Hints: 1, OnStep: 60000, At: time.Now()}}})
	return body
}

// BenchmarkServerReport is the server's work for one report: /raw
// authenticates and decodes it only; /board also logs it, applies it and
// encodes the board event.
func BenchmarkServerReport(b *testing.B) {
	b.Run("raw", func(b *testing.B) {
		srv, tok := benchServer(b)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.mu.Lock()
			srv.board.Who(tokenHash(tok))
			srv.mu.Unlock()
			if _, err := class.DecodeBatch(r.Body, srv.board.Known); err != nil {
				b.Fatal(err)
			}
			writeJSON(w, http.StatusOK, class.ReportsReply{})
		})
		benchReports(b, h, tok)
	})
	b.Run("board", func(b *testing.B) {
		srv, tok := benchServer(b)
		sub := srv.hub.subscribe() // a page is open: frames are built and queued
		done := make(chan struct{})
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			for {
				select {
				case <-sub.ch:
				case <-done:
					return
				}
			}
		}()
		benchReports(b, srv.Handler(), tok)
		srv.hub.unsubscribe(sub)
		close(done)
		<-drained
	})
}

func benchReports(b *testing.B, h http.Handler, tok string) {
	bodies := make([][]byte, 0, 1024)
	for i := range cap(bodies) {
		bodies = append(bodies, reportBody(i+1))
	}
	b.ReportAllocs()
	seq := 0
	for b.Loop() {
		seq++
		body := bodies[(seq-1)%len(bodies)]
		if seq > len(bodies) {
			body = reportBody(seq)
		}
		req := httptest.NewRequest(http.MethodPost, "/api/reports", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkAttendeeMemory reports the server's memory per attendee on a
// board of 200, each with a failing cell on every step.
func BenchmarkAttendeeMemory(b *testing.B) {
	const n = 200
	var per float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		board := class.NewBoard(testChapters, 0, 0)
		now := time.Now()
		for i := range n {
			id := fmt.Sprint("a", i)
			board.Apply(class.Event{Type: "join", At: now, Attendee: id, Name: fmt.Sprint("attendee number ", i), TokenHash: tokenHash(id)})
			for k, s := range []string{"01.1", "01.2", "gs.1"} {
				board.Apply(class.Event{Type: "report", At: now, Attendee: id, Report: &class.Update{Seq: uint64(k + 1), Kind: class.KindCheck, Step: s,
					Status: "failed", Test: "TestSpawnReturnsAPID", Message: "Spawn returned the zero PID; did you start the goroutine?", Attempt: 3}})
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(board)
	}
	b.ReportMetric(per, "bytes/attendee")
}

// BenchmarkAttendeeCheck is a warm check (a cached go test, as otpgo
// check runs) alone and followed by reporting its verdict to a board on
// loopback, interleaved so that the machine's load hits both alike; it
// reports their ratio: what the class costs a check.
func BenchmarkAttendeeCheck(b *testing.B) {
	mod := b.TempDir()
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module x\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "x_test.go"), []byte("package x\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n"), 0o644)
	check := func() time.Duration {
		start := time.Now()
		cmd := exec.Command("go", "test", "-json", "-run", "^TestX$", ".")
		cmd.Dir = mod
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		return time.Since(start)
	}
	check() // warm the cache
	c := newClassroom(b)
	state := c.attendee("Ana")
	v := runner.Verdict{Step: "01.1", Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestA", Message: "no"}}}
	var alone, with, report time.Duration
	for b.Loop() {
		alone += check()
		t := check()
		start := time.Now()
		if n := class.Report(context.Background(), state, v); n != "" {
			b.Fatal(n)
		}
		report += time.Since(start)
		with += t + time.Since(start)
	}
	b.ReportMetric(float64(with)/float64(alone), "ratio")
	b.ReportMetric(float64(report)/float64(b.N), "report-ns")
}
