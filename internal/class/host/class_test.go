package host

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/class"
	"github.com/otpgo/otpgo/internal/runner"
)

var testChapters = []class.ChapterInfo{
	{ID: "01", Title: "Concurrency foundations", Steps: []class.StepInfo{{ID: "01.1", Title: "Spawn"}, {ID: "01.2", Title: "Messages"}}},
	{ID: "gs", Title: "Hand-rolled GenServer", Steps: []class.StepInfo{{ID: "gs.1", Title: "Loop"}}},
}

// classroom is a trainer's server on loopback, restartable on the same
// address, over a store in a temp dir.
type classroom struct {
	t      testing.TB
	dir    string
	addr   string
	sess   class.Session
	srv    *Server
	cancel context.CancelFunc
	done   chan error
}

func newClassroom(t testing.TB) *classroom {
	t.Helper()
	if _, isTest := t.(*testing.T); isTest { // a sub-benchmark sees its parents' goroutines
		t.Cleanup(func() { goleak.VerifyNone(t) })
	}
	c := &classroom{t: t, dir: filepath.Join(t.TempDir(), ".otpgo", "class")}
	var err error
	if c.sess, _, err = OpenSession(c.dir, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	c.start("127.0.0.1:0")
	t.Cleanup(func() {
		c.stop()
		class.CloseIdle()
	})
	return c
}

func (c *classroom) start(addr string) {
	c.t.Helper()
	srv, err := NewServer(Config{Dir: c.dir, Chapters: testChapters}, c.sess)
	if err != nil {
		c.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.srv, c.addr, c.cancel, c.done = srv, ln.Addr().String(), cancel, make(chan error, 1)
	go func() { c.done <- Serve(ctx, ln, srv.Handler()) }()
}

func (c *classroom) stop() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	<-c.done
	c.srv.Close()
	c.cancel = nil
}

// restart stops the server and starts a new one from the log, at the
// same address.
func (c *classroom) restart() {
	c.stop()
	c.start(c.addr)
}

func (c *classroom) view() class.View {
	c.t.Helper()
	var v class.View
	if err := json.Unmarshal(c.srv.viewJSON(), &v); err != nil {
		c.t.Fatal(err)
	}
	return v
}

func rowOf(v class.View, name string) *class.Row {
	for i := range v.Rows {
		if v.Rows[i].Name == name {
			return &v.Rows[i]
		}
	}
	return nil
}

// attendee is a checkout's .otpgo that joined the class.
func (c *classroom) attendee(name string) string {
	c.t.Helper()
	state := filepath.Join(c.t.TempDir(), ".otpgo")
	if _, err := class.Join(context.Background(), state, c.addr, strings.ToUpper(c.sess.Code), name); err != nil {
		c.t.Fatalf("join as %s: %v", name, err)
	}
	return state
}

// post sends body to the board as an attendee's otpgo would, for the
// requests a real one never sends (a forged token, a flood).
func post(ctx context.Context, url, token string, body, out any) (int, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("%s", resp.Status)
	}
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}

func passed(step string) runner.Verdict {
	return runner.Verdict{Step: step, Status: runner.Passed, Tests: []runner.TestOutcome{{Name: "TestA", Passed: true}}}
}

func failed(step, test, msg string) runner.Verdict {
	return runner.Verdict{Step: step, Status: runner.Failed, Tests: []runner.TestOutcome{
		{Name: "TestA", Passed: true}, {Name: test, Message: msg}}}
}

func TestJoinCodeIsReadableAndCarries48Bits(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		code := NewJoinCode()
		words := strings.Split(code, "-")
		if len(words) != 3 {
			t.Fatalf("code %q: want 3 words", code)
		}
		for _, w := range words {
			if len(w) != 5 || !strings.ContainsRune(proConsonants, rune(w[0])) || !strings.ContainsRune(proVowels, rune(w[1])) {
				t.Fatalf("code %q: word %q is not consonant-vowel-consonant-vowel-consonant", code, w)
			}
		}
		if seen[code] {
			t.Fatalf("code %q came twice in 200", code)
		}
		seen[code] = true
	}
	// 16 consonants (4 bits) x3 and 4 vowels (2 bits) x2 a word.
	if bits := 3 * (3*4 + 2*2); bits < 40 {
		t.Fatalf("%d bits", bits)
	}
	if !codeMatches(" LUSAB babad_GUTIH ", "lusab-babad-gutih") || codeMatches("lusab-babad-gutii", "lusab-babad-gutih") {
		t.Fatal("codeMatches should forgive case and separators, nothing else")
	}
}

