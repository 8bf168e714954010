package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// normalize applies defaults and rejects requests the runner can't honour.
func normalize(req Request) (Request, error) {
	if !filepath.IsAbs(req.Root) {
		return req, fmt.Errorf("runner: Request.Root must be an absolute path, got %q", req.Root)
	}
	req.Root = filepath.Clean(req.Root)
	if _, err := os.Stat(filepath.Join(req.Root, "go.mod")); err != nil {
		return req, fmt.Errorf("%s is not a Go module (no go.mod): run otpgo inside a checkout of the course", req.Root)
	}
	dir := path.Clean(filepath.ToSlash(req.Dir))
	if req.Dir == "" || path.IsAbs(dir) || dir == "." || dir == ".." || strings.HasPrefix(dir, "../") {
		return req, fmt.Errorf("runner: Request.Dir must be a package directory inside Root, got %q", req.Dir)
	}
	req.Dir = dir
	if fi, err := os.Stat(filepath.Join(req.Root, filepath.FromSlash(dir))); err != nil || !fi.IsDir() {
		return req, &MissingDirError{Dir: dir, Root: req.Root}
	}
	if len(req.Steps) == 0 {
		return req, errors.New("runner: no steps to check")
	}
	for _, st := range req.Steps {
		if len(st.Tests) == 0 {
			return req, fmt.Errorf("runner: step %s has no tests, so it can't be checked", st.ID)
		}
		for _, name := range st.Tests {
			if !testNameRE.MatchString(name) {
				return req, fmt.Errorf("runner: step %s: %q is not a top-level test name", st.ID, name)
			}
		}
	}
	for name := range req.Overlay {
		if name != filepath.Base(name) || !strings.HasSuffix(name, ".go") {
			return req, fmt.Errorf("runner: overlay file %q must be a .go file name without a directory", name)
		}
	}
	if req.Count < 1 {
		req.Count = 1
	}
	if req.Timeout <= 0 {
		req.Timeout = DefaultTimeout
	}
	return req, nil
}

var testNameRE = regexp.MustCompile(`^(Test|Example|Fuzz)\w*$`)

// runPattern is the -run regexp that selects exactly these top-level tests.
func runPattern(tests []string) string {
	return "^(" + strings.Join(tests, "|") + ")$"
}

// writeOverlay writes each hidden file into tmp under its injected name and
// the -overlay JSON that maps <pkgAbs>/zz_otpgo_hidden_<name> to it. The
// temp files keep the injected name so any message that still shows the
// temp path is recognised and rewritten.
func writeOverlay(tmp, pkgAbs string, files map[string][]byte) (string, error) {
	replace := make(map[string]string, len(files))
	for name, content := range files {
		injected := HiddenPrefix + name
		f := filepath.Join(tmp, injected)
		if err := os.WriteFile(f, content, 0o600); err != nil {
			return "", err
		}
		replace[filepath.Join(pkgAbs, injected)] = f
	}
	data, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", err
	}
	f := filepath.Join(tmp, "overlay.json")
	return f, os.WriteFile(f, data, 0o600)
}

// goraceWithoutSleep adds atexit_sleep_ms=0 to the user's GORACE: without
// it every -race test binary sleeps 1 s before exiting.
func goraceWithoutSleep(gorace string) string {
	if strings.Contains(gorace, "atexit_sleep_ms") {
		return gorace
	}
	return strings.TrimSpace(gorace + " atexit_sleep_ms=0")
}

// MissingDirError is a Request whose package directory is not on disk
// (the learner deleted or moved it). How to restore it is the caller's
// advice to give.
type MissingDirError struct {
	Dir  string // relative to Root, slash-separated
	Root string
}

func (e *MissingDirError) Error() string {
	return fmt.Sprintf("check: %s is missing from %s", e.Dir, e.Root)
}
