package runner

import (
	"strings"
	"testing"
)

// A race report as -race prints it for the learner's generic table, with
// type arguments spelled out (spaces, and a '/' inside them) and the same
// race reported twice.
const raceReport = `==================
WARNING: DATA RACE
Write at 0x00c00009a0f0 by goroutine 8:
  runtime.mapassign_faststr()
      /usr/local/go/src/internal/runtime/maps/runtime_faststr.go:263 +0x0
  github.com/otpgo/otpgo/exercises/02_cache.(*table[go.shape.string,go.shape.struct { v int; until int64 }]).insert()
      /work/x/exercises/02_cache/table.go:21 +0xbb
  github.com/otpgo/otpgo/exercises/02_cache.(*Cache[go.shape.string,github.com/otpgo/otpgo/exercises/02_cache.entry[int]]).Put()
      /work/x/exercises/02_cache/cache.go:40 +0x17

Previous read at 0x00c00009a0f0 by goroutine 9:
  runtime.mapaccess1_faststr()
      /usr/local/go/src/internal/runtime/maps/runtime_faststr.go:101 +0x0
  github.com/otpgo/otpgo/exercises/02_cache.(*Cache[go.shape.string,go.shape.int]).Get()
      /work/x/exercises/02_cache/cache.go:52 +0xda

Goroutine 8 (running) created at:
  github.com/otpgo/otpgo/exercises/02_cache.TestX()
      /work/x/exercises/02_cache/zz_otpgo_hidden_cache_test.go:9 +0x1fc
==================
==================
WARNING: DATA RACE
Write at 0x00c00009a0f8 by goroutine 8:
  github.com/otpgo/otpgo/exercises/02_cache.(*table[go.shape.string,go.shape.struct { v int; until int64 }]).insert()
      /work/x/exercises/02_cache/table.go:21 +0xcc

Previous read at 0x00c00009a0f8 by goroutine 9:
  github.com/otpgo/otpgo/exercises/02_cache.(*Cache[go.shape.string,go.shape.int]).Get()
      /work/x/exercises/02_cache/cache.go:52 +0xe9
==================
    testing.go:1490: race detected during execution of test`

func racePaths() *paths {
	return &paths{root: "/work/x", dir: "exercises/02_cache", pkgAbs: "/work/x/exercises/02_cache", importPath: "github.com/otpgo/otpgo/exercises/02_cache"}
}

func TestRaceReportReadsLikeAVerdict(t *testing.T) {
	got := strings.Join(trimFrames(racePaths(), explainRaces(racePaths(), strings.Split(raceReport, "\n"))), "\n")
	for _, want := range []string{
		"DATA RACE: two goroutines used the same memory at the same time, at least one of them writing, and no lock or message put them in order",
		"write           02_cache.(*table[...]).insert  exercises/02_cache/table.go:21  (goroutine 8)",
		"previous read   02_cache.(*Cache[...]).Get  exercises/02_cache/cache.go:52  (goroutine 9)",
		"race detected during execution of test",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("race message lacks %q; got:\n%s", want, got)
		}
	}
	for _, bad := range []string{"until int64 }]).insert", "runtime_faststr", "created at", "0x00c0", "WARNING"} {
		if strings.Contains(got, bad) {
			t.Errorf("race message still shows %q; got:\n%s", bad, got)
		}
	}
	if n := strings.Count(got, "DATA RACE:"); n != 1 {
		t.Errorf("what a race is was said %d times, want once; got:\n%s", n, got)
	}
	if n := strings.Count(got, "(*table[...]).insert"); n != 1 {
		t.Errorf("the race repeated at the same places shows %d times, want once; got:\n%s", n, got)
	}
}

func TestShortFuncKeepsGenericNamesWhole(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/otpgo/otpgo/exercises/02_cache.(*table[go.shape.string,go.shape.struct { v int; until int64 }]).insert()": "02_cache.(*table[...]).insert",
		"example.com/p.(*C[go.shape.string,example.com/p/q.entry[int]]).Put(0xc000, {0x1, 0x2})":                              "p.(*C[...]).Put",
		"example.com/p.Plain(...)":                         "p.Plain",
		"created by example.com/p.(*S).run in goroutine 7": "p.(*S).run",
	} {
		if got := shortFunc(in); got != want {
			t.Errorf("shortFunc(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzExplainRaces(f *testing.F) {
	f.Add(raceReport)
	f.Add("WARNING: DATA RACE\nWrite at 0x1 by goroutine 1:\n  f()\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		out := explainRaces(racePaths(), lines)
		if len(out) > len(lines)+2 {
			t.Fatalf("%d lines in, %d out", len(lines), len(out))
		}
	})
}
