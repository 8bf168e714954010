package cache

import (
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// zzBusyServer makes c's server busy: an Update whose fn blocks until the
// returned release func is called. It returns once fn is running.
func zzBusyServer(t *testing.T, c *Cache[string, int]) (release func()) {
	t.Helper()
	entered := make(chan struct{})
	unblock := make(chan struct{})
	done := zzGoSafe(t, func() {
		_, _ = c.Update("slow", func(old int, _ bool) int {
			close(entered)
			zzWaitChan(unblock, 2*time.Second)
			return old + 1
		})
	})
	if !zzWaitChan(entered, time.Second) {
		t.Fatalf("Update's fn did not start within 1s")
	}
	return func() {
		close(unblock)
		<-done
	}
}

func TestTableGetWhileServerBusy(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	if err := c.Put("a", 1); err != nil {
		t.Fatalf("Put: %v", err)
	}
	release := zzBusyServer(t, c)
	defer release()
	var (
		v  int
		ok bool
	)
	got := zzGoSafe(t, func() { v, ok = c.Get("a") })
	if !zzWaitChan(got, 500*time.Millisecond) {
		t.Fatalf("Get did not answer within 500ms while the server was busy with a slow Update: reads " +
			"still queue in the server's mailbox behind it. Let Get read the server's table directly " +
			"(a map behind a sync.RWMutex that only the server writes)")
	}
	if !ok || v != 1 {
		t.Errorf("Get(a) while the server was busy = (%v, %v), want (1, true)", v, ok)
	}
}

func TestTableWritesGoThroughServer(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	release := zzBusyServer(t, c)
	put := zzGoSafe(t, func() {
		if err := c.Put("b", 2); err != nil {
			t.Errorf("Put(b, 2): %v", err)
		}
	})
	// Absence can only be watched over a window: 50ms is plenty for a
	// Put that bypasses the server.
	if zzWaitChan(put, 50*time.Millisecond) {
		t.Errorf("Put returned while the server was busy: Put must wait until the server has stored the value " +
			"(actor.Call, not actor.Cast), so that a Get right after Put sees it; only reads bypass the server")
	} else {
		var (
			v  int
			ok bool
		)
		// A Get that still queues in the mailbox is TestTableGetWhileServerBusy's business.
		if got := zzGoSafe(t, func() { v, ok = c.Get("b") }); zzWaitChan(got, 200*time.Millisecond) && ok {
			t.Errorf("Get(b) = %v while the Put was still queued: only the server may write the table", v)
		}
	}
	release()
	if !zzWaitChan(put, time.Second) {
		t.Fatalf("Put(b, 2) did not return within 1s after the server was free again")
	}
	if v, ok := c.Get("b"); !ok || v != 2 {
		t.Errorf("Get(b) after Put(b, 2) returned = (%v, %v), want (2, true)", v, ok)
	}
}

func TestTableReadYourWrites(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	for i := range 200 {
		if err := c.Put(zzKey(i), i); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if v, ok := c.Get(zzKey(i)); !ok || v != i {
			t.Fatalf("Get(%s) right after Put(%s, %d) returned = (%v, %v): Put must return only once the "+
				"server has written the table (actor.Call, not Cast), or a reader can miss its own write",
				zzKey(i), zzKey(i), i, v, ok)
		}
	}
}

func TestTableConcurrentReaders(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	zzShared(t, "Readers and the server shared the table's map without its lock. Since 02.3 anyone may read "+
		"the table, so every read (lookup, len) takes t.mu.RLock and every write (insert, deleteIf, clear) "+
		"t.mu.Lock; the server stays the table's only writer, as a process owns an ETS table.")
	c, err := Start[string, int](EvictEvery(time.Millisecond))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	stopReading := make(chan struct{})
	var readers []<-chan struct{}
	for range 2 {
		readers = append(readers, zzGoSafe(t, func() {
			for i := 0; ; i++ {
				select {
				case <-stopReading:
					return
				default:
				}
				if v, ok := c.Get(zzKey(i % 100)); ok && v != i%100 {
					t.Errorf("Get(%s) = %d, want %d", zzKey(i%100), v, i%100)
					return
				}
				c.Len()
				runtime.Gosched() // leave the server some CPU on small machines
			}
		}))
	}
	// Writes and sweeps happen while the readers read: with -race, a table
	// that is not safe for concurrent use is reported here.
	for i := range 300 {
		if err := c.PutTTL(zzKey(i%100), i%100, time.Millisecond); err != nil {
			t.Errorf("PutTTL: %v", err)
			break
		}
	}
	// Keep reading until a sweep has emptied the table: a sweep with no
	// write before it, while readers read, is what a sweep under the read
	// lock gets wrong.
	zzEventually(time.Second, func() bool { return c.Len() == 0 })
	close(stopReading)
	for _, r := range readers {
		<-r
	}
}

func TestTableDiesWithServer(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := c.Put("a", 1); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if v, ok := c.Get("a"); ok {
		t.Errorf("Get(a) after Stop = (%v, true), want a miss: an ETS table dies with its owner, and so "+
			"must the cache's table. Clear it in the server's Terminate, which Stop runs", v)
	}
	if n := c.Len(); n != 0 {
		t.Errorf("Len() after Stop = %d, want 0: clear the table in the server's Terminate", n)
	}
}
