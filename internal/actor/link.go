package actor

// ExitMsg is the message a process that traps exits receives instead of
// dying from an exit signal ({'EXIT', From, Reason}). From is zero when the
// signal was sent with the package-level Exit function.
type ExitMsg struct {
	From   PID
	Reason error
}

// Link links p and pid (link/1): when either exits, the other gets an exit
// signal with the reason. Linking to a dead pid sends p an exit signal with
// reason NoProc.
func (p *Process) Link(pid PID) { panic(notYet) }

// Unlink removes the link between p and pid, if any (unlink/1).
func (p *Process) Unlink(pid PID) { panic(notYet) }

// TrapExit turns trapping exits on or off (process_flag(trap_exit, On)).
// A process that traps exits receives exit signals as ExitMsg messages
// instead of dying; Kill still kills it.
func (p *Process) TrapExit(on bool) { panic(notYet) }

// Exit sends pid an exit signal with reason (exit/2), with no sender.
// Kill terminates pid even if it traps exits (its reason becomes Killed);
// Normal is ignored unless pid traps exits; any other reason terminates
// pid unless it traps exits, in which case it receives an ExitMsg.
func Exit(pid PID, reason error) { panic(notYet) }

// Exit is like the package-level Exit, but the signal carries p as its
// sender, so a trapping receiver sees ExitMsg{From: p.Self()}. Servers
// and state machines treat an exit signal from their parent as an order
// to terminate.
func (p *Process) Exit(pid PID, reason error) { panic(notYet) }
