package actor

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/petermattis/goid"
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
	At     time.Duration // since StartTrace; in a testing/synctest bubble, since the bubble's clock started
	Kind   TraceKind
	PID    uint64
	Peer   uint64
	Name   string        // spawn, register: the registered name; restart: the child's id
	Type   string        // the message's Go type; spawn: the process kind
	Value  string        // a short rendering of the message (at most traceValueMax bytes)
	Msg    uint64        // the Seq of a send, call, DOWN or EXIT, on it and on its receive or drop; a call's on its reply
	Wait   time.Duration // receive: time the message spent in the mailbox
	Reason string        // exit, DOWN, EXIT, restart: the exit reason; reply: why the call failed
	Site   string        // receive: where it was called from, "func (file.go:line)", outside this package
}

// TraceLog is what the recorder holds: the events, oldest first, and how
// many older ones the ring buffer dropped (with any still being written
// when it was read).
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

// recorder is the active trace. Recording takes no lock shared by all
// processes, so that a sender and a receiver record at the same time: an
// event takes its Seq from an atomic counter and writes its own slot of
// the ring under the slot's lock (a leaf: nothing is locked inside it).
// What follows a mailbox lives beside it (mailboxMirror).
type recorder struct {
	start   time.Time
	firstID uint64 // processes with a lower id started before the trace: their mailboxes are not followed
	ring    []traceSlot
	_       cacheLine                            // every event writes seq: apart from what they only read,
	seq     atomic.Uint64                        // the last Seq given
	_       cacheLine                            // it does not make the other cores reload that
	pending idTable[*mailboxMirror]              // by process id
	gor     idTable[uint64]                      // goroutine id -> process id, to name a Send's sender
	sites   [siteSlots]atomic.Pointer[siteEntry] // receive call stacks, symbolized (site)
	later   sendTrace                            // what sendStart returns for a message rendered later
}

// cacheLine pads two fields written by different cores apart.
type cacheLine [64]byte

// traceSlot is one place in the ring. val, when set, is the message whose
// rendering is ev.Value, done when the trace is read (valueLater). It is
// padded to whole cache lines, so that two goroutines writing neighbouring
// slots do not slow each other down.
type traceSlot struct {
	mu  sync.Mutex
	ev  TraceEvent
	val any
	_   [(64 - (unsafe.Sizeof(sync.Mutex{})+unsafe.Sizeof(TraceEvent{})+unsafe.Sizeof(any(nil)))%64) % 64]byte
}

// idTable maps ids (of processes, of goroutines) to values for the
// recorder's hot paths: a direct-mapped table of immutable entries, read
// with one atomic load, and a sync.Map for the ids that collide in it
// (checked only when it holds any). Each id is stored by one goroutine at
// a time (a process's creator, or its own goroutine).
type idTable[V any] struct {
	slots [idSlots]atomic.Pointer[idEntry[V]]
	more  sync.Map // uint64 -> V
	nmore atomic.Int64
}

const idSlots = 1 << 10

type idEntry[V any] struct {
	id uint64
	v  V
}

func (t *idTable[V]) load(id uint64) (V, bool) {
	if e := t.slots[id%idSlots].Load(); e != nil && e.id == id {
		return e.v, true
	}
	if t.nmore.Load() > 0 {
		if v, ok := t.more.Load(id); ok {
			return v.(V), true
		}
	}
	var zero V
	return zero, false
}

func (t *idTable[V]) store(id uint64, v V) {
	e := &idEntry[V]{id, v}
	slot := &t.slots[id%idSlots]
	for {
		old := slot.Load()
		if old != nil && old.id != id {
			if _, loaded := t.more.Swap(id, v); !loaded {
				t.nmore.Add(1)
			}
			return
		}
		if slot.CompareAndSwap(old, e) {
			return
		}
	}
}

func (t *idTable[V]) delete(id uint64) {
	slot := &t.slots[id%idSlots]
	if old := slot.Load(); old != nil && old.id == id {
		slot.CompareAndSwap(old, nil)
	}
	if t.nmore.Load() > 0 {
		if _, loaded := t.more.LoadAndDelete(id); loaded {
			t.nmore.Add(-1)
		}
	}
}

