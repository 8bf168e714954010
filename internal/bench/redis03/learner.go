package redis03

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/otpgo/otpgo/internal/procgroup"
)

// WireResult is a Result as the learner command prints it, one JSON object
// per line.
type WireResult struct {
	Contender string `json:"contender"`
	RTTNS     int64  `json:"rtt_ns"`
	Callers   int    `json:"callers"`
	Ops       int64  `json:"ops"`
	ElapsedNS int64  `json:"elapsed_ns"`
	Err       string `json:"err,omitempty"`
}

// Wire converts r for printing.
func Wire(r Result) WireResult {
	w := WireResult{Contender: r.Contender, RTTNS: int64(r.RTT), Callers: r.Callers, Ops: r.Ops, ElapsedNS: int64(r.Elapsed)}
	if r.Err != nil {
		w.Err = r.Err.Error()
	}
	return w
}

// Result converts w back.
func (w WireResult) Result() Result {
	r := Result{Contender: w.Contender, RTT: time.Duration(w.RTTNS), Callers: w.Callers, Ops: w.Ops, Elapsed: time.Duration(w.ElapsedNS)}
	if w.Err != "" {
		r.Err = errors.New(w.Err)
	}
	return r
}

// LearnerPackage is the command RunLearner runs, relative to the checkout.
const LearnerPackage = "./internal/bench/redis03/learner"

// RunLearner measures the learner's clients by running LearnerPackage with
// `go run` in the checkout at root, so that exercises/03_redis is compiled
// as it is now. It calls progress (if not nil) for each result as it comes.
// If the exercise does not compile, the error holds the compiler's message.
// Cancelling ctx kills go run and everything it started.
func RunLearner(ctx context.Context, root string, opts Options, progress func(Result)) ([]Result, error) {
	ns := make([]string, len(opts.Callers))
	for i, n := range opts.Callers {
		ns[i] = strconv.Itoa(n)
	}
	rtts := make([]string, len(opts.RTTs))
	for i, d := range opts.RTTs {
		rtts[i] = d.String()
	}
	cmd := exec.CommandContext(ctx, "go", "run", LearnerPackage,
		"-callers", strings.Join(ns, ","), "-duration", opts.Duration.String(), "-rtts", strings.Join(rtts, ","))
	cmd.Dir = root
	// Its own process group: go run, the compiler and the built program all
	// die together on cancel.
	procgroup.Bind(cmd)
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench 03 --learner: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench 03 --learner: start go run: %w", err)
	}
	var results []Result
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var w WireResult
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
			continue // a stray print from the learner's code
		}
		r := w.Result()
		results = append(results, r)
		if progress != nil {
			progress(r)
		}
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return results, fmt.Errorf("bench 03 --learner: go run %s failed (does exercises/03_redis compile? try `go build ./exercises/03_redis`):\n%s", LearnerPackage, msg)
	}
	return results, nil
}
