package actor

import (
	"bytes"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// WithAlive returns log with, after its last event, a TraceAlive event
// for each process of the log still alive, its Status as the Reason and,
// while the trace is recording, where its goroutine is as the Site: when
// a test hangs, the ones stuck and the line they are stuck on; after a
// test, the ones it left behind. A trace's writer calls it
// (internal/seqdiag).
func (log TraceLog) WithAlive() TraceLog {
	if len(log.Events) == 0 {
		return log
	}
	traced := make(map[uint64]bool)
	for _, ev := range log.Events {
		traced[ev.PID], traced[ev.Peer] = true, true
	}
	alive := procs.list(func(p *Process) bool { return traced[p.id] })
	var sites map[uint64]string
	if r := tracer.Load(); r != nil && len(alive) > 0 {
		sites = r.aliveSites()
	}
	log.Events = slices.Clip(log.Events) // append below must not write into the caller's array
	last := log.Events[len(log.Events)-1]
	for _, p := range alive {
		last.Seq++
		log.Events = append(log.Events, TraceEvent{Seq: last.Seq, At: last.At, FakeClock: last.FakeClock,
			Kind: TraceAlive, PID: p.id, Reason: p.info().Status.String(), Site: sites[p.id]})
	}
	return log
}

// stackDumpMax bounds the dump of every goroutine's stack that
// aliveSites reads: past it the dump is cut, and the processes whose
// stacks fell off it go without a site.
const stackDumpMax = 16 << 20

// aliveSites returns, by process id, where each process's goroutine is
// now (for the processes whose goroutine the trace saw start), from a
// dump of every goroutine's stack: what the runtime's own goroutine
// dump shows, which reaches goroutines that runtime.Callers cannot. The
// dump stops the world for a moment; a trace's writer asks once.
func (r *recorder) aliveSites() map[uint64]string {
	procOf := make(map[uint64]uint64) // goroutine id -> process id
	r.gor.each(func(g, pid uint64) { procOf[g] = pid })
	if len(procOf) == 0 {
		return nil
	}
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= stackDumpMax {
			return stackSites(buf[:n], procOf)
		}
		buf = make([]byte, 2*len(buf))
	}
}

// stackSites reads a goroutine dump (runtime.Stack's format) and returns,
// by process id (procOf maps goroutine ids to them), the site of each
// process's goroutine: its innermost frame outside the standard library
// and this package, as "pkg.Func (file.go:line)". That is the learner's
// line the process is blocked or running on; a process idle in the
// runtime's own loop (a server between requests) has none. A dump cut
// short, or lines it does not expect, only leave sites out.
func stackSites(dump []byte, procOf map[uint64]uint64) map[uint64]string {
	sites := make(map[uint64]string)
	var pid uint64 // the process of the goroutine being read; 0: not one to read
	var fn string  // the function of the frame being read, before its file line
	for len(dump) > 0 {
		var line []byte
		line, dump, _ = bytes.Cut(dump, []byte("\n"))
		switch {
		case bytes.HasPrefix(line, []byte("goroutine ")):
			pid, fn = 0, ""
			f := bytes.Fields(line)
			if len(f) < 2 {
				continue
			}
			if g, err := strconv.ParseUint(string(f[1]), 10, 64); err == nil {
				pid = procOf[g]
			}
		case pid == 0:
		case bytes.HasPrefix(line, []byte("created by ")):
			pid = 0 // the frames after it are the creator's
		case len(line) > 0 && line[0] == '\t':
			if fn == "" {
				continue
			}
			file, lineNo, ok := frameFile(string(line[1:]))
			if ok && !runtimeOwn(fn, file) {
				sites[pid] = frameSite(fn, file, lineNo)
				pid = 0
			}
			fn = ""
		default:
			fn = frameFunc(string(line))
		}
	}
	return sites
}

// frameFunc is the function of a dump's frame line ("pkg.(*T).M(0x1, ...)"
// or "pkg.F[...](...)"): the line without its arguments.
func frameFunc(line string) string {
	if i := strings.LastIndexByte(line, '('); i > 0 && strings.HasSuffix(line, ")") {
		return line[:i]
	}
	return ""
}

// frameFile reads a dump's file line ("/dir/file.go:23 +0x1d").
func frameFile(s string) (file string, line int, ok bool) {
	s, _, _ = strings.Cut(s, " +0x")
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return s[:i], n, true
}

// runtimeOwn reports whether function fn, written in file, is the
// standard library's (its import path's first element has no dot:
// runtime, sync, internal/...) or this package's but for its tests: never
// where the learner's code waits.
func runtimeOwn(fn, file string) bool {
	if strings.HasPrefix(fn, thisPackage) {
		return !strings.HasSuffix(file, "_test.go")
	}
	slash := strings.LastIndexByte(fn, '/') + 1
	dot := strings.IndexByte(fn[slash:], '.')
	if dot < 0 {
		return false
	}
	pkg := fn[:slash+dot]
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".") && pkg != "main"
}

// frameSite is siteText for a dump's frame. A goroutine stopped in a tight
// loop can be reported at line 1 of its file, where no code is: then the
// line is left out rather than shown wrong.
func frameSite(fn, file string, line int) string {
	if line <= 1 {
		s := siteText(fn, file, 0)
		return strings.TrimSuffix(s, ":0)") + ")"
	}
	return siteText(fn, file, line)
}
