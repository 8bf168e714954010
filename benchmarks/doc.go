// Package benchmarks measures internal/actor beside raw Go and the Go actor
// libraries a learner might otherwise pick (ergo, protoactor-go, hollywood).
//
// It is a separate module so that the peers' dependency trees never reach the
// otpgo binary: only this directory's go.mod names them. Every measurement
// has one sub-benchmark per implementation, with the same names everywhere:
//
//	BenchmarkCall/{raw,otpgo,ergo,protoactor,hollywood}
//	BenchmarkSend/...
//	BenchmarkSpawn/...
//	BenchmarkIdleProcess/...   (reports B/proc)
//
// Run `go run ./cmd/table` in this directory for the markdown table of medians
// and ratios to raw; README.md says what each measurement does.
package benchmarks
