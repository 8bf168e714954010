package class

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeBatchRefusesWhatBreaksTheLimits(t *testing.T) {
	known := func(s string) bool { return s == "01.1" }
	ok := `{"reports":[{"seq":1,"kind":"check","step":"01.1","status":"failed","attempt":1,"test":"TestA","message":"m"}]}`
	if _, err := DecodeBatch(strings.NewReader(ok), known); err != nil {
		t.Fatalf("a good batch: %v", err)
	}
	for name, body := range map[string]string{
		"empty":           `{"reports":[]}`,
		"seq 0":           `{"reports":[{"seq":0,"kind":"leave"}]}`,
		"unknown kind":    `{"reports":[{"seq":1,"kind":"rm -rf"}]}`,
		"unknown step":    `{"reports":[{"seq":1,"kind":"check","step":"99.1","status":"passed","attempt":1}]}`,
		"bad status":      `{"reports":[{"seq":1,"kind":"check","step":"01.1","status":"great","attempt":1}]}`,
		"long message":    `{"reports":[{"seq":1,"kind":"check","step":"01.1","status":"failed","attempt":1,"message":"` + strings.Repeat("é", MaxMessage+1) + `"}]}`,
		"diff on a check": `{"reports":[{"seq":1,"kind":"check","step":"01.1","status":"failed","attempt":1,"diff":"x"}]}`,
		"too many":        `{"reports":[` + strings.Repeat(`{"seq":1,"kind":"leave"},`, MaxBatch) + `{"seq":1,"kind":"leave"}]}`,
		"over size":       `{"reports":[{"seq":1,"kind":"hand","message":"` + strings.Repeat("x", MaxBody) + `"}]}`,
		"not json":        `<html>`,
		"deep":            strings.Repeat("[", 100000),
	} {
		if _, err := DecodeBatch(strings.NewReader(body), known); !errors.Is(err, ErrBadReport) {
			t.Errorf("%s: err = %v, want ErrBadReport", name, err)
		}
	}
}

// FuzzDecodeBatch: whatever the bytes, the decoder returns (never panics
// or hangs), and what it accepts is within every limit and survives a
// round trip.
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"reports":[{"seq":1,"kind":"check","step":"01.1","status":"failed","attempt":2,"hints":1,"on_step_ms":5000,"test":"TestA","message":"boom"}]}`))
	f.Add([]byte(`{"reports":[{"seq":3,"kind":"hand","step":"gs.1","message":"<script>","diff":"--- a\n+++ b\n"}]}`))
	f.Add([]byte(`{"reports":[{"seq":1,"kind":"leave"},{"seq":2,"kind":"lower"}]}`))
	f.Add([]byte(`{"code":"lusab-babad-gutih","name":"Ana"}`))
	f.Add([]byte("\xff\xfe{\"reports\":null}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if j, err := DecodeJoin(bytes.NewReader(data)); err == nil {
			if n := utf8.RuneCountInString(j.Name); n == 0 || n > MaxName {
				t.Fatalf("accepted a name of %d runes", n)
			}
		}
		b, err := DecodeBatch(bytes.NewReader(data), nil)
		if err != nil {
			if !errors.Is(err, ErrBadReport) {
				t.Fatalf("error %v does not wrap ErrBadReport", err)
			}
			return
		}
		if len(b.Reports) == 0 || len(b.Reports) > MaxBatch {
			t.Fatalf("accepted %d reports", len(b.Reports))
		}
		for _, r := range b.Reports {
			if r.Seq == 0 || utf8.RuneCountInString(r.Message) > MaxMessage || utf8.RuneCountInString(r.Test) > MaxTest || len(r.Diff) > MaxDiff {
				t.Fatalf("accepted %+v", r)
			}
		}
		again, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) <= MaxBody { // escaping may grow a body past the limit
			if _, err := DecodeBatch(bytes.NewReader(again), nil); err != nil {
				t.Fatalf("re-encoded batch refused: %v\n%s", err, again)
			}
		}
	})
}
