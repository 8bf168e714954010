package class

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
)

// Files of the attendee's side, in <checkout>/.otpgo/class/.
const (
	MemberFile = "attendee.json" // the board's address, this attendee's token, counters
	QueueFile  = "queue"         // reports not yet delivered, one JSON object a line
	lockFile   = "lock"
)

// MaxQueue bounds the queue; past it the oldest reports are dropped (a
// board away for hours wants the latest state, not every attempt).
const MaxQueue = 1000

// ReportWait bounds what reporting may add to a check: a board that does
// not answer within it gets the report later, from the queue.
const ReportWait = time.Second

// Member is what `class join` stores for the attendee.
type Member struct {
	Addr     string                `json:"addr"`
	Token    string                `json:"token"`
	Attendee string                `json:"attendee"`
	Name     string                `json:"name"`
	Session  string                `json:"session"`
	Code     string                `json:"code"` // to say how to join again
	NextSeq  uint64                `json:"next_seq"`
	Steps    map[string]*stepTrack `json:"steps,omitempty"`
}

type stepTrack struct {
	Attempts int       `json:"attempts"`
	First    time.Time `json:"first"` // the first check of the step
}

func classDir(stateDir string) string { return filepath.Join(stateDir, "class") }

// Joined returns the membership stored in stateDir (the checkout's
// .otpgo), if the attendee has joined a class.
func Joined(stateDir string) (Member, bool) {
	var m Member
	data, err := os.ReadFile(filepath.Join(classDir(stateDir), MemberFile))
	if err != nil || len(data) > 1<<20 || json.Unmarshal(data, &m) != nil || m.Token == "" || m.Addr == "" {
		return Member{}, false
	}
	return m, true
}

func saveMember(stateDir string, m Member) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the class membership: %w", err)
	}
	p := filepath.Join(classDir(stateDir), MemberFile)
	if err := os.WriteFile(p+".tmp", data, 0o600); err != nil {
		return fmt.Errorf("save the class membership: %w", err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		return fmt.Errorf("save the class membership: %w", err)
	}
	return nil
}

// withLock serialises the attendee's otpgo processes (a check in one
// terminal, watch in another) over the membership and the queue.
func withLock(stateDir string, fn func() error) error {
	if err := os.MkdirAll(classDir(stateDir), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", classDir(stateDir), err)
	}
	return progress.WithFileLock(filepath.Join(classDir(stateDir), lockFile), fn)
}

// board is where the attendee's otpgo reaches the trainer's: a TCP
// address and the path prefix of the API.
type board struct {
	hostport string
	prefix   string
}

// boardAt accepts "host:port" or an http:// URL. The board is otpgo's own
// server on the class's network, which speaks plain HTTP.
func boardAt(addr string) (board, error) {
	if strings.HasPrefix(addr, "https://") {
		return board{}, fmt.Errorf("%s: the class board speaks plain HTTP; give its address as HOST:PORT, as otpgo class start prints it", addr)
	}
	host, prefix, _ := strings.Cut(strings.TrimPrefix(addr, "http://"), "/")
	if prefix != "" {
		prefix = "/" + strings.TrimSuffix(prefix, "/")
	}
	if host != "" {
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = net.JoinHostPort(strings.Trim(host, "[]"), "80")
		}
	}
	if host == "" || strings.ContainsAny(host+prefix, " \r\n") {
		return board{}, fmt.Errorf("%q is not a board address: give HOST:PORT, as otpgo class start prints it", addr)
	}
	return board{hostport: host, prefix: prefix}, nil
}

// Bounds on what a board's answer may be: the attendee's otpgo reads the
// network, so a wrong or hostile server must not hold it or fill its memory.
const (
	maxAnswerHeader = 16 << 10
	maxAnswerBody   = 64 << 10
)

// The board's answers that the attendee's otpgo acts on.
const (
	statusOK           = 200
	statusBadRequest   = 400 // the board cannot take these reports
	statusUnauthorized = 401 // the board does not know this token
)

// answerWait bounds an exchange whose ctx has no deadline of its own.
const answerWait = 5 * time.Second

