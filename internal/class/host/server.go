package host

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otpgo/otpgo/internal/class"
)

// MaxAttendees caps a class: joins beyond it are refused.
const MaxAttendees = 500

// Config is a trainer's server.
type Config struct {
	Dir           string              // the store: <checkout>/.otpgo/class
	Chapters      []class.ChapterInfo // the course's graded steps
	StuckAfter    time.Duration       // 0: DefaultStuckAfter
	StuckAttempts int                 // 0: DefaultStuckAttempts
	Now           func() time.Time
	Warn          func(msg string) // nil: warnings are dropped
}

// Server is the trainer's board: the HTTP API attendees report to, the
// page and its live stream. It applies and logs every report under one
// lock, in arrival order.
type Server struct {
	cfg     Config
	session class.Session
	log     *class.Log
	hub     *hub
	lat     latencies
	reports atomic.Uint64

	mu         sync.Mutex // guards board, the log's order and the fields below
	board      *class.Board
	dirty      map[string]bool // steps whose summary changed since the last push
	statsTimer *time.Timer
	statsGen   int       // which armed timer is current; a stopped one may still run
	lastStats  time.Time // when summaries were last pushed
	closed     bool

	wrongCodes *limiter // wrong join codes, all addresses together
	perAtt     *limiter // report requests per attendee
}

// NewServer replays dir's log (repairing a line cut by a crash) and opens
// it for appending.
func NewServer(cfg Config, sess class.Session) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Warn == nil {
		cfg.Warn = func(string) {}
	}
	s := &Server{cfg: cfg, session: sess, hub: newHub(), dirty: map[string]bool{},
		board:      class.NewBoard(cfg.Chapters, cfg.StuckAfter, cfg.StuckAttempts),
		wrongCodes: newLimiter(10, 20, 1),
		perAtt:     newLimiter(10, 30, MaxAttendees+1),
	}
	skipped, err := class.Replay(cfg.Dir, true, func(ev class.Event) { s.board.Apply(ev) })
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		cfg.Warn(fmt.Sprintf("class: %d unreadable line(s) in %s skipped (a crash mid-write?)", skipped, class.LogFile))
	}
	if s.log, err = class.OpenLog(cfg.Dir); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the summaries' timer and closes the log.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	if s.statsTimer != nil {
		s.statsTimer.Stop()
	}
	s.mu.Unlock()
	return s.log.Close()
}

// Stats is what the server measured.
type Stats struct {
	Reports   uint64        // reports kept since start
	Frames    uint64        // report frames written to board streams
	P50, P99  time.Duration // report received -> its board event flushed to a stream
	Attendees int
}

// Stats returns the server's figures so far.
func (s *Server) Stats() Stats {
	st := Stats{Reports: s.reports.Load()}
	st.P50, st.Frames = s.lat.quantile(0.50)
	st.P99, _ = s.lat.quantile(0.99)
	s.mu.Lock()
	st.Attendees = s.board.Attendees()
	s.mu.Unlock()
	return st
}

// BoardPath is the trainer's board URL path, secret included.
func (s *Server) BoardPath() string { return "/board?key=" + s.session.Secret }

// Handler routes the API and the board.
func (s *Server) Handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("POST /api/join", s.handleJoin)
	m.HandleFunc("POST /api/reports", s.handleReports)
	m.HandleFunc("GET /board", s.trainer(s.handlePage))
	m.HandleFunc("GET /board/state", s.trainer(s.handleState))
	m.HandleFunc("GET /board/events", s.trainer(s.handleEvents))
	m.HandleFunc("GET /board/diff", s.trainer(s.handleDiff))
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "This is an otpgo class. Attendees: otpgo class join. The trainer's board is at the URL otpgo class start printed.")
	})
	return m
}

// Serve serves h on ln until ctx ends, then shuts down (streams included)
// within a second.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("class server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	<-done
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, class.ErrorReply{Error: msg})
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	req, err := class.DecodeJoin(http.MaxBytesReader(w, r.Body, class.MaxBody))
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	// Wrong codes are limited for every address together: a guesser on
	// many addresses gets no more tries than one on a single address, and
	// the right code is never refused.
	if !s.wrongCodes.peek("", now) {
		fail(w, http.StatusTooManyRequests, "too many wrong join codes lately; try again in a few seconds")
		return
	}
	if !codeMatches(req.Code, s.session.Code) {
		s.wrongCodes.allow("", now)
		fail(w, http.StatusForbidden, "wrong join code: check it against the trainer's screen")
		return
	}
	token := newSecret()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.board.Attendees() >= MaxAttendees {
		fail(w, http.StatusServiceUnavailable, fmt.Sprintf("the class is full (%d attendees)", MaxAttendees))
		return
	}
	ev := class.Event{Type: "join", At: now, Attendee: "a" + strconv.Itoa(s.board.Attendees()+1), Name: req.Name, TokenHash: tokenHash(token)}
	if err := s.log.Append(ev); err != nil {
		s.cfg.Warn(err.Error())
		fail(w, http.StatusInternalServerError, "the trainer's otpgo could not save your join; tell the trainer")
		return
	}
	s.board.Apply(ev)
	s.publishRow(ev.Attendee, time.Time{})
	writeJSON(w, http.StatusOK, class.JoinReply{Token: token, Attendee: ev.Attendee, Session: s.session.ID})
}

// publishRow sends an attendee's row to the board. Called with s.mu
// held, so frames go out in the order events applied.
func (s *Server) publishRow(id string, recv time.Time) {
	data, err := json.Marshal(s.board.Row(id, s.cfg.Now()))
	if err != nil {
		return
	}
	s.hub.publish(frame{event: "row", data: data, recv: recv})
}