func TestAttendeesReportAndTheBoardShowsThem(t *testing.T) {
	c := newClassroom(t)
	ana, bob, cy := c.attendee("Ana"), c.attendee("Bob"), c.attendee("<script>alert(1)</script>")
	ctx := context.Background()
	if n := class.Report(ctx, ana, passed("01.1")); n != "" {
		t.Fatalf("Report: %s", n)
	}
	if n := class.Report(ctx, bob, failed("01.1", "TestSpawnReturns", "Spawn returned the zero PID\nmore")); n != "" {
		t.Fatalf("Report: %s", n)
	}
	class.Report(ctx, bob, failed("01.1", "TestSpawnReturns", "Spawn returned the zero PID"))
	if n, err := class.RaiseHand(ctx, cy, "01.1", "why does it hang?", "--- a/x.go\n+++ b/x.go\n", false); err != nil || n != "" {
		t.Fatalf("RaiseHand: %q %v", n, err)
	}

	v := c.view()
	if len(v.Rows) != 3 || v.Rows[0].Name != "<script>alert(1)</script>" || v.Rows[0].Hand == nil || !v.Rows[0].Hand.HasDiff {
		t.Fatalf("the raised hand should be the first row, with its diff: %+v", v.Rows)
	}
	if c := rowOf(v, "Ana").Cells["01.1"]; c.State != class.Passed || c.Attempts != 1 {
		t.Fatalf("Ana's 01.1 = %+v, want passed at attempt 1", c)
	}
	cb := rowOf(v, "Bob").Cells["01.1"]
	if cb.State != class.Failing || cb.Test != "TestSpawnReturns" || cb.Message != "Spawn returned the zero PID" || cb.Attempts != 2 {
		t.Fatalf("Bob's 01.1 = %+v, want failing TestSpawnReturns, first line, attempt 2", cb)
	}
	st := v.Steps["01.1"]
	if st.Passed != 1 || st.Failing != 1 || st.TopTest != "TestSpawnReturns" || st.Median <= 0 {
		t.Fatalf("01.1 stats = %+v", st)
	}
	if d, ok := c.srv.board.Diff(v.Rows[0].ID); !ok || !strings.Contains(d, "+++ b/x.go") {
		t.Fatalf("shared diff = %q", d)
	}
}

