package seqdiag

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// A trace file is JSON lines: a header line {"dropped":N}, then one event
// per line. It is written by a test binary running the learner's code, so
// the reader treats it as hostile: bounded in size, lines, events and
// string lengths, with no recursion.

// Limits on a trace file.
const (
	MaxFileBytes = 64 << 20
	MaxLineBytes = 4 << 10
	MaxEvents    = 1 << 18
	maxString    = 512
)

type fileHeader struct {
	Dropped uint64 `json:"dropped"`
}

type fileEvent struct {
	Seq    uint64 `json:"seq"`
	At     int64  `json:"at_ns"`
	Kind   string `json:"kind"`
	PID    uint64 `json:"pid,omitempty"`
	Peer   uint64 `json:"peer,omitempty"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type,omitempty"`
	Value  string `json:"value,omitempty"`
	Msg    uint64 `json:"msg,omitempty"`
	Wait   int64  `json:"wait_ns,omitempty"`
	Reason string `json:"reason,omitempty"`
	Site   string `json:"site,omitempty"`
	Fake   bool   `json:"fake_clock,omitempty"`
}

// Write writes log as JSON lines.
func Write(w io.Writer, log actor.TraceLog) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(fileHeader{Dropped: log.Dropped}); err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	for _, ev := range log.Events {
		fe := fileEvent{Seq: ev.Seq, At: int64(ev.At), Kind: ev.Kind.String(), PID: ev.PID, Peer: ev.Peer,
			Name: clip(ev.Name), Type: clip(ev.Type), Value: clip(ev.Value), Msg: ev.Msg, Wait: int64(ev.Wait), Reason: clip(ev.Reason), Site: clip(ev.Site), Fake: ev.FakeClock}
		if err := enc.Encode(fe); err != nil {
			return fmt.Errorf("write trace: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	return nil
}

func clip(s string) string {
	if len(s) > maxString {
		return s[:maxString]
	}
	return s
}

// ErrBadTrace is wrapped by Read's errors about the file's content.
var ErrBadTrace = errors.New("bad trace file")

// Read reads a trace file written by Write, refusing one over
// MaxFileBytes, a line over MaxLineBytes, more than MaxEvents events, an
// unknown kind or an over-long string.
func Read(r io.Reader) (actor.TraceLog, error) {
	var log actor.TraceLog
	br := bufio.NewReaderSize(io.LimitReader(r, MaxFileBytes+1), 64<<10)
	var total int64
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		total += int64(len(line)) + 1
		if total > MaxFileBytes {
			return log, fmt.Errorf("%w: larger than %d bytes", ErrBadTrace, MaxFileBytes)
		}
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return log, fmt.Errorf("%w: line %d: %w", ErrBadTrace, lineNo, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if lineNo == 1 {
			var h fileHeader
			if err := strictDecode(line, &h); err != nil {
				return log, fmt.Errorf("%w: header: %w", ErrBadTrace, err)
			}
			log.Dropped = h.Dropped
			continue
		}
		if len(log.Events) >= MaxEvents {
			return log, fmt.Errorf("%w: more than %d events", ErrBadTrace, MaxEvents)
		}
		var fe fileEvent
		if err := strictDecode(line, &fe); err != nil {
			return log, fmt.Errorf("%w: line %d: %w", ErrBadTrace, lineNo, err)
		}
		ev, err := fe.event()
		if err != nil {
			return log, fmt.Errorf("%w: line %d: %w", ErrBadTrace, lineNo, err)
		}
		log.Events = append(log.Events, ev)
	}
	return log, nil
}

// readLine returns the next line without its newline, failing on one
// longer than MaxLineBytes instead of buffering it.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLineBytes {
			return nil, fmt.Errorf("longer than %d bytes", MaxLineBytes)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(line, []byte("\n")), err
	}
}

// strictDecode decodes one flat JSON object (the types have no nesting,
// so the decoder cannot recurse deeply) and refuses trailing data.
func strictDecode(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the object")
	}
	return nil
}

