package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The benchmark fixture: a small server of the kind the course has learners
// write (a goroutine owning state, reached by channel messages), and hidden
// tests that exercise it concurrently.
const benchLearner = `package fx

// edit is what each benchmark iteration changes, like a learner's one-line edit.
const edit = %d

type call struct {
	key   string
	value int
	reply chan int
}

// Counter is a counter server: one goroutine owns the map.
type Counter struct{ calls chan call }

// Start starts the server.
func Start() *Counter {
	c := &Counter{calls: make(chan call)}
	go c.loop()
	return c
}

func (c *Counter) loop() {
	m := map[string]int{}
	for cl := range c.calls {
		m[cl.key] += cl.value
		cl.reply <- m[cl.key]
	}
}

// Add adds v to key and returns the new total.
func (c *Counter) Add(key string, v int) int {
	r := make(chan int)
	c.calls <- call{key, v, r}
	return <-r
}

// Stop stops the server.
func (c *Counter) Stop() { close(c.calls) }
`

const benchHidden = `package fx

import (
	"sync"
	"testing"
)

func TestAdd(t *testing.T) {
	c := Start()
	defer c.Stop()
	if got := c.Add("a", 2); got != 2 {
		t.Fatalf("Add = %d, want 2", got)
	}
}

func TestConcurrent(t *testing.T) {
	c := Start()
	defer c.Stop()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Add("k", 1) }()
	}
	wg.Wait()
	if got := c.Add("k", 0); got != 50 {
		t.Fatalf("after 50 concurrent Adds: %d", got)
	}
}
`

var benchTests = []string{"TestAdd", "TestConcurrent"}

// benchFixture builds the module and returns a function that makes a new
// one-line edit. The edit embeds the clock, so no run of either benchmark
// (today's or a previous one) can hit the build or test cache.
func benchFixture(b *testing.B) (root string, editFn func()) {
	b.Helper()
	if !RaceSupported(context.Background()) {
		b.Skip("-race needs cgo and a C compiler, which this machine lacks")
	}
	root = b.TempDir()
	write(b, filepath.Join(root, "go.mod"), "module example.com/fx\n\ngo 1.26\n")
	learner := filepath.Join(root, fixtureDir, "fx.go")
	editFn = func() { write(b, learner, fmt.Sprintf(benchLearner, time.Now().UnixNano())) }
	editFn()
	return root, editFn
}

// BenchmarkCheck is `otpgo check STEP` after a one-line edit, -race on:
// runner.Run end to end. Compare with BenchmarkRawGoTest, or read the ratio
// from BenchmarkCheckVsRawGoTest, which interleaves the two:
//
//	go test -run '^$' -bench 'Check|RawGoTest' -benchtime 10x ./internal/runner
func BenchmarkCheck(b *testing.B) {
	root, edit := benchFixture(b)
	loop(b, edit, checkFunc(b, root))
}

// BenchmarkRawGoTest is the baseline of BenchmarkCheck: the plain
// `go test -race -run ... -overlay ...` of the same package and tests, with
// the same GORACE, so the ratio is the runner's own cost.
func BenchmarkRawGoTest(b *testing.B) {
	root, edit := benchFixture(b)
	loop(b, edit, rawFunc(b, root))
}

// BenchmarkCheckVsRawGoTest alternates an edit+raw go test with an
// edit+Run and reports the median of the pairs' ratios: on a machine others
// are using, each pair sees about the same load.
func BenchmarkCheckVsRawGoTest(b *testing.B) {
	root, edit := benchFixture(b)
	check, raw := checkFunc(b, root), rawFunc(b, root)
	var dc, dr []time.Duration
	for b.Loop() {
		b.StopTimer()
		edit()
		b.StartTimer()
		dr = append(dr, timed(raw))
		b.StopTimer()
		edit()
		b.StartTimer()
		dc = append(dc, timed(check))
	}
	ratios := make([]float64, len(dc))
	for i := range dc {
		ratios[i] = float64(dc[i]) / float64(dr[i])
	}
	slices.Sort(ratios)
	b.ReportMetric(float64(median(dc).Milliseconds()), "check-median-ms")
	b.ReportMetric(float64(median(dr).Milliseconds()), "raw-median-ms")
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
}

func checkFunc(b *testing.B, root string) func() {
	req := Request{
		Root: root, Dir: fixtureDir, Race: true, Timeout: 10 * time.Second,
		Overlay: map[string][]byte{"fx_test.go": []byte(benchHidden)},
		Steps:   []Step{{ID: "1", Tests: benchTests}},
	}
	check := func() {
		vs, err := Run(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if vs[0].Status != Passed {
			b.Fatalf("fixture did not pass: %s %s", vs[0].Status, vs[0].Detail)
		}
	}
	check() // warm: the race-built standard library, the toolchain check
	return check
}

func rawFunc(b *testing.B, root string) func() {
	tmp := b.TempDir()
	hidden := filepath.Join(tmp, HiddenPrefix+"fx_test.go")
	write(b, hidden, benchHidden)
	ov, err := json.Marshal(map[string]map[string]string{"Replace": {
		filepath.Join(root, fixtureDir, HiddenPrefix+"fx_test.go"): hidden}})
	if err != nil {
		b.Fatal(err)
	}
	overlay := filepath.Join(tmp, "overlay.json")
	write(b, overlay, string(ov))
	raw := func() {
		cmd := exec.Command("go", "test", "-race", "-run", runPattern(benchTests), "-overlay", overlay, "./"+fixtureDir)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go test: %v\n%s", err, out)
		}
	}
	raw()
	return raw
}

// loop times f after each edit and reports the median, which a shared
// machine's occasional stall skews less than the mean.
func loop(b *testing.B, edit, f func()) {
	var d []time.Duration
	for b.Loop() {
		b.StopTimer()
		edit()
		b.StartTimer()
		d = append(d, timed(f))
	}
	b.ReportMetric(float64(median(d).Milliseconds()), "median-ms")
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}
