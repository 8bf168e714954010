// Command start is the trainer's `otpgo class start`: the class board's
// server (internal/class/host). otpgo builds it from the checkout when the
// trainer runs the command, so that net/http and crypto/tls weigh only on
// the trainer's machine, never on an attendee's first build of otpgo:
//
//	go run ./internal/class/start -dir .otpgo/class -addr 0.0.0.0:7421 < chapters.json
//
// It reads the course's chapters (JSON, []class.ChapterInfo) on stdin.
// Ctrl-C, SIGTERM or SIGHUP stops it; exit status 2 is a bad flag, bad
// chapters or a class it cannot start, with the reason on stderr.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/otpgo/otpgo/internal/class"
	"github.com/otpgo/otpgo/internal/class/host"
)

// maxChapters bounds the chapters read on stdin.
const maxChapters = 4 << 20

func main() {
	runtime.GOMAXPROCS(host.ServerProcs)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("otpgo class start", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o host.Options
	fl.StringVar(&o.Dir, "dir", "", "the class's store (.otpgo/class of the checkout)")
	fl.StringVar(&o.ShowDir, "show-dir", "", "the store as the trainer reads it (default: -dir)")
	fl.StringVar(&o.Addr, "addr", "", "HOST:PORT to serve on (required)")
	fl.BoolVar(&o.Fresh, "new", false, "start a new class: new join code, old log kept aside")
	fl.BoolVar(&o.Open, "open", false, "open the board in a browser")
	fl.DurationVar(&o.StuckAfter, "stuck-after", class.DefaultStuckAfter, "mark an attendee stuck when a step fails for this long")
	fl.IntVar(&o.StuckAttempts, "stuck-attempts", class.DefaultStuckAttempts, "... or after this many failing checks")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if o.Dir == "" || o.Addr == "" {
		fmt.Fprintln(stderr, "otpgo class start: -dir and -addr are required")
		return 2
	}
	if o.ShowDir == "" {
		o.ShowDir = o.Dir
	}
	data, err := io.ReadAll(io.LimitReader(stdin, maxChapters+1))
	if err == nil && len(data) > maxChapters {
		err = fmt.Errorf("more than %d bytes", maxChapters)
	}
	if err == nil {
		err = json.Unmarshal(data, &o.Chapters)
	}
	if err != nil {
		fmt.Fprintf(stderr, "otpgo class start: read the course's chapters on stdin: %v\n", err)
		return 2
	}
	if err := host.Start(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "otpgo class start: %v\n", err)
		return 2
	}
	return 0
}
