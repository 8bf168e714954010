package host

import (
	"slices"
	"sync"
	"time"
)

// frame is one board event, encoded once for every subscriber. recv is
// when the report behind it arrived (zero for a snapshot), to measure
// the delay to the browser.
type frame struct {
	event string
	data  []byte
	recv  time.Time
}

// hub fans frames out to the board's SSE streams. Publishing never
// blocks: a stream that falls behind is told to resync with a snapshot.
type hub struct {
	mu   sync.Mutex
	subs map[*sub]struct{}
}

type sub struct {
	ch     chan frame
	behind chan struct{} // one slot: "you missed frames"
}

const subBuffer = 256

func newHub() *hub { return &hub{subs: map[*sub]struct{}{}} }

func (h *hub) subscribe() *sub {
	s := &sub{ch: make(chan frame, subBuffer), behind: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

func (h *hub) unsubscribe(s *sub) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

func (h *hub) publish(f frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.ch <- f:
		default:
			select {
			case s.behind <- struct{}{}:
			default:
			}
		}
	}
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// latencies keeps the last samples of report-to-browser delay.
type latencies struct {
	mu      sync.Mutex
	samples []time.Duration
	next    int
	n       uint64
}

const maxSamples = 1 << 16

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.samples) < maxSamples {
		l.samples = append(l.samples, d)
	} else {
		l.samples[l.next] = d
		l.next = (l.next + 1) % maxSamples
	}
	l.n++
}

// quantile returns the q-quantile (0..1) of the kept samples and how many
// frames were measured in all.
func (l *latencies) quantile(q float64) (time.Duration, uint64) {
	l.mu.Lock()
	s := slices.Clone(l.samples)
	n := l.n
	l.mu.Unlock()
	if len(s) == 0 {
		return 0, n
	}
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))], n
}
