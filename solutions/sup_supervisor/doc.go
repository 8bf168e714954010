// Package sup is otpgo's hand-rolled supervisor chapter: a very small
// one_for_one supervisor built from the runtime's primitives (links,
// trapped exits, a GenServer loop), without actor.Supervisor, and three
// counters that it keeps alive.
package sup
