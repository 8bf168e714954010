package host

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"runtime"
	"time"

	"github.com/otpgo/otpgo/internal/class"
)

// Options are what `otpgo class start` asks for.
type Options struct {
	Dir           string // the store: <checkout>/.otpgo/class
	ShowDir       string // Dir as the trainer reads it (relative to the checkout)
	Chapters      []class.ChapterInfo
	Addr          string // HOST:PORT to listen on
	Fresh         bool   // a new class: new code, old log kept aside
	Open          bool   // open the board in a browser
	StuckAfter    time.Duration
	StuckAttempts int
}

// ServerProcs is the GOMAXPROCS of the board server's process. It serves
// a room's small requests (200 attendees reporting every second is 200 a
// second); with one P, idle Ps no longer spin looking for work and wake
// each other, which was a third of its CPU, and the trainer's own checks
// keep the other cores.
const ServerProcs = 1

// Start opens (or creates) the class in o.Dir, prints the line attendees
// type to join and the trainer's board URL on out, and serves until ctx
// is done; warnings go to errOut.
func Start(ctx context.Context, o Options, out, errOut io.Writer) error {
	sess, created, err := OpenSession(o.Dir, o.Fresh, time.Now())
	if err != nil {
		return err
	}
	srv, err := NewServer(Config{Dir: o.Dir, Chapters: o.Chapters, StuckAfter: o.StuckAfter, StuckAttempts: o.StuckAttempts,
		Warn: func(msg string) { fmt.Fprintln(errOut, msg) }}, sess)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another class running? pick another port with --addr)", o.Addr, err)
	}
	hosts := joinHosts(ln.Addr().(*net.TCPAddr))
	if created {
		fmt.Fprintln(out, "A new class. Attendees join with:")
	} else {
		fmt.Fprintf(out, "The class resumes (%d attendee(s) so far; otpgo class start --new for a new one). Attendees join with:\n", srv.Stats().Attendees)
	}
	for _, h := range hosts {
		fmt.Fprintf(out, "\n    otpgo class join %s %s --name \"Your Name\"\n", h, sess.Code)
	}
	if ln.Addr().(*net.TCPAddr).IP.IsLoopback() {
		fmt.Fprintln(out, "\n(loopback only: attendees on other laptops need --addr 0.0.0.0:PORT)")
	}
	board := "http://" + hosts[0] + srv.BoardPath()
	fmt.Fprintf(out, "\nYour board (keep this URL to yourself): %s\nIn a terminal: otpgo class board. Ctrl-C stops; reports stay in %s.\n", board, o.ShowDir)
	if o.Open {
		openBrowser(ctx, board)
	}
	return Serve(ctx, ln, srv.Handler())
}

// joinHosts lists the HOST:PORTs attendees can use: the listening
// address, or each LAN address when listening on all of them.
func joinHosts(l *net.TCPAddr) []string {
	port := fmt.Sprint(l.Port)
	if !l.IP.IsUnspecified() {
		return []string{net.JoinHostPort(l.IP.String(), port)}
	}
	var out []string
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, ad := range addrs {
			if ipn, ok := ad.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
				out = append(out, net.JoinHostPort(ipn.IP.String(), port))
			}
		}
	}
	return append(out, net.JoinHostPort("127.0.0.1", port))
}

// openBrowser asks the desktop to open url, without waiting for it; the
// opener gets ten seconds.
func openBrowser(ctx context.Context, url string) {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		return // printing the URL is enough
	}
	if _, err := exec.LookPath(name); err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	c := exec.CommandContext(ctx, name, url)
	if c.Start() != nil {
		cancel()
		return
	}
	go func() { c.Wait(); cancel() }()
}
