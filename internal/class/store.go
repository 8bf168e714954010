package class

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Files of the trainer's store, in <checkout>/.otpgo/class/.
const (
	SessionFile = "session.json" // join code, trainer's secret (mode 0600)
	LogFile     = "events.log"   // the append-only event log, one JSON object a line
	maxLogLine  = 2 * MaxBody    // a line holds at most one report, diff included
)

// Session is the trainer's class: what `class start` reuses after a
// restart, so codes, tokens and the board survive it.
type Session struct {
	ID      string    `json:"id"`
	Code    string    `json:"code"`
	Secret  string    `json:"secret"`
	Created time.Time `json:"created"`
}

// ReadSession reads dir's session without creating one; ok is false when
// there is none (no class was started in this checkout).
func ReadSession(dir string) (s Session, ok bool) {
	data, err := os.ReadFile(filepath.Join(dir, SessionFile))
	if err != nil || len(data) > 4096 || json.Unmarshal(data, &s) != nil || s.ID == "" {
		return Session{}, false
	}
	return s, true
}

// Event is one line of the log.
type Event struct {
	Type      string    `json:"t"` // "join" or "report"
	At        time.Time `json:"at"`
	Attendee  string    `json:"a"`
	Name      string    `json:"name,omitempty"` // join
	TokenHash string    `json:"tok,omitempty"`  // join
	Report    *Update   `json:"r,omitempty"`    // report
}

// Log appends events to the log file. Each Append is one write(2) of
// whole lines, done before the server answers: a process killed after it
// loses nothing (the kernel has the bytes). It does not fsync: a power
// cut may lose the last seconds, which the attendees' queues then resend
// only if they have not dropped them; a classroom accepts that.
type Log struct {
	mu  sync.Mutex
	f   *os.File
	buf bytes.Buffer
}

// OpenLog opens dir's log for appending, creating it.
func OpenLog(dir string) (*Log, error) {
	f, err := os.OpenFile(filepath.Join(dir, LogFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the class log: %w", err)
	}
	return &Log{f: f}, nil
}

// Append writes events as one write.
func (l *Log) Append(evs ...Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
	enc := json.NewEncoder(&l.buf)
	for i := range evs {
		if err := enc.Encode(&evs[i]); err != nil {
			return fmt.Errorf("encode a class event: %w", err)
		}
	}
	if _, err := l.f.Write(l.buf.Bytes()); err != nil {
		return fmt.Errorf("append to the class log: %w", err)
	}
	return nil
}

// Close closes the file.
func (l *Log) Close() error { return l.f.Close() }

// Replay calls fn for each event of dir's log, in order. A line that does
// not decode (a write cut by a crash, a hand edit) is skipped and
// counted. With repair, a cut last line is truncated away so that the
// next append starts a clean line. A missing log is an empty one.
func Replay(dir string, repair bool, fn func(Event)) (skipped int, err error) {
	p := filepath.Join(dir, LogFile)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("open the class log: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var good int64 // bytes up to the end of the last whole line
	for {
		line, n, err := readLine(r, maxLogLine)
		whole := n > 0 && (err == nil || errors.Is(err, errLongLine))
		switch {
		case whole:
			good += n
			var ev Event
			if line != nil && json.Unmarshal(line, &ev) == nil && ev.Attendee != "" {
				fn(ev)
			} else {
				skipped++
			}
		case n > 0: // no newline: a write cut by a crash
			skipped++
			if repair {
				if err := os.Truncate(p, good); err != nil {
					return skipped, fmt.Errorf("repair the class log: %w", err)
				}
			}
		}
		if err == io.EOF {
			return skipped, nil
		}
		if err != nil && !errors.Is(err, errLongLine) {
			return skipped, fmt.Errorf("read the class log: %w", err)
		}
	}
}

var errLongLine = errors.New("line too long")

// readLine reads one line and the bytes it took, newline included. A
// line over max is consumed whole and returned as nil with errLongLine.
func readLine(r *bufio.Reader, max int) (line []byte, n int64, err error) {
	long := false
	for {
		chunk, err := r.ReadSlice('\n')
		n += int64(len(chunk))
		if !long && len(line)+len(chunk) <= max {
			line = append(line, chunk...)
		} else {
			long, line = true, nil
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if long && err == nil {
			return nil, n, errLongLine
		}
		return line, n, err
	}
}
