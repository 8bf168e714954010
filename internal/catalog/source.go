package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Format is the newest course format this otpgo reads: the "format" of
// content/course.json (absent means 1). Raise it when a course starts
// using something an older otpgo would misread, so that otpgo refuses the
// course in one line instead of grading it wrongly.
const Format = 1

// Limits on what a checkout's course may hold: it is read from disk, so a
// stray huge file must cost an error, not the machine's memory.
const (
	maxCourseFile     = 4 << 20  // one file of content/, solutions/ or a skeleton
	maxSkeletonsTotal = 32 << 20 // every skeleton together
	maxSkeletonFiles  = 5000
	gitTimeout        = 10 * time.Second
)

// FormatError is returned by OpenSource when the checkout's course is
// newer than this otpgo reads.
type FormatError struct {
	Root string // the checkout
	Have int    // the course's format
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("this otpgo is too old for the course in %s (course format %d, this otpgo reads up to %d): update it with `go install ./cmd/otpgo` run in the checkout, or use `go run ./cmd/otpgo`", e.Root, e.Have, Format)
}

// Source is the course otpgo grades with: the checkout's own when otpgo
// runs inside one, else the one built into the binary.
type Source struct {
	FS fs.FS // content/, exercises/ (the pristine skeletons), solutions/
	// Root is the checkout whose course this is; "" for the built-in one.
	Root string
	// Skeletons says where the skeletons come from: "git tree <hash> (...)" or
	// "built into otpgo" (no git, or not a git checkout).
	Skeletons string
}

// String says which course this is, for `otpgo doctor`.
func (s *Source) String() string {
	if s.Root == "" {
		return "the course built into otpgo"
	}
	return fmt.Sprintf("the checkout's own course (content/ and solutions/ in %s, skeletons from %s)", s.Root, s.Skeletons)
}

// SourceOptions tunes OpenSource; the zero value is right for otpgo.
type SourceOptions struct {
	// CacheDir holds the skeletons extracted from git, one directory per
	// tree; "" = <user cache dir>/otpgo/skeletons.
	CacheDir string
}

