package cli

import (
	"slices"
	"time"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/session"
)

// overview is the course as the learner sees it: what is done, what is
// next. `lesson list --json` and `progress --json` print it.
type overview struct {
	Done     int               `json:"done"`  // graded steps passed
	Total    int               `json:"total"` // graded steps in written chapters
	Next     string            `json:"next,omitempty"`
	Chapters []chapterOverview `json:"chapters"`
}

type chapterOverview struct {
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Coming  bool           `json:"coming,omitempty"`
	Summary string         `json:"summary,omitempty"`
	Done    int            `json:"done"`
	Total   int            `json:"total"`
	Steps   []stepOverview `json:"steps,omitempty"`
}

type stepOverview struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Graded bool   `json:"graded"`
	Done   bool   `json:"done"`
	Given  bool   `json:"given,omitempty"` // caught up (otpgo catchup), not passed
	Status string `json:"status"`          // passed, given or pending
	// SharesWith lists the other steps that change one of this step's
	// files (02.2 rewrites 02.1's cache.go).
	SharesWith []string   `json:"shares_with,omitempty"`
	PassedAt   *time.Time `json:"passed_at,omitempty"`
	HintsSeen  int        `json:"hints_seen"`
	Hints      int        `json:"hints"`
}

func buildOverview(c *catalog.Course, st *progress.State) overview {
	var ov overview
	for _, ch := range c.Chapters {
		co := chapterOverview{ID: ch.ID, Title: ch.Title, Coming: ch.Coming, Summary: ch.Summary}
		for _, s := range ch.Steps {
			so := stepOverview{ID: s.ID, Title: s.Title, Graded: s.Gradable(), Hints: len(s.Hints), HintsSeen: st.HintsSeen(s.ID)}
			if ss, ok := st.Steps[s.ID]; ok {
				so.PassedAt = ss.PassedAt
			}
			so.Done = st.Done(s.ID)
			so.Given = st.Status(s.ID) == progress.Given
			so.Status = st.Status(s.ID).String()
			for _, ids := range s.SharesFiles() {
				for _, id := range ids {
					if !slices.Contains(so.SharesWith, id) {
						so.SharesWith = append(so.SharesWith, id)
					}
				}
			}
			slices.Sort(so.SharesWith)
			if so.Graded {
				co.Total++
				if so.Done {
					co.Done++
				}
			}
			co.Steps = append(co.Steps, so)
		}
		ov.Done += co.Done
		ov.Total += co.Total
		ov.Chapters = append(ov.Chapters, co)
	}
	if next := session.NextStep(c, st); next != nil {
		ov.Next = next.ID
	}
	return ov
}
