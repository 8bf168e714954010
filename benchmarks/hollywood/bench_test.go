package hollywood

import "testing"

// The same four measurements as the parent package, with the same names,
// for hollywood alone: see ../bench_test.go for what each one does.

func BenchmarkCall(b *testing.B)        { b.Run("hollywood", hollywoodCall) }
func BenchmarkSend(b *testing.B)        { b.Run("hollywood", hollywoodSend) }
func BenchmarkSpawn(b *testing.B)       { b.Run("hollywood", hollywoodSpawn) }
func BenchmarkIdleProcess(b *testing.B) { b.Run("hollywood", hollywoodIdle) }
