// Command table runs this module's benchmarks and prints a markdown table of
// the medians, each with its ratio to raw Go.
//
// Run it from the benchmarks directory:
//
//	go run ./cmd/table              # go test -run '^$' -bench . -benchmem -count 5 ./...
//	go run ./cmd/table -in out.txt  # tabulate a saved `go test -bench` output
//
// The benchmark output streams to stderr as it comes, so a long run shows
// progress; the table goes to stdout.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
}

func run() error {
	count := flag.Int("count", 5, "runs of each benchmark; the table shows the median")
	benchtime := flag.String("benchtime", "", "passed to go test -benchtime when set (e.g. 2s)")
	pattern := flag.String("bench", ".", "passed to go test -bench")
	in := flag.String("in", "", "tabulate this saved go test output instead of running the benchmarks")
	save := flag.String("save", "", "also write the raw go test output to this file")
	flag.Parse()

	var out []byte
	command := ""
	loadBefore := loadavg()
	if *in != "" {
		b, err := os.ReadFile(*in)
		if err != nil {
			return fmt.Errorf("read saved output: %w", err)
		}
		out = b
	} else {
		args := []string{"test", "-run", "^$", "-bench", *pattern, "-benchmem", "-count", fmt.Sprint(*count), "-timeout", "30m"}
		if *benchtime != "" {
			args = append(args, "-benchtime", *benchtime)
		}
		args = append(args, "./...")
		command = shellJoin(append([]string{"go"}, args...))
		fmt.Fprintf(os.Stderr, "running %s (load average %s)\n", command, loadBefore)
		var err error
		out, err = goTest(args)
		if err != nil {
			// A failed sub-benchmark (say, otpgo mid-implementation) still
			// leaves the others' results: tabulate what there is.
			fmt.Fprintf(os.Stderr, "table: %v; tabulating the results that came back\n", err)
		}
	}
	if *save != "" {
		if err := os.WriteFile(*save, out, 0o644); err != nil {
			return fmt.Errorf("save output: %w", err)
		}
	}

	res, err := parse(bytes.NewReader(out))
	if err != nil {
		return fmt.Errorf("parse benchmark output: %w", err)
	}
	if len(res.samples) == 0 {
		return fmt.Errorf("no benchmark results in the output: run from the benchmarks directory")
	}
	fmt.Printf("%s, %s, GOMAXPROCS %d, %s", time.Now().Format("2006-01-02"), runtime.Version(), runtime.GOMAXPROCS(0), res.cpu)
	if command != "" {
		fmt.Printf(", load average %s before, %s after\n`%s`\n\n", loadBefore, loadavg(), command)
	} else {
		fmt.Printf(", from %s\n\n", *in)
	}
	fmt.Print(markdown(res))
	return nil
}

// goTest runs go with args, copying its output to stderr as it arrives, and
// stops it cleanly on Ctrl-C.
func goTest(args []string) ([]byte, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cmd := exec.CommandContext(ctx, "go", args...)
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
	cmd.Stderr = os.Stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("go test: %w", err)
	}
	return buf.Bytes(), err
}

// loadavg is the 1, 5 and 15 minute load averages, or "unknown".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// shellJoin quotes what a shell would otherwise interpret, so the printed
// command can be pasted back.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$*?[] '\"\\|&;<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
