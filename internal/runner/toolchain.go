package runner

import (
	"bytes"
	"context"
	"encoding/json"
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

// goTool is what the runner knows about the go command on PATH, all from
// one `go env` call.
type goTool struct {
	path    string // absolute path of go
	version string // "go1.26.8"
	race    bool   // go test -race can work here
}

// The toolchain is looked up once per process: `otpgo check` asks for the
// version, then for -race, then runs go test, and must not pay for a
// `go env` each time. Only a success is cached, so a fixed PATH is picked
// up on the next call.
var tc struct {
	mu   sync.Mutex
	tool *goTool
}

// CheckToolchain reports the Go version that `go` on PATH runs (e.g.
// "go1.26.8"), or an error matching ErrToolchain whose one line says what to
// install. The answer is cached for the life of the process.
func CheckToolchain(ctx context.Context) (version string, err error) {
	t, err := toolchain(ctx)
	if err != nil {
		return "", err
	}
	return t.version, nil
}

// RaceSupported reports whether `go test -race` can work here: a usable
// toolchain, a platform the race detector supports, cgo enabled, and the C
// compiler cgo uses on PATH. It builds nothing; it shares CheckToolchain's
// cached `go env`, so asking costs nothing after the first call.
func RaceSupported(ctx context.Context) bool {
	t, err := toolchain(ctx)
	return err == nil && t.race
}

func toolchain(ctx context.Context) (*goTool, error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.tool != nil {
		return tc.tool, nil
	}
	t, err := lookupToolchain(ctx)
	if err == nil {
		tc.tool = t
	}
	return t, err
}

// lookupToolchain finds go on PATH and asks it, in one `go env`, for its
// version and what -race needs. Uncached.
func lookupToolchain(ctx context.Context) (*goTool, error) {
	goPath, err := exec.LookPath("go")
	if err != nil {
		return nil, &toolchainError{"no `go` on PATH: install Go 1.26 or newer from https://go.dev/dl/ and open a new shell"}
	}
	out, err := goOutput(ctx, goPath, "env", "-json", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED", "CC")
	if err != nil {
		return nil, err
	}
	var env struct{ GOVERSION, GOOS, GOARCH, CGO_ENABLED, CC string }
	if err := json.Unmarshal([]byte(out), &env); err != nil {
		return nil, &toolchainError{fmt.Sprintf("`%s env -json` printed %q, not JSON: install Go 1.26 or newer from https://go.dev/dl/", goPath, firstLine(out))}
	}
	if !goVersionOK(env.GOVERSION) {
		ver := env.GOVERSION
		if ver == "" {
			ver = "too old to name its version"
		}
		return nil, &toolchainError{fmt.Sprintf("otpgo needs Go 1.26 or newer but %s is %s: install a newer Go from https://go.dev/dl/", goPath, ver)}
	}
	return &goTool{path: goPath, version: env.GOVERSION, race: raceWorks(env.GOOS, env.GOARCH, env.CGO_ENABLED, env.CC)}, nil
}

// raceWorks reports whether -race can build here, from go env's answers.
func raceWorks(goos, goarch, cgo, cc string) bool {
	ccArgs := strings.Fields(cc)
	if !raceDetectorSupported(goos, goarch) || cgo != "1" || len(ccArgs) == 0 {
		return false
	}
	_, err := exec.LookPath(ccArgs[0])
	return err == nil
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

// goOutput runs a short go subcommand (go env) and returns its stdout. It
// runs in its own process group, killed whole when ctx ends, and stops
// waiting for its output pipes soon after: a go that hangs, or a child of
// it that holds the pipes, must not keep otpgo alive after Ctrl-C.
func goOutput(ctx context.Context, goPath string, args ...string) (string, error) {
	g, err := startGroup("")
	if err != nil {
		return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	defer g.release()
	cmd := exec.CommandContext(ctx, goPath, args...)
	g.join(cmd)
	cmd.Cancel = func() error { g.kill(); return nil }
	cmd.WaitDelay = pipeGrace
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Start()
	if err == nil {
		g.started(cmd.Process)
		err = cmd.Wait()
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), ctx.Err())
		}
		msg := firstLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", &toolchainError{fmt.Sprintf("`go %s` failed: %s (reinstall Go 1.26 or newer from https://go.dev/dl/)", strings.Join(args, " "), msg)}
	}
	return stdout.String(), nil
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
