package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// maxErrorText bounds what the launcher keeps of go build's messages: a
// broken checkout can print a lot, and the first lines say why.
const maxErrorText = 16 << 10

// progress shows a build's progress on w: on a terminal one line redrawn
// as packages compile and every second; elsewhere (a pipe, CI) a line at
// the start and one at the end, so logs stay short.
type progress struct {
	w        io.Writer
	terminal bool
	total    int // packages the program needs; 0 if unknown
	start    time.Time

	mu       sync.Mutex
	compiled int
	last     string          // the package compiled last
	errText  strings.Builder // what go build printed that is not a package
	shown    bool
}

func newProgress(w io.Writer, terminal bool, total int) *progress {
	p := &progress{w: w, terminal: terminal, total: total, start: time.Now()}
	if !terminal {
		fmt.Fprintln(w, "otpgo: building otpgo from this checkout (only when its code changed; the first time compiles a few hundred packages)...")
	}
	return p
}

// line takes one line of go build -v's stderr: a package's import path
// when it is compiled, anything else a message (an error, "# pkg").
func (p *progress) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s != "" && !strings.ContainsAny(s, " \t:#") {
		p.compiled++
		p.last = s
		p.draw()
		return
	}
	if p.errText.Len()+len(s) < maxErrorText {
		p.errText.WriteString(s + "\n")
	}
}

// tick redraws the line every second (the elapsed time moves even while
// one big package compiles) until done is closed.
func (p *progress) tick(done <-chan struct{}) {
	if !p.terminal {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			p.mu.Lock()
			p.draw()
			p.mu.Unlock()
		}
	}
}

// draw writes the status line; p.mu is held.
func (p *progress) draw() {
	if !p.terminal {
		return
	}
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[Kotpgo: building from this checkout: %s, %s  %s", p.count(), p.elapsed(), p.last)
}

func (p *progress) count() string {
	if p.total > 0 {
		return fmt.Sprintf("%d of at most %d packages", p.compiled, p.total)
	}
	return fmt.Sprintf("%d packages", p.compiled)
}

func (p *progress) elapsed() string {
	return time.Since(p.start).Round(time.Second).String()
}

// finish ends the progress display.
func (p *progress) finish(ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.terminal && p.shown:
		fmt.Fprint(p.w, "\r\033[K")
	case !p.terminal && ok && p.compiled == 0:
		fmt.Fprintf(p.w, "otpgo: built in %s (nothing needed compiling: linked only)\n", p.elapsed())
	case !p.terminal && ok:
		fmt.Fprintf(p.w, "otpgo: built (%d packages compiled) in %s\n", p.compiled, p.elapsed())
	}
}

// errors is what go build printed besides package names.
func (p *progress) errors() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.TrimRight(p.errText.String(), "\n")
}
