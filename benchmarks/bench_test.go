package benchmarks

import (
	"flag"
	"os"
	"testing"
)

// The four measurements; README.md says what each one does. The peers that
// ship protobuf code (protoactor-go, hollywood) live in their own packages
// below, because both register "actor.proto" and cannot share a binary.

// BenchmarkCall is a request/reply round trip to a server that echoes its
// request. raw: a server goroutine and a fresh reply channel per call.
func BenchmarkCall(b *testing.B) {
	b.Run("raw", rawCall)
	b.Run("otpgo", otpgoCall)
	b.Run("ergo", ergoCall)
}

// BenchmarkSend is one-way messaging: one sender sends b.N messages to one
// receiver, and the clock stops when the receiver has taken the last one, so
// a mailbox that only queues is not flattered. raw: a buffered chan any.
func BenchmarkSend(b *testing.B) {
	b.Run("raw", rawSend)
	b.Run("otpgo", otpgoSend)
	b.Run("ergo", ergoSend)
}

// BenchmarkSpawn is spawn + first message processed: spawn a process, send
// it one message, wait until it has handled it; the process then ends on
// its own. raw: a goroutine with its own channel.
func BenchmarkSpawn(b *testing.B) {
	b.Run("raw", rawSpawn)
	b.Run("otpgo", otpgoSpawn)
	b.Run("ergo", ergoSpawn)
}

// BenchmarkIdleProcess holds bench.IdleN processes waiting for a message and
// reports memory per process as "B/proc"; ns/op is the time to spawn and
// stop all of them.
func BenchmarkIdleProcess(b *testing.B) {
	b.Run("raw", rawIdle)
	b.Run("otpgo", otpgoIdle)
	b.Run("ergo", ergoIdle)
}

func TestMain(m *testing.M) {
	flag.Parse()
	// ergo logs a warning for every message a full mailbox refuses; the
	// Send benchmark retries those itself, and the noise would bury results.
	if f := flag.Lookup("ergo.warning"); f != nil {
		_ = f.Value.Set("false")
	}
	os.Exit(m.Run())
}
