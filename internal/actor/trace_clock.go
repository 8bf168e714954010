package actor

import _ "unsafe" // for go:linkname

// nanotime is the runtime's monotonic clock, which time.Now reads along
// with the wall clock: a trace orders its events by it alone, one vDSO
// read per event instead of two. The runtime keeps it open to linkname
// (see its "hall of shame" note); a bubble's fake clock does not touch it.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
