package cache02

import (
	"testing"

	"go.uber.org/goleak"
)

// The baseline must be a working cache, or the ratio means nothing.
func TestMailboxCache(t *testing.T) {
	defer goleak.VerifyNone(t)
	c, err := StartMailbox[string, int]()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("a"); ok {
		t.Errorf("Get(a) on an empty cache found a value")
	}
	if err := c.Put("a", 1); err != nil {
		t.Fatal(err)
	}
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("Get(a) = (%v, %v), want (1, true)", v, ok)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}
