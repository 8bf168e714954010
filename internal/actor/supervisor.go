package actor

import (
	"errors"
	"fmt"
	"log"
	"runtime/debug"
	"slices"
	"time"
)

// Restart says when a supervisor restarts a child that exited.
type Restart int

const (
	// Permanent children are always restarted.
	Permanent Restart = iota
	// Transient children are restarted only after an abnormal exit: not
	// Normal, not Shutdown.
	Transient
	// Temporary children are never restarted; their spec is removed when
	// they exit.
	Temporary
)

// String returns "permanent", "transient" or "temporary".
func (r Restart) String() string {
	switch r {
	case Permanent:
		return "permanent"
	case Transient:
		return "transient"
	case Temporary:
		return "temporary"
	}
	return "Restart(?)"
}

// ShutdownSpec says how a supervisor stops a child. The zero value means
// Timeout(5*time.Second) for a worker and Timeout(Infinity) for a
// supervisor, as in OTP.
type ShutdownSpec struct {
	brutal bool
	set    bool
	d      time.Duration
}

// BrutalKill stops a child with Exit(child, Kill) at once.
var BrutalKill = ShutdownSpec{brutal: true, set: true}

// Timeout stops a child by sending it an exit signal with reason Shutdown
// and waiting up to d for it to exit, then killing it. Timeout(Infinity)
// waits forever (use it for child supervisors).
func Timeout(d time.Duration) ShutdownSpec { return ShutdownSpec{set: true, d: d} }

// String returns "brutal_kill", "infinity", the timeout, like "5s", or
// "default".
func (s ShutdownSpec) String() string {
	switch {
	case !s.set:
		return "default"
	case s.brutal:
		return "brutal_kill"
	case s.d < 0:
		return "infinity"
	}
	return s.d.String()
}

// ChildSpec describes one child of a supervisor (child_spec()).
type ChildSpec struct {
	// ID names the child within its supervisor; it must be unique there.
	ID string
	// Start starts the child and returns its pid; the supervisor links to
	// it and becomes its parent. It runs in the supervisor's process.
	// Returning the zero PID and a nil error means "ignore": the spec is
	// kept but no process runs.
	Start func() (PID, error)
	// Restart: Permanent (the zero value), Transient or Temporary.
	Restart Restart
	// Shutdown: how to stop the child; see ShutdownSpec.
	Shutdown ShutdownSpec
	// Supervisor is true if the child is itself a supervisor.
	Supervisor bool
}

// Strategy decides which children a supervisor restarts when the child at
// index failed (in start order) among n children must be restarted. It
// returns their indices in start order; the supervisor stops those still
// running in reverse order, then starts them all again in order.
// OneForOne, OneForAll and RestForOne are the OTP strategies; any function
// with this shape is a strategy.
type Strategy func(n, failed int) []int

// OneForOne restarts only the child that exited (one_for_one).
func OneForOne(n, failed int) []int { return []int{failed} }

// OneForAll restarts every child (one_for_all).
func OneForAll(n, failed int) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// RestForOne restarts the child that exited and every child started after
// it (rest_for_one).
func RestForOne(n, failed int) []int {
	rest := make([]int, 0, n-failed)
	for i := failed; i < n; i++ {
		rest = append(rest, i)
	}
	return rest
}

// SupervisorSpec configures a supervisor (the return value of init/1).
type SupervisorSpec struct {
	// Strategy defaults to OneForOne.
	Strategy Strategy
	// MaxRestarts is the restart intensity: more than *MaxRestarts
	// restarts within Within stop the supervisor. nil means
	// DefaultMaxRestarts; new(0) allows no restart at all (max_restarts: 0).
	MaxRestarts *int
	// Within is the intensity period; zero means 5s.
	Within time.Duration
	// Children are started in order and stopped in reverse order.
	Children []ChildSpec
}

