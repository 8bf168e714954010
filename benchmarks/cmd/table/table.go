package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The table's rows and columns, in order. A cell with no result prints "—".
var (
	measures = []string{"Call", "Send", "Spawn", "IdleProcess"}
	impls    = []string{"raw", "otpgo", "ergo", "protoactor", "hollywood"}
)

// unitOf is the metric each row compares: time per operation, except for
// idle processes where it is memory per process.
func unitOf(measure string) string {
	if measure == "IdleProcess" {
		return "B/proc"
	}
	return "ns/op"
}

type key struct{ measure, impl, unit string }

type results struct {
	cpu     string
	samples map[key][]float64
}

// benchLine matches "BenchmarkCall/raw-2   817551   372.6 ns/op   128 B/op ...".
var benchLine = regexp.MustCompile(`^Benchmark([^/\s]+)/(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads go test -bench output and collects every value of every
// metric of every sub-benchmark.
func parse(r io.Reader) (results, error) {
	res := results{samples: map[key][]float64{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if cpu, ok := strings.CutPrefix(line, "cpu: "); ok {
			res.cpu = cpu
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return res, fmt.Errorf("%q: value %q: %w", line, f[i], err)
			}
			k := key{m[1], m[2], f[i+1]}
			res.samples[k] = append(res.samples[k], v)
		}
	}
	return res, sc.Err()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread is (max-min)/median: how much the runs disagree.
func spread(xs []float64) float64 {
	m := median(xs)
	if m == 0 {
		return 0
	}
	return (slices.Max(xs) - slices.Min(xs)) / m
}

// noisy is the spread above which a cell is flagged.
const noisy = 0.20

// markdown renders the table: each cell is the median and its ratio to raw.
func markdown(res results) string {
	var b strings.Builder
	b.WriteString("| |")
	for _, impl := range impls {
		b.WriteString(" " + impl + " |")
	}
	b.WriteString("\n|---|")
	for range impls {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	var notes []string
	for _, m := range measures {
		unit := unitOf(m)
		fmt.Fprintf(&b, "| %s (%s) |", m, unit)
		raw, hasRaw := res.samples[key{m, "raw", unit}]
		for _, impl := range impls {
			xs, ok := res.samples[key{m, impl, unit}]
			if !ok {
				b.WriteString(" — |")
				continue
			}
			cell := format(median(xs), unit)
			if hasRaw && impl != "raw" && median(raw) > 0 {
				cell += fmt.Sprintf(" (%.1fx)", median(xs)/median(raw))
			}
			if s := spread(xs); s > noisy {
				cell += " *"
				notes = append(notes, fmt.Sprintf("%s/%s %.0f%% (%d runs)", m, impl, s*100, len(xs)))
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString("\nMedian of each benchmark's runs; (Nx) = median / raw median, lower is better.\n")
	if len(notes) > 0 {
		fmt.Fprintf(&b, "\\* noisy: max-min spread above %.0f%% of the median: %s.\n", noisy*100, strings.Join(notes, ", "))
	}
	return b.String()
}

// format prints a value in the unit people read it in.
func format(v float64, unit string) string {
	switch {
	case unit == "ns/op" && v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case unit == "ns/op" && v >= 1e3:
		return fmt.Sprintf("%.2f µs", v/1e3)
	case unit == "ns/op":
		return fmt.Sprintf("%.0f ns", v)
	case unit == "B/proc":
		return fmt.Sprintf("%.0f B", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}