// mailboxMirror follows the messages in one mailbox, in arrival order, so
// a receive at position i is paired with the send that put it there. It
// is split as the mailbox is: arrivals go to inbox under the process's
// mu, which every arrival holds already; the owner moves them to save, its
// own, only when a receive reaches past what save holds. So a traced send
// and receive share no lock the untraced ones do not share already.
type mailboxMirror struct {
	inbox    []pendingMsg // under the process's mu
	_        cacheLine    // senders write inbox, the owner save and off: apart, neither slows the other
	save     []pendingMsg // owner only; the messages are save[off:]
	off      int
	overflow atomic.Bool // past tracePendingMax: receives are no longer paired
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
	r := &recorder{
		start:   time.Now(),
		firstID: pidCounter.Load() + 1,
		ring:    make([]traceSlot, capacity),
	}
	r.later = sendTrace{r: r, later: true}
	tracer.Store(r)
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

// snapshot copies the newest len(ring) events, oldest first. An event
// still being written when it looks, or overwritten while it reads, is
// counted as dropped.
func (r *recorder) snapshot() TraceLog {
	hi := r.seq.Load()
	lo := uint64(1)
	if n := uint64(len(r.ring)); hi > n {
		lo = hi - n + 1
	}
	var out TraceLog
	vals := make([]any, 0, hi-lo+1)
	for seq := lo; seq <= hi; seq++ {
		s := &r.ring[(seq-1)%uint64(len(r.ring))]
		s.mu.Lock()
		if s.ev.Seq == seq {
			out.Events = append(out.Events, s.ev)
			vals = append(vals, s.val)
		}
		s.mu.Unlock()
	}
	out.Dropped = hi - uint64(len(out.Events))
	for i := range out.Events {
		ev := &out.Events[i]
		// Each event reads the clock before it takes its Seq, so two
		// recorded at once may have their At a little out of order.
		if i > 0 {
			ev.At = max(ev.At, out.Events[i-1].At)
		}
		// Rendered here: these values are immutable copies
		// (valueLater), so no other goroutine can be changing them.
		if vals[i] != nil {
			ev.Value = traceValue(vals[i])
		}
	}
	return out
}

// now is the time since the trace started. Reading the clock is a good
// part of a traced send's cost, so each event reads it once.
func (r *recorder) now() time.Duration {
	if d := time.Since(r.start); d >= 0 {
		return d
	}
	return bubbleTime()
}

// bubbleTime is the time inside a testing/synctest bubble, whose fake
// clock starts at synctestEpoch, long before any trace: the time since
// then is the time the test sees.
func bubbleTime() time.Duration { return time.Since(synctestEpoch) }

// synctestEpoch is where testing/synctest's fake clock starts (its
// documentation says midnight UTC, 2000-01-01).
var synctestEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// add records ev as happening now.
func (r *recorder) add(ev TraceEvent) {
	ev.At = r.now()
	r.record(ev, nil)
}

// record records ev, whose At is set, and whose Value is v's rendering,
// done when the trace is read (v nil: ev.Value stands).
func (r *recorder) record(ev TraceEvent, v any) {
	r.recordAs(r.seq.Add(1), ev, v)
}

// recordAs records ev as event seq, taken from r.seq by the caller: a
// message's id is the Seq of the event that sent it, one atomic add
// where two would do.
func (r *recorder) recordAs(seq uint64, ev TraceEvent, v any) {
	ev.Seq = seq
	s := &r.ring[(seq-1)%uint64(len(r.ring))]
	s.mu.Lock()
	if s.ev.Seq < seq { // a writer that lapped this one stays
		s.ev, s.val = ev, v
	}
	s.mu.Unlock()
}

// mirror returns to's mailbox mirror, creating it if create is set; nil
// for a process older than the trace.
func (r *recorder) mirror(to *Process, create bool) *mailboxMirror {
	if to.id < r.firstID {
		return nil
	}
	if m, ok := r.pending.load(to.id); ok || !create {
		return m
	}
	m := new(mailboxMirror) // only arrivals create, and they hold to.mu: no other can
	r.pending.store(to.id, m)
	return m
}

// arrive records msg arriving at time at in to's mailbox and returns its
// id, which is also the Seq its caller records the arrival as, and its
// type (to.mu held).
func (r *recorder) arrive(to *Process, from uint64, msg any, at time.Duration) (uint64, string) {
	id, typ := r.seq.Add(1), traceType(msg)
	m := r.mirror(to, true)
	if m == nil || m.overflow.Load() {
		return id, typ
	}
	if len(m.inbox) >= tracePendingMax {
		m.overflow.Store(true)
		m.inbox = nil
		return id, typ
	}
	m.inbox = append(m.inbox, pendingMsg{id: id, from: from, at: at, typ: typ, v: msg})
	return id, typ
}

// take removes and returns the message at position i of p's mailbox
// (oldest first), or false when the mirror cannot say. Owner only.
func (m *mailboxMirror) take(p *Process, i int) (pendingMsg, bool) {
	if m.overflow.Load() {
		return pendingMsg{}, false
	}
	if i >= len(m.save)-m.off {
		p.mu.Lock()
		if len(m.save)-m.off+len(m.inbox) > tracePendingMax {
			m.overflow.Store(true)
		}
		if !m.overflow.Load() {
			if m.off == len(m.save) {
				m.save, m.off = m.save[:0], 0 // reuse the buffer
			}
			m.save = append(m.save, m.inbox...)
			clear(m.inbox)
			m.inbox = m.inbox[:0]
		}
		p.mu.Unlock()
		if m.overflow.Load() || i >= len(m.save)-m.off {
			return pendingMsg{}, false
		}
	}
	j := m.off + i
	pm := m.save[j]
	if i == 0 {
		m.save[j] = pendingMsg{} // let the message go
		m.off++                  // O(1): a plain Receive takes the oldest
	} else {
		last := len(m.save) - 1
		copy(m.save[j:], m.save[j+1:])
		m.save[last] = pendingMsg{}
		m.save = m.save[:last]
	}
	return pm, true
}

// flush drops what drop matches from the mirror and records each drop
// (p.mu held, by p's owner).
func (m *mailboxMirror) flush(r *recorder, p *Process, drop func(any) bool) {
	if m.overflow.Load() {
		return
	}
	keep := func(q []pendingMsg) []pendingMsg {
		kept := q[:0]
		for _, pm := range q {
			if pm.v != nil && drop(pm.v) {
				r.add(TraceEvent{Kind: TraceDrop, PID: p.id, Peer: pm.from, Msg: pm.id, Type: pm.typ})
				continue
			}
			kept = append(kept, pm)
		}
		clear(q[len(kept):])
		return kept
	}
	m.save, m.off = keep(m.save[m.off:]), 0
	m.inbox = keep(m.inbox)
}

func traceType(msg any) string {
	switch msg.(type) {
	case nil:
		return "<nil>"
	case Down:
		return "DOWN"
	case ExitMsg:
		return "EXIT"
	case *call:
		return "call"
	}
	return reflect.TypeOf(msg).String() // what %T prints, without fmt's cost
}

// valueLater returns msg's rendering now (text), or msg itself (later)
// when rendering can wait until the trace is read. It can wait only for
// a value nothing else can change and whose rendering runs none of the
// program's code: a message of a pointer-free type without methods is a
// private copy inside the interface, so reading it later from another
// goroutine races with no one. Anything else (pointers, slices, maps, a
// String method) is rendered now, on the sender's goroutine, as it is.
func valueLater(msg any) (text string, later any) {
	switch msg.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr,
		float32, float64, bool, string:
		return "", msg // the common messages, without a look at their type
	case nil:
		return "nil", nil
	}
	t := reflect.TypeOf(msg)
	ok, seen := inertTypes.Load(t)
	if !seen {
		ok, _ = inertTypes.LoadOrStore(t, inert(t))
	}
	if ok.(bool) {
		return "", msg
	}
	return traceValue(msg), nil
}

