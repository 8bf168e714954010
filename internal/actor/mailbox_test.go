package actor

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The segmented queue against a plain slice, through random pushes, pops
// and removals from the middle that cross segment boundaries.
func TestQueueMatchesSliceModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var q queue
	var model []int
	next := 0
	for step := range 200_000 {
		switch op := rng.IntN(10); {
		case op < 5:
			n := rng.IntN(3 * segSize)
			for range n {
				q.push(next)
				model = append(model, next)
				next++
			}
		case op < 8 && len(model) > 0:
			for range rng.IntN(len(model) + 1) {
				if v := q.pop(); v != model[0] {
					t.Fatalf("step %d: pop = %v, want %v", step, v, model[0])
				}
				model = model[1:]
			}
		case len(model) > 0:
			k := rng.IntN(len(model))
			c := q.start()
			for range k {
				c.get()
				c.advance()
			}
			if v := c.get(); v != model[k] {
				t.Fatalf("step %d: cursor at %d = %v, want %v", step, k, v, model[k])
			}
			if v := q.remove(c); v != model[k] {
				t.Fatalf("step %d: remove(%d) = %v, want %v", step, k, v, model[k])
			}
			model = slices.Delete(model, k, k+1)
		}
		if int(q.n) != len(model) {
			t.Fatalf("step %d: n = %d, model has %d", step, q.n, len(model))
		}
	}
	var got []int
	for q.n > 0 {
		got = append(got, q.pop().(int))
	}
	if !slices.Equal(got, model) {
		t.Fatalf("queue drained to %v, want %v", got, model)
	}
}

// Selective receive over a mailbox spanning many segments.
func TestSelectiveReceiveAcrossSegments(t *testing.T) {
	mustRun(t, func(p *Process) error {
		const n = 10 * segSize
		for i := range n {
			Send(p.Self(), i)
		}
		// Take every third message, newest first, then the rest in order.
		for i := n - 1; i >= 0; i-- {
			if i%3 != 0 {
				continue
			}
			want := i
			m, err := p.ReceiveMatch(func(m any) bool { return m == want }, 0)
			if err != nil || m != want {
				return fmt.Errorf("ReceiveMatch(%d) = %v, %v", want, m, err)
			}
		}
		for i := range n {
			if i%3 == 0 {
				continue
			}
			if m, err := p.Receive(0); m != i || err != nil {
				return fmt.Errorf("Receive = %v, %v; want %d", m, err, i)
			}
		}
		return nil
	})
}
