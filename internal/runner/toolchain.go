package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"os/exec"
	"strings"
	"sync"
)

// MinGoVersion is the oldest Go toolchain the course builds with (go.mod
// says go 1.26).
const MinGoVersion = "go1.26"

// ErrToolchain is matched (errors.Is) by the errors Run and CheckToolchain
// return when `go` is missing from PATH, too old, or does not start.
var ErrToolchain = errors.New("go toolchain unusable")

// toolchainError carries a message that says what to install and matches
// ErrToolchain.
type toolchainError struct{ msg string }

func (e *toolchainError) Error() string        { return e.msg }
func (e *toolchainError) Is(target error) bool { return target == ErrToolchain }

// The toolchain is looked up once per process: Run is on the hot path of
// `otpgo check` and must not pay for `go env` on every call. Only a success
// is cached, so a fixed PATH is picked up on the next call.
var tc struct {
	mu      sync.Mutex
	ok      bool
	goPath  string
	version string
}

// CheckToolchain reports the Go version that `go` on PATH runs (e.g.
// "go1.26.8"), or an error matching ErrToolchain whose one line says what to
// install. The answer is cached for the life of the process.
func CheckToolchain(ctx context.Context) (version string, err error) {
	_, v, err := toolchain(ctx)
	return v, err
}

func toolchain(ctx context.Context) (goPath, ver string, err error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.ok {
		return tc.goPath, tc.version, nil
	}
	goPath, ver, err = lookupToolchain(ctx)
	if err == nil {
		tc.ok, tc.goPath, tc.version = true, goPath, ver
	}
	return goPath, ver, err
}

// lookupToolchain finds go on PATH and checks its version, uncached.
func lookupToolchain(ctx context.Context) (goPath, ver string, err error) {
	goPath, err = exec.LookPath("go")
	if err != nil {
		return "", "", &toolchainError{"no `go` on PATH: install Go 1.26 or newer from https://go.dev/dl/ and open a new shell"}
	}
	out, err := goOutput(ctx, goPath, "env", "GOVERSION")
	if err != nil {
		return "", "", err
	}
	ver = strings.TrimSpace(out)
	if !goVersionOK(ver) {
		return "", "", &toolchainError{fmt.Sprintf("otpgo needs Go 1.26 or newer but %s is %s: install a newer Go from https://go.dev/dl/", goPath, ver)}
	}
	return goPath, ver, nil
}

// goVersionOK accepts release and pre-release versions from MinGoVersion on,
// and development builds (whose version is not a release name).
func goVersionOK(v string) bool {
	if strings.HasPrefix(v, "devel") {
		return true
	}
	if !version.IsValid(v) {
		return false
	}
	return version.Compare(version.Lang(v), MinGoVersion) >= 0
}

// goOutput runs a short go subcommand (go env) and returns its stdout.
func goOutput(ctx context.Context, goPath string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, goPath, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := firstLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", &toolchainError{fmt.Sprintf("`go %s` failed: %s (reinstall Go 1.26 or newer from https://go.dev/dl/)", strings.Join(args, " "), msg)}
	}
	return stdout.String(), nil
}

var race struct {
	mu        sync.Mutex
	known     bool
	supported bool
}

// RaceSupported reports whether `go test -race` can work here: the platform
// supports the race detector, cgo is enabled and the C compiler that cgo
// uses is on PATH. It does not build anything, so it is cheap; the answer is
// cached for the life of the process (unless ctx ended before it was known).
func RaceSupported(ctx context.Context) bool {
	race.mu.Lock()
	defer race.mu.Unlock()
	if !race.known {
		race.supported = raceSupported(ctx)
		race.known = ctx.Err() == nil
	}
	return race.supported
}

func raceSupported(ctx context.Context) bool {
	goPath, _, err := toolchain(ctx)
	if err != nil {
		return false
	}
	out, err := goOutput(ctx, goPath, "env", "GOOS", "GOARCH", "CGO_ENABLED", "CC")
	if err != nil {
		return false
	}
	f := strings.Split(strings.TrimSpace(out), "\n")
	if len(f) != 4 {
		return false
	}
	goos, goarch, cgo, cc := f[0], f[1], f[2], strings.Fields(f[3])
	if !raceDetectorSupported(goos, goarch) || cgo != "1" || len(cc) == 0 {
		return false
	}
	_, err = exec.LookPath(cc[0])
	return err == nil
}

// raceDetectorSupported mirrors Go's internal/platform.RaceDetectorSupported.
func raceDetectorSupported(goos, goarch string) bool {
	switch goos {
	case "linux":
		return goarch == "amd64" || goarch == "arm64" || goarch == "loong64" || goarch == "ppc64le" || goarch == "riscv64" || goarch == "s390x"
	case "darwin":
		return goarch == "amd64" || goarch == "arm64"
	case "freebsd", "netbsd", "windows":
		return goarch == "amd64"
	}
	return false
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
