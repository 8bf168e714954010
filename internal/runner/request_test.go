package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A missing package directory is a MissingDirError that names no otpgo
// command: which command restores it is the caller's business.
func TestMissingDirNamesNoCommand(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := normalize(Request{Root: root, Dir: "exercises/gone", Steps: []Step{{ID: "aa.1", Tests: []string{"TestOne"}}}})
	var md *MissingDirError
	if !errors.As(err, &md) || md.Dir != "exercises/gone" {
		t.Fatalf("error %v, want a MissingDirError for exercises/gone", err)
	}
	if strings.Contains(err.Error(), "otpgo ") {
		t.Errorf("the runner names an otpgo command: %v", err)
	}
}
