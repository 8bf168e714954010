package actor

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// This file is the trace recorder: an opt-in log of what processes do
// (spawn, send, receive, link, monitor, DOWN and EXIT delivered, exit,
// call and reply, timers, restarts), kept in a bounded ring buffer for a
// sequence diagram (internal/seqdiag, `otpgo trace`). The runtime calls
// the trace* functions below from one line each; when tracing is off each
// costs one atomic load, so Send and Call do not slow down.

// TraceKind is the kind of a TraceEvent.
type TraceKind uint8

// The kinds of trace events. PID is the process the event is about, Peer
// the other one; the comments say which is which.
const (
	TraceSpawn    TraceKind = iota + 1 // PID started; Peer: its parent; Name, Type: its name and kind
	TraceRegister                      // PID was registered as Name
	TraceSend                          // PID (0: not a process) sent Peer message Msg
	TraceCall                          // PID (0: not a process) called server Peer; Msg is the call
	TraceReply                         // server PID answered Peer's call Msg (Reason: why it failed)
	TraceDown                          // Peer got the DOWN (message Msg) for PID, which exited with Reason
	TraceExitMsg                       // trapping Peer got the EXIT (message Msg) from PID with Reason
	TraceReceive                       // PID took message Msg (sent by Peer) after it waited Wait in the mailbox
	TraceDrop                          // PID flushed message Msg from its mailbox (Demonitor with flush)
	TraceLink                          // PID linked to Peer
	TraceMonitor                       // PID started monitoring Peer
	TraceExit                          // PID exited with Reason
	TraceTimer                         // a SendAfter timer fired for Peer (its message follows as a send from 0)
	TraceRestart                       // supervisor PID restarted child Name as Peer (the old child exited with Reason)
)

var traceKindNames = [...]string{"", "spawn", "register", "send", "call", "reply", "down", "exit-msg",
	"receive", "drop", "link", "monitor", "exit", "timer", "restart"}

// String returns the kind's lower-case name ("send", "down", ...).
func (k TraceKind) String() string {
	if int(k) < len(traceKindNames) && k != 0 {
		return traceKindNames[k]
	}
	return "TraceKind(" + strconv.Itoa(int(k)) + ")"
}

// ParseTraceKind is the inverse of String; it reports false for an
// unknown name.
func ParseTraceKind(s string) (TraceKind, bool) {
	for i, n := range traceKindNames {
		if i > 0 && n == s {
			return TraceKind(i), true
		}
	}
	return 0, false
}

// TraceEvent is one recorded event. PIDs are the numbers in "<0.N>"
// (as in PID.String), so a trace outlives its processes and can be written out.
type TraceEvent struct {
	Seq    uint64        // order of recording, from 1
	At     time.Duration // since StartTrace
	Kind   TraceKind
	PID    uint64
	Peer   uint64
	Name   string        // spawn, register: the registered name; restart: the child's id
	Type   string        // the message's Go type; spawn: the process kind
	Value  string        // a short rendering of the message (at most traceValueMax bytes)
	Msg    uint64        // pairs a send, call, DOWN or EXIT with its receive or drop, and a call with its reply
	Wait   time.Duration // receive: time the message spent in the mailbox
	Reason string        // exit, DOWN, EXIT, restart: the exit reason; reply: why the call failed
	Site   string        // receive: where it was called from, "func (file.go:line)", outside this package
}

// TraceLog is what the recorder holds: the events, oldest first, and how
// many older ones the ring buffer dropped.
type TraceLog struct {
	Events  []TraceEvent
	Dropped uint64
}

// DefaultTraceCapacity is the ring buffer size StartTrace uses for a
// capacity <= 0.
const DefaultTraceCapacity = 1 << 16

// traceValueMax bounds a rendered message value, so a huge message
// cannot fill memory through the trace.
const traceValueMax = 48

// tracePendingMax bounds the messages the recorder follows in one mailbox;
// past it, that mailbox's receives are recorded unpaired (Msg 0).
const tracePendingMax = 1 << 16

var tracer atomic.Pointer[recorder]

// recorder is the active trace. Its lock is taken after (inside) any
// process lock, never before one.
type recorder struct {
	mu      sync.Mutex
	start   time.Time
	firstID uint64 // processes with a lower id started before the trace: their mailboxes are not followed
	ring    []TraceEvent
	head    int // index of the oldest event
	n       int
	seq     uint64
	dropped uint64
	msgID   uint64
	pending map[uint64]*mailboxMirror // by process id
	gor     map[uint64]uint64         // goroutine id -> process id, to name a Send's sender
}

