package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/otpgo/otpgo/internal/present"
)

// style colours text when colour is on and leaves it plain otherwise. It is
// deliberately tiny: ANSI SGR codes, no terminal queries.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) bold(t string) string   { return s.wrap("1", t) }
func (s style) dim(t string) string    { return s.wrap("2", t) }
func (s style) green(t string) string  { return s.wrap("32", t) }
func (s style) red(t string) string    { return s.wrap("31", t) }
func (s style) yellow(t string) string { return s.wrap("33", t) }
func (s style) cyan(t string) string   { return s.wrap("36", t) }

func (a *App) style() style    { return style{on: a.Color()} }
func (a *App) errStyle() style { return style{on: a.errColor()} }

// bar draws a progress bar of width cells, done of total filled.
func bar(done, total, width int) string {
	if total <= 0 {
		return strings.Repeat("░", width)
	}
	filled := done * width / total
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// percent is done/total as a whole percentage.
func percent(done, total int) int {
	if total == 0 {
		return 0
	}
	return done * 100 / total
}

// activity tells the user, on stderr, that something slow is under way:
// a spinner redrawn in place on a terminal, one plain line otherwise.
// Never silent, and never an escape code in a log file.
type activity struct {
	w      io.Writer
	tty    bool
	mu     sync.Mutex
	text   string
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// startActivity starts showing text; call stop when done.
func (a *App) startActivity(text string) *activity {
	act := &activity{w: a.Err, tty: a.IsTerminal(a.Err) && a.Getenv("TERM") != "dumb", text: text}
	if !act.tty {
		fmt.Fprintln(act.w, text)
		return act
	}
	act.stop, act.done = make(chan struct{}), make(chan struct{})
	go act.spin()
	return act
}

// spin redraws the line in place with a carriage return and pads over the
// previous text with spaces: no escape codes, so NO_COLOR terminals and
// terminals without ANSI support are fine too.
func (act *activity) spin() {
	defer close(act.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	width := 0
	draw := func(line string) {
		n := utf8.RuneCountInString(line)
		fmt.Fprint(act.w, "\r"+line+strings.Repeat(" ", max(0, width-n)))
		width = n
	}
	start := time.Now()
	for i := 0; ; i++ {
		act.mu.Lock()
		draw(spinnerFrames[i%len(spinnerFrames)] + " " + act.text + elapsed(time.Since(start)))
		act.mu.Unlock()
		select {
		case <-act.stop:
			act.mu.Lock()
			draw("")
			fmt.Fprint(act.w, "\r")
			act.mu.Unlock()
			return
		case <-t.C:
		}
	}
}

// elapsed is how long an activity has run, said once it is long enough
// to wonder whether anything still happens (a test that hangs runs to
// its step's limit): " 12s".
func elapsed(d time.Duration) string {
	if d < 3*time.Second {
		return ""
	}
	return fmt.Sprintf(" %ds", int(d.Seconds()))
}

// set changes the text: redrawn on a terminal, a new line otherwise.
func (act *activity) set(text string) {
	act.mu.Lock()
	defer act.mu.Unlock()
	if act.closed || text == act.text {
		return
	}
	act.text = text
	if !act.tty {
		fmt.Fprintln(act.w, text)
	}
}

// stopActivity clears the spinner line; safe to call twice.
func (act *activity) stopActivity() {
	act.mu.Lock()
	if act.closed {
		act.mu.Unlock()
		return
	}
	act.closed = true
	act.mu.Unlock()
	if act.tty {
		close(act.stop)
		<-act.done
	}
}

// indent prefixes every line of s with prefix.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// wrapLines wraps each line of s to width (wrapText), keeping the lines
// apart and each one's indent on its continuation lines.
func wrapLines(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if utf8.RuneCountInString(l) <= width {
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		lines[i] = indent(wrapText(l, max(width-len(lead), 10)), lead)
	}
	return strings.Join(lines, "\n")
}

// wrapText wraps s at width columns (by words, counted in runes), for
// hints and failure messages.
func wrapText(s string, width int) string {
	var out, line strings.Builder
	n := 0 // runes in line
	for _, w := range strings.Fields(s) {
		wn := utf8.RuneCountInString(w)
		if n > 0 && n+1+wn > width {
			out.WriteString(line.String() + "\n")
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(w)
		n += wn
	}
	out.WriteString(line.String())
	return out.String()
}

// lessonStyle is GLAMOUR_STYLE if set, else light or dark from COLORFGBG
// (set by many terminals), else dark. No terminal query: one can stall
// for seconds.
func (a *App) lessonStyle() present.Style {
	if s := a.Getenv("GLAMOUR_STYLE"); s != "" {
		return present.ParseStyle(s)
	}
	if fgbg := a.Getenv("COLORFGBG"); fgbg != "" {
		parts := strings.Split(fgbg, ";")
		switch parts[len(parts)-1] {
		case "7", "15":
			return present.Light
		}
	}
	return present.Dark
}

// buildProgress says, on a terminal every second, how long go run has been
// building, until the program writes its first byte (then the build is
// over), and after that passes output through.
type buildProgress struct {
	a       *App
	what    string
	started time.Time
	mu      sync.Mutex
	spoke   bool // the program (or go, with an error) wrote something
	done    chan struct{}
	once    sync.Once
	// lineOpen: a progress line without its newline is on stderr.
	lineOpen bool
}

func (b *buildProgress) writer(w io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if !b.spoke {
			b.spoke = true
			b.endLine()
			fmt.Fprintf(b.a.Err, "Built in %.1fs.\n", b.a.Now().Sub(b.started).Seconds())
		}
		return w.Write(p)
	})
}

// tick redraws "building for Ns" once a second on a terminal until the
// program speaks or stop is called.
func (b *buildProgress) tick() {
	if !b.a.IsTerminal(b.a.Err) {
		<-b.done
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-t.C:
		}
		b.mu.Lock()
		if !b.spoke {
			fmt.Fprintf(b.a.Err, "\r  %s: building for %ds", b.what, int(b.a.Now().Sub(b.started).Seconds()))
			b.lineOpen = true
		}
		b.mu.Unlock()
	}
}

func (b *buildProgress) stop() {
	b.once.Do(func() { close(b.done) })
	b.mu.Lock()
	b.endLine()
	b.mu.Unlock()
}

func (b *buildProgress) endLine() {
	if b.lineOpen {
		fmt.Fprintln(b.a.Err)
		b.lineOpen = false
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
