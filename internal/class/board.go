package class

import (
	"cmp"
	"slices"
	"time"
)

// ChapterInfo is a chapter as the board shows it: its graded steps.
type ChapterInfo struct {
	ID    string     `json:"id"`
	Title string     `json:"title"`
	Steps []StepInfo `json:"steps"`
}

// StepInfo is one column of the board.
type StepInfo struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Cell is an attendee's state on one step.
type Cell struct {
	State    State     `json:"state"`
	Status   string    `json:"status"`            // the last verdict's word
	Test     string    `json:"test,omitempty"`    // the failing test
	Message  string    `json:"message,omitempty"` // its message's first line
	Attempts int       `json:"attempts"`
	Hints    int       `json:"hints"`
	OnStep   Millis    `json:"on_step_ms"`             // time on the step at the last report
	PassedIn Millis    `json:"passed_in_ms,omitempty"` // time on the step when it first passed
	Since    time.Time `json:"since"`                  // when the state began (server clock)
}

// Hand is a raised hand.
type Hand struct {
	Message string    `json:"message,omitempty"`
	Step    string    `json:"step,omitempty"`
	At      time.Time `json:"at"`
	HasDiff bool      `json:"has_diff"`
	diff    string
}

type attendee struct {
	id, name string
	joined   time.Time
	left     bool
	lastSeq  uint64
	hand     *Hand
	cells    map[string]*Cell
	current  string // the step of the last check
}

// Board is the room's state, built by applying the log's events in
// order. It is not safe for concurrent use: the server guards it.
type Board struct {
	chapters      []ChapterInfo
	known         map[string]bool
	att           map[string]*attendee
	order         []string          // attendee IDs in join order
	byToken       map[string]string // token hash -> attendee ID
	stuckAfter    time.Duration
	stuckAttempts int
}

// Default thresholds for "stuck": the same step failing for this long, or
// for this many attempts.
const (
	DefaultStuckAfter    = 10 * time.Minute
	DefaultStuckAttempts = 8
)

// NewBoard returns an empty board over the course's chapters.
func NewBoard(chapters []ChapterInfo, stuckAfter time.Duration, stuckAttempts int) *Board {
	b := &Board{chapters: chapters, known: map[string]bool{}, att: map[string]*attendee{}, byToken: map[string]string{},
		stuckAfter: cmp.Or(stuckAfter, DefaultStuckAfter), stuckAttempts: cmp.Or(stuckAttempts, DefaultStuckAttempts)}
	for _, c := range chapters {
		for _, s := range c.Steps {
			b.known[s.ID] = true
		}
	}
	return b
}

// Known reports whether a step is on the board.
func (b *Board) Known(step string) bool { return b.known[step] }

// Attendees is how many have joined.
func (b *Board) Attendees() int { return len(b.order) }

// Who returns the attendee a token belongs to.
func (b *Board) Who(tokHash string) (id string, ok bool) {
	id, ok = b.byToken[tokHash]
	return id, ok
}

// LastSeq is the highest report number applied for an attendee.
func (b *Board) LastSeq(id string) uint64 {
	if a := b.att[id]; a != nil {
		return a.lastSeq
	}
	return 0
}

// Apply applies one event of the log. It returns the step whose
// statistics changed ("" if none) and whether anything changed.
func (b *Board) Apply(ev Event) (step string, changed bool) {
	switch ev.Type {
	case "join":
		a := b.att[ev.Attendee]
		if a == nil {
			a = &attendee{id: ev.Attendee, joined: ev.At, cells: map[string]*Cell{}}
			b.att[ev.Attendee] = a
			b.order = append(b.order, ev.Attendee)
		}
		a.name, a.left = ev.Name, false
		if ev.TokenHash != "" {
			b.byToken[ev.TokenHash] = ev.Attendee
		}
		return "", true
	case "report":
		a, r := b.att[ev.Attendee], ev.Report
		if a == nil || r == nil || r.Seq <= a.lastSeq {
			return "", false
		}
		a.lastSeq = r.Seq
		switch r.Kind {
		case KindCheck:
			return r.Step, b.applyCheck(a, r, ev.At)
		case KindHand:
			a.hand = &Hand{Message: r.Message, Step: r.Step, At: ev.At, HasDiff: r.Diff != "", diff: r.Diff}
		case KindLower:
			a.hand = nil
		case KindLeave:
			a.hand, a.left = nil, true
		}
		return "", true
	}
	return "", false
}

func (b *Board) applyCheck(a *attendee, r *Update, at time.Time) bool {
	if !b.known[r.Step] {
		return false
	}
	c := a.cells[r.Step]
	if c == nil {
		c = &Cell{}
		a.cells[r.Step] = c
	}
	st := statuses[r.Status]
	if st != c.State {
		c.Since = at
	}
	if st != Failing {
		r.Test, r.Message = "", ""
	}
	if st == Passed && c.PassedIn == 0 {
		c.PassedIn = max(r.OnStep, 1)
	}
	c.State, c.Status, c.Test, c.Message = st, r.Status, r.Test, r.Message
	c.Attempts, c.Hints, c.OnStep = r.Attempt, r.Hints, r.OnStep
	a.current = r.Step
	return true
}