// DefaultMaxRestarts is the intensity of a SupervisorSpec whose
// MaxRestarts is nil: Elixir's Supervisor default (3 restarts in 5
// seconds). Erlang's supervisor defaults to 1 restart in 5 seconds.
const DefaultMaxRestarts = 3

// Errors of the supervisor functions; compare with errors.Is.
var (
	// ErrMaxRestarts matches the exit reason of a supervisor that gave up
	// because its children restarted too often. That reason also matches
	// Shutdown, the reason OTP's supervisor exits with; it names the last
	// child and its reason in its text but does not wrap it, so it never
	// looks Normal.
	ErrMaxRestarts = errors.New("reached max restart intensity")
	// ErrChildNotFound: no child with that id.
	ErrChildNotFound = errors.New("child not found")
	// ErrChildRunning: the child must be stopped first (TerminateChild).
	ErrChildRunning = errors.New("child is running")
	// ErrChildExists: a child with that id is already there.
	ErrChildExists = errors.New("child already exists")
)

// supervisor is the state of a supervisor process: supervisor.erl's
// #state{} record.
type supervisor struct {
	p        *Process
	strategy Strategy
	max      int
	within   time.Duration
	children []*child    // in start order
	restarts []time.Time // recent restarts, for the intensity check
	total    int         // restarts ever performed
	specs    []ChildSpec // the children to start in init
}

type child struct {
	spec       ChildSpec
	pid        PID
	restarts   int   // times restarted
	last       PID   // the process that ran before pid
	lastReason error // why last exited
}

// StartSupervisor starts a supervisor process that starts spec.Children in
// order, and returns once they are all started. If a child fails to start,
// the ones already started are stopped in reverse order and the error is
// returned. Use StartLinkSupervisor from a process to link to it.
func StartSupervisor(spec SupervisorSpec, opts ...StartOption) (PID, error) {
	return startSupervisor(nil, spec, opts)
}

// StartLinkSupervisor is StartSupervisor with the supervisor linked to p
// and p as its parent (supervisor:start_link/2).
func (p *Process) StartLinkSupervisor(spec SupervisorSpec, opts ...StartOption) (PID, error) {
	return startSupervisor(p, spec, opts)
}

func startSupervisor(parent *Process, spec SupervisorSpec, opts []StartOption) (PID, error) {
	seen := make(map[string]bool)
	for _, c := range spec.Children {
		if err := checkSpec(c); err != nil {
			return PID{}, fmt.Errorf("start supervisor: %w", err)
		}
		if seen[c.ID] {
			return PID{}, fmt.Errorf("start supervisor: two children with id %q: %w", c.ID, ErrChildExists)
		}
		seen[c.ID] = true
	}
	s := &supervisor{strategy: spec.Strategy, max: DefaultMaxRestarts, within: spec.Within}
	if s.strategy == nil {
		s.strategy = OneForOne
	}
	if spec.MaxRestarts != nil {
		if *spec.MaxRestarts < 0 {
			return PID{}, fmt.Errorf("start supervisor: MaxRestarts %d: want new(0) for no restart, or more", *spec.MaxRestarts)
		}
		s.max = *spec.MaxRestarts
	}
	if s.within <= 0 {
		s.within = 5 * time.Second
	}
	r := spawnReq{kind: "supervisor", supervisor: true, opts: opts}
	return start(parent, r, func(p *Process, ready chan<- error) error {
		s.p = p
		return s.run(spec.Children, ready)
	})
}

func checkSpec(c ChildSpec) error {
	if c.ID == "" {
		return errors.New("child spec with an empty ID: give every child a unique ID")
	}
	if c.Start == nil {
		return fmt.Errorf("child %q has no Start function", c.ID)
	}
	return nil
}

// run is the supervisor: the shared loop with the supervisor's callbacks
// (supervisor.erl is a gen_server callback module).
func (s *supervisor) run(specs []ChildSpec, ready chan<- error) error {
	s.specs = specs
	return behave(s.p, s, ready, nil)
}

