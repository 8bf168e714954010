package catalog

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The skeletons come out of git as a tree's file list and then the files'
// contents, read with `git ls-tree` and `git cat-file --batch`: plain text
// formats, read here as hostile input (a repository can hold anything),
// with no archive format to compile into otpgo.

// treeFile is a regular file of a git tree.
type treeFile struct{ oid, name string }

// extractTree writes the regular files of git tree tree, in the
// repository at root, under dir.
func extractTree(ctx context.Context, root, tree, dir string) error {
	list, err := gitOutput(ctx, root, nil, maxSkeletonFiles*512, "ls-tree", "-r", "-z", "--full-tree", tree)
	if err != nil {
		return err
	}
	files, err := parseLsTree(list)
	if err != nil {
		return err
	}
	var oids strings.Builder
	for _, f := range files {
		oids.WriteString(f.oid + "\n")
	}
	batch, err := gitOutput(ctx, root, strings.NewReader(oids.String()), maxSkeletonsTotal+len(files)*128, "cat-file", "--batch")
	if err != nil {
		return err
	}
	contents, err := readBatch(batch, files)
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, contents[f.name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// parseLsTree reads `git ls-tree -r -z` output, one "<mode> <type>
// <oid>\t<path>" record per NUL, and keeps the regular files: symlinks
// and submodules are no skeleton.
func parseLsTree(out []byte) ([]treeFile, error) {
	var files []treeFile
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		f := strings.Fields(string(meta))
		if !ok || len(f) != 3 || !isHash(f[2]) {
			return nil, fmt.Errorf("git ls-tree gave %q, not a tree entry", firstLine(string(rec)))
		}
		if f[1] != "blob" || (f[0] != "100644" && f[0] != "100755") {
			continue
		}
		n := string(name)
		if !fs.ValidPath(n) || n == "." || strings.Contains(n, `\`) {
			return nil, fmt.Errorf("bad path %q in the tree", n)
		}
		files = append(files, treeFile{oid: f[2], name: n})
		if len(files) > maxSkeletonFiles {
			return nil, fmt.Errorf("exercises/ is too big (over %d files)", maxSkeletonFiles)
		}
	}
	return files, nil
}

// readBatch reads `git cat-file --batch` output for files, in their order:
// "<oid> blob <size>\n", the content, "\n" for each.
func readBatch(out []byte, files []treeFile) (map[string][]byte, error) {
	contents := make(map[string][]byte, len(files))
	total := 0
	for _, f := range files {
		header, rest, ok := bytes.Cut(out, []byte{'\n'})
		h := strings.Fields(string(header))
		if !ok || len(h) != 3 || h[0] != f.oid || h[1] != "blob" {
			return nil, fmt.Errorf("git cat-file gave %q for %s, not its blob", firstLine(string(header)), f.name)
		}
		size, err := strconv.Atoi(h[2])
		if err != nil || size < 0 || size > maxCourseFile {
			return nil, fmt.Errorf("%s: size %q is not one a skeleton can have (at most %d bytes)", f.name, h[2], maxCourseFile)
		}
		if total += size; total > maxSkeletonsTotal {
			return nil, fmt.Errorf("exercises/ is too big (over %d bytes)", maxSkeletonsTotal)
		}
		if len(rest) < size+1 || rest[size] != '\n' {
			return nil, fmt.Errorf("git cat-file's output for %s is cut short", f.name)
		}
		contents[f.name] = rest[:size:size]
		out = rest[size+1:]
	}
	return contents, nil
}

func isHash(s string) bool {
	return len(s) >= 40 && strings.Trim(s, "0123456789abcdef") == ""
}
