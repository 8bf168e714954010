// Package workspace finds the learner's checkout of otpgo (the directory
// whose go.mod declares module github.com/otpgo/otpgo) and names the paths
// inside it that otpgo reads and writes.
package workspace

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ModulePath is the module a checkout's go.mod declares.
const ModulePath = "github.com/otpgo/otpgo"

// CloneURL is where a learner gets a checkout.
const CloneURL = "https://github.com/otpgo/otpgo"

// ErrNotCheckout is wrapped by Find's error when no checkout encloses the
// directory.
var ErrNotCheckout = errors.New("not inside an otpgo checkout")

// NotCheckoutError says where Find looked, and how to get a checkout.
type NotCheckoutError struct{ Dir string }

func (e *NotCheckoutError) Error() string {
	return fmt.Sprintf("%s is not inside an otpgo checkout (no go.mod declaring module %s in it or above it).\n"+
		"otpgo grades the exercises of a checkout. Get one and run otpgo from inside it:\n"+
		"  git clone %s\n"+
		"  cd otpgo\n"+
		"  go run ./cmd/otpgo", e.Dir, ModulePath, CloneURL)
}

// Unwrap makes errors.Is(err, ErrNotCheckout) true.
func (e *NotCheckoutError) Unwrap() error { return ErrNotCheckout }

// Workspace is a checkout: Root is its absolute root directory.
type Workspace struct {
	Root string
}

// Find walks up from dir to the first directory holding a go.mod that
// declares ModulePath.
func Find(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("find checkout from %s: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && modulePath(data) == ModulePath {
			return &Workspace{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			return nil, &NotCheckoutError{Dir: abs}
		}
	}
}

// modulePath returns the path of the module directive in a go.mod, or "".
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" {
			if p, err := strconv.Unquote(fields[1]); err == nil {
				return p
			}
			return fields[1]
		}
	}
	return ""
}

// Path turns a slash-separated path relative to the root (as the catalog
// and the embedded FS use, e.g. "exercises/gs_genserver/genserver.go") into
// an absolute OS path.
func (w *Workspace) Path(rel string) string {
	return filepath.Join(w.Root, filepath.FromSlash(rel))
}

// StateDir is .otpgo/ at the root: the learner's progress and backups.
// Git ignores it.
func (w *Workspace) StateDir() string { return filepath.Join(w.Root, ".otpgo") }

// BackupDir is where reset saves the learner's files before restoring the
// skeleton: .otpgo/backup/<timestamp>/, one per reset.
func (w *Workspace) BackupDir(t time.Time) string {
	return filepath.Join(w.StateDir(), "backup", t.Format("20060102-150405.000"))
}

// Rel returns p relative to the root, slash-separated, for messages.
func (w *Workspace) Rel(p string) string {
	if r, err := filepath.Rel(w.Root, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}
