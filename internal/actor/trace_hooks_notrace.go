//go:build actor_notrace

package actor

// The trace hooks compiled out: the runtime without the tracing code
// path, built only to measure what that path costs when tracing is off
// (make bench-trace). Nothing is recorded in this build.

func tracing() bool                                                      { return false }
func traceSpawn(p *Process, name string, f Func)                         {}
func traceRun(p *Process)                                                {}
func traceRegister(name string, p *Process)                              {}
func traceSendStart(msg any) *sendTrace                                  { return nil }
func traceSend(p *Process, msg any, ts *sendTrace)                       {}
func traceCall(p *Process, c *call)                                      {}
func traceReply(c *call, v any)                                          {}
func traceDown(w *Process, d Down)                                       {}
func traceExitMsg(p *Process, m ExitMsg)                                 {}
func traceReceive(p *Process, i int)                                     {}
func traceFlush(p *Process, drop func(any) bool)                         {}
func traceWait(p *Process)                                               {}
func traceLink(p *Process, pid PID)                                      {}
func traceSignal(from PID, p *Process, reason error)                     {}
func traceMonitor(p *Process, pid PID)                                   {}
func traceExit(p *Process, reason error)                                 {}
func traceDone(p *Process)                                               {}
func traceTimer(pid PID)                                                 {}
func traceChild(sup *Process, child PID, id string)                      {}
func traceRestart(sup *Process, child, old PID, id string, reason error) {}