// mailboxMirror follows the messages in one mailbox, in arrival order, so
// a receive at position i is paired with the send that put it there.
type mailboxMirror struct {
	msgs     []pendingMsg
	overflow bool
}

type pendingMsg struct {
	id   uint64
	from uint64
	at   time.Duration
	typ  string
	v    any // for flush, whose drop function looks at the message
}

// StartTrace starts recording into a ring buffer of capacity events
// (DefaultTraceCapacity if capacity <= 0), dropping whatever an earlier
// trace held. Processes spawned before it are traced too, but receives
// of their messages are not paired with the sends.
func StartTrace(capacity int) {
	if capacity <= 0 {
		capacity = DefaultTraceCapacity
	}
	tracer.Store(&recorder{
		start:   time.Now(),
		firstID: pidCounter.Load() + 1,
		ring:    make([]TraceEvent, capacity),
		pending: make(map[uint64]*mailboxMirror),
		gor:     make(map[uint64]uint64),
	})
}

// StopTrace stops recording and returns what was recorded.
func StopTrace() TraceLog {
	r := tracer.Swap(nil)
	if r == nil {
		return TraceLog{}
	}
	return r.snapshot()
}

// TraceSnapshot returns what the running trace holds so far, and keeps
// recording; it returns an empty log when tracing is off.
func TraceSnapshot() TraceLog {
	r := tracer.Load()
	if r == nil {
		return TraceLog{}
	}
	return r.snapshot()
}

func (r *recorder) snapshot() TraceLog {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := TraceLog{Events: make([]TraceEvent, 0, r.n), Dropped: r.dropped}
	for i := range r.n {
		out.Events = append(out.Events, r.ring[(r.head+i)%len(r.ring)])
	}
	return out
}

// add records ev (r.mu held).
func (r *recorder) add(ev TraceEvent) {
	r.seq++
	ev.Seq = r.seq
	ev.At = time.Since(r.start)
	if r.n == len(r.ring) {
		r.ring[r.head] = ev
		r.head = (r.head + 1) % len(r.ring)
		r.dropped++
		return
	}
	r.ring[(r.head+r.n)%len(r.ring)] = ev
	r.n++
}

// arrive records msg arriving in to's mailbox and returns its id (r.mu held).
func (r *recorder) arrive(to *Process, from uint64, msg any) (uint64, string) {
	r.msgID++
	id, typ := r.msgID, traceType(msg)
	if to.id < r.firstID {
		return id, typ
	}
	m := r.pending[to.id]
	if m == nil {
		m = new(mailboxMirror)
		r.pending[to.id] = m
	}
	if len(m.msgs) >= tracePendingMax {
		m.overflow = true
	}
	if !m.overflow {
		m.msgs = append(m.msgs, pendingMsg{id: id, from: from, at: time.Since(r.start), typ: typ, v: msg})
	}
	return id, typ
}

func traceType(msg any) string {
	switch msg.(type) {
	case Down:
		return "DOWN"
	case ExitMsg:
		return "EXIT"
	case *call:
		return "call"
	}
	return fmt.Sprintf("%T", msg)
}

// traceValue renders msg briefly. A String or Error method that panics
// must not take the runtime down, hence the recover.
func traceValue(msg any) (s string) {
	defer func() {
		if recover() != nil {
			s = "?"
		}
	}()
	switch m := msg.(type) {
	case nil:
		return "nil"
	case string:
		s = strconv.Quote(truncate(m, traceValueMax))
	case error:
		s = m.Error()
	case fmt.Stringer:
		s = m.String()
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, bool, PID, Ref:
		s = fmt.Sprint(m)
	default:
		s = fmt.Sprintf("%+v", m)
	}
	return truncate(s, traceValueMax)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n] + "…"
}

func reasonText(err error) string {
	if err == nil {
		return "normal"
	}
	return err.Error()
}

