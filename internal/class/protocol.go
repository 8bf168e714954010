package class

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what an attendee may send. Everything from the network is
// hostile: the server rejects more, the client truncates to fit.
const (
	MaxBody     = 64 << 10 // bytes of one request body
	MaxBatch    = 64       // reports in one request
	MaxName     = 40       // runes of an attendee's name
	MaxTest     = 120      // runes of a test's name
	MaxMessage  = 300      // runes of a failure message (its first line)
	MaxHandText = 300      // runes of a raised hand's message
	MaxDiff     = 32 << 10 // bytes of a shared diff
)

// Kind is what a report says.
type Kind string

// The kinds of report.
const (
	KindCheck Kind = "check" // a check's verdict on one step
	KindHand  Kind = "hand"  // a raised hand (Message, maybe Diff)
	KindLower Kind = "lower" // the hand is lowered
	KindLeave Kind = "leave" // the attendee left the class
)

// State is what a cell of the board shows for an attendee and a step.
type State int

// The states of a cell. GivenByCatchUp is a step the attendee was given
// (the solution copied in to catch up) rather than solved; a report says
// so with the status "given".
const (
	NotStarted State = iota
	Failing
	Passed
	GivenByCatchUp
)

var stateNames = [...]string{NotStarted: "not started", Failing: "failing", Passed: "passed", GivenByCatchUp: "given by catch-up"}

// String is the state in words.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// MarshalText gives the same word as String.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the word MarshalText writes.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("unknown state %q", clip(string(b), 20))
}

// StatusGiven is the status of a step given by catch-up.
const StatusGiven = "given"

// statuses are the verdict words a check report may carry: the runner's
// Status words, and StatusGiven.
var statuses = map[string]State{
	"passed": Passed, "failed": Failing, "build error": Failing, "panicked": Failing,
	"timed out": Failing, "crashed": Failing, StatusGiven: GivenByCatchUp,
}

// Update is one thing an attendee's otpgo tells the board. Seq numbers an
// attendee's reports from 1: the server keeps those above the last it
// kept, so a report resent from the queue counts once.
type Update struct {
	Seq     uint64    `json:"seq"`
	Kind    Kind      `json:"kind"`
	Step    string    `json:"step,omitempty"`
	Status  string    `json:"status,omitempty"`  // KindCheck: "passed", "failed", "build error", ...
	Test    string    `json:"test,omitempty"`    // the first failing test
	Message string    `json:"message,omitempty"` // its message's first line; a hand's message
	Attempt int       `json:"attempt,omitempty"` // checks of this step so far, this one included
	Hints   int       `json:"hints,omitempty"`   // hints seen for the step
	OnStep  Millis    `json:"on_step_ms,omitempty"`
	At      time.Time `json:"at"`             // the attendee's clock
	Diff    string    `json:"diff,omitempty"` // KindHand with --share: the step's files against its start
}

// Millis is a duration sent as whole milliseconds.
type Millis int64

// Duration converts m.
func (m Millis) Duration() time.Duration { return time.Duration(m) * time.Millisecond }

// ToMillis converts d.
func ToMillis(d time.Duration) Millis { return Millis(d / time.Millisecond) }

// Batch is the body of POST /api/reports.
type Batch struct {
	Reports []Update `json:"reports"`
}

// JoinRequest is the body of POST /api/join.
type JoinRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// JoinReply answers a join.
type JoinReply struct {
	Token    string `json:"token"`
	Attendee string `json:"attendee"`
	Session  string `json:"session"`
}

// ReportsReply answers POST /api/reports: the highest Seq the server holds
// for the attendee; the client drops its queued reports up to it.
type ReportsReply struct {
	LastSeq uint64 `json:"last_seq"`
}

// ErrorReply is the body of every error answer.
type ErrorReply struct {
	Error string `json:"error"`
}

// ErrBadReport is wrapped by every decoding or validation error.
var ErrBadReport = errors.New("bad report")

var stepRE = regexp.MustCompile(`^[a-z0-9]{1,8}\.[0-9]{1,3}$`)

