package progress

import "time"

// Status is where a learner stands on a step.
type Status int

// The statuses of a step, as progress, `lesson list` and the app show
// them.
const (
	Pending Status = iota // neither passed nor given
	Given                 // caught up: otpgo put the reference code in place; the learner did not pass it
	Passed                // the learner's own code passed the step's tests
)

// String returns "pending", "given" or "passed".
func (s Status) String() string {
	switch s {
	case Given:
		return "given"
	case Passed:
		return "passed"
	}
	return "pending"
}

// Status reports the step's status. A pass outranks a catch-up: a learner
// who passes a given step has passed it.
func (s *State) Status(stepID string) Status {
	st, ok := s.Steps[stepID]
	switch {
	case !ok:
		return Pending
	case st.PassedAt != nil:
		return Passed
	case st.GivenAt != nil:
		return Given
	}
	return Pending
}

// Settled reports whether the step is passed or given: a learner moving
// on (the next pending step) skips both.
func (s *State) Settled(stepID string) bool { return s.Status(stepID) != Pending }

// MarkGiven records that `otpgo catchup` gave the steps now. A step
// already passed keeps its pass.
func (s *Store) MarkGiven(stepIDs ...string) error {
	if len(stepIDs) == 0 {
		return nil
	}
	now := s.now().UTC().Truncate(time.Second)
	return s.Update(func(st *State) error {
		for _, id := range stepIDs {
			if ss := st.step(id); ss.PassedAt == nil {
				ss.GivenAt = &now
			}
		}
		return nil
	})
}

// Clear forgets that the steps were passed or given (`otpgo reset STEP`
// took their code away). Hints seen stay seen.
func (s *Store) Clear(stepIDs ...string) error {
	if len(stepIDs) == 0 {
		return nil
	}
	return s.Update(func(st *State) error {
		for _, id := range stepIDs {
			if ss, ok := st.Steps[id]; ok {
				ss.PassedAt, ss.LastPassedAt, ss.GivenAt = nil, nil, nil
			}
		}
		return nil
	})
}