// init starts the children in order; if one fails, it stops those
// already started.
func (s *supervisor) init(p *Process) error {
	p.TrapExit(true) // children's exits arrive as ExitMsg
	for _, spec := range s.specs {
		c := &child{spec: spec}
		if err := s.start(c); err != nil {
			s.stopAll()
			return fmt.Errorf("start child %q: %w", spec.ID, err)
		}
		s.children = append(s.children, c)
	}
	s.specs = nil
	s.publish()
	return nil
}

// handleCall answers the management calls. An unknown request gets an
// error and the supervisor keeps running.
func (s *supervisor) handleCall(p *Process, c *call) error {
	v, err := s.manage(c.req)
	if err != nil {
		c.fail(err)
	} else {
		Reply(From{c}, v)
	}
	return nil
}

// handleCast logs the cast: a supervisor handles none, and a stray one
// must not vanish silently (OTP 25's supervisor crashes instead; see the
// package doc).
func (s *supervisor) handleCast(p *Process, msg any) error {
	log.Printf("actor: supervisor %v received an unexpected cast, ignored: %T %.200v", p.Self(), msg, msg)
	return nil
}

// handleInfo restarts children as they exit; other messages are logged
// and dropped, as supervisor.erl does.
func (s *supervisor) handleInfo(p *Process, msg any) error {
	switch m := msg.(type) {
	case ExitMsg:
		return s.childExited(m.From, m.Reason) // from a child we no longer know: ignored, as in OTP
	case retryMsg:
		return s.retry(m.ids)
	}
	log.Printf("actor: supervisor %v received an unexpected message, ignored: %T %.200v", p.Self(), msg, msg)
	return nil
}

// terminate stops the children in reverse start order. If the supervisor
// is killed meanwhile, the links take the rest down.
func (s *supervisor) terminate(p *Process, reason error) { s.stopAll() }

// start runs c's Start function in the supervisor's process, then links
// to the new child and becomes its parent.
func (s *supervisor) start(c *child) (err error) {
	pid, err := safeStart(c.spec.Start)
	if err != nil {
		return err
	}
	c.pid = pid
	if pid.IsZero() {
		return nil // "ignore": keep the spec, run nothing
	}
	q := pid.p
	q.mu.Lock()
	q.parent = s.p.Self()
	x := q.x()
	x.childID, x.restarts = c.spec.ID, c.restarts
	q.mu.Unlock()
	traceChild(s.p, pid, c.spec.ID)
	s.p.Link(pid) // if the child is already dead, an ExitMsg noproc follows
	return nil
}

// safeStart calls a Start function, turning a panic into an error as
// supervisor.erl does with a crashing start function.
func safeStart(start func() (PID, error)) (pid PID, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: string(debug.Stack())}
		}
	}()
	return start()
}

// childExited applies the restart strategy after a child exited. A
// non-nil result is the supervisor's own exit reason.
func (s *supervisor) childExited(pid PID, reason error) error {
	i := slices.IndexFunc(s.children, func(c *child) bool { return c.pid == pid })
	if i < 0 {
		return nil // not (any more) one of ours
	}
	c := s.children[i]
	c.pid, c.last, c.lastReason = PID{}, pid, reason
	defer s.publish()
	switch {
	case c.spec.Restart == Temporary:
		s.children = slices.Delete(s.children, i, i+1)
		return nil
	case c.spec.Restart == Transient && (isNormal(reason) || errors.Is(reason, Shutdown)):
		return nil
	}
	if !s.addRestart() {
		return s.gaveUp(c.spec.ID, "exited with", reason)
	}
	return s.restartGroup(s.strategy(len(s.children), i), i)
}

