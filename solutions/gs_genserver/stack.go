package genserver

import (
	"errors"
	"time"
)

// ErrEmpty is returned by Pop when the stack holds nothing.
var ErrEmpty = errors.New("genserver: pop from an empty stack")

// callTimeout bounds how long Pop waits for the stack server.
const callTimeout = 5 * time.Second

// StackServer is the Callbacks of a stack of ints: the state is a []int
// with the top at the end. Pushes are casts, pops are calls.
type StackServer struct{}

type pushMsg struct{ v int }

type popReq struct{}

// popReply carries either the popped value or ErrEmpty back to Pop.
type popReply struct {
	v   int
	err error
}

// Init takes the initial elements ([]int, bottom first) as its argument.
func (StackServer) Init(arg any) (any, error) {
	initial, _ := arg.([]int)
	// Copy: the caller's slice must not share memory with the server.
	return append([]int(nil), initial...), nil
}

// HandleCall answers a pop with the top element, or ErrEmpty.
func (StackServer) HandleCall(req any, state any) (any, any) {
	st := state.([]int)
	switch req.(type) {
	case popReq:
		if len(st) == 0 {
			return popReply{err: ErrEmpty}, st
		}
		return popReply{v: st[len(st)-1]}, st[:len(st)-1]
	}
	return nil, st
}

// HandleCast pushes a value on top.
func (StackServer) HandleCast(msg any, state any) any {
	st := state.([]int)
	if m, ok := msg.(pushMsg); ok {
		return append(st, m.v)
	}
	return st
}

// StartStack starts a stack server holding initial (bottom first).
func StartStack(initial []int, opts ...Option) (*Server, error) {
	return Start(StackServer{}, initial, opts...)
}

// Push puts v on top of the stack. It does not wait (a cast).
func Push(s *Server, v int) {
	s.Cast(pushMsg{v: v})
}

// Pop removes and returns the top of the stack (a call). It returns
// ErrEmpty on an empty stack, and the Call's error if the server is gone.
func Pop(s *Server) (int, error) {
	r, err := s.Call(popReq{}, callTimeout)
	if err != nil {
		return 0, err
	}
	pr := r.(popReply)
	return pr.v, pr.err
}