func TestBadInputGetsAClearRefusal(t *testing.T) {
	c := newClassroom(t)
	state := filepath.Join(t.TempDir(), ".otpgo")
	_, err := class.Join(context.Background(), state, c.addr, "babab-babab-babab", "Eve")
	if err == nil || !strings.Contains(err.Error(), "wrong join code") {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := class.Join(context.Background(), state, c.addr, c.sess.Code, strings.Repeat("x", class.MaxName+1)); err == nil || !strings.Contains(err.Error(), "shorter --name") {
		t.Fatalf("long name: %v", err)
	}
	// A token the board never gave is refused.
	status, err := post(context.Background(), "http://"+c.addr+"/api/reports", "forged", class.Batch{Reports: []class.Update{{Seq: 1, Kind: class.KindLeave}}}, &class.ReportsReply{})
	if status != http.StatusUnauthorized || err == nil {
		t.Fatalf("forged token: %d %v", status, err)
	}
	// An unknown step is rejected, and the client drops it rather than
	// keeping every later report behind it.
	ana := c.attendee("Ana")
	if n := class.Report(context.Background(), ana, passed("99.9")); !strings.Contains(n, "refused 1 report") {
		t.Fatalf("unknown step: notice %q", n)
	}
	if n := class.Report(context.Background(), ana, passed("01.1")); n != "" {
		t.Fatalf("the next report should go: %q", n)
	}
	// The board needs the trainer's secret.
	resp, err := http.Get("http://" + c.addr + "/board/state?key=wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("board without the secret: %s", resp.Status)
	}
}

func TestServerGoneQueuesAndRestartLosesNothing(t *testing.T) {
	c := newClassroom(t)
	ana := c.attendee("Ana")
	ctx := context.Background()
	class.Report(ctx, ana, failed("01.1", "TestA", "no"))
	c.stop()
	start := time.Now()
	n := class.Report(ctx, ana, failed("01.1", "TestB", "still no"))
	if !strings.Contains(n, "did not answer; 1 report(s) kept") {
		t.Fatalf("server gone: notice %q", n)
	}
	if d := time.Since(start); d > 2*class.ReportWait {
		t.Fatalf("an unreachable board made the report take %v", d)
	}
	class.Report(ctx, ana, passed("01.1"))
	c.start(c.addr)
	// The queue goes first, in order, with the next report.
	if n := class.Report(ctx, ana, failed("01.2", "TestC", "hm")); n != "" {
		t.Fatalf("back: notice %q", n)
	}
	if _, err := os.Stat(filepath.Join(ana, "class", class.QueueFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the queue should be empty: %v", err)
	}
	c.restart()
	v := c.view()
	r := rowOf(v, "Ana")
	if cell := r.Cells["01.1"]; cell == nil || cell.State != class.Passed || cell.Attempts != 3 {
		t.Fatalf("after a restart, Ana's 01.1 = %+v, want passed at attempt 3", cell)
	}
	if c.srv.board.LastSeq(r.ID) != 4 {
		t.Fatalf("last seq %d, want 4 reports kept", c.srv.board.LastSeq(r.ID))
	}
	// The log holds each report once.
	reports := 0
	class.Replay(c.dir, false, func(ev class.Event) {
		if ev.Type == "report" {
			reports++
		}
	})
	if reports != 4 {
		t.Fatalf("%d reports in the log, want 4", reports)
	}
}

func TestANewSessionTellsTheAttendeeToJoinAgain(t *testing.T) {
	c := newClassroom(t)
	ana := c.attendee("Ana")
	c.stop()
	var err error
	if c.sess, _, err = OpenSession(c.dir, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	c.start(c.addr)
	n := class.Report(context.Background(), ana, passed("01.1"))
	if !strings.Contains(n, "no longer knows you") || !strings.Contains(n, "otpgo class join") {
		t.Fatalf("notice %q", n)
	}
}

func TestCutLogLineIsRepaired(t *testing.T) {
	c := newClassroom(t)
	ana := c.attendee("Ana")
	class.Report(context.Background(), ana, passed("01.1"))
	c.stop()
	f, err := os.OpenFile(filepath.Join(c.dir, class.LogFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"t":"report","a":"a1","r":{"seq":9,"ki`) // kill -9 mid-write
	f.Close()
	c.start(c.addr)
	if n := class.Report(context.Background(), ana, failed("01.2", "TestX", "x")); n != "" {
		t.Fatalf("notice %q", n)
	}
	c.restart()
	v := c.view()
	if r := rowOf(v, "Ana"); r.Cells["01.1"] == nil || r.Cells["01.2"] == nil {
		t.Fatalf("after repair, Ana = %+v", r)
	}
}

func TestAFloodFromOneLaptopIsRefusedAndOthersStillReport(t *testing.T) {
	c := newClassroom(t)
	ana, bob := c.attendee("Ana"), c.attendee("Bob")
	m, _ := class.Joined(ana)
	limited := false
	for i := range 200 {
		status, _ := post(context.Background(), "http://"+c.addr+"/api/reports", m.Token,
			class.Batch{Reports: []class.Update{{Seq: uint64(i + 1), Kind: class.KindLower}}}, &class.ReportsReply{})
		if status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("200 requests at once were never rate-limited")
	}
	if n := class.Report(context.Background(), bob, passed("01.1")); n != "" {
		t.Fatalf("Bob should still report: %q", n)
	}
}

func TestBoardStreamPushesEachReport(t *testing.T) {
	c := newClassroom(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.addr+"/board/events?key="+c.sess.Secret, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				sc.Scan()
				events <- ev + " " + strings.TrimPrefix(sc.Text(), "data: ")
			}
		}
		close(events)
	}()
	next := func() string {
		select {
		case e := <-events:
			return e
		case <-ctx.Done():
			t.Fatal("no board event within 5 s")
		}
		return ""
	}
	if e := next(); !strings.HasPrefix(e, "snapshot ") {
		t.Fatalf("first event %q, want the snapshot", e)
	}
	ana := c.attendee("Ana")
	if e := next(); !strings.HasPrefix(e, "row ") || !strings.Contains(e, `"name":"Ana"`) {
		t.Fatalf("join event %q", e)
	}
	class.Report(context.Background(), ana, failed("gs.1", "TestLoop", "<b>boom</b>"))
	if e := next(); !strings.HasPrefix(e, "row ") || !strings.Contains(e, `"state":"failing"`) {
		t.Fatalf("report event %q", e)
	}
	if e := next(); !strings.HasPrefix(e, "step ") || !strings.Contains(e, `"top_test":"TestLoop"`) {
		t.Fatalf("the step's summary should follow: %q", e)
	}
	// The delay is recorded just after the flush that delivered the frame.
	for st := c.srv.Stats(); st.Frames == 0 || st.Reports != 1; st = c.srv.Stats() {
		if ctx.Err() != nil {
			t.Fatalf("stats %+v", st)
		}
		time.Sleep(time.Millisecond) // polling, with the test's deadline
	}
	cancel()
	for range events {
	}
}

func TestExportWritesPerAttendeeAndStep(t *testing.T) {
	c := newClassroom(t)
	ana := c.attendee("=HYPERLINK(\"x\")")
	class.Report(context.Background(), ana, failed("01.1", "TestA", "no"), passed("01.2"))
	b, _, err := class.LoadBoard(c.dir, testChapters)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := class.Export(&out, b.ExportRows(), "csv"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `'=HYPERLINK`) || !strings.Contains(lines[1], "01.1,failing,failed,1") || !strings.Contains(lines[2], "01.2,passed") {
		t.Fatalf("csv:\n%s", out.String())
	}
	out.Reset()
	if err := class.Export(&out, b.ExportRows(), "json"); err != nil || !strings.Contains(out.String(), `"result": "failing"`) {
		t.Fatalf("json: %v\n%s", err, out.String())
	}
	if err := class.Export(&out, nil, "xml"); err == nil || !strings.Contains(err.Error(), "--format csv") {
		t.Fatalf("xml: %v", err)
	}
}

func TestNotJoinedReportCostsNothing(t *testing.T) {
	if n := class.Report(context.Background(), t.TempDir(), passed("01.1")); n != "" {
		t.Fatalf("notice %q", n)
	}
}

func TestStuckAndGivenStates(t *testing.T) {
	b := class.NewBoard(testChapters, time.Minute, 3)
	t0 := time.Now()
	b.Apply(class.Event{Type: "join", At: t0, Attendee: "a1", Name: "Ana"})
	b.Apply(class.Event{Type: "report", At: t0, Attendee: "a1", Report: &class.Update{Seq: 1, Kind: class.KindCheck, Step: "01.1", Status: "failed", Attempt: 1}})
	b.Apply(class.Event{Type: "report", At: t0, Attendee: "a1", Report: &class.Update{Seq: 2, Kind: class.KindCheck, Step: "gs.1", Status: class.StatusGiven, Attempt: 1}})
	if r := b.Row("a1", t0.Add(30*time.Second)); len(r.Stuck) != 0 {
		t.Fatalf("stuck too early: %v", r.Stuck)
	}
	if r := b.Row("a1", t0.Add(time.Minute)); len(r.Stuck) != 1 || r.Stuck[0] != "01.1" {
		t.Fatalf("stuck after a minute: %v", r.Stuck)
	}
	if c := b.Row("a1", t0).Cells["gs.1"]; c.State != class.GivenByCatchUp || b.Stats("gs.1").Passed != 1 {
		t.Fatalf("given: %+v", c)
	}
}
