package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

const sample = `goos: linux
pkg: github.com/otpgo/otpgo/solutions/gs_genserver
BenchmarkCall-2      	  758725	      1800 ns/op	     416 B/op	       7 allocs/op
BenchmarkCall-2      	  758725	      1700 ns/op	     416 B/op	       7 allocs/op
BenchmarkCall-2      	  758725	      9000 ns/op	     416 B/op	       7 allocs/op
BenchmarkRawCall-2   	 2042840	       600.0 ns/op	     128 B/op	       1 allocs/op
BenchmarkLonely-2    	 2042840	       1.0 ns/op
PASS
pkg: github.com/otpgo/otpgo/internal/x
BenchmarkSpawn/otpgo-2       	 100	 400 ns/op
BenchmarkSpawn/raw-2         	 100	 200 ns/op
BenchmarkSend-2              	 100	 300 ns/op
BenchmarkSendBaseline-2      	 100	 100 ns/op
BenchmarkCall-2              	 100	 999 ns/op
BenchmarkCheckVsRawGoTest-2  	 5	 1 ns/op	 1.07 ratio
BenchmarkIdleProcess-2       	 1	 9000 ns/op	 3000 bytes/proc	 900 heap-bytes/proc
BenchmarkRawIdleProcess-2    	 1	 1000 ns/op	 2000 bytes/proc	 200 heap-bytes/proc
`

func TestPairing(t *testing.T) {
	rows := pair(parse(strings.NewReader(sample)))
	got := map[string]row{}
	for _, r := range rows {
		got[strings.TrimPrefix(r.pkg, "github.com/otpgo/otpgo/")+" "+r.name] = r
	}
	want := map[string]float64{
		"solutions/gs_genserver Call": 3.0, // median 1800 / 600
		"internal/x Spawn/otpgo":      2.0,
		"internal/x Send":             3.0,
		"internal/x CheckVsRawGoTest": 1.07,
		"internal/x IdleProcess":      1.5, // bytes/proc, not the 9x of its setup time
	}
	for k, w := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("no ratio for %s; rows: %+v", k, rows)
			continue
		}
		if math.Abs(r.ratio-w) > 1e-9 {
			t.Errorf("%s ratio = %v; want %v", k, r.ratio, w)
		}
	}
	if len(rows) != len(want) {
		t.Errorf("rows = %+v; want exactly %d (no baseline, no pairing across packages)", rows, len(want))
	}
	if r := got["solutions/gs_genserver Call"]; r.allocs != "7 vs 1" || r.base != "RawCall" {
		t.Errorf("Call row = %+v", r)
	}
	if r := got["internal/x IdleProcess"]; r.unit != "bytes/proc" {
		t.Errorf("IdleProcess compared on %q; want its custom metric bytes/proc", r.unit)
	}
	var b bytes.Buffer
	print(&b, rows)
	if !strings.Contains(b.String(), "1.50x bytes/proc") {
		t.Errorf("table does not name the metric compared:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "3.00x") || !strings.Contains(b.String(), "(reported by the benchmark)") {
		t.Errorf("table:\n%s", b.String())
	}
}