// restartGroup stops the children at idx (in start order) that still run,
// in reverse order, then starts them again in order. Temporary children
// other than the failed one are not restarted but removed, as in OTP.
func (s *supervisor) restartGroup(idx []int, failed int) error {
	for k := len(idx) - 1; k >= 0; k-- {
		if c := s.children[idx[k]]; !c.pid.IsZero() {
			if err := s.stop(c); err != nil {
				return err
			}
		}
	}
	var group []*child
	for _, i := range idx {
		if c := s.children[i]; i == failed || c.spec.Restart != Temporary {
			group = append(group, c)
		}
	}
	s.children = slices.DeleteFunc(s.children, func(c *child) bool {
		return c.pid.IsZero() && c.spec.Restart == Temporary
	})
	return s.startGroup(group)
}

// startGroup (re)starts children in order. If one fails to start, the
// rest are retried through a message to ourselves, so that the
// supervisor keeps answering calls, and each retry counts as a restart.
func (s *supervisor) startGroup(group []*child) error {
	for k, c := range group {
		c.restarts++
		s.total++
		if err := s.start(c); err != nil {
			c.lastReason = err
			var ids []string
			for _, rest := range group[k:] {
				ids = append(ids, rest.spec.ID)
			}
			Send(s.p.Self(), retryMsg{ids})
			return nil
		}
		traceRestart(s.p, c.pid, c.last, c.spec.ID, c.lastReason)
		if hasSubscribers() {
			emit(Event{Kind: Restarted, PID: c.pid, Parent: s.p.Self(), Reason: c.lastReason,
				ChildID: c.spec.ID, Old: c.last, ProcKind: c.pid.p.kind})
		}
	}
	return nil
}

type retryMsg struct{ ids []string }

func (s *supervisor) retry(ids []string) error {
	var group []*child
	for _, id := range ids {
		if c := s.find(id); c != nil && c.pid.IsZero() {
			group = append(group, c)
		}
	}
	if len(group) == 0 {
		return nil
	}
	defer s.publish()
	if !s.addRestart() {
		c := group[0]
		return s.gaveUp(c.spec.ID, "failed to restart:", c.lastReason)
	}
	return s.startGroup(group)
}

// gaveUp is the supervisor's exit reason when the intensity is exceeded.
func (s *supervisor) gaveUp(id, what string, reason error) error {
	return &maxRestartsError{fmt.Sprintf("supervisor %v: child %q %s %v, more than %d restarts in %v",
		s.p.Self(), id, what, reason, s.max, s.within)}
}

// maxRestartsError matches Shutdown and ErrMaxRestarts. The child's
// reason is only text: wrapping it would let a child that exited Normal
// make the supervisor's exit look normal, and the failure would not climb.
type maxRestartsError struct{ what string }

func (e *maxRestartsError) Error() string {
	return "shutdown: " + e.what + ": " + ErrMaxRestarts.Error()
}

func (e *maxRestartsError) Is(target error) bool {
	return target == Shutdown || target == ErrMaxRestarts
}

// addRestart records a restart and reports whether the intensity allows
// it: at most max restarts within the last `within`.
func (s *supervisor) addRestart() bool {
	now := time.Now()
	s.restarts = append(s.restarts, now)
	old := 0
	for old < len(s.restarts) && now.Sub(s.restarts[old]) >= s.within {
		old++
	}
	s.restarts = append(s.restarts[:0], s.restarts[old:]...)
	return len(s.restarts) <= s.max
}

