// Package concurrency is chapter 01 of otpgo: processes, messages,
// references, monitors and state loops, built on internal/actor.
//
// Every function that runs code inside a process hands that process to the
// code as p, the way actor.Func does: Go has no self(), so this is how a
// function learns which process it is running in.
package concurrency
