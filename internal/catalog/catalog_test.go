package catalog_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
)

// TestEmbeddedCourseIsValid validates the real course, as shipped: every
// step's files, tests and hints, every chapter of course.json.
func TestEmbeddedCourseIsValid(t *testing.T) {
	c, err := catalog.Load(otpgo.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Chapters) != 9 {
		t.Errorf("course lists %d chapters; want the nine of the curriculum", len(c.Chapters))
	}
	gs, ok := c.Chapter("gs")
	if !ok || gs.Coming || len(gs.Gradable()) < 2 {
		t.Fatalf("chapter gs should be written with at least two graded steps; got %+v", gs)
	}
}

// fixture is a small valid course: chapter "aa" written, "bb" coming.
func fixture() fstest.MapFS {
	return fstest.MapFS{
		"content/course.json": {Data: []byte(`{"chapters": [
			{"id": "aa", "title": "First"},
			{"id": "bb", "title": "Second"}]}`)},
		"content/aa/chapter.json": {Data: []byte(`{
			"id": "aa", "title": "First", "dir": "aa_pkg", "summary": "s",
			"steps": [
			  {"id": "aa.1", "title": "one", "files": ["one.go"], "tests": ["TestOne"], "hints": ["h1", "h2"]},
			  {"id": "aa.2", "title": "two", "files": ["two.go"], "tests": ["TestTwo", "TestTwoMore"], "timeout": "3s", "hints": ["h1", "h2", "h3"]}
			]}`)},
		"content/aa/lesson.md":            {Data: []byte("# First\n")},
		"exercises/aa_pkg/one.go":         {Data: []byte("package aa\n")},
		"exercises/aa_pkg/two.go":         {Data: []byte("package aa\n")},
		"solutions/aa_pkg/one.go":         {Data: []byte("package aa\n")},
		"solutions/aa_pkg/two.go":         {Data: []byte("package aa\n")},
		"solutions/aa_pkg/hidden_test.go": {Data: []byte("package aa\nimport \"testing\"\nfunc TestOne(t *testing.T) {}\nfunc TestTwo(t *testing.T) {}\nfunc TestTwoMore(t *testing.T) {}\nfunc zzHelper() {}\n")},
	}
}

func TestLoadFixture(t *testing.T) {
	c, err := catalog.Load(fixture())
	if err != nil {
		t.Fatal(err)
	}
	aa, _ := c.Chapter("aa")
	bb, _ := c.Chapter("bb")
	if aa.Coming || !bb.Coming {
		t.Fatalf("aa.Coming=%v bb.Coming=%v; want false, true (bb has no chapter.json)", aa.Coming, bb.Coming)
	}
	s, ok := c.Step("aa.2")
	if !ok || s.Timeout.String() != "3s" || s.Chapter != aa {
		t.Fatalf("step aa.2 = %+v", s)
	}
	if s1, _ := c.Step("aa.1"); s1.Timeout != catalog.DefaultTimeout {
		t.Errorf("aa.1 timeout = %v; want the default %v", s1.Timeout, catalog.DefaultTimeout)
	}
	if got, want := c.IDs(), []string{"aa", "aa.1", "aa.2", "bb"}; !slices.Equal(got, want) {
		t.Errorf("IDs() = %v; want %v", got, want)
	}
	next := c.NextPending(func(id string) bool { return id == "aa.1" })
	if next == nil || next.ID != "aa.2" {
		t.Errorf("NextPending with aa.1 done = %v; want aa.2", next)
	}
	if c.NextPending(func(string) bool { return true }) != nil {
		t.Error("NextPending with everything done should be nil")
	}
	none := func(string) bool { return false }
	for _, tc := range []struct{ after, want string }{
		{"", "aa.1"},     // nothing passed yet: from the start
		{"aa.1", "aa.2"}, // stay in the chapter being worked on
		{"aa.2", "aa.1"}, // past the last step: wrap round to what was skipped
		{"zz.9", "aa.1"}, // an ID no longer in the course: from the start
	} {
		if got := c.NextPendingAfter(tc.after, none); got == nil || got.ID != tc.want {
			t.Errorf("NextPendingAfter(%q) with nothing done = %v; want %s", tc.after, got, tc.want)
		}
	}
	if got := c.NextPendingAfter("aa.1", func(id string) bool { return id == "aa.2" }); got == nil || got.ID != "aa.1" {
		t.Errorf("NextPendingAfter(aa.1) with aa.2 done = %v; want aa.1 (wrap round)", got)
	}
}

func TestResolve(t *testing.T) {
	c, err := catalog.Load(fixture())
	if err != nil {
		t.Fatal(err)
	}
	if tg, err := c.Resolve("aa"); err != nil || tg.Step != nil || len(tg.Steps()) != 2 {
		t.Errorf("Resolve(aa) = %+v, %v; want the whole chapter", tg, err)
	}
	if tg, err := c.Resolve("aa.2"); err != nil || tg.Step == nil || tg.ID() != "aa.2" {
		t.Errorf("Resolve(aa.2) = %+v, %v; want the step", tg, err)
	}
	for _, id := range []string{"bb", "bb.1"} {
		_, err := c.Resolve(id)
		if !errors.Is(err, catalog.ErrComing) || !strings.Contains(err.Error(), "coming") {
			t.Errorf("Resolve(%s) error = %v; want a ComingError saying so", id, err)
		}
	}
	_, err = c.Resolve("aa.3")
	var unk *catalog.UnknownIDError
	if !errors.As(err, &unk) || !errors.Is(err, catalog.ErrUnknownID) {
		t.Fatalf("Resolve(aa.3) error = %v; want an UnknownIDError", err)
	}
	if !slices.Contains(unk.Suggestions, "aa.1") || !slices.Contains(unk.Suggestions, "aa.2") {
		t.Errorf("suggestions for aa.3 = %v; want aa.1 and aa.2 among them", unk.Suggestions)
	}
	if !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("error %q should suggest IDs", err)
	}
}