// stop shuts a child down as its Shutdown spec says and waits until it
// has exited. It returns an error only if the supervisor itself was
// terminated meanwhile.
func (s *supervisor) stop(c *child) error {
	p, pid := s.p, c.pid
	ref := p.Monitor(pid)
	p.Unlink(pid)
	// If the child died already, its exit is in our mailbox: take it, so
	// it is not mistaken later for a crash to restart from.
	var reason error
	if m, err := p.ReceiveMatch(isExitFrom(pid), 0); err == nil {
		reason = m.(ExitMsg).Reason
	}
	timeout := 5 * time.Second
	switch sh := c.spec.Shutdown; {
	case sh.brutal:
		timeout = 0
	case sh.set:
		timeout = sh.d
	case c.spec.Supervisor:
		timeout = Infinity
	}
	if timeout == 0 {
		Exit(pid, Kill)
	} else {
		p.Exit(pid, Shutdown)
	}
	m, err := p.ReceiveMatch(isDownOf(ref), timeout)
	if errors.Is(err, ErrTimeout) && timeout != 0 {
		Exit(pid, Kill) // it did not stop in time
		m, err = p.ReceiveMatch(isDownOf(ref), Infinity)
	}
	if err != nil {
		return err
	}
	if reason == nil {
		reason = m.(Down).Reason
	}
	c.pid, c.last, c.lastReason = PID{}, pid, reason
	return nil
}

// stopAll stops every running child, in reverse start order.
func (s *supervisor) stopAll() error {
	s.p.setExiting(true)
	for i := len(s.children) - 1; i >= 0; i-- {
		if c := s.children[i]; !c.pid.IsZero() {
			if err := s.stop(c); err != nil {
				return err
			}
		}
	}
	s.publish()
	return nil
}

func isExitFrom(pid PID) func(any) bool {
	return func(m any) bool { e, ok := m.(ExitMsg); return ok && e.From == pid }
}

func isDownOf(ref Ref) func(any) bool {
	return func(m any) bool { d, ok := m.(Down); return ok && d.Ref == ref }
}

func (s *supervisor) find(id string) *child {
	for _, c := range s.children {
		if c.spec.ID == id {
			return c
		}
	}
	return nil
}

// publish copies the children list where Tree and Processes can read it.
func (s *supervisor) publish() {
	infos := s.which()
	s.p.mu.Lock()
	x := s.p.x()
	x.children, x.performed = infos, s.total
	s.p.mu.Unlock()
}

func (s *supervisor) which() []ChildInfo {
	infos := make([]ChildInfo, len(s.children))
	for i, c := range s.children {
		infos[i] = ChildInfo{ID: c.spec.ID, PID: c.pid, Supervisor: c.spec.Supervisor, Restart: c.spec.Restart}
	}
	return infos
}

// The management calls (supervisor:start_child/2 and friends) are Calls
// to the supervisor process with these requests.
type (
	startChildReq     struct{ spec ChildSpec }
	terminateChildReq struct{ id string }
	restartChildReq   struct{ id string }
	deleteChildReq    struct{ id string }
	whichChildrenReq  struct{}
	countChildrenReq  struct{}
)

// ErrUnknownRequest is the error of a Call to a supervisor with a request
// it does not handle: the supervisor keeps running.
var ErrUnknownRequest = errors.New("unknown request")

