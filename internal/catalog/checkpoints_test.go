package catalog_test

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
)

// sharedFixture is fixture() with a third step that changes two.go again,
// so two.go has a state of its own at checkpoint 2.
func sharedFixture() fstest.MapFS {
	m := fixture()
	replace(m, "content/aa/chapter.json", `"hints": ["h1", "h2", "h3"]}`,
		`"hints": ["h1", "h2", "h3"]},
			  {"id": "aa.3", "title": "three", "files": ["two.go"], "tests": ["TestThree"], "hints": ["h1", "h2"]}`)
	replace(m, "solutions/aa_pkg/hidden_test.go", "func zzHelper() {}", "func TestThree(t *testing.T) {}\nfunc zzHelper() {}")
	m["exercises/aa_pkg/two.go"].Data = []byte("package aa // skeleton\n")
	m["solutions/aa_pkg/two.go"].Data = []byte("package aa // aa.3 done\n")
	m["solutions/aa_pkg/_checkpoints/aa.2/two.go"] = &fstest.MapFile{Data: []byte("package aa // aa.2 done\n")}
	return m
}

func TestCheckpointFilesFollowTheSteps(t *testing.T) {
	c, err := catalog.Load(sharedFixture())
	if err != nil {
		t.Fatal(err)
	}
	aa, _ := c.Chapter("aa")
	want := []string{"package aa // skeleton\n", "package aa // skeleton\n", "package aa // aa.2 done\n", "package aa // aa.3 done\n"}
	for k, w := range want {
		files, err := aa.CheckpointFiles(sharedFixture(), k)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(files["two.go"]); got != w {
			t.Errorf("checkpoint %d: two.go = %q; want %q", k, got, w)
		}
	}
	if _, err := aa.CheckpointFiles(sharedFixture(), 4); err == nil {
		t.Error("checkpoint 4 of a 3-step chapter: no error")
	}
	if got := aa.Steps[1].SharesFiles(); len(got["two.go"]) != 1 || got["two.go"][0] != "aa.3" {
		t.Errorf("aa.2 SharesFiles = %v; want two.go shared with aa.3", got)
	}
}

func TestCheckpointValidation(t *testing.T) {
	cases := []struct {
		name     string
		mutate   func(fstest.MapFS)
		file     string
		contains string
	}{
		{"missing overlay", func(m fstest.MapFS) { delete(m, "solutions/aa_pkg/_checkpoints/aa.2/two.go") },
			"content/aa/chapter.json", "write solutions/aa_pkg/_checkpoints/aa.2/two.go, two.go as it stands when aa.2 is done (aa.3 changes it again)"},
		{"overlay of the last step", func(m fstest.MapFS) {
			m["solutions/aa_pkg/_checkpoints/aa.3/two.go"] = &fstest.MapFile{Data: []byte("package aa\n")}
		}, "solutions/aa_pkg/_checkpoints/aa.3/two.go", "aa.3 is the last step that changes two.go"},
		{"overlay of an unlisted file", func(m fstest.MapFS) {
			m["solutions/aa_pkg/_checkpoints/aa.2/one.go"] = &fstest.MapFile{Data: []byte("package aa\n")}
		}, "solutions/aa_pkg/_checkpoints/aa.2/one.go", `does not list one.go in its "files"`},
		{"overlay of no step", func(m fstest.MapFS) {
			m["solutions/aa_pkg/_checkpoints/aa.9/two.go"] = &fstest.MapFile{Data: []byte("package aa\n")}
		}, "solutions/aa_pkg/_checkpoints/aa.9/two.go", "aa.9 is not a step of chapter aa"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := sharedFixture()
			tc.mutate(m)
			requireProblem(t, m, tc.file, tc.contains)
		})
	}
}

// TestEmbeddedCheckpointEnds: in the shipped course, checkpoint 0 is the
// skeleton byte for byte, and the last checkpoint is the solution.
func TestEmbeddedCheckpointEnds(t *testing.T) {
	c, err := catalog.Load(otpgo.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.Chapters {
		if ch.Coming || ch.Dir == "" {
			continue
		}
		first, err := ch.CheckpointFiles(otpgo.FS, 0)
		if err != nil {
			t.Fatal(err)
		}
		last, err := ch.CheckpointFiles(otpgo.FS, len(ch.Steps))
		if err != nil {
			t.Fatal(err)
		}
		for f, data := range first {
			skel, _ := fs.ReadFile(otpgo.FS, ch.ExercisePath(f))
			if !bytes.Equal(data, skel) {
				t.Errorf("%s: checkpoint 0 differs from the skeleton", ch.ExercisePath(f))
			}
			sol, err := fs.ReadFile(otpgo.FS, path.Join("solutions", ch.Dir, f))
			if err == nil && !bytes.Equal(last[f], sol) {
				t.Errorf("%s: last checkpoint differs from the solution", ch.SolutionPath(f))
			}
		}
	}
}

// requireProblem loads fsys and fails unless validation reports a problem
// in file whose message contains contains.
func requireProblem(t *testing.T, fsys fs.FS, file, contains string) {
	t.Helper()
	_, err := catalog.Load(fsys)
	var verr *catalog.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Load = %v; want a ValidationError", err)
	}
	for _, p := range verr.Problems {
		if p.File == file && strings.Contains(p.Msg, contains) {
			return
		}
	}
	t.Fatalf("no problem in %s mentioning %q; got:\n%v", file, contains, err)
}
