package warm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is a one-chapter checkout whose exercise imports a package new
// to the build cache (a unique constant), so the warm-up has something to
// build whatever the shared cache holds.
func fixture(t *testing.T) Target {
	t.Helper()
	root := t.TempDir()
	unique := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	files := fstest.MapFS{
		"content/course.json": {Data: []byte(`{"chapters": [{"id": "aa", "title": "A"}]}`)},
		"content/aa/chapter.json": {Data: []byte(`{"id": "aa", "title": "A", "dir": "aa_pkg", "summary": "s",
			"steps": [{"id": "aa.1", "title": "One", "files": ["one.go"], "tests": ["TestOne"], "hints": ["a", "b"]}]}`)},
		"content/aa/lesson.md":        {Data: []byte("# A\n")},
		"exercises/aa_pkg/one.go":     {Data: []byte("package aa\n\nimport \"github.com/otpgo/otpgo/internal/uniq\"\n\nvar unique = uniq.Name\n\n// One is TODO.\nfunc One() int { panic(\"TODO\") }\n")},
		"solutions/aa_pkg/one.go":     {Data: []byte("package aa\n\n// One is one.\nfunc One() int { return 1 }\n")},
		"solutions/aa_pkg/aa_test.go": {Data: []byte("package aa\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) { _ = unique; One() }\n")},
	}
	files["go.mod"] = &fstest.MapFile{Data: []byte("module github.com/otpgo/otpgo\n\ngo 1.26\n")}
	files["internal/uniq/uniq.go"] = &fstest.MapFile{Data: []byte("package uniq\n\n// Name is unique.\nconst Name = " + fmt.Sprintf("%q", unique) + "\n")}
	for _, name := range []string{"go.mod", "exercises/aa_pkg/one.go", "internal/uniq/uniq.go"} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, files[name].Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	course, err := catalog.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	return Target{Root: root, Course: course, FS: files}
}

// Build compiles exactly what Measure found missing, reporting each as it
// starts, and afterwards Measure finds the cache warm.
func TestBuildWarmsWhatMeasureFoundCold(t *testing.T) {
	tg := fixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	before, err := Measure(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(before.Stale, "github.com/otpgo/otpgo/internal/uniq") || slices.Contains(before.Stale, "github.com/otpgo/otpgo/exercises/aa_pkg") {
		t.Fatalf("before: %+v; want the new dependency stale, the exercise itself left out", before)
	}
	var mu sync.Mutex
	var calls [][2]int
	st, err := Build(ctx, tg, func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) < 2 || calls[0] != [2]int{0, len(st.Stale)} {
		t.Fatalf("progress calls %v; want (0, %d) first, then one per compile", calls, len(st.Stale))
	}
	for i, c := range calls[1:] {
		if c[0] != i+1 || c[1] != len(st.Stale) {
			t.Errorf("progress call %d = %v; want (%d, %d)", i+1, c, i+1, len(st.Stale))
		}
	}
	after, err := Measure(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if !after.Warm() {
		t.Errorf("after Build still stale: %v", after.Stale)
	}
	if _, err := os.Stat(filepath.Join(tg.Root, ".otpgo", LockName)); err != nil {
		t.Errorf("no warm lock in .otpgo: %v", err)
	}
}

// Cancelling a warm-up stops it promptly with the context's error.
func TestBuildStopsOnCancel(t *testing.T) {
	tg := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	var once sync.Once
	st, err := Build(ctx, tg, func(done, total int) {
		once.Do(func() { close(started); cancel() })
	})
	select {
	case <-started:
	default:
		t.Fatalf("Build returned %+v, %v before building anything", st, err)
	}
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("Build after cancel = %v; want context.Canceled", err)
	}
}

func TestCompiledPackage(t *testing.T) {
	for line, want := range map[string]string{
		`/usr/lib/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -trimpath "$WORK/b001=>" -p fmt -lang=go1.26`: "fmt",
		`mkdir -p $WORK/b001/`: "",
		`/x/compile -o a.a -p`: "",
	} {
		if got := compiledPackage(line); got != want {
			t.Errorf("compiledPackage(%q) = %q; want %q", line, got, want)
		}
	}
}

// A second otpgo waiting for the checkout's warm lock (another warm-up
// holds it) stops waiting when its context is cancelled: Ctrl-C, or the
// app's first check, must not wait for the other warm-up to finish.
func TestWaitingForTheLockStopsOnCancel(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".otpgo"), 0o755); err != nil {
		t.Fatal(err)
	}
	held, release, released := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(released)
		progress.WithFileLock(filepath.Join(root, ".otpgo", LockName), func() error {
			close(held)
			<-release
			return nil
		})
	}()
	defer func() { close(release); <-released }()
	<-held
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Build(ctx, Target{Root: root}, nil)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Build = %v; want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Build still waits for the lock 5 s after its context was cancelled")
	}
}
