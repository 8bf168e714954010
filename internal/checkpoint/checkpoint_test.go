package checkpoint

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
)

func step(t *testing.T, id string) *catalog.Step {
	t.Helper()
	c, err := catalog.Load(otpgo.FS)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.Step(id)
	if !ok {
		t.Fatalf("no step %s", id)
	}
	return s
}

// workspace writes the chapter's skeleton into a temp root.
func workspace(t *testing.T, ch *catalog.Chapter) (root string, st Store) {
	t.Helper()
	root = t.TempDir()
	files, err := ch.CheckpointFiles(otpgo.FS, 0)
	if err != nil {
		t.Fatal(err)
	}
	for f, data := range files {
		put(t, filepath.Join(root, filepath.FromSlash(ch.ExercisePath(f))), string(data))
	}
	return root, Store{Root: root, StateDir: filepath.Join(root, ".otpgo")}
}

func put(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func passedSet(ids ...string) func(string) bool {
	return func(id string) bool { return slices.Contains(ids, id) }
}

func TestSaveKeepsTheLatestPass(t *testing.T) {
	s := step(t, "01.2")
	root, st := workspace(t, s.Chapter)
	async := filepath.Join(root, "exercises", "01_concurrency", "async.go")
	put(t, async, "package concurrency // first pass\n")
	if _, err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	put(t, async, "package concurrency // second pass\n")
	dir, err := st.Save(s)
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(root, ".otpgo", "checkpoints", "01.2") {
		t.Errorf("Save = %s", dir)
	}
	data, ok, err := st.Own("01.2", "async.go")
	if err != nil || !ok || string(data) != "package concurrency // second pass\n" {
		t.Errorf("Own = %q, %v, %v; want the second pass", data, ok, err)
	}
	if _, ok, err := st.Own("01.1", "each.go"); ok || err != nil {
		t.Errorf("Own of a step never passed = %v, %v; want no copy and no error", ok, err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, ".otpgo", "checkpoints"))
	if len(entries) != 1 {
		t.Errorf(".otpgo/checkpoints holds %d entries; want only 01.2 (no temp or old dirs left)", len(entries))
	}
}

func TestOwnDistrustsStateDir(t *testing.T) {
	root := t.TempDir()
	st := Store{Root: root, StateDir: filepath.Join(root, ".otpgo")}
	big := filepath.Join(st.StateDir, "checkpoints", "02.1", "cache.go")
	put(t, big, strings.Repeat("x", MaxFile+1))
	if _, _, err := st.Own("02.1", "cache.go"); err == nil || !strings.Contains(err.Error(), "over") {
		t.Errorf("Own of an oversized copy = %v; want a size error", err)
	}
	if _, _, err := st.Own("../../etc", "passwd"); err == nil {
		t.Error("Own with .. in the step ID: no error")
	}
	if runtime.GOOS != "windows" {
		link := filepath.Join(st.StateDir, "checkpoints", "02.2", "cache.go")
		put(t, filepath.Join(root, "secret"), "x")
		_ = os.MkdirAll(filepath.Dir(link), 0o755)
		if err := os.Symlink(filepath.Join(root, "secret"), link); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Own("02.2", "cache.go"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Own of a symlink = %v; want it refused", err)
		}
	}
}

// TestResetUndoesOnlyTheStep: after passing 01.2, reset 01.3 puts the
// learner's own 01.2 async.go back, not the skeleton.
func TestResetUndoesOnlyTheStep(t *testing.T) {
	s := step(t, "01.3")
	root, st := workspace(t, s.Chapter)
	mine := "package concurrency // my passing 01.2 code\n"
	put(t, filepath.Join(root, "exercises", "01_concurrency", "async.go"), mine)
	if _, err := st.Save(step(t, "01.2")); err != nil {
		t.Fatal(err)
	}
	put(t, filepath.Join(root, "exercises", "01_concurrency", "async.go"), "package concurrency // 01.3 half done\n")

	p, err := Reset(otpgo.FS, st, s, passedSet("01.1", "01.2", "01.3"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Write{}
	for _, w := range p.Writes {
		got[w.File] = w
	}
	if w := got["async.go"]; string(w.Data) != mine || w.Reference || !strings.Contains(w.From, "your copy from passing 01.2") {
		t.Errorf("async.go = %q from %q; want your own 01.2 copy", w.Data, w.From)
	}
	skel, _ := fs.ReadFile(otpgo.FS, "exercises/01_concurrency/monitored.go")
	if w := got["monitored.go"]; !bytes.Equal(w.Data, skel) {
		t.Errorf("monitored.go should go back to the skeleton; from %q", w.From)
	}
	if !slices.Equal(p.Clear, []string{"01.3"}) || !p.Passed {
		t.Errorf("Clear = %v, Passed = %v; want [01.3], true", p.Clear, p.Passed)
	}

	// Never passed 01.2: the reference checkpoint, and it says so.
	p, err = Reset(otpgo.FS, st, s, passedSet())
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := fs.ReadFile(otpgo.FS, "solutions/01_concurrency/_checkpoints/01.2/async.go")
	for _, w := range p.Writes {
		if w.File == "async.go" && (!bytes.Equal(w.Data, ref) || !strings.Contains(w.From, "you have not passed 01.2")) {
			t.Errorf("async.go from %q; want reference checkpoint 01.2, saying you have not passed it", w.From)
		}
	}
}

func TestResetClearsLaterStepsOfTheSameFiles(t *testing.T) {
	s := step(t, "02.1")
	_, st := workspace(t, s.Chapter)
	p, err := Reset(otpgo.FS, st, s, passedSet("02.1", "02.2", "02.3"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Clear, []string{"02.1", "02.2", "02.3"}) {
		t.Errorf("Clear = %v; want 02.1 and the later steps that rewrite cache.go", p.Clear)
	}
}

func TestCatchup(t *testing.T) {
	s := step(t, "02.3")
	cases := []struct {
		name   string
		passed []string
		writes []string
		keep   []string
		given  []string
	}{
		{"nothing passed", nil, []string{"cache.go", "ttl.go"}, nil, []string{"02.1", "02.2"}},
		{"all passed", []string{"02.1", "02.2"}, nil, []string{"cache.go", "ttl.go"}, nil},
		// cache.go holds passed 02.1 code and unpassed 02.2 code: the
		// reference replaces it (the learner's is backed up).
		{"02.1 passed", []string{"02.1"}, []string{"cache.go", "ttl.go"}, nil, []string{"02.2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Catchup(otpgo.FS, s, passedSet(tc.passed...), nil)
			if err != nil {
				t.Fatal(err)
			}
			var writes []string
			for _, w := range p.Writes {
				writes = append(writes, w.File)
				want, _ := fs.ReadFile(otpgo.FS, "solutions/02_cache/_checkpoints/02.2/"+w.File)
				if !bytes.Equal(w.Data, want) || w.From != "checkpoint 02.2" {
					t.Errorf("%s from %q is not checkpoint 02.2", w.File, w.From)
				}
			}
			if !slices.Equal(writes, tc.writes) || !slices.Equal(p.Keep, tc.keep) || !slices.Equal(p.Given, tc.given) {
				t.Errorf("writes %v keep %v given %v; want %v %v %v", writes, p.Keep, p.Given, tc.writes, tc.keep, tc.given)
			}
		})
	}
}

// TestCatchupPutsBackYourOwnPass: a passed step caught up again (its
// TODO back) gets the learner's copy from passing it, unless the copy
// holds a TODO stub of a step the file must have done, or was never kept.
func TestCatchupPutsBackYourOwnPass(t *testing.T) {
	s := step(t, "02.3")
	root, own := workspace(t, s.Chapter)
	yours := &Yours{Own: own, Passed: passedSet("02.1", "02.2")}
	// The learner's 02.2 pass restored to the skeleton: nothing counts
	// as settled, as InPlace says then.
	plan := func() *Plan {
		t.Helper()
		p, err := Catchup(otpgo.FS, s, passedSet(), yours)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := plan()
	if p.OwnCopy("02.2") || len(p.Writes) != 2 {
		t.Fatalf("with no copy kept: writes %+v; want both files from the reference", p.Writes)
	}
	cache := "package cache // my 02.2 pass\n"
	put(t, filepath.Join(root, ".otpgo", "checkpoints", "02.2", "cache.go"), cache)
	put(t, filepath.Join(root, ".otpgo", "checkpoints", "02.2", "ttl.go"), "package cache // mine, but 02.2 left undone\nfunc f() { panic(\"TODO(02.2): expire\") }\n")
	p = plan()
	var got []string
	for _, w := range p.Writes {
		got = append(got, w.File+" <- "+w.From)
		if w.File == "cache.go" && (string(w.Data) != cache || w.Reference) {
			t.Errorf("cache.go = %q (reference %v); want the learner's copy", w.Data, w.Reference)
		}
	}
	want := []string{"cache.go <- your copy from passing 02.2", "ttl.go <- checkpoint 02.2"}
	if !slices.Equal(got, want) {
		t.Errorf("writes %q; want %q (a copy holding 02.2's stub is not used)", got, want)
	}
	// Each step put back is said as it is: 02.1's cache.go is the
	// learner's; 02.2's ttl.go, the reference.
	if own, ref := p.SplitOwn([]string{"02.1", "02.2"}); !slices.Equal(own, []string{"02.1"}) || !slices.Equal(ref, []string{"02.2"}) {
		t.Errorf("SplitOwn = %v, %v; want [02.1], [02.2]", own, ref)
	}
	yours.Passed = passedSet("02.1") // 02.2 reset since: its copy is stale
	if p = plan(); p.Writes[0].From != "checkpoint 02.2" {
		t.Errorf("cache.go from %q; want the reference, 02.2 is not passed", p.Writes[0].From)
	}
}

// TestStepChangeShowsOnlyTheStep: 02.1's change is the skeleton's
// cache.go to checkpoint 02.1's, with none of 02.2's TTL or 02.3's table.
func TestStepChangeShowsOnlyTheStep(t *testing.T) {
	cs, err := StepChange(otpgo.FS, step(t, "02.1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].File != "cache.go" {
		t.Fatalf("changes = %+v", cs)
	}
	if !strings.Contains(string(cs[0].Before), "TODO(02.1)") {
		t.Error("02.1's change should start from the skeleton")
	}
	after := string(cs[0].After)
	if strings.Contains(after, "TODO(02.1)") || strings.Contains(after, "entry[V]") || strings.Contains(after, "newTable") {
		t.Errorf("02.1's change should end at checkpoint 02.1, without 02.2/02.3 code:\n%s", after)
	}
}

func TestApplyBacksUpThenWrites(t *testing.T) {
	s := step(t, "02.3")
	root, _ := workspace(t, s.Chapter)
	cache := filepath.Join(root, "exercises", "02_cache", "cache.go")
	broken := "package cache\n\nfunc broken( {\n" // no longer compiles: still backed up and replaced
	put(t, cache, broken)
	p, err := Catchup(otpgo.FS, s, passedSet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(root, ".otpgo", "backup", "now")
	res, err := Apply(context.Background(), root, p, backup)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(backup, "exercises", "02_cache", "cache.go")); got != broken {
		t.Errorf("backup holds %q; want the learner's broken file", got)
	}
	want, _ := fs.ReadFile(otpgo.FS, "solutions/02_cache/_checkpoints/02.2/cache.go")
	if read(t, cache) != string(want) {
		t.Error("cache.go is not checkpoint 02.2")
	}
	if !slices.Equal(res.Written, []string{"exercises/02_cache/cache.go", "exercises/02_cache/ttl.go"}) || res.BackupDir != backup {
		t.Errorf("Result = %+v", res)
	}
	// Again: nothing to write, nothing to back up.
	res, err = Apply(context.Background(), root, p, filepath.Join(root, ".otpgo", "backup", "again"))
	if err != nil || len(res.Written) != 0 || len(res.Unchanged) != 2 || res.BackupDir != "" {
		t.Errorf("second Apply = %+v, %v; want both files unchanged and no backup", res, err)
	}
}

func TestApplyRefusesReadOnlyAndStopsOnCancel(t *testing.T) {
	s := step(t, "02.3")
	p, err := Catchup(otpgo.FS, s, passedSet(), nil)
	if err != nil {
		t.Fatal(err)
	}

	root, _ := workspace(t, s.Chapter)
	ttl := filepath.Join(root, "exercises", "02_cache", "ttl.go")
	cache := filepath.Join(root, "exercises", "02_cache", "cache.go")
	put(t, cache, "package cache // mine\n")
	if err := os.Chmod(ttl, 0o444); err != nil {
		t.Fatal(err)
	}
	_, err = Apply(context.Background(), root, p, filepath.Join(root, "bk"))
	var ro *ReadOnlyError
	if !errors.As(err, &ro) || !strings.Contains(err.Error(), "chmod u+w exercises/02_cache/ttl.go") {
		t.Errorf("Apply on a read-only file = %v; want a ReadOnlyError saying how to fix it", err)
	}
	if read(t, cache) != "package cache // mine\n" {
		t.Error("a refused plan changed cache.go")
	}

	if err := os.Chmod(ttl, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Apply(ctx, root, p, filepath.Join(root, "bk"))
	if !errors.Is(err, context.Canceled) || read(t, cache) != "package cache // mine\n" {
		t.Errorf("Apply with a cancelled context = %v; want context.Canceled and nothing changed", err)
	}
}

// FuzzOwnStaysInside: whatever step ID and file name reach Own (they
// come from the catalog, but .otpgo/ is hostile ground), it never reads
// outside .otpgo/checkpoints/.
func FuzzOwnStaysInside(f *testing.F) {
	for _, seed := range [][2]string{{"02.1", "cache.go"}, {"..", "x"}, {"02.1", "../../secret"}, {"/etc", "passwd"}, {"a\\..\\..", "b"}, {"", ""}} {
		f.Add(seed[0], seed[1])
	}
	root := f.TempDir()
	st := Store{Root: root, StateDir: filepath.Join(root, "ws", ".otpgo")}
	secret := filepath.Join(root, "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stepID, file string) {
		data, ok, err := st.Own(stepID, file)
		if ok && bytes.Contains(data, []byte("secret")) {
			t.Fatalf("Own(%q, %q) read outside the checkpoints: %q, %v", stepID, file, data, err)
		}
	})
}

// TestSplitGivenKeepsPassesApart: a step caught up again after its pass
// is put back, not given.
func TestSplitGivenKeepsPassesApart(t *testing.T) {
	p := &Plan{Given: []string{"aa.1", "aa.2", "aa.3"}}
	given, restored := p.SplitGiven(func(id string) bool { return id == "aa.2" })
	if !slices.Equal(given, []string{"aa.1", "aa.3"}) || !slices.Equal(restored, []string{"aa.2"}) {
		t.Errorf("SplitGiven = %v, %v; want [aa.1 aa.3], [aa.2]", given, restored)
	}
}
