package actor

import (
	"cmp"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	TraceSignal                        // PID (0: not a process) sent Peer an exit signal with Reason that stops it (kill, or not trapped)
	TraceAlive                         // PID was still alive when the trace was written; Reason: its Status (added by TraceLog.WithAlive, not recorded)
	TraceChild                         // supervisor PID started Peer as its child Name (at first, and at each restart)
)

var traceKindNames = [...]string{"", "spawn", "register", "send", "call", "reply", "down", "exit-msg",
	"receive", "drop", "link", "monitor", "exit", "timer", "restart", "signal", "alive", "child"}

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
	Site   string        // receive: where it was called from, "func (file.go:line)", outside this package; spawn: the function the process runs, alike; alive: where its goroutine is, alike (WithAlive); signal: where its target waited in Receive, if it did
	// FakeClock: At and Wait are a testing/synctest bubble's clock, which
	// moves only while every goroutine in it waits (a test's time.Sleep).
	FakeClock bool
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

// recorder is the active trace. A sender and its receiver run on
// different cores, so recording shares nothing between goroutines that
// the traced operation does not share already: each goroutine writes to
// one of traceShards shards (by goroutine id), under that shard's lock,
// into the shard's current chunk of the ring. Events are put in order
// only when the trace is read, by the monotonic clock each one read
// (its key). What follows a mailbox lives beside it (mailboxMirror).
type recorder struct {
	start     time.Time
	startNano int64  // runtime nanotime at start: keys count from it
	firstID   uint64 // processes with a lower id started before the trace: their mailboxes are not followed
	capacity  int
	shards    [traceShards]traceShard
	pool      chunkPool
	pending   idTable[*mailboxMirror]                  // by process id
	gor       idTable[uint64]                          // goroutine id -> process id, to name a Send's sender
	bubbles   [bubbleSlots]atomic.Pointer[bubbleEntry] // goroutine id -> in a synctest bubble
	sites     [siteSlots]atomic.Pointer[siteEntry]     // receive call stacks, symbolized (site)
	later     sendTrace                                // what sendStart returns for a message rendered later
}

// cacheLine pads two fields written by different cores apart.
type cacheLine [64]byte

// traceShardBits sets the number of shards. Goroutine ids are handed out
// in order, so a handful of goroutines that run at once land in
// different shards; two that share one only wait for each other's lock.
const (
	traceShardBits = 4
	traceShards    = 1 << traceShardBits
)

// traceShard is where some goroutines record. n numbers its events: an
// event's id (its Seq until the trace is read, and a message's Msg) is
// n<<traceShardBits | the shard's index, unique without a shared counter.
type traceShard struct {
	mu  sync.Mutex
	n   uint64
	cur *traceChunk
	_   cacheLine // shards written by different cores apart
}

// traceRec is one recorded event: key orders it (nanoseconds of the
// monotonic clock since the trace started, also inside a synctest bubble,
// whose At is its fake clock's); val, when set, is the message whose
// rendering is ev.Value, done when the trace is read (valueLater).
type traceRec struct {
	key int64
	ev  TraceEvent
	val any
}

// traceChunk is a piece of the ring, written by one shard at a time.
type traceChunk struct {
	recs   []traceRec // len: written; cap: the chunk's size (shard's mu)
	sealed bool       // full, and no longer written: the pool may take it back (pool's mu)
	// Chunks are small and allocated one after another: without this,
	// two shards' chunks written by two cores share a cache line.
	_ cacheLine
}