// post sends body as JSON to the board and decodes a 200's answer into
// out. It returns the status (0 when the board did not answer).
//
// It speaks the little HTTP/1.1 otpgo's own board needs, bounded by ctx
// and answerWait: Content-Length requests; answers delimited by
// Content-Length, chunks or the end of the connection. net/http would do
// it too, but would put net/http and crypto/tls in every learner's first
// build of otpgo (the board's server is built only on the trainer's
// machine). Reports (token != "") reuse a kept-alive connection, as
// net/http would: a watch or the app reports again and again, and a new
// connection costs the board's server more than the report. A kept-alive
// connection the board has closed meanwhile fails before any answer; the
// report then goes once more on a new one (the board keeps each seq
// once). A join always has a connection of its own.
func post(ctx context.Context, b board, path, token string, body any, out any) (int, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return 0, fmt.Errorf("encode: %w", err)
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: otpgo\r\nContent-Type: application/json\r\nContent-Length: %d\r\n",
		b.prefix, path, b.hostport, len(data))
	if token != "" {
		fmt.Fprintf(&req, "Authorization: Bearer %s\r\n", token)
	} else {
		req.WriteString("Connection: close\r\n")
	}
	req.WriteString("\r\n")
	req.Write(data)
	for {
		var c *boardConn
		if token != "" {
			c = idle.get(b.hostport)
		}
		reused := c != nil
		if c == nil {
			nc, err := (&net.Dialer{Timeout: ReportWait}).DialContext(ctx, "tcp", b.hostport)
			if err != nil {
				return 0, err
			}
			c = newBoardConn(nc)
		}
		status, reason, answer, keep, err := c.exchange(ctx, req.Bytes())
		if err != nil {
			c.Close()
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			if reused && errors.Is(err, errNoAnswer) {
				continue // a stale kept-alive connection: the board never read it
			}
			return 0, err
		}
		if keep && token != "" {
			idle.put(b.hostport, c)
		} else {
			c.Close()
		}
		if status != statusOK {
			var e ErrorReply
			if json.Unmarshal(answer, &e) != nil || e.Error == "" {
				e.Error = strings.TrimSpace(fmt.Sprintf("%d %s", status, reason))
			}
			return status, fmt.Errorf("%w: %s", ErrServer, clip(printable(e.Error), 200))
		}
		if err := json.Unmarshal(answer, out); err != nil {
			return status, fmt.Errorf("read the board's answer: %w", err)
		}
		return status, nil
	}
}

// boardConn is a connection to a board and the reader of its answers.
type boardConn struct {
	net.Conn
	br   *bufio.Reader
	read int64 // bytes read from the connection so far
	used time.Time
}

func newBoardConn(c net.Conn) *boardConn {
	bc := &boardConn{Conn: c}
	bc.br = bufio.NewReaderSize(readCounter{bc}, 4096)
	return bc
}

type readCounter struct{ c *boardConn }

func (r readCounter) Read(p []byte) (int, error) {
	n, err := r.c.Conn.Read(p)
	r.c.read += int64(n)
	return n, err
}

// errNoAnswer is a connection that ended before the first byte of an
// answer.
var errNoAnswer = errors.New("the board closed the connection without an answer")

// exchange writes req and reads the answer, within ctx and answerWait.
func (c *boardConn) exchange(ctx context.Context, req []byte) (status int, reason string, body []byte, keep bool, err error) {
	deadline := time.Now().Add(answerWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) }) // Ctrl-C ends a read at once
	defer stop()
	before := c.read
	if _, err := c.Write(req); err != nil {
		return 0, "", nil, false, fmt.Errorf("%w: %w", errNoAnswer, err)
	}
	status, reason, body, keep, err = readAnswer(c.br)
	if err != nil && c.read == before {
		err = fmt.Errorf("%w: %w", errNoAnswer, err)
	}
	c.used = time.Now()
	return status, reason, body, keep, err
}

// idle keeps the attendee's kept-alive connections to boards.
var idle = &connPool{conns: map[string][]*boardConn{}}

// Bounds on kept-alive connections: a few per board, none idle for long
// (the board's server forgets them after a minute).
const (
	maxIdlePerBoard = 2
	maxIdleFor      = 10 * time.Second
)

type connPool struct {
	mu    sync.Mutex
	conns map[string][]*boardConn
}

// get returns an idle connection to hostport, or nil.
func (p *connPool) get(hostport string) *boardConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for cs := p.conns[hostport]; len(cs) > 0; cs = p.conns[hostport] {
		c := cs[len(cs)-1]
		p.conns[hostport] = cs[:len(cs)-1]
		if time.Since(c.used) < maxIdleFor {
			return c
		}
		c.Close()
	}
	return nil
}

