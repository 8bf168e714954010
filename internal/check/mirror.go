package check

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/otpgo/otpgo/internal/progress"
)

// Verify runs in a mirror of the checkout rather than in the checkout
// itself: go test -overlay can add the hidden tests to a package, but it
// cannot take away a file the learner added or, through the runner, swap
// one the learner changed. The mirror holds the checkout's own code
// (go.mod, internal/, ...) with content/, exercises/ and solutions/
// written from the course FS (the checkout's course, with its skeletons as
// committed, or the embedded tree), so what verify grades is exactly the
// course, whatever the learner did to exercises/. It lives at a stable
// path per checkout, so the build cache stays warm from one verify to the
// next.

// courseTrees are the top-level directories the mirror takes from the
// course FS instead of the checkout.
var courseTrees = map[string]bool{"content": true, "exercises": true, "solutions": true}

// maxMirrorFile skips files no build needs (a stray test binary).
const maxMirrorFile = 2 << 20

// DefaultMirrorDir is where verify mirrors the checkout at root: in the
// user's cache directory, one per checkout.
func DefaultMirrorDir(root string) string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	h := fnv.New64a() // a name per checkout, not a secret: no crypto needed
	h.Write([]byte(root))
	return filepath.Join(base, "otpgo", "verify", fmt.Sprintf("%016x", h.Sum64()))
}

// syncMirror makes dst a copy of the checkout at root with the course
// trees of fsys, plus extra (slash path in dst -> content: verify's
// checkpoint packages), writing only files that changed and deleting the
// rest. It holds a lock so two verifies of one checkout don't write over
// each other.
func syncMirror(root string, fsys fs.FS, dst string, extra map[string][]byte) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("mirror: %w", err)
	}
	return progress.WithFileLock(dst+".lock", func() error {
		want := map[string]bool{} // slash paths relative to dst
		put := func(rel string, data []byte) error {
			want[rel] = true
			p := filepath.Join(dst, filepath.FromSlash(rel))
			if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, data) {
				return nil // unchanged: keep its mtime, and the build cache's trust
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			return os.WriteFile(p, data, 0o644)
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel == "." {
					return nil
				}
				name := d.Name()
				if strings.HasPrefix(name, ".") || (!strings.Contains(rel, "/") && courseTrees[rel]) {
					return fs.SkipDir
				}
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return fs.SkipDir // a nested module is not part of this one
				}
				return nil
			}
			if !d.Type().IsRegular() || strings.HasSuffix(rel, ".test") {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > maxMirrorFile {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return put(rel, data)
		})
		if err != nil {
			return fmt.Errorf("mirror %s: %w", root, err)
		}
		for top := range courseTrees {
			err := fs.WalkDir(fsys, top, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := fs.ReadFile(fsys, p)
				if err != nil {
					return err
				}
				return put(p, data)
			})
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("mirror course %s: %w", top, err)
			}
		}
		for rel, data := range extra {
			if err := put(rel, data); err != nil {
				return fmt.Errorf("mirror %s: %w", rel, err)
			}
		}
		// Delete what is no longer in the checkout or the course.
		var stale []string
		_ = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dst, p)
			if !want[filepath.ToSlash(rel)] {
				stale = append(stale, p)
			}
			return nil
		})
		for _, p := range stale {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("mirror: %w", err)
			}
		}
		return nil
	})
}