// OpenSource picks the course for the checkout at root ("" = not in a
// checkout): the checkout's content/ and solutions/ from disk, so a
// `git pull` that fixes a hidden test reaches an installed otpgo at once,
// and its skeletons as committed with the course (the files on disk in
// exercises/, and any commits of them, are the learner's work). Without a
// checkout, or in a tree without content/course.json, it is embedded.
// Without git, the skeletons come from embedded. A course newer than
// Format is a *FormatError.
func OpenSource(ctx context.Context, root string, embedded fs.FS, opts SourceOptions) (*Source, error) {
	if root == "" {
		return &Source{FS: embedded, Skeletons: "built into otpgo"}, nil
	}
	disk := limitFS{os.DirFS(root)}
	data, err := fs.ReadFile(disk, courseFileName)
	if errors.Is(err, fs.ErrNotExist) {
		return &Source{FS: embedded, Skeletons: "built into otpgo"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the checkout's course: %w", err)
	}
	if f := courseFormat(data); f > Format {
		return nil, &FormatError{Root: root, Have: f}
	}
	src := &Source{Root: root}
	skel, tree, err := gitSkeletons(ctx, root, opts.CacheDir)
	if err != nil {
		// Not a git checkout (a zip download), or no git: the skeletons
		// built in are the best there is; say so in doctor.
		src.Skeletons = "built into otpgo (" + firstLine(err.Error()) + ")"
		skel = subFS{embedded, "exercises"}
	} else {
		src.Skeletons = "git tree " + tree[:min(len(tree), 12)] + " (exercises/ of the last commit that changed the course)"
	}
	src.FS = routeFS{"content": disk, "solutions": disk, "exercises": prefixFS{skel, "exercises"}}
	return src, nil
}

// courseFormat reads only the "format" of course.json, so a course newer
// than this otpgo (with fields it doesn't know) gets the "too old"
// message rather than a strict decoder's complaint. Unreadable means 1:
// the validator then says what is wrong with the file.
func courseFormat(data []byte) int {
	var v struct {
		Format int `json:"format"`
	}
	if json.Unmarshal(data, &v) != nil || v.Format < 1 {
		return 1
	}
	return v.Format
}

// gitSkeletons returns the exercises/ tree of the checkout's course commit,
// extracted once per tree into the cache (a tree's hash names its
// content, so an extracted tree never goes stale).
func gitSkeletons(ctx context.Context, root, cacheDir string) (fs.FS, string, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	// The skeletons are exercises/ as of the last commit that changed the
	// course (content/ or solutions/), not as of HEAD: a learner who
	// commits their work in exercises/ must not turn it into the skeleton
	// that reset restores and verify checks.
	rev := "HEAD"
	if out, err := gitOutput(ctx, root, nil, 1<<10, "log", "-1", "--format=%H", "--", "content", "solutions"); err == nil {
		if c := strings.TrimSpace(string(out)); len(c) >= 40 && strings.Trim(c, "0123456789abcdef") == "" {
			rev = c
		}
	}
	out, err := gitOutput(ctx, root, nil, 1<<10, "rev-parse", "--verify", "--quiet", rev+":exercises")
	if err != nil {
		return nil, "", fmt.Errorf("no exercises/ in git %s: %w", rev, err)
	}
	tree := strings.TrimSpace(string(out))
	if len(tree) < 40 || strings.Trim(tree, "0123456789abcdef") != "" {
		return nil, "", fmt.Errorf("git rev-parse gave %q, not a tree hash", firstLine(tree))
	}
	if cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, "", fmt.Errorf("no cache directory for the skeletons: %w", err)
		}
		cacheDir = filepath.Join(base, "otpgo", "skeletons")
	}
	dir := filepath.Join(cacheDir, tree)
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return limitFS{os.DirFS(dir)}, tree, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, "", fmt.Errorf("skeleton cache: %w", err)
	}
	// Extract beside, then rename: two otpgos extracting at once each
	// finish their own copy, and the loser's rename fails harmlessly.
	tmp, err := os.MkdirTemp(cacheDir, ".extract-")
	if err != nil {
		return nil, "", fmt.Errorf("skeleton cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := extractTree(ctx, root, tree, tmp); err != nil {
		return nil, "", fmt.Errorf("skeletons of git tree %s: %w", tree, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return nil, "", fmt.Errorf("skeleton cache: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, ".complete")); serr != nil {
			return nil, "", fmt.Errorf("skeleton cache: %w", err)
		}
	}
	return limitFS{os.DirFS(dir)}, tree, nil
}

// gitOutput runs git in root with stdin (nil: none) and returns at most
// limit bytes of its stdout; more is an error.
func gitOutput(ctx context.Context, root string, stdin io.Reader, limit int, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", root}, args...)...)
	cmd.Stdin = stdin
	var out limitBuffer
	out.limit = limit
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %w: %s", args[0], err, firstLine(msg))
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out.Bytes(), nil
}

type limitBuffer struct {
	bytes.Buffer
	limit int
}

func (b *limitBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		return 0, fmt.Errorf("more than %d bytes of output", b.limit)
	}
	return b.Buffer.Write(p)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// routeFS sends each top-level directory to its own FS; the root itself
// lists those directories.
type routeFS map[string]fs.FS

func (r routeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	top, _, _ := strings.Cut(name, "/")
	if f, ok := r[top]; ok {
		return f.Open(name)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// prefixFS serves fsys under prefix: prefix/a/b is fsys's a/b.
type prefixFS struct {
	fsys   fs.FS
	prefix string
}

func (p prefixFS) Open(name string) (fs.File, error) {
	if name == p.prefix {
		return p.fsys.Open(".")
	}
	rest, ok := strings.CutPrefix(name, p.prefix+"/")
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return p.fsys.Open(rest)
}

// subFS is fs.Sub without its error (the directory may be missing: then
// every open fails with ErrNotExist, as it should).
type subFS struct {
	fsys fs.FS
	dir  string
}

func (s subFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	return s.fsys.Open(path.Join(s.dir, name))
}

// limitFS refuses files over maxCourseFile, so reading the course never
// loads a stray huge file.
type limitFS struct{ fsys fs.FS }

func (l limitFS) Open(name string) (fs.File, error) {
	f, err := l.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && !st.IsDir() && st.Size() > maxCourseFile {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%d bytes, more than the %d a course file may have", st.Size(), maxCourseFile)}
	}
	return f, nil
}