func (fe fileEvent) event() (actor.TraceEvent, error) {
	k, ok := actor.ParseTraceKind(fe.Kind)
	if !ok {
		return actor.TraceEvent{}, fmt.Errorf("unknown event kind %q", clip(fe.Kind))
	}
	for _, s := range []string{fe.Name, fe.Type, fe.Value, fe.Reason, fe.Site} {
		if len(s) > maxString {
			return actor.TraceEvent{}, fmt.Errorf("a string longer than %d bytes", maxString)
		}
	}
	if fe.At < 0 || fe.Wait < 0 {
		return actor.TraceEvent{}, errors.New("a negative time")
	}
	return actor.TraceEvent{Seq: fe.Seq, At: time.Duration(fe.At), Kind: k, PID: fe.PID, Peer: fe.Peer,
		Name: fe.Name, Type: fe.Type, Value: fe.Value, Msg: fe.Msg, Wait: time.Duration(fe.Wait), Reason: fe.Reason, Site: fe.Site, FakeClock: fe.Fake}, nil
}

// ReadFile reads the trace file at path (see Read).
func ReadFile(path string) (actor.TraceLog, error) {
	f, err := os.Open(path)
	if err != nil {
		return actor.TraceLog{}, fmt.Errorf("read trace: %w", err)
	}
	defer f.Close()
	log, err := Read(f)
	if err != nil {
		return log, fmt.Errorf("read trace %s: %w", path, err)
	}
	return log, nil
}

// The environment a test binary reads to record a trace (set by
// `otpgo trace`; see RecordFromEnv).
const (
	EnvFile     = "OTPGO_TRACE"          // where to write the trace
	EnvDeadline = "OTPGO_TRACE_DEADLINE" // a Go duration: write what was recorded by then, in case the test hangs
)

// RecordFromEnv starts tracing if EnvFile is set, and arms a timer that
// writes the trace after EnvDeadline, so a test that hangs until go
// test's timeout still leaves its trace. It starts no goroutine (the
// hidden tests check for leaks). A test binary calls it from init.
func RecordFromEnv() {
	path := os.Getenv(EnvFile)
	if path == "" {
		return
	}
	actor.StartTrace(0)
	if d, err := time.ParseDuration(os.Getenv(EnvDeadline)); err == nil && d > 0 {
		time.AfterFunc(d, func() { _ = WriteFile(path, actor.TraceSnapshot().WithAlive()) })
	}
}

// DumpFromEnv writes the trace recorded so far to EnvFile's path; it does
// nothing if EnvFile is unset. An empty trace does not replace a file
// already there: after a hang, go test runs the remaining tests (this
// hook's) in a new binary, which must not erase what the hung one wrote.
func DumpFromEnv() error {
	path := os.Getenv(EnvFile)
	if path == "" {
		return nil
	}
	log := actor.TraceSnapshot().WithAlive()
	if len(log.Events) == 0 {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
	}
	return WriteFile(path, log)
}

// WriteFile writes log to path through a temporary file and a rename, so
// a reader never sees half a trace.
func WriteFile(path string, log actor.TraceLog) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := Write(tmp, log); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	return nil
}

// HookSource returns the Go source of the file `otpgo trace` injects
// into a chapter's package (named pkg) beside the hidden tests: it starts
// the recorder in init, and its test, HookTest, run last, writes the
// trace.
func HookSource(pkg string) []byte {
	return []byte("package " + pkg + `

import (
	"testing"

	"github.com/otpgo/otpgo/internal/seqdiag"
)

func init() { seqdiag.RecordFromEnv() }

func ` + HookTest + `(t *testing.T) {
	if err := seqdiag.DumpFromEnv(); err != nil {
		t.Fatal(err)
	}
}
`)
}

// HookTest is the name of the test in HookSource.
const HookTest = "TestOtpgoTraceDump"
