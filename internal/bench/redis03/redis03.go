// Package redis03 measures chapter 03's Redis clients: throughput (ops/s)
// of the blocking, non-blocking and state machine clients, with go-redis
// and its default connection pool beside them as the yardstick, at several
// numbers of concurrent callers, on an embedded miniredis. `otpgo bench 03`
// prints its table; `go test -bench . ./internal/bench/redis03` gives the
// same figures as testing.B benchmarks.
//
// The learner's clients (exercises/03_redis) are never compiled into the
// otpgo binary: a half-written exercise must not break the tool, and the
// binary would hold the code as it was when it was built. RunLearner
// compiles and runs ./internal/bench/redis03/learner with `go run` in the
// learner's checkout instead.
package redis03

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/otpgo/otpgo/internal/redistest"
	reference "github.com/otpgo/otpgo/solutions/03_redis"
)

// Client is what every contender offers: chapter 03's redis.Client.
type Client interface {
	Command(args ...string) (any, error)
	Close() error
}

// Contender is one client under test.
type Contender struct {
	Name  string
	Start func(addr string) (Client, error)
}

// Names of the reference contenders, for reading ratios out of results.
const (
	Blocking     = "blocking"
	NonBlocking  = "non-blocking"
	StateMachine = "state machine"
	GoRedis      = "go-redis (pool)"
	// LearnerPrefix starts the names of the learner's clients.
	LearnerPrefix = "yours: "
)

// Reference returns the chapter's reference clients (solutions/03_redis)
// and go-redis with its default pool.
func Reference() []Contender {
	return []Contender{
		{Blocking, func(addr string) (Client, error) { return reference.StartBlocking(addr) }},
		{NonBlocking, func(addr string) (Client, error) { return reference.StartNonBlocking(addr) }},
		{StateMachine, func(addr string) (Client, error) { return reference.StartStateMachine(addr, reference.Backoff{}) }},
		{GoRedis, startGoRedis},
	}
}

type goRedisClient struct{ c *goredis.Client }

func startGoRedis(addr string) (Client, error) {
	c := goredis.NewClient(&goredis.Options{
		Addr:                     addr,
		DisableIdentity:          true, // miniredis has no CLIENT SETINFO
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	})
	if err := c.Ping(context.Background()).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("go-redis: %w", err)
	}
	return goRedisClient{c}, nil
}

func (g goRedisClient) Command(args ...string) (any, error) {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return g.c.Do(context.Background(), a...).Result()
}

func (g goRedisClient) Close() error { return g.c.Close() }

// Result is one measurement: a contender at a number of callers.
type Result struct {
	Contender string
	RTT       time.Duration // round trip added by a delay proxy; 0: straight to miniredis
	Callers   int
	Ops       int64
	Elapsed   time.Duration
	Err       error // the contender failed (or is not written yet)
}

// OpsPerSec is the throughput, 0 for a failed measurement.
func (r Result) OpsPerSec() float64 {
	if r.Err != nil || r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// Server is an embedded miniredis to measure against.
type Server struct{ m *miniredis.Miniredis }

// StartServer starts a miniredis on 127.0.0.1 with a free port.
func StartServer() (*Server, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("bench: start miniredis: %w", err)
	}
	m.Set("bench:key", "a value of a realistic size, say fifty-odd bytes")
	return &Server{m}, nil
}

// Addr is the server's address.
func (s *Server) Addr() string { return s.m.Addr() }

// Close stops the server.
func (s *Server) Close() { s.m.Close() }

// Measure runs callers goroutines, each sending GET commands through one
// client of contender c in a loop, for d (after a short warm-up), and
// counts the replies. A panic in the client (a TODO) becomes Result.Err.
func Measure(ctx context.Context, addr string, c Contender, callers int, d time.Duration) (res Result) {
	res = Result{Contender: c.Name, Callers: callers}
	client, err := start(c, addr)
	if err != nil {
		res.Err = err
		return res
	}
	defer func() {
		if err := safeClose(client); err != nil && res.Err == nil {
			res.Err = err
		}
	}()
	if _, err := command(client); err != nil {
		res.Err = err
		return res
	}
	var (
		ops      atomic.Int64
		counting atomic.Bool
		stop     atomic.Bool
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if _, err := command(client); err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				if counting.Load() {
					ops.Add(1)
				}
			}
		}()
	}
	warmup := min(d/5, 200*time.Millisecond)
	select {
	case <-time.After(warmup):
	case <-ctx.Done():
	}
	counting.Store(true)
	begin := time.Now()
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	counting.Store(false)
	res.Elapsed = time.Since(begin)
	res.Ops = ops.Load()
	stop.Store(true)
	wg.Wait()
	if firstErr != nil {
		res.Err = firstErr
	} else if ctx.Err() != nil {
		res.Err = ctx.Err()
	}
	return res
}

func start(c Contender, addr string) (cl Client, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	return c.Start(addr)
}

func command(c Client) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return c.Command("GET", "bench:key")
}

func safeClose(c Client) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return c.Close()
}

// Options says what Run measures.
type Options struct {
	// Callers are the numbers of concurrent callers, e.g. 1, 16, 64.
	Callers []int
	// Duration is how long each measurement lasts (after a warm-up).
	Duration time.Duration
	// RTTs are the network conditions: 0 talks to miniredis over loopback,
	// where a round trip costs a few microseconds; d > 0 goes through a
	// proxy that holds every reply back d, like a Redis across a network.
	RTTs []time.Duration
}

