package protoactor

import "testing"

// The same four measurements as the parent package, with the same names,
// for protoactor alone: see ../bench_test.go for what each one does.

func BenchmarkCall(b *testing.B)        { b.Run("protoactor", protoCall) }
func BenchmarkSend(b *testing.B)        { b.Run("protoactor", protoSend) }
func BenchmarkSpawn(b *testing.B)       { b.Run("protoactor", protoSpawn) }
func BenchmarkIdleProcess(b *testing.B) { b.Run("protoactor", protoIdle) }