// goid returns the current goroutine's id. Go has no API for it; the
// header of runtime.Stack is the documented way to read it. Only a
// running trace pays for this.
func goid() uint64 {
	var buf [40]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

// The hooks. Each is one line in the runtime; each returns at once when
// tracing is off.

func traceSpawn(p *Process, name string) {
	if r := tracer.Load(); r != nil {
		r.spawn(p, name)
	}
}

func (r *recorder) spawn(p *Process, name string) {
	r.mu.Lock()
	r.add(TraceEvent{Kind: TraceSpawn, PID: p.id, Peer: pidID(p.parent), Name: name, Type: p.kind})
	r.mu.Unlock()
}

// traceRun notes that p runs on the current goroutine.
func traceRun(p *Process) {
	if r := tracer.Load(); r != nil {
		r.run(p)
	}
}

func (r *recorder) run(p *Process) {
	g := goid()
	r.mu.Lock()
	r.gor[g] = p.id
	r.mu.Unlock()
}

func traceRegister(name string, p *Process) {
	if r := tracer.Load(); r != nil {
		r.register(name, p)
	}
}

func (r *recorder) register(name string, p *Process) {
	r.mu.Lock()
	r.add(TraceEvent{Kind: TraceRegister, PID: p.id, Name: name})
	r.mu.Unlock()
}

// sendTrace is what Send learns before it takes the receiver's lock:
// the slow part of recording a send (who sends, the message's text).
type sendTrace struct {
	r     *recorder
	g     uint64
	value string
}

// traceSendStart prepares the record of a Send, outside any lock; nil
// when tracing is off.
func traceSendStart(msg any) *sendTrace {
	if r := tracer.Load(); r != nil {
		return r.sendStart(msg)
	}
	return nil
}

func (r *recorder) sendStart(msg any) *sendTrace {
	return &sendTrace{r: r, g: goid(), value: traceValue(msg)}
}

// traceSend records msg arriving in p's mailbox from Send (p.mu held).
func traceSend(p *Process, msg any, ts *sendTrace) {
	if ts != nil {
		ts.r.send(p, msg, ts)
	}
}

func (r *recorder) send(p *Process, msg any, ts *sendTrace) {
	r.mu.Lock()
	from := r.gor[ts.g]
	id, typ := r.arrive(p, from, msg)
	r.add(TraceEvent{Kind: TraceSend, PID: from, Peer: p.id, Type: typ, Value: ts.value, Msg: id})
	r.mu.Unlock()
}

// traceCall records call c arriving in p's mailbox (p.mu held).
func traceCall(p *Process, c *call) {
	if r := tracer.Load(); r != nil {
		r.call(p, c)
	}
}

func (r *recorder) call(p *Process, c *call) {
	v := traceValue(c.req)
	r.mu.Lock()
	from := pidID(c.caller)
	id, _ := r.arrive(p, from, c)
	c.traceID = id
	r.add(TraceEvent{Kind: TraceCall, PID: from, Peer: p.id, Type: traceType(c.req), Value: v, Msg: id})
	r.mu.Unlock()
}

// traceReply records the answer v to call c (the reply, or callFailed).
func traceReply(c *call, v any) {
	if r := tracer.Load(); r != nil {
		r.reply(c, v)
	}
}

func (r *recorder) reply(c *call, v any) {
	ev := TraceEvent{Kind: TraceReply, PID: c.server.id, Peer: pidID(c.caller), Msg: c.traceID}
	if f, ok := v.(callFailed); ok {
		ev.Reason = reasonText(f.err)
	} else {
		ev.Type, ev.Value = traceType(v), traceValue(v)
	}
	r.mu.Lock()
	r.add(ev)
	r.mu.Unlock()
}

// traceDown records the DOWN for pid arriving at w (w.mu held).
func traceDown(w *Process, d Down) {
	if r := tracer.Load(); r != nil {
		r.signal(w, d.PID, d, TraceDown, "DOWN", d.Reason)
	}
}

// traceExitMsg records the EXIT from `from` arriving at trapping p (p.mu held).
func traceExitMsg(p *Process, m ExitMsg) {
	if r := tracer.Load(); r != nil {
		r.signal(p, m.From, m, TraceExitMsg, "EXIT", m.Reason)
	}
}

// signal records a DOWN or EXIT message (msg) from `from` arriving in to's
// mailbox: both are messages the runtime sends on a process's behalf.
func (r *recorder) signal(to *Process, from PID, msg any, kind TraceKind, typ string, reason error) {
	r.mu.Lock()
	id, _ := r.arrive(to, pidID(from), msg)
	r.add(TraceEvent{Kind: kind, PID: pidID(from), Peer: to.id, Type: typ, Msg: id, Reason: reasonText(reason)})
	r.mu.Unlock()
}

// traceReceive records p taking the message at position i of its
// mailbox (oldest first). Owner only.
func traceReceive(p *Process, i int) {
	if r := tracer.Load(); r != nil {
		r.receive(p, i)
	}
}

func (r *recorder) receive(p *Process, i int) {
	site := callSite()
	r.mu.Lock()
	ev := TraceEvent{Kind: TraceReceive, PID: p.id, Site: site}
	if m := r.pending[p.id]; m != nil && !m.overflow && i < len(m.msgs) {
		pm := m.msgs[i]
		if i == 0 {
			m.msgs[0] = pendingMsg{} // let the message go
			m.msgs = m.msgs[1:]      // O(1): a plain Receive takes the oldest
		} else {
			m.msgs = append(m.msgs[:i], m.msgs[i+1:]...)
		}
		ev.Peer, ev.Msg, ev.Type = pm.from, pm.id, pm.typ
		ev.Wait = time.Since(r.start) - pm.at
	}
	r.add(ev)
	r.mu.Unlock()
}

// traceFlush mirrors a flush of p's mailbox (p.mu held, after both
// queues were flushed).
func traceFlush(p *Process, drop func(any) bool) {
	if r := tracer.Load(); r != nil {
		r.mu.Lock()
		if m := r.pending[p.id]; m != nil && !m.overflow {
			kept := m.msgs[:0]
			for _, pm := range m.msgs {
				if pm.v != nil && drop(pm.v) {
					r.add(TraceEvent{Kind: TraceDrop, PID: p.id, Peer: pm.from, Msg: pm.id, Type: pm.typ})
					continue
				}
				kept = append(kept, pm)
			}
			m.msgs = kept
		}
		r.mu.Unlock()
	}
}

func traceLink(p *Process, pid PID) {
	if r := tracer.Load(); r != nil {
		r.link(p, pid)
	}
}

func (r *recorder) link(p *Process, pid PID) {
	r.mu.Lock()
	r.add(TraceEvent{Kind: TraceLink, PID: p.id, Peer: pidID(pid)})
	r.mu.Unlock()
}

func traceMonitor(p *Process, pid PID) {
	if r := tracer.Load(); r != nil {
		r.monitor(p, pid)
	}
}

func (r *recorder) monitor(p *Process, pid PID) {
	r.mu.Lock()
	r.add(TraceEvent{Kind: TraceMonitor, PID: p.id, Peer: pidID(pid)})
	r.mu.Unlock()
}

// traceExit records p's exit; its mailbox is gone, and what it still
// held was never received.
func traceExit(p *Process, reason error) {
	if r := tracer.Load(); r != nil {
		r.exit(p, reason)
	}
}

func (r *recorder) exit(p *Process, reason error) {
	r.mu.Lock()
	delete(r.pending, p.id)
	r.add(TraceEvent{Kind: TraceExit, PID: p.id, Reason: reasonText(reason)})
	r.mu.Unlock()
}

// traceDone forgets p's goroutine (p's goroutine is returning).
func traceDone(p *Process) {
	if r := tracer.Load(); r != nil {
		r.done(p)
	}
}

func (r *recorder) done(p *Process) {
	g := goid()
	r.mu.Lock()
	if r.gor[g] == p.id {
		delete(r.gor, g)
	}
	r.mu.Unlock()
}

func traceTimer(pid PID) {
	if r := tracer.Load(); r != nil {
		r.timer(pid)
	}
}

func (r *recorder) timer(pid PID) {
	r.mu.Lock()
	r.add(TraceEvent{Kind: TraceTimer, Peer: pidID(pid)})
	r.mu.Unlock()
}

func traceRestart(sup *Process, child, old PID, id string, reason error) {
	if r := tracer.Load(); r != nil {
		r.restart(sup, child, old, id, reason)
	}
}

func (r *recorder) restart(sup *Process, child, old PID, id string, reason error) {
	r.mu.Lock()
	r.add(TraceEvent{Kind: TraceRestart, PID: sup.id, Peer: pidID(child), Name: id, Reason: reasonText(reason), Value: old.String()})
	r.mu.Unlock()
}

// pidID is pid's number, 0 for the zero PID.
func pidID(pid PID) uint64 {
	if pid.p == nil {
		return 0
	}
	return pid.p.id
}

// callSite names the first caller outside this package, so a diagram can
// tell the learner's receives from the hidden test's.
func callSite() string {
	var pcs [8]uintptr
	n := runtime.Callers(3, pcs[:])
	if s, ok := siteCache.Load(pcs); ok {
		return s.(string) // symbolizing is most of the cost, and a loop receives from one place
	}
	s := symbolize(pcs[:n])
	siteCache.Store(pcs, s)
	return s
}

// siteCache maps call stacks (as PCs) to their sites. It grows with the
// number of distinct places that receive, which code bounds.
var siteCache sync.Map

func symbolize(pcs []uintptr) string {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, thisPackage) {
			fn := f.Function[strings.LastIndexByte(f.Function, '/')+1:]
			return fn + " (" + filepath.Base(f.File) + ":" + strconv.Itoa(f.Line) + ")"
		}
		if !more {
			return ""
		}
	}
}

// thisPackage prefixes the functions of this package (and no other: the
// dot ends the path).
const thisPackage = "github.com/otpgo/otpgo/internal/actor."