// DefaultOptions is what `otpgo bench 03` runs.
var DefaultOptions = Options{
	Callers:  []int{1, 16, 64},
	Duration: 500 * time.Millisecond,
	RTTs:     []time.Duration{0, time.Millisecond},
}

// Run measures every contender at every number of callers under every
// network condition, one measurement after the other, against one embedded
// miniredis, calling progress (if not nil) after each.
func Run(ctx context.Context, contenders []Contender, opts Options, progress func(Result)) ([]Result, error) {
	srv, err := StartServer()
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	var results []Result
	for _, rtt := range opts.RTTs {
		addr := srv.Addr()
		var link *redistest.Proxy
		if rtt > 0 {
			if link, err = redistest.Listen(addr); err != nil {
				return results, fmt.Errorf("bench: %w", err)
			}
			link.SetLatency(rtt)
			addr = link.Addr()
		}
		for _, c := range contenders {
			var startErr error // a client that cannot start is not tried again
			for _, n := range opts.Callers {
				if ctx.Err() != nil {
					break
				}
				r := Result{Contender: c.Name, Callers: n, Err: startErr}
				if startErr == nil {
					r = Measure(ctx, addr, c, n, opts.Duration)
					if r.Ops == 0 && r.Err != nil {
						startErr = r.Err
					}
				}
				r.RTT = rtt
				results = append(results, r)
				if progress != nil {
					progress(r)
				}
			}
		}
		if link != nil {
			link.Close()
		}
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
	}
	return results, nil
}

// Find returns the result for contender at callers and rtt.
func Find(results []Result, contender string, rtt time.Duration, callers int) (Result, bool) {
	for _, r := range results {
		if r.Contender == contender && r.RTT == rtt && r.Callers == callers {
			return r, true
		}
	}
	return Result{}, false
}

// Ratio is a's throughput over b's at rtt and callers, 0 if either is
// missing or failed.
func Ratio(results []Result, a, b string, rtt time.Duration, callers int) float64 {
	ra, ok1 := Find(results, a, rtt, callers)
	rb, ok2 := Find(results, b, rtt, callers)
	if !ok1 || !ok2 || rb.OpsPerSec() == 0 {
		return 0
	}
	return ra.OpsPerSec() / rb.OpsPerSec()
}

// WriteTable prints results as tables of ops/s, one per network condition,
// with a row per contender and a column per number of callers, each
// followed by the ratios the chapter is judged by; then the errors of
// contenders that failed.
func WriteTable(w io.Writer, results []Result, callers []int) error {
	var rtts []time.Duration
	var order []string
	seenRTT, seen := map[time.Duration]bool{}, map[string]bool{}
	for _, r := range results {
		if !seenRTT[r.RTT] {
			seenRTT[r.RTT] = true
			rtts = append(rtts, r.RTT)
		}
		if !seen[r.Contender] {
			seen[r.Contender] = true
			order = append(order, r.Contender)
		}
	}
	var failures []string
	failed := map[string]bool{}
	for i, rtt := range rtts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if rtt == 0 {
			fmt.Fprintln(w, "Loopback: straight to the embedded miniredis, a round trip costs microseconds.")
		} else {
			fmt.Fprintf(w, "Through a proxy adding %v to every round trip, like a Redis across a network", rtt)
			// The blocking client at one caller does one round trip per
			// command: its rate is the round trip actually achieved, which
			// is longer than asked (Go rounds sub-millisecond timer waits up).
			if r, ok := Find(results, Blocking, rtt, 1); ok && r.OpsPerSec() > 0 {
				fmt.Fprintf(w, " (measured: %v)", (time.Duration(float64(time.Second) / r.OpsPerSec())).Round(10*time.Microsecond))
			}
			fmt.Fprintln(w, ".")
		}
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
		head := []string{"client"}
		for _, n := range callers {
			head = append(head, fmt.Sprintf("%d caller%s", n, plural(n)))
		}
		fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
		for _, name := range order {
			row := []string{name}
			for _, n := range callers {
				r, ok := Find(results, name, rtt, n)
				switch {
				case !ok:
					row = append(row, "-")
				case r.Err != nil:
					row = append(row, "failed")
					if !failed[name] { // one line per client: the first error
						failed[name] = true
						failures = append(failures, fmt.Sprintf("%s failed: %v", name, firstLine(r.Err)))
					}
				default:
					row = append(row, fmt.Sprintf("%s ops/s", thousands(r.OpsPerSec())))
				}
			}
			fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if len(callers) > 0 {
			most := callers[len(callers)-1]
			for _, pair := range [][2]string{{NonBlocking, Blocking}, {NonBlocking, GoRedis}, {LearnerPrefix + NonBlocking, LearnerPrefix + Blocking}} {
				if x := Ratio(results, pair[0], pair[1], rtt, most); x > 0 {
					fmt.Fprintf(w, "%s / %s at %d callers: %.1fx\n", pair[0], pair[1], most, x)
				}
			}
		}
	}
	if len(failures) > 0 {
		fmt.Fprintln(w)
	}
	for _, f := range failures {
		fmt.Fprintln(w, f)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// thousands formats n with thousands separators: 123,456.
func thousands(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
