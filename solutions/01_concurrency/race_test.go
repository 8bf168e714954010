//go:build race

package concurrency

import "runtime"

// zzRaces is how many data races the race detector has reported so far.
func zzRaces() int { return runtime.RaceErrors() }
