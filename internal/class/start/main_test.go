package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// What otpgo hands the program is checked before a class starts: a
// missing flag or chapters that are not JSON get exit 2 and the reason,
// and nothing is created.
func TestBadInvocationIsRefusedWithItsReason(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "class")
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"-addr", "127.0.0.1:0"}, "[]", "-dir and -addr are required"},
		{[]string{"-dir", dir}, "[]", "-dir and -addr are required"},
		{[]string{"-dir", dir, "-addr", "127.0.0.1:0"}, "{not json", "read the course's chapters on stdin"},
		{[]string{"-dir", dir, "-addr", "127.0.0.1:0"}, strings.Repeat(" ", maxChapters+1), "more than"},
		{[]string{"-no-such-flag"}, "[]", "flag provided but not defined"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) > 0 {
		t.Errorf("a refused start created %v", m)
	}
}
