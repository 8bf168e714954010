// Command redisserver is `otpgo redis`: an embedded Redis (miniredis
// behind a front that reads requests as Redis does) in the foreground.
// otpgo builds it from the checkout on demand, so that miniredis and
// gopher-lua never weigh on otpgo's own cold build:
//
//	go run ./internal/redisserver -addr 127.0.0.1:6379 [-quiet]
//
// Ctrl-C, SIGTERM or SIGHUP stops it: every client is closed, then it says
// "Redis stopped." and exits 0. Exit status 2 is a bad flag or an address
// it cannot listen on, with the reason on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 2 // a bad flag, or the address cannot be listened on
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run serves until ctx is done and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("otpgo redis", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", defaultRedisAddr, "address to listen on (host:port; no host means 127.0.0.1, port 0 picks a free one)")
	quiet := fl.Bool("quiet", false, "do not print the commands the server receives")
	if err := fl.Parse(args); err != nil {
		return exitError
	}
	if err := serve(ctx, redisListenAddr(*addr), *quiet, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "otpgo redis: %v\n", err)
		return exitError
	}
	return exitOK
}

// serve listens on listen and serves until ctx is done.
func serve(ctx context.Context, listen string, quiet bool, out, errOut io.Writer) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return listenError(listen, err)
	}
	if w := exposedWarning(l); w != "" {
		fmt.Fprintln(errOut, w)
	}
	m := miniredis.NewMiniRedis()
	// Dial starts miniredis without a listener of its own: clients
	// reach it only through the front (see front.go).
	c, err := m.Dial()
	if err != nil {
		l.Close()
		return fmt.Errorf("start the embedded Redis: %w", err)
	}
	c.Close()
	bound := l.Addr().String()
	_, port, _ := net.SplitHostPort(bound)
	fmt.Fprintf(out, `Redis (embedded miniredis) is listening on %s. Ctrl-C stops it.

Talk to it:
  redis-cli -p %s ping
  or from Go, with your chapter 03 client:  c, err := redis.StartNonBlocking(%q)

`, bound, port, bound)
	var log server.Hook
	if !quiet { // after the banner: the hook writes to out from the server's goroutines
		log = commandLogger(out)
	}
	m.Server().SetPreHook(func(p *server.Peer, cmd string, args ...string) bool {
		if log != nil {
			log(p, cmd, args...)
		}
		return frontControl(p, cmd, args)
	})
	front := &redisFront{m: m}
	served := make(chan struct{})
	go func() { defer close(served); front.serve(l) }()
	<-ctx.Done()
	l.Close()
	<-served // every client closed, every goroutine of the front returned
	m.Close()
	fmt.Fprintln(out, "Redis stopped.")
	return nil
}

// listenError explains a failure to listen, above all a port in use.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		host, port, _ := net.SplitHostPort(addr)
		return fmt.Errorf("cannot listen on %s: port %s is already in use (a redis-server or another `otpgo redis` running?).\n"+
			"Stop it, or pick another port: otpgo redis --addr %s", addr, port, net.JoinHostPort(host, "6380"))
	}
	return fmt.Errorf("cannot listen on %s: %w\nGive --addr as host:port, e.g. --addr 127.0.0.1:6379", addr, err)
}

// commandLogger prints each command miniredis receives as
// "[conn 2] SET k v", numbering connections in the order they send their
// first command, then lets miniredis handle it.
func commandLogger(w io.Writer) server.Hook {
	var mu sync.Mutex
	ids := map[*server.Peer]int{}
	return func(p *server.Peer, cmd string, args ...string) bool {
		mu.Lock()
		defer mu.Unlock()
		id, ok := ids[p]
		if !ok {
			id = len(ids) + 1
			ids[p] = id
			p.OnDisconnect(func() {
				mu.Lock()
				defer mu.Unlock()
				fmt.Fprintf(w, "[conn %d] closed\n", id)
			})
		}
		switch {
		case cmd == frontEmpty:
			fmt.Fprintf(w, "[conn %d] (an empty command)\n", id)
			return false
		case cmd == frontClose && len(args) > 0:
			fmt.Fprintf(w, "[conn %d] -%s (Redis closes the connection after it)\n", id, args[0])
			return false
		case cmd == frontClose:
			return false // the client is going: OnDisconnect says so
		}
		var b strings.Builder
		name := cmd
		if !isPrintable(name) { // a client's bytes must not drive the terminal
			name = strconv.Quote(name)
		}
		fmt.Fprintf(&b, "[conn %d] %s", id, name)
		for _, arg := range args {
			if len(arg) > 40 {
				arg = arg[:40] + "..."
			}
			fmt.Fprintf(&b, " %q", arg)
		}
		fmt.Fprintln(w, b.String())
		return false
	}
}

// isPrintable reports whether s is printable ASCII without spaces.
func isPrintable(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

// redisListenAddr is where `otpgo redis --addr addr` listens: an address
// without a host ("" or ":6380") means loopback, so that nothing reaches
// this password-less server from the network unless the user names an
// address that can be reached.
func redisListenAddr(addr string) string {
	if addr == "" {
		return defaultRedisAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "" {
		return addr // a bad address is for net.Listen to explain
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// defaultRedisAddr is Redis's own port, on this machine only.
const defaultRedisAddr = "127.0.0.1:6379"

// exposedWarning is the warning for a listener that other machines can
// reach, "" for a loopback one.
func exposedWarning(l net.Listener) string {
	tcp, ok := l.Addr().(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return ""
	}
	where := "an address other machines can reach"
	if tcp.IP.IsUnspecified() {
		where = "every network interface"
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return fmt.Sprintf("warning: listening on %s (%s): anyone who can reach this machine can read and change this Redis, which has no password. To keep it to this machine: otpgo redis --addr 127.0.0.1:%s", l.Addr(), where, port)
}
