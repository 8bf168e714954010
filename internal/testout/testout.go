// Package testout is for tests that read what a server or a program
// writes while it runs: a buffer its goroutines can write to while the
// test reads it, and a wait for a line with a deadline.
package testout

import (
	"bytes"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Buffer is an io.Writer that goroutines may write while others read it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Wait polls out until re matches it and returns the match's groups; it
// fails the test, showing the output, if deadline passes first.
func Wait(t testing.TB, out *Buffer, re *regexp.Regexp, deadline time.Time) []string {
	t.Helper()
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %v in the output:\n%s", re, out.String())
		}
		time.Sleep(2 * time.Millisecond) // the writer gives no signal; poll with a deadline
	}
}