// manage performs one management call.
func (s *supervisor) manage(req any) (any, error) {
	defer s.publish()
	switch r := req.(type) {
	case startChildReq:
		if err := checkSpec(r.spec); err != nil {
			return nil, err
		}
		if c := s.find(r.spec.ID); c != nil {
			return nil, fmt.Errorf("child %q (running as %v): %w", r.spec.ID, c.pid, ErrChildExists)
		}
		c := &child{spec: r.spec}
		if err := s.start(c); err != nil {
			return nil, fmt.Errorf("start child %q: %w", r.spec.ID, err)
		}
		s.children = append(s.children, c)
		return c.pid, nil
	case terminateChildReq:
		c := s.find(r.id)
		if c == nil {
			return nil, fmt.Errorf("child %q: %w", r.id, ErrChildNotFound)
		}
		if !c.pid.IsZero() {
			if err := s.stop(c); err != nil {
				return nil, err
			}
		}
		if c.spec.Restart == Temporary {
			s.children = slices.DeleteFunc(s.children, func(x *child) bool { return x == c })
		}
		return nil, nil
	case restartChildReq:
		c := s.find(r.id)
		switch {
		case c == nil:
			return nil, fmt.Errorf("child %q: %w", r.id, ErrChildNotFound)
		case !c.pid.IsZero():
			return nil, fmt.Errorf("child %q: %w", r.id, ErrChildRunning)
		}
		if err := s.start(c); err != nil {
			return nil, fmt.Errorf("restart child %q: %w", r.id, err)
		}
		return c.pid, nil
	case deleteChildReq:
		c := s.find(r.id)
		switch {
		case c == nil:
			return nil, fmt.Errorf("child %q: %w", r.id, ErrChildNotFound)
		case !c.pid.IsZero():
			return nil, fmt.Errorf("child %q: %w", r.id, ErrChildRunning)
		}
		s.children = slices.DeleteFunc(s.children, func(x *child) bool { return x == c })
		return nil, nil
	case whichChildrenReq:
		return s.which(), nil
	case countChildrenReq:
		var n Counts
		for _, c := range s.children {
			n.Specs++
			if !c.pid.IsZero() {
				n.Active++
			}
			if c.spec.Supervisor {
				n.Supervisors++
			} else {
				n.Workers++
			}
		}
		return n, nil
	}
	return nil, fmt.Errorf("supervisor %v: %w %T: use StartChild, TerminateChild, RestartChild, DeleteChild, WhichChildren or CountChildren",
		s.p.Self(), ErrUnknownRequest, req)
}

// supCall makes a management call and checks the type of its answer;
// supervisors may take a while (a child shutting down), so like OTP it
// waits without a deadline; it still returns at once if the supervisor
// dies.
func supCall[reply any](sup PID, req any) (reply, error) {
	var zero reply
	if sup.p != nil && !sup.p.supervisor {
		return zero, fmt.Errorf("%v is a %s, not a supervisor", sup, sup.p.kind)
	}
	v, err := Call(sup, req, Infinity)
	if err != nil {
		return zero, err
	}
	if v == nil {
		return zero, nil
	}
	t, ok := v.(reply)
	if !ok {
		return zero, fmt.Errorf("supervisor %v answered %T to %T, want %T", sup, v, req, zero)
	}
	return t, nil
}

// StartChild adds c to the supervisor sup and starts it
// (supervisor:start_child/2). If Start fails, the spec is not added.
func StartChild(sup PID, c ChildSpec) (PID, error) {
	return supCall[PID](sup, startChildReq{c})
}

// TerminateChild stops the child id but keeps its spec, so RestartChild
// can start it again (supervisor:terminate_child/2). A temporary child's
// spec is removed.
func TerminateChild(sup PID, id string) error {
	_, err := supCall[struct{}](sup, terminateChildReq{id})
	return err
}

// RestartChild starts again a child stopped with TerminateChild
// (supervisor:restart_child/2).
func RestartChild(sup PID, id string) (PID, error) {
	return supCall[PID](sup, restartChildReq{id})
}

// DeleteChild removes the spec of a stopped child
// (supervisor:delete_child/2).
func DeleteChild(sup PID, id string) error {
	_, err := supCall[struct{}](sup, deleteChildReq{id})
	return err
}

// ChildInfo describes one child of a supervisor (which_children/1). PID
// is zero if the child is not running.
type ChildInfo struct {
	ID         string
	PID        PID
	Supervisor bool
	Restart    Restart
}

// WhichChildren lists sup's children in start order
// (supervisor:which_children/1).
func WhichChildren(sup PID) ([]ChildInfo, error) {
	return supCall[[]ChildInfo](sup, whichChildrenReq{})
}

// Counts is the result of CountChildren (supervisor:count_children/1).
type Counts struct {
	Specs       int // all child specs
	Active      int // children running
	Supervisors int // specs that are supervisors
	Workers     int // specs that are workers
}

// CountChildren counts sup's children (supervisor:count_children/1).
func CountChildren(sup PID) (Counts, error) {
	return supCall[Counts](sup, countChildrenReq{})
}
