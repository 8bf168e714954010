package benchmarks

import "testing"

func otpgoCall(b *testing.B)  { b.Skip("todo") }
func otpgoSend(b *testing.B)  { b.Skip("todo") }
func otpgoSpawn(b *testing.B) { b.Skip("todo") }
func otpgoIdle(b *testing.B)  { b.Skip("todo") }
