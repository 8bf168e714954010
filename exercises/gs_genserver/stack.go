package genserver

import "errors"

// Step gs.2: a stack of ints on top of your server. The state is a []int
// with the top at the end. Pushes are casts, pops are calls: define the
// message types you need (say, type pushMsg struct{ v int }).

// ErrEmpty is returned by Pop when the stack holds nothing.
var ErrEmpty = errors.New("genserver: pop from an empty stack")

// StackServer is the Callbacks of a stack of ints.
type StackServer struct{}

// Init takes the initial elements ([]int, bottom first, may be nil) as its
// argument and returns them as the state.
func (StackServer) Init(arg any) (any, error) {
	panic("TODO(gs.2): the initial state is the []int passed to StartStack (copy it)")
}

// HandleCall answers a pop with the top element, or ErrEmpty when the
// stack is empty; an empty stack must not crash the server.
func (StackServer) HandleCall(req any, state any) (any, any) {
	panic("TODO(gs.2): pop: reply with the last element and keep the rest")
}

// HandleCast pushes a value on top.
func (StackServer) HandleCast(msg any, state any) any {
	panic("TODO(gs.2): push: append the value to the state")
}

// StartStack starts a stack server holding initial (bottom first).
func StartStack(initial []int, opts ...Option) (*Server, error) {
	panic("TODO(gs.2): Start a StackServer with initial as its argument")
}

// Push puts v on top of the stack. It does not wait (a cast).
func Push(s *Server, v int) {
	panic("TODO(gs.2): cast a push message")
}

// Pop removes and returns the top of the stack (a call). It returns
// ErrEmpty on an empty stack, and the Call's error if the server is gone.
func Pop(s *Server) (int, error) {
	panic("TODO(gs.2): call with a pop request and unpack the reply")
}
