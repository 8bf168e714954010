package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// What a learner does not need to start otpgo stays out of its build: each
// costs seconds of compiling on a cold cache, in front of a whole class.
// The commands that need them build them on demand with go run.
func TestBinaryLeavesOutWhatALearnerDoesNotNeedToStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, banned := range []string{
		"github.com/redis/go-redis/v9",     // otpgo bench 03 runs ./internal/bench/redis03/table
		"github.com/alicebob/miniredis/v2", // otpgo redis builds ./internal/redisserver
		"github.com/yuin/gopher-lua",       // miniredis's EVAL
		"net/http",                         // class start builds ./internal/class/start; attendees speak HTTP over net
		"crypto/tls",                       // net/http's, miniredis's
		"crypto/rand",                      // the class's join codes and secrets, made by the trainer's server
		"html/template",                    // the class board's page
		"crypto/sha256",                    // a mirror's name and a file's fingerprint need no cryptography
		"archive/tar",                      // the skeletons come from git ls-tree and cat-file
	} {
		for _, d := range deps {
			if d == banned || strings.HasPrefix(d, banned+"/") {
				t.Errorf("otpgo imports %s", d)
				break
			}
		}
	}
}
