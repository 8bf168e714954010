package catalog

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// checkoutFixture writes a small course into a temp dir; with git it is
// committed, as a clone would be.
func checkoutFixture(t *testing.T, withGit bool) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"content/course.json":        `{"format": 1, "chapters": [{"id": "aa", "title": "A"}]}`,
		"exercises/aa_pkg/one.go":    "package aa\n\nfunc One() int { panic(\"TODO\") }\n",
		"solutions/aa_pkg/one.go":    "package aa\n\nfunc One() int { return 1 }\n",
		"solutions/aa_pkg/a_test.go": "package aa\n\n// committed\n",
	}
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if withGit {
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("SKIPPED: git is not installed, so the skeletons-from-git test cannot run; install it with: apt-get install -y git")
		}
		for _, args := range [][]string{
			{"init", "-q"},
			{"add", "."},
			{"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "course"},
		} {
			cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
	return root
}

var embeddedFixture = fstest.MapFS{
	"content/course.json":        {Data: []byte(`{"chapters": [{"id": "aa", "title": "A"}]}`)},
	"exercises/aa_pkg/one.go":    {Data: []byte("// embedded skeleton\n")},
	"solutions/aa_pkg/a_test.go": {Data: []byte("// embedded test\n")},
}

func readString(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(data)
}

func TestSourceIsTheCheckoutsCourse(t *testing.T) {
	root := checkoutFixture(t, true)
	// After the commit: a pulled fix to a hidden test, and the learner's work.
	if err := os.WriteFile(filepath.Join(root, "solutions/aa_pkg/a_test.go"), []byte("package aa\n\n// pulled fix\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "exercises/aa_pkg/one.go"), []byte("package aa\n\nfunc One() int { return 1 } // mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Learners commit their work too: a commit of exercises/ alone must
	// not make it the skeleton.
	for _, args := range [][]string{
		{"add", "exercises"},
		{"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "my 01.1"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	cache := t.TempDir()
	for range 2 { // the second time from the cache
		src, err := OpenSource(context.Background(), root, embeddedFixture, SourceOptions{CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		if got := readString(t, src.FS, "solutions/aa_pkg/a_test.go"); !strings.Contains(got, "pulled fix") {
			t.Errorf("hidden test = %q; want the checkout's file on disk", got)
		}
		if got := readString(t, src.FS, "exercises/aa_pkg/one.go"); !strings.Contains(got, `panic("TODO")`) {
			t.Errorf("skeleton = %q; want the one committed with the course, not the learner's (committed) file", got)
		}
		if !strings.HasPrefix(src.Skeletons, "git tree ") || src.Root != root || !strings.Contains(src.String(), root) {
			t.Errorf("source = %s; want the checkout's, skeletons from the course's commit", src)
		}
		entries, err := fs.ReadDir(src.FS, "exercises/aa_pkg")
		if err != nil || len(entries) != 1 || entries[0].Name() != "one.go" {
			t.Errorf("ReadDir(exercises/aa_pkg) = %v, %v; want [one.go]", entries, err)
		}
	}
}

func TestSourceWithoutGitTakesEmbeddedSkeletons(t *testing.T) {
	root := checkoutFixture(t, false)
	src, err := OpenSource(context.Background(), root, embeddedFixture, SourceOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got := readString(t, src.FS, "exercises/aa_pkg/one.go"); got != "// embedded skeleton\n" {
		t.Errorf("skeleton = %q; want the embedded one", got)
	}
	if got := readString(t, src.FS, "solutions/aa_pkg/a_test.go"); !strings.Contains(got, "committed") {
		t.Errorf("hidden test = %q; want the checkout's", got)
	}
	if !strings.HasPrefix(src.Skeletons, "built into otpgo (") {
		t.Errorf("Skeletons = %q; want built in, and why", src.Skeletons)
	}
}

func TestSourceOutsideACheckoutIsEmbedded(t *testing.T) {
	for _, root := range []string{"", t.TempDir()} { // no checkout; a tree without content/course.json
		src, err := OpenSource(context.Background(), root, embeddedFixture, SourceOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if src.Root != "" || readString(t, src.FS, "exercises/aa_pkg/one.go") != "// embedded skeleton\n" {
			t.Errorf("root %q: source %s; want the embedded course", root, src)
		}
	}
}

func TestSourceTooNewSaysUpdate(t *testing.T) {
	root := checkoutFixture(t, false)
	newer := `{"format": 2, "chapters": [], "something": "new"}`
	if err := os.WriteFile(filepath.Join(root, "content/course.json"), []byte(newer), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := OpenSource(context.Background(), root, embeddedFixture, SourceOptions{})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Have != 2 {
		t.Fatalf("err = %v; want a *FormatError for format 2", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "go install ./cmd/otpgo") {
		t.Errorf("message %q: want one line naming `go install ./cmd/otpgo`", msg)
	}
}

func TestSourceRefusesHugeFiles(t *testing.T) {
	root := checkoutFixture(t, false)
	if err := os.WriteFile(filepath.Join(root, "content/course.json"), bytes.Repeat([]byte(" "), maxCourseFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSource(context.Background(), root, embeddedFixture, SourceOptions{}); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("err = %v; want a refusal of the oversized course.json", err)
	}
}

const oidA = "1111111111111111111111111111111111111111"

func TestLsTreeKeepsRegularFilesInside(t *testing.T) {
	out := []byte("100644 blob " + oidA + "\taa/one.go\x00" +
		"120000 blob " + oidA + "\taa/link\x00" +
		"160000 commit " + oidA + "\tsub\x00")
	files, err := parseLsTree(out)
	if err != nil || len(files) != 1 || files[0].name != "aa/one.go" {
		t.Fatalf("parseLsTree = %v, %v; want aa/one.go alone", files, err)
	}
	for _, name := range []string{"../evil.go", "/abs.go", "a/../../b.go", `a\b.go`} {
		if _, err := parseLsTree([]byte("100644 blob " + oidA + "\t" + name + "\x00")); err == nil {
			t.Errorf("parseLsTree accepted %q", name)
		}
	}
}

func TestBatchIsReadToTheByte(t *testing.T) {
	files := []treeFile{{oidA, "a.go"}, {oidA, "b.go"}}
	out := []byte(oidA + " blob 3\nabc\n" + oidA + " blob 0\n\n")
	got, err := readBatch(out, files)
	if err != nil || string(got["a.go"]) != "abc" || len(got["b.go"]) != 0 {
		t.Fatalf("readBatch = %q, %v", got, err)
	}
	for _, bad := range []string{
		oidA + " blob 9\nabc\n",                               // cut short
		oidA + " missing\n",                                   // no such object
		oidA + " blob 99999999999\n",                          // over the limit
		oidA + " blob -1\n",                                   // nonsense
		"2222222222222222222222222222222222222222 blob 0\n\n", // another object
	} {
		if _, err := readBatch([]byte(bad), files[:1]); err == nil {
			t.Errorf("readBatch accepted %q", bad)
		}
	}
}

// FuzzGitTree: whatever git prints, the readers return an error or files
// with valid relative paths and contents within the limits.
func FuzzGitTree(f *testing.F) {
	f.Add([]byte("100644 blob "+oidA+"\taa/one.go\x00"), []byte(oidA+" blob 2\nhi\n"))
	f.Fuzz(func(t *testing.T, list, batch []byte) {
		files, err := parseLsTree(list)
		if err != nil {
			return
		}
		for _, f := range files {
			if !fs.ValidPath(f.name) || f.name == "." {
				t.Fatalf("parseLsTree kept %q", f.name)
			}
		}
		got, err := readBatch(batch, files)
		if err != nil {
			return
		}
		total := 0
		for _, data := range got {
			total += len(data)
		}
		if total > maxSkeletonsTotal {
			t.Fatalf("readBatch kept %d bytes", total)
		}
	})
}

// FuzzCourseFormat: any course.json gives a format of at least 1.
func FuzzCourseFormat(f *testing.F) {
	f.Add([]byte(`{"format": 3}`))
	f.Add([]byte(`{"format": -1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got := courseFormat(data); got < 1 {
			t.Fatalf("courseFormat(%q) = %d", data, got)
		}
	})
}