// statsEvery is how often a busy step's summary is recomputed and pushed:
// it reads every attendee, so it runs a few times a second, not once a
// report.
const statsEvery = 200 * time.Millisecond

// statsLast is when a change no report has pushed yet is pushed by a
// timer: in a busy room the next report pushes it first, in its own
// wake-up, and a server's wake-up costs more than the push itself.
const statsLast = 2 * statsEvery

// stepsChanged pushes the summaries of steps now if none were pushed for
// statsEvery, or leaves them for the next report or the timer. Called
// with s.mu held, after the report's own row is published.
func (s *Server) stepsChanged(steps ...string) {
	for _, st := range steps {
		s.dirty[st] = true
	}
	if len(s.dirty) == 0 || s.closed {
		return
	}
	// Real time, not cfg.Now: it is measured against the timer's.
	if now := time.Now(); now.Sub(s.lastStats) >= statsEvery {
		s.pushStats(now)
		return
	}
	if s.statsTimer == nil {
		s.statsGen++
		gen := s.statsGen
		s.statsTimer = time.AfterFunc(statsLast, func() { s.publishStats(gen) })
	}
}

// publishStats is the timer's push.
func (s *Server) publishStats(gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.statsGen || s.closed { // a report pushed first and stopped it too late
		return
	}
	s.pushStats(time.Now())
}

// pushStats pushes the summaries of the steps that changed. Called with
// s.mu held.
func (s *Server) pushStats(now time.Time) {
	if s.statsTimer != nil {
		s.statsTimer.Stop()
		s.statsTimer = nil
		s.statsGen++
	}
	s.lastStats = now
	for step := range s.dirty {
		if data, err := json.Marshal(s.board.Stats(step)); err == nil {
			s.hub.publish(frame{event: "step", data: data})
		}
	}
	clear(s.dirty)
}

func (s *Server) handleReports(w http.ResponseWriter, r *http.Request) {
	recv := s.cfg.Now()
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	id, known := s.board.Who(tokenHash(tok))
	s.mu.Unlock()
	if !ok || !known {
		fail(w, http.StatusUnauthorized, "this board does not know your token (a new class session?)")
		return
	}
	if !s.perAtt.allow(id, recv) {
		fail(w, http.StatusTooManyRequests, "too many reports; they stay queued")
		return
	}
	b, err := class.DecodeBatch(http.MaxBytesReader(w, r.Body, class.MaxBody), s.board.Known) // known is read-only after start
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	last := s.board.LastSeq(id)
	evs := make([]class.Event, 0, len(b.Reports))
	for i := range b.Reports {
		if b.Reports[i].Seq > last { // resent or out of order: already kept, or superseded
			last = b.Reports[i].Seq
			evs = append(evs, class.Event{Type: "report", At: recv, Attendee: id, Report: &b.Reports[i]})
		}
	}
	if len(evs) > 0 {
		if err := s.log.Append(evs...); err != nil {
			s.cfg.Warn(err.Error())
			fail(w, http.StatusInternalServerError, "the trainer's otpgo could not save your report; it stays queued")
			return
		}
		var changed []string
		for _, ev := range evs {
			if step, _ := s.board.Apply(ev); step != "" {
				changed = append(changed, step)
			}
		}
		s.reports.Add(uint64(len(evs)))
		s.publishRow(id, recv)
		s.stepsChanged(changed...)
	}
	writeJSON(w, http.StatusOK, class.ReportsReply{LastSeq: s.board.LastSeq(id)})
}

// trainer guards a board handler with the trainer's secret.
func (s *Server) trainer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("key")), []byte(s.session.Secret)) != 1 {
			http.Error(w, "This board needs the trainer's secret: open the URL otpgo class start printed.", http.StatusForbidden)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer") // the secret is in the URL
		h(w, r)
	}
}

// viewJSON encodes the whole board.
func (s *Server) viewJSON() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, _ := json.Marshal(s.board.View(s.session.ID, s.cfg.Now()))
	return data
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.viewJSON())
}

func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d, ok := s.board.Diff(r.URL.Query().Get("a"))
	s.mu.Unlock()
	if !ok {
		http.Error(w, "no shared diff for this attendee", http.StatusNotFound)
		return
	}
	// Plain text, never sniffed as HTML: the diff is the attendee's.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(d))
}

//go:embed board.html
var boardHTML string

var boardPage = template.Must(template.New("board").Parse(boardHTML))

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
	if err := boardPage.Execute(w, map[string]any{"Key": s.session.Secret, "Session": s.session.ID}); err != nil {
		s.cfg.Warn(fmt.Sprintf("class: board page: %v", err))
	}
}

// resyncEvery refreshes the page's whole board now and then, so that the
// "stuck for N minutes" marks appear without a report.
const resyncEvery = 15 * time.Second

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	sub := s.hub.subscribe()
	defer s.hub.unsubscribe(sub)
	write := func(f frame) error {
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", f.event, f.data); err != nil {
			return err
		}
		fl.Flush()
		if !f.recv.IsZero() {
			s.lat.add(s.cfg.Now().Sub(f.recv))
		}
		return nil
	}
	snapshot := func() error { return write(frame{event: "snapshot", data: s.viewJSON()}) }
	if snapshot() != nil {
		return
	}
	tick := time.NewTicker(resyncEvery)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case f := <-sub.ch:
			err = write(f)
		case <-sub.behind:
			for len(sub.ch) > 0 {
				<-sub.ch
			}
			err = snapshot()
		case <-tick.C:
			err = snapshot()
		}
		if err != nil {
			return
		}
	}
}
