package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The launcher is what compiles before any progress can show, so it stays
// standard packages plus the two small ones it needs: anything else here
// is seconds of silence on a cold cache.
func TestLauncherIsStandardPackagesOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	allowed := map[string]bool{
		"github.com/otpgo/otpgo/cmd/otpgo":          true,
		"github.com/otpgo/otpgo/internal/workspace": true,
		"github.com/otpgo/otpgo/internal/procgroup": true,
	}
	for _, d := range strings.Fields(string(out)) {
		if !allowed[d] {
			t.Errorf("the launcher imports %s", d)
		}
	}
}
