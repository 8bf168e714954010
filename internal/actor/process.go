package actor

import (
	"context"
)

const notYet = "actor: not implemented yet"

// Func is the body of a process. Its return value is the process's exit
// reason: nil means Normal. A panic becomes a *PanicError exit reason.
type Func func(p *Process) error

// Process is the handle a process's function receives: its mailbox,
// links, monitors and context. Only the process's own goroutine may call
// its methods (like Erlang, where only a process can receive from its
// mailbox); other goroutines talk to it through its PID.
type Process struct {
	id uint64
}

// SpawnOption configures Spawn, SpawnLink and SpawnMonitor.
type SpawnOption func(*spawnOptions)

// StartOption configures StartServer, StartSupervisor and
// StartStateMachine. It is the same type as SpawnOption, so Name and Kind
// work everywhere.
type StartOption = SpawnOption

type spawnOptions struct {
	name string
	kind string
}

// Name registers the new process under name before it runs (like
// {local, Name} in gen_server:start). Start functions return an error
// wrapping ErrAlreadyRegistered if the name is taken; Spawn, which cannot
// fail, returns a pid that has already exited with that error.
func Name(name string) SpawnOption { return func(o *spawnOptions) { o.name = name } }

// Kind labels the process in Processes() and Tree(), e.g. "pool" or
// "worker". Servers, supervisors and state machines set their own kind
// ("server", "supervisor", "statemachine"); plain processes default to
// "process".
func Kind(kind string) SpawnOption { return func(o *spawnOptions) { o.kind = kind } }

// Spawn starts f in a new process and returns its pid at once (spawn/1).
func Spawn(f Func, opts ...SpawnOption) PID { panic(notYet) }

// SpawnLink starts f in a new process linked to p (spawn_link/1): if either
// exits abnormally, the other receives the exit signal. The link exists
// before f runs.
func (p *Process) SpawnLink(f Func, opts ...SpawnOption) PID { panic(notYet) }

// SpawnMonitor starts f in a new process monitored by p (spawn_monitor/1).
func (p *Process) SpawnMonitor(f Func, opts ...SpawnOption) (PID, Ref) { panic(notYet) }

// Run spawns f and waits for it to exit. It returns nil if f exited
// normally, otherwise its exit reason. Tests and main use Run to get a
// process context.
func Run(f Func) error { panic(notYet) }

// Self returns p's pid (self()).
func (p *Process) Self() PID { return PID{p} }

// Parent returns the process that spawned p with SpawnLink or
// SpawnMonitor, started it with a StartLink function, or supervises it;
// the zero PID otherwise.
func (p *Process) Parent() PID { panic(notYet) }

// Context returns a context cancelled when p dies, with the exit reason
// as its cause (context.Cause). Blocking work inside a process should use
// it, so that a killed process stops instead of lingering as a zombie.
func (p *Process) Context() context.Context { panic(notYet) }

// Send puts msg at the end of pid's mailbox (pid ! msg). It never blocks;
// sending to a dead or zero pid is a no-op, as in Erlang.
func Send(pid PID, msg any) { panic(notYet) }

// Alive reports whether pid's process has not exited (is_process_alive/1).
// A zombie (killed, but its goroutine is still running) is not alive.
func Alive(pid PID) bool { panic(notYet) }
