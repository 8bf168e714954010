//go:build race

package cache

import "runtime"

// zzRaces is how many data races the race detector has reported so far.
func zzRaces() int { return runtime.RaceErrors() }