// inertTypes caches inert by type; code bounds its size.
var inertTypes sync.Map // reflect.Type -> bool

// inert reports whether values of t hold no pointers and have no methods,
// at any depth. The recursion follows t's declaration, which is finite: a
// type can only contain itself through a pointer, where this stops.
func inert(t reflect.Type) bool {
	if t.NumMethod() > 0 {
		return false
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Array:
		return inert(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !inert(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
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

// curGoroutine returns the current goroutine's id. Go has no API for it:
// the header of runtime.Stack shows it but costs microseconds, so
// github.com/petermattis/goid reads it from the runtime's goroutine
// struct (a test checks it against runtime.Stack). Only a running trace
// asks.
func curGoroutine() uint64 {
	return uint64(goid.Get())
}

// The hooks. Each is one line in the runtime; each returns at once when
// tracing is off, and inlines to one atomic load there: the recording
// itself is a recorder method kept out of line (go:noinline where the
// compiler would otherwise pull a small one in and make the hook too big
// to inline).

func traceSpawn(p *Process, name string) {
	if r := tracer.Load(); r != nil {
		r.spawn(p, name)
	}
}

//go:noinline
func (r *recorder) spawn(p *Process, name string) {
	r.add(TraceEvent{Kind: TraceSpawn, PID: p.id, Peer: pidID(p.parent), Name: name, Type: p.kind})
}

// traceRun notes that p runs on the current goroutine.
func traceRun(p *Process) {
	if r := tracer.Load(); r != nil {
		r.run(p)
	}
}

//go:noinline
func (r *recorder) run(p *Process) { r.gor.store(curGoroutine(), p.id) }

func traceRegister(name string, p *Process) {
	if r := tracer.Load(); r != nil {
		r.register(name, p)
	}
}

//go:noinline
func (r *recorder) register(name string, p *Process) {
	r.add(TraceEvent{Kind: TraceRegister, PID: p.id, Name: name})
}

// sendTrace is what Send learns before it takes the receiver's lock: the
// message's text, when it must be rendered now (valueLater). A message
// rendered later needs nothing, so it gets the recorder's shared
// sendTrace and a traced Send allocates nothing more than an untraced one.
type sendTrace struct {
	r     *recorder
	value string
	later bool // render the message itself when the trace is read
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
	text, later := valueLater(msg)
	if later != nil {
		return &r.later
	}
	return &sendTrace{r: r, value: text}
}

// traceSend records msg arriving in p's mailbox from Send (p.mu held).
func traceSend(p *Process, msg any, ts *sendTrace) {
	if ts != nil {
		ts.r.send(p, msg, ts)
	}
}

func (r *recorder) send(p *Process, msg any, ts *sendTrace) {
	var later any
	if ts.later {
		later = msg
	}
	from, _ := r.gor.load(curGoroutine())
	at := r.now()
	id, typ := r.arrive(p, from, msg, at)
	r.recordAs(id, TraceEvent{At: at, Kind: TraceSend, PID: from, Peer: p.id, Type: typ, Value: ts.value, Msg: id}, later)
}

// traceCall records call c arriving in p's mailbox (p.mu held).
func traceCall(p *Process, c *call) {
	if r := tracer.Load(); r != nil {
		r.call(p, c)
	}
}

func (r *recorder) call(p *Process, c *call) {
	text, later := valueLater(c.req)
	from, at := pidID(c.caller), r.now()
	id, _ := r.arrive(p, from, c, at)
	c.traceID = id
	r.recordAs(id, TraceEvent{At: at, Kind: TraceCall, PID: from, Peer: p.id, Type: traceType(c.req), Value: text, Msg: id}, later)
}

// traceReply records the answer v to call c (the reply, or callFailed).
func traceReply(c *call, v any) {
	if r := tracer.Load(); r != nil {
		r.reply(c, v)
	}
}

func (r *recorder) reply(c *call, v any) {
	ev := TraceEvent{Kind: TraceReply, PID: c.server.id, Peer: pidID(c.caller), Msg: c.traceID}
	var later any
	if f, ok := v.(callFailed); ok {
		ev.Reason = reasonText(f.err)
	} else {
		ev.Type = traceType(v)
		ev.Value, later = valueLater(v)
	}
	ev.At = r.now()
	r.record(ev, later)
}

// traceDown records the DOWN for pid arriving at w (w.mu held).
func traceDown(w *Process, d Down) {
	if r := tracer.Load(); r != nil {
		r.down(w, d)
	}
}

//go:noinline
func (r *recorder) down(w *Process, d Down) { r.signal(w, d.PID, d, TraceDown, "DOWN", d.Reason) }

// traceExitMsg records the EXIT from `from` arriving at trapping p (p.mu held).
func traceExitMsg(p *Process, m ExitMsg) {
	if r := tracer.Load(); r != nil {
		r.exitMsg(p, m)
	}
}

//go:noinline
func (r *recorder) exitMsg(p *Process, m ExitMsg) {
	r.signal(p, m.From, m, TraceExitMsg, "EXIT", m.Reason)
}

// signal records a DOWN or EXIT message (msg) from `from` arriving in to's
// mailbox (to.mu held): both are messages the runtime sends on a
// process's behalf.
func (r *recorder) signal(to *Process, from PID, msg any, kind TraceKind, typ string, reason error) {
	at := r.now()
	id, _ := r.arrive(to, pidID(from), msg, at)
	r.recordAs(id, TraceEvent{At: at, Kind: kind, PID: pidID(from), Peer: to.id, Type: typ, Msg: id, Reason: reasonText(reason)}, nil)
}

// traceReceive records p taking the message at position i of its
// mailbox (oldest first). Owner only, p.mu not held.
func traceReceive(p *Process, i int) {
	if r := tracer.Load(); r != nil {
		r.receive(p, i)
	}
}

func (r *recorder) receive(p *Process, i int) {
	var pcs sitePCs
	stackPCs(pcs[:])
	ev := TraceEvent{Kind: TraceReceive, PID: p.id, Site: r.site(&pcs)}
	var pm pendingMsg
	var paired bool
	if m := r.mirror(p, false); m != nil {
		pm, paired = m.take(p, i)
	}
	ev.At = r.now() // after take: the send that pm mirrors read the clock before
	if paired {
		ev.Peer, ev.Msg, ev.Type = pm.from, pm.id, pm.typ
		ev.Wait = max(ev.At-pm.at, 0)
	}
	r.record(ev, nil)
}

// traceFlush mirrors a flush of p's mailbox (p.mu held, after both
// queues were flushed).
func traceFlush(p *Process, drop func(any) bool) {
	if r := tracer.Load(); r != nil {
		r.flush(p, drop)
	}
}

//go:noinline
func (r *recorder) flush(p *Process, drop func(any) bool) {
	if m := r.mirror(p, false); m != nil {
		m.flush(r, p, drop)
	}
}

func traceLink(p *Process, pid PID) {
	if r := tracer.Load(); r != nil {
		r.link(p, pid)
	}
}

//go:noinline
func (r *recorder) link(p *Process, pid PID) {
	r.add(TraceEvent{Kind: TraceLink, PID: p.id, Peer: pidID(pid)})
}

func traceMonitor(p *Process, pid PID) {
	if r := tracer.Load(); r != nil {
		r.monitor(p, pid)
	}
}

//go:noinline
func (r *recorder) monitor(p *Process, pid PID) {
	r.add(TraceEvent{Kind: TraceMonitor, PID: p.id, Peer: pidID(pid)})
}

// traceExit records p's exit; its mailbox is gone, and what it still
// held was never received.
func traceExit(p *Process, reason error) {
	if r := tracer.Load(); r != nil {
		r.exit(p, reason)
	}
}

//go:noinline
func (r *recorder) exit(p *Process, reason error) {
	r.pending.delete(p.id)
	r.add(TraceEvent{Kind: TraceExit, PID: p.id, Reason: reasonText(reason)})
}

// traceDone forgets p's goroutine (p's goroutine is returning).
func traceDone(p *Process) {
	if r := tracer.Load(); r != nil {
		r.done(p)
	}
}

//go:noinline
func (r *recorder) done(p *Process) { r.gor.delete(curGoroutine()) }

func traceTimer(pid PID) {
	if r := tracer.Load(); r != nil {
		r.timer(pid)
	}
}

//go:noinline
func (r *recorder) timer(pid PID) { r.add(TraceEvent{Kind: TraceTimer, Peer: pidID(pid)}) }

func traceRestart(sup *Process, child, old PID, id string, reason error) {
	if r := tracer.Load(); r != nil {
		r.restart(sup, child, old, id, reason)
	}
}

//go:noinline
func (r *recorder) restart(sup *Process, child, old PID, id string, reason error) {
	r.add(TraceEvent{Kind: TraceRestart, PID: sup.id, Peer: pidID(child), Name: id, Reason: reasonText(reason), Value: old.String()})
}

// pidID is pid's number, 0 for the zero PID.
func pidID(pid PID) uint64 {
	if pid.p == nil {
		return 0
	}
	return pid.p.id
}

// sitePCs is the part of a receive's call stack searched for its site.
type sitePCs [8]uintptr

// siteSlots is the size of the recorder's cache of symbolized stacks.
const siteSlots = 256

// siteEntry is one symbolized stack; it never changes once stored.
type siteEntry struct {
	pcs  sitePCs
	site string
}

// site names the first caller outside this package in pcs, so a diagram
// can tell the learner's receives from the hidden test's. Symbolizing is
// most of the cost, and a loop receives from one place, so stacks are
// cached: a fixed table indexed by a hash of the PCs, without a lock (a
// map, even sync.Map, costs a traced receive several times more). Two
// stacks sharing a slot evict each other and are symbolized again.
func (r *recorder) site(pcs *sitePCs) string {
	h := uint64(0)
	for _, pc := range pcs {
		h = (h ^ uint64(pc)) * 0x100000001b3 // FNV-1a's prime, a word at a time
	}
	slot := &r.sites[(h>>32)%siteSlots]
	if e := slot.Load(); e != nil && e.pcs == *pcs {
		return e.site
	}
	e := &siteEntry{pcs: *pcs}
	e.site = symbolize(e.pcs[:])
	slot.Store(e)
	return e.site
}

func symbolize(pcs []uintptr) string {
	for len(pcs) > 0 && pcs[len(pcs)-1] == 0 {
		pcs = pcs[:len(pcs)-1] // a short stack
	}
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
