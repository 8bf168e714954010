package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// killReason says why the runner ended `go test` early. It is not an
// outcome: it is one of the facts from which a dead binary's Status is
// explained (see testRun.death), and tells a cancelled Run from the rest.
type killReason int

const (
	notKilled    killReason = iota
	killCancel              // the caller's ctx ended (Ctrl-C)
	killDeadline            // the outer deadline passed
	killFlood               // the tests printed more than floodLimit
	killAbort               // the runner could not read the stream
)

// proc is one `go test` in its own process group. go test, the compiler,
// the test binary and anything the learner's code starts share that group,
// so a single kill ends all of them.
type proc struct {
	cmd    *exec.Cmd
	group  *group
	stdout *os.File // read end of go test's stdout (the JSON stream)

	mu     sync.Mutex
	reaped bool       // go test has been waited for and its group killed; never signal again
	why    killReason // the first reason the group was killed
	stderr []byte     // go test's stderr, capped

	stderrR    *os.File      // read end of go test's stderr
	stderrDone chan struct{} // closed when stderr reached EOF
	pipeTimer  *time.Timer   // closes the pipes if they stay open after reap
}

// pipeGrace is how long the pipes may stay open after go test exited and
// its group was killed.
const pipeGrace = 2 * time.Second

// stderrLimit caps what is kept of go test's own stderr (errors about
// go.mod, the toolchain...): the learner's output arrives on stdout as JSON.
const stderrLimit = 16 << 10

// startProc starts `go args...` in dir in a new process group, whose guard
// removes tmp should otpgo be killed. stdout and stderr are plain pipes
// (*os.File), so exec starts no copying goroutines and Wait returns as soon
// as go test exits, even if a grandchild the learner started still holds
// the pipes; reap then kills that grandchild.
func startProc(dir, goPath, tmp string, args, env []string) (*proc, error) {
	g, err := startGroup(tmp)
	if err != nil {
		return nil, fmt.Errorf("start go test: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		g.release()
		return nil, fmt.Errorf("start go test: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		g.release()
		return nil, fmt.Errorf("start go test: %w", err)
	}
	cmd := exec.Command(goPath, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = outW, errW
	g.join(cmd)
	err = cmd.Start()
	// The child has its copies; ours must close or EOF never comes.
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		g.release()
		return nil, fmt.Errorf("start go test: %w", err)
	}
	g.started(cmd.Process)
	p := &proc{cmd: cmd, group: g, stdout: outR, stderrR: errR, stderrDone: make(chan struct{})}
	go p.collectStderr(errR)
	return p, nil
}

func (p *proc) collectStderr(r *os.File) {
	defer close(p.stderrDone)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			p.mu.Lock()
			if room := stderrLimit - len(p.stderr); room > 0 {
				p.stderr = append(p.stderr, buf[:min(n, room)]...)
			}
			p.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// kill ends the whole process group. The first reason is kept. After reap
// it does nothing: the group id could in theory be reused.
func (p *proc) kill(why killReason) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reaped {
		return
	}
	if p.why == notKilled {
		p.why = why
	}
	p.group.kill()
}

// reap waits for go test to exit, then kills whatever is left in its group
// (a process the learner's code started and left behind), so nothing
// outlives Run. It returns go test's exit error (nil for exit status 0).
func (p *proc) reap() error {
	err := p.cmd.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.group.killLeftovers()
	p.reaped = true
	// Everything in the group is dead, so the pipes reach EOF at once;
	// only a process that left the group (setsid) could still hold them.
	// Don't wait for it for ever.
	p.pipeTimer = time.AfterFunc(pipeGrace, func() {
		p.stdout.Close()
		p.stderrR.Close()
	})
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit
	}
	return err
}

// close releases the pipes; call it once the stream has been read.
func (p *proc) close() {
	p.mu.Lock()
	if p.pipeTimer != nil {
		p.pipeTimer.Stop()
	}
	p.mu.Unlock()
	p.stdout.Close()
	<-p.stderrDone
	p.stderrR.Close()
	p.group.release()
}

// killedFor reports why the group was killed early (notKilled if it wasn't).
func (p *proc) killedFor() killReason {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.why
}

// stderrText returns what go test wrote to its stderr (capped). Call it
// after close.
func (p *proc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.stderr)
}

// drain discards the rest of the JSON stream after the runner stopped
// listening (flood, cancel), so go test never blocks on a full pipe before
// the kill lands.
func (p *proc) drain() { _, _ = io.Copy(io.Discard, p.stdout) }
