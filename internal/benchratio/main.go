// Command benchratio reads `go test -bench` output on stdin, passes it
// through, and ends with the ratios that matter: each benchmark against
// its baseline, measured in the same run.
//
//	go test -run '^$' -bench . -benchmem ./... | go run ./internal/benchratio
//
// A baseline is found by name, within one package:
//
//	BenchmarkRawX or BenchmarkXBaseline   is the baseline of BenchmarkX
//	BenchmarkX/raw or BenchmarkX/baseline is the baseline of BenchmarkX/*
//
// A benchmark that measures its own ratio (b.ReportMetric(r, "ratio")) is
// listed as it reported it. A pair that both report the same custom metric
// (b.ReportMetric(x, "bytes/proc")) is compared on that metric rather than on
// time: what such a benchmark measures is the metric, its time is setup.
// With -count > 1 the median of the runs is used.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

func main() {
	results := parse(io.TeeReader(os.Stdin, os.Stdout))
	rows := pair(results)
	if len(rows) == 0 {
		fmt.Println("\nbenchratio: no benchmark with a baseline (BenchmarkRawX, BenchmarkXBaseline, X/raw) in this run")
		return
	}
	fmt.Println()
	print(os.Stdout, rows)
}

// result is one benchmark's measurements, all runs.
type result struct {
	pkg, name string
	metrics   map[string][]float64 // unit -> one value per run
	units     []string             // units in the order the benchmark reported them
}

// standardUnits are those the testing package reports itself.
var standardUnits = map[string]bool{"ns/op": true, "B/op": true, "allocs/op": true, "MB/s": true}

// customUnit is the first custom metric both benchmarks report, if any.
func customUnit(r, base *result) string {
	for _, u := range r.units {
		if !standardUnits[u] && len(base.metrics[u]) > 0 {
			return u
		}
	}
	return ""
}

// median of the runs of a unit, and whether there was any.
func (r *result) median(unit string) (float64, bool) {
	vs := slices.Clone(r.metrics[unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, true
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads benchmark lines, grouped by the pkg: line before them.
func parse(r io.Reader) []*result {
	var out []*result
	byKey := map[string]*result{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // not a result line (e.g. a log line starting with Benchmark)
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		key := pkg + " " + name
		res := byKey[key]
		if res == nil {
			res = &result{pkg: pkg, name: name, metrics: map[string][]float64{}}
			byKey[key] = res
			out = append(out, res)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			if _, seen := res.metrics[f[i+1]]; !seen {
				res.units = append(res.units, f[i+1])
			}
			res.metrics[f[i+1]] = append(res.metrics[f[i+1]], v)
		}
	}
	return out
}

// row is one line of the ratio table.
type row struct {
	pkg, name, base string
	ratio           float64 // time ratio (ns/op), the custom metric's ratio, or the reported ratio
	unit            string  // the custom metric compared, "" for time
	reported        bool
	bytes, allocs   string // "416 vs 128" when both have -benchmem figures
}

// pair finds each benchmark's baseline and computes the ratios.
func pair(results []*result) []row {
	find := func(pkg, name string) *result {
		for _, r := range results {
			if r.pkg == pkg && r.name == name {
				return r
			}
		}
		return nil
	}
	var rows []row
	for _, r := range results {
		if v, ok := r.median("ratio"); ok {
			rows = append(rows, row{pkg: r.pkg, name: r.name, ratio: v, reported: true})
			continue
		}
		if isBaseline(r.name) {
			continue
		}
		var base *result
		if parent, _, ok := cutLast(r.name); ok {
			for _, b := range []string{"raw", "baseline", "Raw", "Baseline"} {
				if base = find(r.pkg, parent+"/"+b); base != nil {
					break
				}
			}
		}
		if base == nil {
			base = find(r.pkg, "Raw"+r.name)
		}
		if base == nil {
			base = find(r.pkg, r.name+"Baseline")
		}
		if base == nil {
			continue
		}
		unit := customUnit(r, base)
		if unit == "" {
			unit = "ns/op"
		}
		v, ok1 := r.median(unit)
		bv, ok2 := base.median(unit)
		if !ok1 || !ok2 || bv == 0 {
			continue
		}
		rw := row{pkg: r.pkg, name: r.name, base: base.name, ratio: v / bv}
		if unit != "ns/op" {
			rw.unit = unit
		}
		rw.bytes = vs(r, base, "B/op")
		rw.allocs = vs(r, base, "allocs/op")
		rows = append(rows, rw)
	}
	return rows
}

func isBaseline(name string) bool {
	if _, leaf, ok := cutLast(name); ok {
		if l := strings.ToLower(leaf); l == "raw" || l == "baseline" {
			return true
		}
	}
	top, _, _ := strings.Cut(name, "/")
	return strings.HasPrefix(top, "Raw") || strings.HasSuffix(top, "Baseline")
}

func cutLast(name string) (parent, leaf string, ok bool) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

func vs(r, base *result, unit string) string {
	a, ok1 := r.median(unit)
	b, ok2 := base.median(unit)
	if !ok1 || !ok2 {
		return ""
	}
	return strconv.FormatFloat(a, 'f', -1, 64) + " vs " + strconv.FormatFloat(b, 'f', -1, 64)
}

func print(w io.Writer, rows []row) {
	fmt.Fprintln(w, "Ratios to the baseline, same run (time per op unless a metric is named; 1.00x = as good, lower is better):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tBENCHMARK\tBASELINE\tRATIO\tB/OP\tALLOCS/OP")
	for _, r := range rows {
		base := r.base
		if r.reported {
			base = "(reported by the benchmark)"
		}
		pkg := strings.TrimPrefix(r.pkg, "github.com/otpgo/otpgo/")
		ratio := fmt.Sprintf("%.2fx", r.ratio)
		if r.unit != "" {
			ratio += " " + r.unit
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", pkg, r.name, base, ratio, r.bytes, r.allocs)
	}
	tw.Flush()
}