// DecodeBatch reads and validates a batch of at most MaxBatch reports from
// at most MaxBody bytes. known says whether a step ID exists (nil: any
// well-formed ID).
func DecodeBatch(r io.Reader, known func(step string) bool) (Batch, error) {
	var b Batch
	if err := decodeLimited(r, &b); err != nil {
		return Batch{}, err
	}
	if len(b.Reports) == 0 || len(b.Reports) > MaxBatch {
		return Batch{}, fmt.Errorf("%w: %d reports in a batch, want 1 to %d", ErrBadReport, len(b.Reports), MaxBatch)
	}
	for i := range b.Reports {
		if err := b.Reports[i].validate(known); err != nil {
			return Batch{}, fmt.Errorf("%w: report %d: %v", ErrBadReport, i+1, err)
		}
	}
	return b, nil
}

// DecodeJoin reads and validates a join request.
func DecodeJoin(r io.Reader) (JoinRequest, error) {
	var j JoinRequest
	if err := decodeLimited(r, &j); err != nil {
		return JoinRequest{}, err
	}
	name, err := CleanName(j.Name)
	if err != nil {
		return JoinRequest{}, fmt.Errorf("%w: %v", ErrBadReport, err)
	}
	j.Name = name
	if len(j.Code) > 64 {
		return JoinRequest{}, fmt.Errorf("%w: the join code is too long", ErrBadReport)
	}
	return j, nil
}

// decodeLimited decodes one JSON value of at most MaxBody bytes.
// encoding/json does not recurse without bound (it caps nesting), and
// the body is capped, so a hostile body costs at most MaxBody of work.
func decodeLimited(r io.Reader, v any) error {
	lr := &io.LimitedReader{R: r, N: MaxBody + 1}
	dec := json.NewDecoder(lr)
	if err := dec.Decode(v); err != nil {
		if lr.N <= 0 {
			return fmt.Errorf("%w: the body is over %d bytes", ErrBadReport, MaxBody)
		}
		return fmt.Errorf("%w: %v", ErrBadReport, err)
	}
	if lr.N <= 0 {
		return fmt.Errorf("%w: the body is over %d bytes", ErrBadReport, MaxBody)
	}
	return nil
}

func (r *Update) validate(known func(string) bool) error {
	if r.Seq == 0 {
		return errors.New("seq must start at 1")
	}
	switch r.Kind {
	case KindCheck:
		if _, ok := statuses[r.Status]; !ok {
			return fmt.Errorf("unknown status %q", clip(r.Status, 20))
		}
		if r.Attempt < 1 || r.Attempt > 1_000_000 || r.Hints < 0 || r.Hints > 100 || r.OnStep < 0 {
			return errors.New("attempt, hints or time on step out of range")
		}
	case KindHand, KindLower, KindLeave:
	default:
		return fmt.Errorf("unknown kind %q", clip(string(r.Kind), 20))
	}
	if r.Step != "" || r.Kind == KindCheck {
		if !stepRE.MatchString(r.Step) || (known != nil && !known(r.Step)) {
			return fmt.Errorf("unknown step %q", clip(r.Step, 20))
		}
	}
	if utf8.RuneCountInString(r.Test) > MaxTest || utf8.RuneCountInString(r.Message) > MaxMessage || len(r.Diff) > MaxDiff {
		return errors.New("a test name, message or diff is over its length limit")
	}
	if r.Diff != "" && r.Kind != KindHand {
		return errors.New("only a raised hand carries a diff")
	}
	return nil
}

// CleanName trims a name and checks it: 1 to MaxName runes, printable.
func CleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("the name is empty: give one with --name, as the trainer will see it")
	}
	if utf8.RuneCountInString(name) > MaxName {
		return "", fmt.Errorf("the name is over %d characters: give a shorter --name", MaxName)
	}
	for _, c := range name {
		if !unicode.IsPrint(c) {
			return "", errors.New("the name has a control character: use letters, digits and spaces")
		}
	}
	return name, nil
}

// clip cuts s to n runes, marking the cut; it never splits a rune.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// firstLine is the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for l := range strings.Lines(s) {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return ""
}