// chunkPool is the ring: chunks handed to shards in turn, each taken
// back, oldest first, once sealed. That drops the oldest events, and
// counts them; what is left starts after the newest event dropped.
type chunkPool struct {
	mu         sync.Mutex
	chunks     []*traceChunk // allocated as first needed
	size       int           // events per chunk
	next       int
	dropped    uint64 // events in chunks taken back
	droppedKey int64  // the newest key among them
	anyDropped bool
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

// each calls f with every id stored and its value (in no order).
func (t *idTable[V]) each(f func(id uint64, v V)) {
	for i := range t.slots {
		if e := t.slots[i].Load(); e != nil {
			f(e.id, e.v)
		}
	}
	if t.nmore.Load() > 0 {
		t.more.Range(func(k, v any) bool {
			f(k.(uint64), v.(V))
			return true
		})
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
	_        cacheLine   // both sides read overflow, which is written once
	overflow atomic.Bool // past tracePendingMax: receives are no longer paired
}

type pendingMsg struct {
	id   uint64
	from uint64
	key  int64 // the send's: its receive is ordered after it
	at   time.Duration
	typ  string
	v    any // for flush, whose drop function looks at the message
}

// StartTrace starts recording into a ring buffer of capacity events
// (DefaultTraceCapacity if capacity <= 0), dropping whatever an earlier
// trace held. Once it wraps, a log holds at most capacity events, all of
// those since some moment; a few fewer when goroutines that record at
// different paces leave events older than one already dropped. Processes
// spawned before it are traced too, but receives of their messages are
// not paired with the sends.
func StartTrace(capacity int) {
	if capacity <= 0 {
		capacity = DefaultTraceCapacity
	}
	// Chunks small enough that every shard can hold one and the ring
	// still keeps capacity events; spare chunks for those being written.
	size := min(max(capacity/(2*traceShards), 1), 256)
	r := &recorder{
		start:     time.Now(),
		startNano: nanotime(),
		firstID:   pidCounter.Load() + 1,
		capacity:  capacity,
		pool:      chunkPool{size: size, chunks: make([]*traceChunk, (capacity+size-1)/size+traceShards+1)},
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

// snapshot puts the newest events (at most capacity, none older than one
// dropped) in order, oldest first, and numbers them: Seq counts every
// event recorded, so the first kept is Dropped+1. It holds every shard's
// lock (recording waits) while it copies.
func (r *recorder) snapshot() TraceLog {
	for i := range r.shards {
		r.shards[i].mu.Lock()
	}
	var total uint64
	for i := range r.shards {
		total += r.shards[i].n
	}
	var recs []traceRec
	p := &r.pool
	p.mu.Lock()
	for _, c := range p.chunks {
		if c == nil {
			continue
		}
		for _, rec := range c.recs {
			// An event older than one dropped goes too: what is kept
			// must be all that happened since some moment.
			if !p.anyDropped || rec.key > p.droppedKey {
				recs = append(recs, rec)
			}
		}
	}
	p.mu.Unlock()
	for i := range r.shards {
		r.shards[i].mu.Unlock()
	}
	// By key; one goroutine's events with one key in the order it
	// recorded them (by n, since it writes to one shard).
	slices.SortFunc(recs, func(a, b traceRec) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ev.Seq>>traceShardBits, b.ev.Seq>>traceShardBits); c != 0 {
			return c
		}
		return cmp.Compare(a.ev.Seq, b.ev.Seq)
	})
	if len(recs) > r.capacity {
		recs = recs[len(recs)-r.capacity:]
	}
	out := TraceLog{Events: make([]TraceEvent, len(recs)), Dropped: total - uint64(len(recs))}
	seq := make(map[uint64]uint64, len(recs))
	for i := range recs {
		seq[recs[i].ev.Seq] = out.Dropped + uint64(i) + 1
	}
	gone := uint64(0) // numbers for messages sent before what is kept
	for i := range recs {
		ev := &out.Events[i]
		*ev = recs[i].ev
		ev.Seq = seq[ev.Seq]
		if ev.Msg != 0 {
			if s, ok := seq[ev.Msg]; ok {
				ev.Msg = s
			} else {
				gone++
				seq[ev.Msg] = min(gone, out.Dropped)
				ev.Msg = seq[ev.Msg]
			}
		}
		// A bubble's fake clock and the real one can disagree by a
		// little between goroutines; time never goes back in a diagram.
		if i > 0 {
			ev.At = max(ev.At, out.Events[i-1].At)
		}
		// Rendered here: these values are immutable copies
		// (valueLater), so no other goroutine can be changing them.
		if recs[i].val != nil {
			ev.Value = traceValue(recs[i].val)
		}
	}
	return out
}

// clock returns an event's key and its At for goroutine g: the time
// since the trace started, or inside a testing/synctest bubble the
// bubble's fake time since its clock started (fake is then set). The key
// always comes from the real clock (runtime nanotime, one vDSO read where
// time.Now takes two), because a bubble's clock stands still while its
// goroutines run.
func (r *recorder) clock(g uint64) (key int64, at time.Duration, fake bool) {
	key = nanotime() - r.startNano
	if r.inBubble(g) {
		return key, bubbleTime(), true
	}
	return key, time.Duration(key), false
}

// bubbleSlots is the size of the recorder's cache of which goroutines
// run in a bubble.
const bubbleSlots = 1 << 9

type bubbleEntry struct {
	g      uint64
	bubble bool
}

// inBubble reports whether goroutine g runs in a testing/synctest
// bubble, which it does for its whole life: inside one, time.Now is the
// fake clock, which starts long before any trace. Cached by goroutine
// id (ids are never reused); a collision asks again.
func (r *recorder) inBubble(g uint64) bool {
	slot := &r.bubbles[g%bubbleSlots]
	if e := slot.Load(); e != nil && e.g == g {
		return e.bubble
	}
	e := &bubbleEntry{g: g, bubble: time.Now().Before(r.start)}
	slot.Store(e)
	return e.bubble
}

// bubbleTime is the time inside a testing/synctest bubble, whose fake
// clock starts at synctestEpoch, long before any trace: the time since
// then is the time the test sees.
func bubbleTime() time.Duration { return time.Since(synctestEpoch) }

// synctestEpoch is where testing/synctest's fake clock starts (its
// documentation says midnight UTC, 2000-01-01).
var synctestEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// add records ev as happening now on the current goroutine.
func (r *recorder) add(ev TraceEvent) {
	g := curGoroutine()
	key, at, fake := r.clock(g)
	ev.At, ev.FakeClock = at, fake
	s := r.shard(g)
	s.mu.Lock()
	r.put(s, s.id(g), key, ev, nil)
	s.mu.Unlock()
}

// shard is goroutine g's shard.
func (r *recorder) shard(g uint64) *traceShard { return &r.shards[g%traceShards] }

// id numbers the next event of s, goroutine g's shard (s.mu held).
func (s *traceShard) id(g uint64) uint64 {
	s.n++
	return s.n<<traceShardBits | g%traceShards
}

// put records ev as event id with key, in s (s.mu held); v, when set, is
// rendered into ev.Value when the trace is read.
func (r *recorder) put(s *traceShard, id uint64, key int64, ev TraceEvent, v any) {
	ev.Seq = id
	c := s.cur
	if c == nil || len(c.recs) == cap(c.recs) {
		c = r.pool.take(s)
	}
	c.recs = append(c.recs, traceRec{key: key, ev: ev, val: v})
}

// take hands s a chunk to write (s.mu held): a new one while the ring
// has room, else the oldest sealed one, whose events are dropped. It
// seals s's full chunk first, which is always there to be taken if no
// other is.
func (p *chunkPool) take(s *traceShard) *traceChunk {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.cur != nil {
		s.cur.sealed = true
	}
	for range len(p.chunks) {
		i := p.next
		p.next = (p.next + 1) % len(p.chunks)
		c := p.chunks[i]
		switch {
		case c == nil:
			c = &traceChunk{recs: make([]traceRec, 0, p.size)}
			p.chunks[i] = c
		case !c.sealed:
			continue // another shard is writing it
		case len(c.recs) > 0:
			p.dropped += uint64(len(c.recs))
			p.droppedKey = max(p.droppedKey, c.recs[len(c.recs)-1].key)
			p.anyDropped = true
			clear(c.recs)
			c.recs = c.recs[:0]
		}
		c.sealed = false
		s.cur = c
		return c
	}
	panic("actor: trace ring has no chunk to write") // unreachable: s's own chunk is sealed
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

// arrive notes message msg, the event id, arriving in to's mailbox
// from `from` at key and at, and returns its type (to.mu held).
func (r *recorder) arrive(to *Process, id, from uint64, msg any, key int64, at time.Duration) string {
	typ := traceType(msg)
	m := r.mirror(to, true)
	if m == nil || m.overflow.Load() {
		return typ
	}
	if len(m.inbox) >= tracePendingMax {
		m.overflow.Store(true)
		m.inbox = nil
		return typ
	}
	m.inbox = append(m.inbox, pendingMsg{id: id, from: from, key: key, at: at, typ: typ, v: msg})
	return typ
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

// What the hooks (trace_hooks.go) call when tracing is on.

//go:noinline
func (r *recorder) spawn(p *Process, name string, f Func) {
	r.add(TraceEvent{Kind: TraceSpawn, PID: p.id, Peer: pidID(p.parent), Name: name, Type: p.kind, Site: funcSite(f)})
}

// funcSite is where f is written, as a receive's Site ("func (file.go:line)"),
// or "" when it is the runtime's own (a server's or supervisor's loop) or nil.
func funcSite(f Func) string {
	if f == nil {
		return ""
	}
	pc := reflect.ValueOf(f).Pointer()
	fn := runtime.FuncForPC(pc)
	if fn == nil {
		return ""
	}
	file, line := fn.FileLine(pc)
	// This package's tests spawn closures too: only its non-test code is
	// the runtime's own.
	if strings.HasPrefix(fn.Name(), thisPackage) && !strings.HasSuffix(file, "_test.go") {
		return ""
	}
	return siteText(fn.Name(), file, line)
}

// siteText is a Site: "pkg.Func (file.go:line)", the package without its path.
func siteText(function, file string, line int) string {
	return function[strings.LastIndexByte(function, '/')+1:] + " (" + filepath.Base(file) + ":" + strconv.Itoa(line) + ")"
}

//go:noinline
func (r *recorder) run(p *Process) { r.gor.store(curGoroutine(), p.id) }

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

func (r *recorder) sendStart(msg any) *sendTrace {
	text, later := valueLater(msg)
	if later != nil {
		return &r.later
	}
	return &sendTrace{r: r, value: text}
}

func (r *recorder) send(p *Process, msg any, ts *sendTrace) {
	var later any
	if ts.later {
		later = msg
	}
	g := curGoroutine()
	from, _ := r.gor.load(g)
	key, at, fake := r.clock(g)
	s := r.shard(g)
	s.mu.Lock()
	id := s.id(g)
	typ := r.arrive(p, id, from, msg, key, at)
	r.put(s, id, key, TraceEvent{At: at, FakeClock: fake, Kind: TraceSend, PID: from, Peer: p.id, Type: typ, Value: ts.value, Msg: id}, later)
	s.mu.Unlock()
}

func (r *recorder) call(p *Process, c *call) {
	text, later := valueLater(c.req)
	g := curGoroutine()
	from := pidID(c.caller)
	if from == 0 {
		// Call (not p.Call) from inside a process: still that process,
		// so a server calling itself is drawn as the deadlock it is.
		from, _ = r.gor.load(g)
	}
	key, at, fake := r.clock(g)
	s := r.shard(g)
	s.mu.Lock()
	id := s.id(g)
	r.arrive(p, id, from, c, key, at)
	c.traceID, c.traceFrom = id, from
	r.put(s, id, key, TraceEvent{At: at, FakeClock: fake, Kind: TraceCall, PID: from, Peer: p.id, Type: traceType(c.req), Value: text, Msg: id}, later)
	s.mu.Unlock()
}

func (r *recorder) reply(c *call, v any) {
	ev := TraceEvent{Kind: TraceReply, PID: c.server.id, Peer: c.traceFrom, Msg: c.traceID}
	var later any
	if f, ok := v.(callFailed); ok {
		ev.Reason = reasonText(f.err)
	} else {
		ev.Type = traceType(v)
		ev.Value, later = valueLater(v)
	}
	g := curGoroutine()
	key, at, fake := r.clock(g)
	ev.At, ev.FakeClock = at, fake
	s := r.shard(g)
	s.mu.Lock()
	r.put(s, s.id(g), key, ev, later)
	s.mu.Unlock()
}

//go:noinline
func (r *recorder) down(w *Process, d Down) { r.signal(w, d.PID, d, TraceDown, "DOWN", d.Reason) }

//go:noinline
func (r *recorder) exitMsg(p *Process, m ExitMsg) {
	r.signal(p, m.From, m, TraceExitMsg, "EXIT", m.Reason)
}

// signal records a DOWN or EXIT message (msg) from `from` arriving in to's
// mailbox (to.mu held): both are messages the runtime sends on a
// process's behalf.
func (r *recorder) signal(to *Process, from PID, msg any, kind TraceKind, typ string, reason error) {
	g := curGoroutine()
	key, at, fake := r.clock(g)
	s := r.shard(g)
	s.mu.Lock()
	id := s.id(g)
	r.arrive(to, id, pidID(from), msg, key, at)
	r.put(s, id, key, TraceEvent{At: at, FakeClock: fake, Kind: kind, PID: pidID(from), Peer: to.id, Type: typ, Msg: id, Reason: reasonText(reason)}, nil)
	s.mu.Unlock()
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
	g := curGoroutine()
	key, at, fake := r.clock(g) // after take: the send that pm mirrors read the clock before
	ev.At, ev.FakeClock = at, fake
	if paired {
		ev.Peer, ev.Msg, ev.Type = pm.from, pm.id, pm.typ
		ev.Wait = max(ev.At-pm.at, 0)
		// Two cores' clocks can read alike: the receive still follows its send.
		key = max(key, pm.key+1)
	}
	s := r.shard(g)
	s.mu.Lock()
	r.put(s, s.id(g), key, ev, nil)
	s.mu.Unlock()
}

//go:noinline
func (r *recorder) flush(p *Process, drop func(any) bool) {
	if m := r.mirror(p, false); m != nil {
		m.flush(r, p, drop)
	}
}

//go:noinline
func (r *recorder) link(p *Process, pid PID) {
	r.add(TraceEvent{Kind: TraceLink, PID: p.id, Peer: pidID(pid)})
}

//go:noinline
func (r *recorder) monitor(p *Process, pid PID) {
	r.add(TraceEvent{Kind: TraceMonitor, PID: p.id, Peer: pidID(pid)})
}

//go:noinline
func (r *recorder) exit(p *Process, reason error) {
	r.pending.delete(p.id)
	r.add(TraceEvent{Kind: TraceExit, PID: p.id, Reason: reasonText(reason)})
}

//go:noinline
func (r *recorder) done(p *Process) { r.gor.delete(curGoroutine()) }

//go:noinline
func (r *recorder) timer(pid PID) { r.add(TraceEvent{Kind: TraceTimer, Peer: pidID(pid)}) }

// signalExit records an exit signal from `from` that will stop p; from a
// caller that is not a process (the zero pid), the process whose
// goroutine sent it, if any.
//
//go:noinline
func (r *recorder) signalExit(from PID, p *Process, reason error) {
	id := pidID(from)
	if id == 0 {
		id, _ = r.gor.load(curGoroutine())
	}
	r.add(TraceEvent{Kind: TraceSignal, PID: id, Peer: p.id, Reason: reasonText(reason), Site: r.waitingAt(p)})
}

// wait notes where p parks in Receive (p.mu held): the first caller
// outside this package, as a receive's site.
//
//go:noinline
func (r *recorder) wait(p *Process) {
	var pcs sitePCs
	stackPCs(pcs[:])
	x := p.x()
	x.waitSite, x.waitTrace = r.site(&pcs), r
}

// waitingAt is where p waits in Receive, or "" if it is not waiting
// there (running, or blocked elsewhere) or parked before this trace began
// (its site, if any, is from an older trace and may be stale).
func (r *recorder) waitingAt(p *Process) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.waiting || p.ext == nil || p.ext.waitTrace != r {
		return ""
	}
	return p.ext.waitSite
}

//go:noinline
func (r *recorder) child(sup *Process, child PID, id string) {
	r.add(TraceEvent{Kind: TraceChild, PID: sup.id, Peer: pidID(child), Name: id})
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

// site names the first caller in pcs outside this package and the
// standard library (runtimeOwn), so a diagram
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
		if f.Function != "" && !runtimeOwn(f.Function, f.File) {
			return siteText(f.Function, f.File, f.Line)
		}
		if !more {
			return ""
		}
	}
}

// thisPackage prefixes the functions of this package (and no other: the
// dot ends the path).
const thisPackage = "github.com/otpgo/otpgo/internal/actor."