// put keeps c for the next report to hostport, or closes it.
func (p *connPool) put(hostport string, c *boardConn) {
	c.SetDeadline(time.Time{})
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.conns[hostport]) >= maxIdlePerBoard {
		c.Close()
		return
	}
	p.conns[hostport] = append(p.conns[hostport], c)
}

// CloseIdle closes the connections kept alive to boards.
func CloseIdle() {
	idle.mu.Lock()
	defer idle.mu.Unlock()
	for hp, cs := range idle.conns {
		for _, c := range cs {
			c.Close()
		}
		delete(idle.conns, hp)
	}
}

// readAnswer reads an HTTP/1.x answer: the status, its reason, the body
// and whether the connection may carry another request. The header is at
// most maxAnswerHeader bytes, the body maxAnswerBody.
func readAnswer(br *bufio.Reader) (status int, reason string, body []byte, keep bool, err error) {
	headerBytes := 0
	line := func() (string, error) {
		l, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return "", errors.New("the board's answer has an over-long line")
		}
		if err != nil {
			return "", fmt.Errorf("the board's answer was cut short: %w", err)
		}
		if headerBytes += len(l); headerBytes > maxAnswerHeader {
			return "", errors.New("the board's answer has too big a header")
		}
		return strings.TrimRight(string(l), "\r\n"), nil
	}
	fail := func(err error) (int, string, []byte, bool, error) { return 0, "", nil, false, err }
	first, err := line()
	if err != nil {
		return fail(err)
	}
	proto, rest, _ := strings.Cut(first, " ")
	code, reason, _ := strings.Cut(rest, " ")
	if !strings.HasPrefix(proto, "HTTP/1.") || len(code) != 3 {
		return fail(fmt.Errorf("the board's answer is not HTTP: %.40q", first))
	}
	if status, err = strconv.Atoi(code); err != nil || status < 100 {
		return fail(fmt.Errorf("the board's answer has a bad status: %.40q", first))
	}
	keep = proto == "HTTP/1.1"
	length, chunked := -1, false
	for {
		h, err := line()
		if err != nil {
			return fail(err)
		}
		if h == "" {
			break
		}
		name, value, _ := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case strings.EqualFold(name, "Content-Length"):
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return fail(fmt.Errorf("the board's answer has a bad Content-Length: %.40q", value))
			}
			if n > maxAnswerBody {
				return fail(fmt.Errorf("the board's answer is too big (%d bytes)", n))
			}
			length = n
		case strings.EqualFold(name, "Transfer-Encoding"):
			if !strings.EqualFold(value, "chunked") {
				return fail(fmt.Errorf("the board's answer has an unknown Transfer-Encoding: %.40q", value))
			}
			chunked = true
		case strings.EqualFold(name, "Connection") && strings.EqualFold(value, "close"):
			keep = false
		}
	}
	switch {
	case chunked:
		for {
			l, err := line()
			if err != nil {
				return fail(err)
			}
			size, _, _ := strings.Cut(l, ";")
			n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 32)
			if err != nil || n < 0 || int64(len(body))+n > maxAnswerBody {
				return fail(fmt.Errorf("the board's answer has a bad or too big chunk: %.40q", l))
			}
			if n == 0 {
				for { // trailers, up to the empty line
					if l, err := line(); err != nil {
						return fail(err)
					} else if l == "" {
						return status, reason, body, keep, nil
					}
				}
			}
			start := len(body)
			body = append(body, make([]byte, n)...)
			if _, err := io.ReadFull(br, body[start:]); err != nil {
				return fail(fmt.Errorf("the board's answer was cut short: %w", err))
			}
			if l, err := line(); err != nil || l != "" {
				return fail(fmt.Errorf("the board's answer has a chunk without its end: %v", err))
			}
		}
	case length >= 0:
		body = make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			return fail(fmt.Errorf("the board's answer was cut short: %w", err))
		}
		return status, reason, body, keep, nil
	}
	body, err = io.ReadAll(io.LimitReader(br, maxAnswerBody+1))
	if err != nil {
		return fail(fmt.Errorf("read the board's answer: %w", err))
	}
	if len(body) > maxAnswerBody {
		return fail(errors.New("the board's answer is too big"))
	}
	return status, reason, body, false, nil // it ended with the connection
}

// ErrServer is wrapped by errors an attendee's otpgo gets from the board.
var ErrServer = errors.New("the trainer's board refused")

