package actor

import (
	"maps"
	"testing"
)

// aliveDump is a goroutine dump as runtime.Stack writes it: goroutine 7
// is a process blocked in the learner's Receive, 8 a server idle in the
// runtime's loop, 9 a process spinning (reported at line 1), 10 a
// goroutine that is no process, and 11 a process whose dump was cut.
const aliveDump = `goroutine 7 [sync.Cond.Wait]:
sync.runtime_notifyListWait(0xc0000a4050, 0x0)
	/usr/local/go/src/runtime/sema.go:597 +0x159
sync.(*Cond).Wait(0xc0000a4040)
	/usr/local/go/src/sync/cond.go:71 +0x85
github.com/otpgo/otpgo/internal/actor.(*Process).receiveAny(0xc0000a4000)
	/src/internal/actor/mailbox.go:176 +0xd3
github.com/otpgo/otpgo/internal/actor.(*Process).Receive(...)
	/src/internal/actor/mailbox.go:142
github.com/otpgo/otpgo/exercises/01_concurrency.ParallelEach[...].func1(0xc0000a4000)
	/src/exercises/01_concurrency/each.go:23 +0x8c
github.com/otpgo/otpgo/internal/actor.(*Process).run(0xc0000a4000, 0xc0000b2000)
	/src/internal/actor/process.go:210 +0x91
created by github.com/otpgo/otpgo/internal/actor.spawn in goroutine 6
	/src/internal/actor/process.go:180 +0x1a5

goroutine 8 [sync.Cond.Wait]:
sync.(*Cond).Wait(0xc0000a4140)
	/usr/local/go/src/sync/cond.go:71 +0x85
github.com/otpgo/otpgo/internal/actor.serverLoop(0xc0000a4100)
	/src/internal/actor/genserver.go:90 +0x40
created by github.com/otpgo/otpgo/exercises/02_cache.Start in goroutine 6
	/src/exercises/02_cache/cache.go:40 +0x1a5

goroutine 9 [running]:
main.spin(...)
	/src/cmd/demo/main.go:1 +0x4
created by main.main in goroutine 1
	/src/cmd/demo/main.go:12 +0x1a5

goroutine 10 [chan receive]:
github.com/otpgo/otpgo/exercises/03_redis.(*Client).loop(0xc0000a4300)
	/src/exercises/03_redis/client.go:55 +0x40

goroutine 11 [select]:
github.com/otpgo/otpgo/exercises/03_redis.(*Client).wait(0xc0000a4400)
`

func TestStackSitesFindTheLearnersLine(t *testing.T) {
	procOf := map[uint64]uint64{7: 107, 8: 108, 9: 109, 11: 111}
	got := stackSites([]byte(aliveDump), procOf)
	want := map[uint64]string{
		107: "01_concurrency.ParallelEach[...].func1 (each.go:23)",
		109: "main.spin (main.go)",
	}
	if !maps.Equal(got, want) {
		t.Errorf("stackSites = %v\nwant %v", got, want)
	}
}

// FuzzStackSites: whatever the dump holds, reading it ends, and every
// site it names belongs to a process asked for.
func FuzzStackSites(f *testing.F) {
	f.Add([]byte(aliveDump))
	f.Add([]byte("goroutine 7 [x]:\n(\n\t:\n"))
	f.Add([]byte("goroutine\ngoroutine 7\nf()\n\tfile.go:-3\n"))
	f.Fuzz(func(t *testing.T, dump []byte) {
		procOf := map[uint64]uint64{7: 107, 8: 108}
		for pid := range stackSites(dump, procOf) {
			if pid != 107 && pid != 108 {
				t.Fatalf("a site for process %d, which was not asked for", pid)
			}
		}
	})
}

// TestKillSaysOnlyThisTracesWaitSite: a process that parked before the
// running trace began has no wait site in it: the one an older trace
// noted may be stale.
func TestKillSaysOnlyThisTracesWaitSite(t *testing.T) {
	StartTrace(0)
	pid := Spawn(func(p *Process) error { _, err := p.Receive(Infinity); return err })
	eventually(t, "the process waits in Receive", func() bool { i, _ := Info(pid); return i.Status == Waiting })
	StopTrace()
	StartTrace(0)
	Exit(pid, Kill)
	signals := 0
	for _, ev := range StopTrace().Events {
		if ev.Kind == TraceSignal {
			signals++
			if ev.Site != "" {
				t.Errorf("the kill says the process waited at %q, which an older trace noted", ev.Site)
			}
		}
	}
	if signals != 1 {
		t.Errorf("%d kill events; want 1", signals)
	}
}

// TestRuntimeOwnIsNeverTheLearners: the frames a site passes over are the
// standard library's and this package's, but for this package's tests
// (they stand in for a learner's code here).
func TestRuntimeOwnIsNeverTheLearners(t *testing.T) {
	for _, c := range []struct {
		fn, file string
		own      bool
	}{
		{"runtime.goexit", "asm_amd64.s", true},
		{"sync.(*Cond).Wait", "cond.go", true},
		{"internal/sync.(*Mutex).Lock", "mutex.go", true},
		{thisPackage + "(*Process).receiveAny", "mailbox.go", true},
		{thisPackage + "TestX.func1", "trace_test.go", false},
		{"main.worker", "main.go", false},
		{"github.com/otpgo/otpgo/exercises/01_concurrency.ParallelEach[...].func1", "each.go", false},
		{"go.uber.org/goleak.Find", "goleak.go", false},
	} {
		if got := runtimeOwn(c.fn, c.file); got != c.own {
			t.Errorf("runtimeOwn(%q, %q) = %v; want %v", c.fn, c.file, got, c.own)
		}
	}
}
