// Command tracecost measures what internal/actor's tracing costs, as
// ratios from one run: Send, SendSelf and Call with tracing off beside
// the same runtime built without the tracing code path (-tags
// actor_notrace, where the hooks are empty), and with tracing on beside
// tracing off. It builds the package's test binary both ways and runs
// them in turn, round after round, so a load that comes and goes weighs
// on both alike; each ratio is the median of the rounds' ratios.
// `make bench-trace` runs it (about a minute):
//
//	go run ./scripts/tracecost -rounds 10
//
// Ctrl-C, TERM or HUP stops it and removes its temp dir.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runTimeout bounds one benchmark run of one binary.
const runTimeout = 2 * time.Minute

// pairs are the ratios reported: name, numerator, denominator and the
// binary each comes from.
var pairs = []struct {
	name           string
	num, den       string
	numBin, denBin string
}{
	{"Send, tracing off / no tracing code", "Send", "Send", "trace", "notrace"},
	{"SendSelf, tracing off / no tracing code", "SendSelf", "SendSelf", "trace", "notrace"},
	{"Call, tracing off / no tracing code", "Call", "Call", "trace", "notrace"},
	{"Send, tracing on / off", "SendTraced", "Send", "trace", "trace"},
	{"SendSelf, tracing on / off", "SendSelfTraced", "SendSelf", "trace", "trace"},
	{"Call, tracing on / off", "CallTraced", "Call", "trace", "trace"},
}

func main() {
	rounds := flag.Int("rounds", 10, "runs of each binary, alternating")
	benchtime := flag.Duration("benchtime", 200*time.Millisecond, "go test -benchtime of each benchmark in a run")
	flag.Parse()
	if *rounds < 1 || *benchtime <= 0 {
		fmt.Fprintln(os.Stderr, "tracecost: -rounds and -benchtime must be positive")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := run(ctx, *rounds, *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "tracecost:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, rounds int, benchtime time.Duration) error {
	dir, err := os.MkdirTemp("", "tracecost-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bins := map[string]string{"trace": filepath.Join(dir, "trace.test"), "notrace": filepath.Join(dir, "notrace.test")}
	for name, tags := range map[string]string{"trace": "", "notrace": "actor_notrace"} {
		cmd := exec.CommandContext(ctx, "go", "test", "-c", "-tags="+tags, "-o", bins[name], "./internal/actor")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building the %s test binary: %w", name, err)
		}
	}
	// ratios[i] holds pair i's ratio in each round.
	ratios := make([][]float64, len(pairs))
	for round := range rounds {
		got := map[string]map[string]float64{}
		order := []string{"notrace", "trace"}
		if round%2 == 1 {
			order = []string{"trace", "notrace"}
		}
		for _, name := range order {
			ns, err := bench(ctx, bins[name], benchtime)
			if err != nil {
				return fmt.Errorf("%s binary: %w", name, err)
			}
			got[name] = ns
		}
		for i, p := range pairs {
			num, den := got[p.numBin][p.num], got[p.denBin][p.den]
			if num == 0 || den == 0 {
				return fmt.Errorf("round %d: no result for %s or %s", round+1, p.num, p.den)
			}
			ratios[i] = append(ratios[i], num/den)
		}
		fmt.Fprintf(os.Stderr, "round %d/%d done\n", round+1, rounds)
	}
	fmt.Printf("%-42s %8s %8s %8s   (median of %d rounds; min, max)\n", "", "ratio", "min", "max", rounds)
	for i, p := range pairs {
		r := slices.Clone(ratios[i])
		slices.Sort(r)
		fmt.Printf("%-42s %8.3f %8.3f %8.3f\n", p.name, median(r), r[0], r[len(r)-1])
	}
	return nil
}

// bench runs bin's Send, SendSelf and Call benchmarks, traced and not,
// and returns ns/op by name (without "Benchmark" and the -N suffix).
func bench(ctx context.Context, bin string, benchtime time.Duration) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^$",
		"-test.bench=^Benchmark(Send|SendSelf|Call)(Traced)?$", "-test.benchtime="+benchtime.String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, out.Bytes())
	}
	return parse(&out)
}

// parse reads `go test -bench` lines: "BenchmarkSend-2  1000  75.1 ns/op".
func parse(out *bytes.Buffer) (map[string]float64, error) {
	ns := map[string]float64{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("bad result line %q: %w", sc.Text(), err)
		}
		ns[name] = v
	}
	if len(ns) == 0 {
		return nil, errors.New("no benchmark results")
	}
	return ns, sc.Err()
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
