// Package conformance holds the differential tests of internal/actor
// against Erlang/OTP: each scenario is written once as an Erlang escript
// (testdata/<name>.escript) and once in Go (scenarios_test.go), both print
// a canonical trace, and TestConformance diffs the two. The only diffs
// allowed are the documented differences listed in expectedDiffs, each of
// which the package doc of internal/actor names.
//
// The suite runs under go test when escript is on PATH (Debian:
// apt-get install -y erlang-base); otherwise it says once, loudly, that
// it skipped.
package conformance
