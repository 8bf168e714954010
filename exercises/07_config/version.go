// Package config is chapter 07 of otpgo: the application environment.
//
// A Go program meets its configuration at three moments, and which one you
// pick decides which value a process sees after the configuration changes:
//
//   - link time: Version, set with go build -ldflags "-X ...Version=1.2.3".
//     Baked into the binary; the same for every process, for ever.
//   - package init: DefaultGreeting, read from the environment once, when
//     the program is loaded. Changing the environment later does not
//     change it.
//   - process start: a greeter reads its Options and the environment in
//     Init and keeps what it read. A greeter started later, or restarted
//     by its supervisor, reads again.
package config

// Version is the greeter's version, set at link time:
//
//	go build -ldflags "-X github.com/otpgo/otpgo/exercises/07_config.Version=1.2.3"
//
// It must stay a plain string var with a constant initializer: -X cannot
// set a const, and it is overwritten by an initializer that calls a
// function. Read it when you need it (the tests set it directly, the way
// -X does before main runs).
var Version = "dev"

// EnvGreeting is the environment variable holding the greeting.
const EnvGreeting = "GREETER_GREETING"

// FallbackGreeting is the greeting when nothing else says otherwise.
const FallbackGreeting = "Hello"

// DefaultGreeting is the greeting the program was loaded with: the value
// of EnvGreeting when the package was initialised, or FallbackGreeting if
// it was unset or empty. It is read once, at init, and never again.
//
// TODO(07.1): initialise it from the environment (os.Getenv) in the
// initializer or in a func init. It must not panic: init runs before any
// test, so a panic there would stop every test of the chapter.
var DefaultGreeting = FallbackGreeting

// Describe says which build this is and what it was loaded with, e.g.
// `greeter 1.2.3 (default greeting "Hello")`.
func Describe() string {
	panic("TODO(07.1): return a line naming Version and DefaultGreeting, read now")
}