// Diff is the diff an attendee shared with a raised hand.
func (b *Board) Diff(id string) (string, bool) {
	a := b.att[id]
	if a == nil || a.hand == nil || a.hand.diff == "" {
		return "", false
	}
	return a.hand.diff, true
}

// Row is one attendee as the board shows it.
type Row struct {
	ID      string           `json:"id"`
	Name    string           `json:"name"`
	Left    bool             `json:"left,omitempty"`
	Hand    *Hand            `json:"hand,omitempty"`
	Current string           `json:"current,omitempty"`
	Stuck   []string         `json:"stuck,omitempty"` // steps failing too long or too often
	Cells   map[string]*Cell `json:"cells"`
}

// StepStats sums up one step over the room.
type StepStats struct {
	Step       string `json:"step"`
	Passed     int    `json:"passed"` // passed or given
	Failing    int    `json:"failing"`
	Median     Millis `json:"median_ms,omitempty"` // median time on the step to pass it
	TopTest    string `json:"top_test,omitempty"`  // the most common failing test now
	TopMessage string `json:"top_message,omitempty"`
	TopCount   int    `json:"top_count,omitempty"`
}

// View is the whole board, as the page and the terminal load it.
type View struct {
	Session       string               `json:"session"`
	Chapters      []ChapterInfo        `json:"chapters"`
	Chapter       string               `json:"chapter"` // the chapter in progress: most attendees' current step's
	Rows          []Row                `json:"rows"`
	Steps         map[string]StepStats `json:"steps"`
	StuckAfter    Millis               `json:"stuck_after_ms"`
	StuckAttempts int                  `json:"stuck_attempts"`
}

// Row returns an attendee's row as of now.
func (b *Board) Row(id string, now time.Time) Row {
	a := b.att[id]
	r := Row{ID: a.id, Name: a.name, Left: a.left, Hand: a.hand, Current: a.current, Cells: a.cells}
	for step, c := range a.cells {
		if c.State == Failing && (now.Sub(c.Since) >= b.stuckAfter || c.Attempts >= b.stuckAttempts) {
			r.Stuck = append(r.Stuck, step)
		}
	}
	slices.Sort(r.Stuck)
	return r
}

// Stats sums up a step.
func (b *Board) Stats(step string) StepStats {
	s := StepStats{Step: step}
	var times []Millis
	type failure struct{ test, msg string }
	count := map[failure]int{}
	for _, id := range b.order {
		c := b.att[id].cells[step]
		if c == nil {
			continue
		}
		switch c.State {
		case Passed, GivenByCatchUp:
			s.Passed++
		case Failing:
			s.Failing++
			f := failure{c.Test, c.Message}
			count[f]++
			if n := count[f]; n > s.TopCount || (n == s.TopCount && f.test < s.TopTest) {
				s.TopTest, s.TopMessage, s.TopCount = f.test, f.msg, n
			}
		}
		if c.PassedIn > 0 {
			times = append(times, c.PassedIn)
		}
	}
	if len(times) > 0 {
		slices.Sort(times)
		s.Median = times[len(times)/2]
	}
	return s
}

// View returns the whole board as of now. Rows come with raised hands
// first (the earliest first), then in join order.
func (b *Board) View(session string, now time.Time) View {
	v := View{Session: session, Chapters: b.chapters, Steps: map[string]StepStats{},
		StuckAfter: ToMillis(b.stuckAfter), StuckAttempts: b.stuckAttempts}
	current := map[string]int{}
	for _, id := range b.order {
		r := b.Row(id, now)
		v.Rows = append(v.Rows, r)
		if r.Current != "" && !r.Left {
			current[chapterOf(r.Current)]++
		}
	}
	slices.SortStableFunc(v.Rows, func(x, y Row) int {
		switch {
		case x.Hand != nil && y.Hand != nil:
			return x.Hand.At.Compare(y.Hand.At)
		case x.Hand != nil:
			return -1
		case y.Hand != nil:
			return 1
		}
		return 0
	})
	for _, c := range b.chapters {
		for _, s := range c.Steps {
			v.Steps[s.ID] = b.Stats(s.ID)
		}
		if v.Chapter == "" || current[c.ID] > current[v.Chapter] {
			v.Chapter = c.ID
		}
	}
	return v
}

// chapterOf is the chapter part of a step ID ("gs" of "gs.1").
func chapterOf(step string) string {
	for i := range len(step) {
		if step[i] == '.' {
			return step[:i]
		}
	}
	return step
}