// Join registers name with the board at addr and stores the token in
// stateDir. Any earlier membership and its queue are replaced.
func Join(ctx context.Context, stateDir, addr, code, name string) (Member, error) {
	name, err := CleanName(name)
	if err != nil {
		return Member{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var rep JoinReply
	b, err := boardAt(addr)
	if err != nil {
		return Member{}, err
	}
	if _, err := post(ctx, b, "/api/join", "", JoinRequest{Code: code, Name: name}, &rep); err != nil {
		if errors.Is(err, ErrServer) {
			return Member{}, err
		}
		return Member{}, fmt.Errorf("no class board answers at %s (%v): check the address on the trainer's screen, and that you are on the same network", addr, err)
	}
	m := Member{Addr: addr, Token: rep.Token, Attendee: rep.Attendee, Name: name, Session: rep.Session, Code: code, NextSeq: 1}
	err = withLock(stateDir, func() error {
		if err := os.Remove(filepath.Join(classDir(stateDir), QueueFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clear the old queue: %w", err)
		}
		return saveMember(stateDir, m)
	})
	return m, err
}

// Report tells the trainer's board about a check's verdicts, if the
// attendee joined a class. It never fails the check and takes at most
// about ReportWait: what it cannot deliver waits in the queue, sent first
// next time. It returns one line for the attendee, or "" when all is
// well (or there is no class).
func Report(ctx context.Context, stateDir string, vs ...runner.Verdict) string {
	if _, ok := Joined(stateDir); !ok || len(vs) == 0 {
		return ""
	}
	hints := progress.Open(stateDir, progress.WithWarn(func(string) {}))
	st, err := hints.Load()
	if err != nil {
		st = &progress.State{}
	}
	now := time.Now()
	rs := make([]Update, 0, len(vs))
	for _, v := range vs {
		r := Update{Kind: KindCheck, Step: v.Step, Status: v.Status.String(), Hints: st.HintsSeen(v.Step), At: now}
		if v.Status != runner.Passed {
			r.Message = firstLine(v.Detail)
			for _, t := range v.Tests {
				if !t.Passed {
					r.Test, r.Message = t.Name, cmpOr(firstLine(t.Message), r.Message)
					break
				}
			}
			r.Message = strings.ReplaceAll(r.Message, runner.HiddenPrefix, "")
		}
		rs = append(rs, r)
	}
	return send(ctx, stateDir, rs...)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// RaiseHand raises (or, with lower, lowers) the attendee's hand, with a
// message and the diff of the step's files against its start.
func RaiseHand(ctx context.Context, stateDir, step, message, diff string, lower bool) (string, error) {
	if _, ok := Joined(stateDir); !ok {
		return "", errors.New("you have not joined a class: otpgo class join ADDR CODE --name NAME first")
	}
	r := Update{Kind: KindHand, Step: step, Message: clip(printable(message), MaxHandText), Diff: diff, At: time.Now()}
	if lower {
		r = Update{Kind: KindLower, At: r.At}
	}
	if len(r.Diff) > MaxDiff {
		r.Diff = r.Diff[:MaxDiff] // a byte cut may split a rune: the JSON encoder replaces it
		r.Diff = strings.ToValidUTF8(r.Diff, "") + "\n... (cut: the diff is longer)"
		r.Diff = r.Diff[:min(len(r.Diff), MaxDiff)]
	}
	return send(ctx, stateDir, r), nil
}

// Leave tells the board (within ReportWait) and forgets the membership
// and its queue.
func Leave(ctx context.Context, stateDir string) (string, error) {
	if _, ok := Joined(stateDir); !ok {
		return "", errors.New("you are not in a class")
	}
	notice := send(ctx, stateDir, Update{Kind: KindLeave, At: time.Now()})
	err := withLock(stateDir, func() error {
		for _, f := range []string{MemberFile, QueueFile} {
			if err := os.Remove(filepath.Join(classDir(stateDir), f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("forget the class: %w", err)
			}
		}
		return nil
	})
	return notice, err
}

// Flush sends what is queued (within ReportWait) and returns a line for
// the attendee, or "" if all went or nothing was queued.
func Flush(ctx context.Context, stateDir string) string {
	if _, ok := Joined(stateDir); !ok {
		return ""
	}
	return send(ctx, stateDir)
}

// send numbers and queues rs, then delivers the queue in order.
func send(ctx context.Context, stateDir string, rs ...Update) string {
	ctx, cancel := context.WithTimeout(ctx, ReportWait)
	defer cancel()
	var notice string
	err := withLock(stateDir, func() error {
		m, ok := Joined(stateDir)
		if !ok {
			return nil
		}
		now := time.Now()
		for i := range rs {
			r := &rs[i]
			r.Seq = max(m.NextSeq, 1)
			m.NextSeq = r.Seq + 1
			r.Test, r.Message = clip(r.Test, MaxTest), clip(r.Message, MaxMessage)
			if r.Kind == KindCheck {
				if m.Steps == nil {
					m.Steps = map[string]*stepTrack{}
				}
				t := m.Steps[r.Step]
				if t == nil {
					t = &stepTrack{First: now}
					m.Steps[r.Step] = t
				}
				t.Attempts++
				r.Attempt, r.OnStep = t.Attempts, ToMillis(now.Sub(t.First))
			}
		}
		if len(rs) > 0 {
			if err := saveMember(stateDir, m); err != nil {
				return err
			}
		}
		q, dropped, err := loadQueue(stateDir)
		if err != nil {
			return err
		}
		queued := len(q)
		q = append(q, rs...)
		if over := len(q) - MaxQueue; over > 0 {
			q, dropped = q[over:], dropped+over
		}
		left, msg := deliver(ctx, m, q)
		notice = msg
		if dropped > 0 {
			notice = strings.TrimSpace(notice + fmt.Sprintf(" (%d old report(s) dropped: the queue is full)", dropped))
		}
		// The queue file is written only when it changes: a report
		// delivered at once never touches it (a process killed in that
		// second of delivery loses that one report, not the check).
		if len(left) == queued && len(rs) == 0 && dropped == 0 || queued == 0 && len(left) == 0 && dropped == 0 {
			return nil
		}
		return saveQueue(stateDir, left)
	})
	if err != nil {
		return "class: " + err.Error() + " (your check is not affected)"
	}
	return notice
}

// deliver posts q in batches, in order, until done, refused or out of
// time, and returns what is left and a line for the attendee.
func deliver(ctx context.Context, m Member, q []Update) ([]Update, string) {
	for len(q) > 0 {
		n, size := 0, 0
		for n < len(q) && n < MaxBatch {
			size += len(q[n].Diff) + len(q[n].Message)*6 + len(q[n].Test)*6 + 300 // worst case JSON escaping
			if n > 0 && size > MaxBody-1024 {
				break
			}
			n++
		}
		var rep ReportsReply
		b, err := boardAt(m.Addr)
		if err != nil {
			return q, "class: " + err.Error()
		}
		code, err := post(ctx, b, "/api/reports", m.Token, Batch{Reports: q[:n]}, &rep)
		switch {
		case err == nil:
			i := 0
			for i < len(q) && q[i].Seq <= rep.LastSeq {
				i++
			}
			if i == 0 { // the board kept none: do not loop on them
				return q, ""
			}
			q = q[i:]
		case code == statusUnauthorized:
			return q, fmt.Sprintf("class: the board at %s no longer knows you (a new class session?): run otpgo class join %s CODE --name %q again, or otpgo class leave", m.Addr, m.Addr, m.Name)
		case code == statusBadRequest:
			// The board cannot take these (another course version?): drop
			// them, or every later report would wait behind them.
			return q[n:], fmt.Sprintf("class: the board refused %d report(s): %v", n, err)
		case code != 0:
			return q, fmt.Sprintf("class: %v; %d report(s) kept for later", err, len(q))
		default:
			return q, fmt.Sprintf("class: the trainer's board at %s did not answer; %d report(s) kept, sent with your next check", m.Addr, len(q))
		}
	}
	return nil, ""
}

func loadQueue(stateDir string) (q []Update, bad int, err error) {
	f, err := os.Open(filepath.Join(classDir(stateDir), QueueFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read the report queue: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 2*MaxBody)
	for sc.Scan() {
		var r Update
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Seq == 0 {
			bad++
			continue
		}
		q = append(q, r)
	}
	if sc.Err() != nil {
		bad++ // an over-long line: the rest of the queue is lost, never the check
	}
	return q, bad, nil
}

func saveQueue(stateDir string, q []Update) error {
	p := filepath.Join(classDir(stateDir), QueueFile)
	if len(q) == 0 {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clear the report queue: %w", err)
		}
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range q {
		if err := enc.Encode(&q[i]); err != nil {
			return fmt.Errorf("encode the report queue: %w", err)
		}
	}
	if err := os.WriteFile(p+".tmp", buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save the report queue: %w", err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		return fmt.Errorf("save the report queue: %w", err)
	}
	return nil
}
