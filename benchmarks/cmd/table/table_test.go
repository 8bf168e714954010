package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
cpu: Intel(R) Xeon(R) Processor
BenchmarkCall/raw-2      	  817551	       300.0 ns/op	     128 B/op	       2 allocs/op
BenchmarkCall/raw-2      	  817551	       400.0 ns/op	     128 B/op	       2 allocs/op
BenchmarkCall/raw-2      	  817551	       350.0 ns/op	     128 B/op	       2 allocs/op
BenchmarkCall/ergo-2     	   98480	      3500 ns/op	     888 B/op	      24 allocs/op
BenchmarkIdleProcess/raw-2         	      39	   9135613 ns/op	      2000 B/proc	 2916761 B/op	   40116 allocs/op
BenchmarkIdleProcess/hollywood-2  	       3	 141352860 ns/op	     28000 B/proc	286860184 B/op	  299612 allocs/op
--- FAIL: BenchmarkSend/otpgo
PASS
`

func TestParseCollectsEveryMetric(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if res.cpu != "Intel(R) Xeon(R) Processor" {
		t.Errorf("cpu = %q", res.cpu)
	}
	if got := res.samples[key{"Call", "raw", "ns/op"}]; len(got) != 3 || got[1] != 400 {
		t.Errorf("Call/raw ns/op = %v, want [300 400 350]", got)
	}
	if got := res.samples[key{"IdleProcess", "hollywood", "B/proc"}]; len(got) != 1 || got[0] != 28000 {
		t.Errorf("IdleProcess/hollywood B/proc = %v", got)
	}
	if got := res.samples[key{"Call", "ergo", "allocs/op"}]; len(got) != 1 || got[0] != 24 {
		t.Errorf("Call/ergo allocs/op = %v", got)
	}
}

func TestMarkdownShowsMedianRatioAndGaps(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	md := markdown(res)
	for _, want := range []string{
		"| Call (ns/op) | 350 ns * | — | 3.50 µs (10.0x) | — | — |",
		"| Send (ns/op) | — | — | — | — | — |",
		"| IdleProcess (B/proc) | 2000 B | — | — | — | 28000 B (14.0x) |",
		"\\* noisy: max-min spread above 20% of the median: Call/raw 29% (3 runs).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{5}, 5},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestShellJoinQuotesPatterns(t *testing.T) {
	got := shellJoin([]string{"go", "test", "-run", "^$", "-bench", "."})
	if want := "go test -run '^$' -bench ."; got != want {
		t.Errorf("shellJoin = %q, want %q", got, want)
	}
}