func TestSuggest(t *testing.T) {
	ids := []string{"01", "01.1", "02", "02.1", "gs", "gs.1", "gs.2", "sup", "sup.1"}
	cases := map[string]string{"gs3": "gs", "sp": "sup", "GS.1": "gs.1", "g": "gs", "sup.9": "sup"}
	for in, want := range cases {
		got := catalog.Suggest(in, ids, 3)
		if len(got) == 0 || !slices.Contains(got, want) {
			t.Errorf("Suggest(%q) = %v; want %q among them", in, got, want)
		}
	}
	if got := catalog.Suggest("kubernetes", ids, 3); len(got) != 0 {
		t.Errorf("Suggest(kubernetes) = %v; want nothing close", got)
	}
}

// TestValidationPointsAtTheFile breaks the fixture one way at a time and
// checks that the problem names the file to fix.
func TestValidationPointsAtTheFile(t *testing.T) {
	cases := []struct {
		name     string
		mutate   func(fstest.MapFS)
		file     string
		contains string
	}{
		{"missing test", func(m fstest.MapFS) {
			replace(m, "content/aa/chapter.json", `"TestTwoMore"`, `"TestTwoMor"`)
		}, "content/aa/chapter.json", "TestTwoMor is not a top-level Test function"},
		{"file not in skeleton", func(m fstest.MapFS) { delete(m, "exercises/aa_pkg/two.go") }, "content/aa/chapter.json", "two.go is not in exercises/aa_pkg/"},
		{"file not in solution", func(m fstest.MapFS) { delete(m, "solutions/aa_pkg/one.go") }, "content/aa/chapter.json", "one.go is not in solutions/aa_pkg/"},
		{"test in exercises", func(m fstest.MapFS) {
			m["exercises/aa_pkg/x_test.go"] = &fstest.MapFile{Data: []byte("package aa\n")}
		}, "exercises/aa_pkg/x_test.go", "test file in exercises"},
		{"one hint", func(m fstest.MapFS) {
			replace(m, "content/aa/chapter.json", `"hints": ["h1", "h2"]`, `"hints": ["h1"]`)
		}, "content/aa/chapter.json", "1 hints"},
		{"duplicate step id", func(m fstest.MapFS) { replace(m, "content/aa/chapter.json", `"id": "aa.2"`, `"id": "aa.1"`) }, "content/aa/chapter.json", "also used"},
		{"bad timeout", func(m fstest.MapFS) { replace(m, "content/aa/chapter.json", `"3s"`, `"3"`) }, "content/aa/chapter.json", "timeout"},
		{"typo field", func(m fstest.MapFS) { replace(m, "content/aa/chapter.json", `"summary"`, `"sumary"`) }, "content/aa/chapter.json", "unknown field"},
		{"no lesson", func(m fstest.MapFS) { delete(m, "content/aa/lesson.md") }, "content/aa/lesson.md", "missing"},
		{"external test package", func(m fstest.MapFS) {
			replace(m, "solutions/aa_pkg/hidden_test.go", "package aa\n", "package aa_test\n")
		}, "solutions/aa_pkg/hidden_test.go", "must be in the code's package"},
		{"unprefixed hidden helper", func(m fstest.MapFS) {
			replace(m, "solutions/aa_pkg/hidden_test.go", "func zzHelper()", "func helper()")
		}, "solutions/aa_pkg/hidden_test.go", "helper has no hidden prefix"},
		{"unprefixed hidden type", func(m fstest.MapFS) {
			m["solutions/aa_pkg/more_test.go"] = &fstest.MapFile{Data: []byte("package aa\nimport \"testing\"\ntype pop struct{}\nfunc Testify(t *testing.T) {}\n")}
		}, "solutions/aa_pkg/more_test.go", "pop has no hidden prefix"},
		{"broken course.json", func(m fstest.MapFS) { m["content/course.json"].Data = []byte("{") }, "content/course.json", "invalid JSON"},
		{"chapter id mismatch", func(m fstest.MapFS) { replace(m, "content/aa/chapter.json", `"id": "aa",`, `"id": "ab",`) }, "content/aa/chapter.json", `want "aa"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fixture()
			tc.mutate(m)
			_, err := catalog.Load(m)
			var verr *catalog.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Load = %v; want a ValidationError", err)
			}
			for _, p := range verr.Problems {
				if p.File == tc.file && strings.Contains(p.Msg, tc.contains) {
					return
				}
			}
			t.Fatalf("no problem in %s mentioning %q; got:\n%v", tc.file, tc.contains, err)
		})
	}
}

func replace(m fstest.MapFS, name, old, new string) {
	f := m[name]
	if !strings.Contains(string(f.Data), old) {
		panic(name + " does not contain " + old)
	}
	f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
}

func TestMentionsStep(t *testing.T) {
	for _, tc := range []struct {
		s, id string
		want  bool
	}{
		{"## Step 02.1: a cache", "02.1", true},
		{"## Step 02.10: later", "02.1", false},
		{"see 02.1.", "02.1", false}, // 02.1. could begin 02.1.x
		{"02.10 then 02.1", "02.1", true},
		{"nothing", "02.1", false},
	} {
		if got := catalog.MentionsStep(tc.s, tc.id); got != tc.want {
			t.Errorf("MentionsStep(%q, %q) = %v, want %v", tc.s, tc.id, got, tc.want)
		}
	}
}
