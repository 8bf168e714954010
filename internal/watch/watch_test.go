package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeNotifier stands in for fsnotify inside synctest bubbles (a real
// inotify reader is never "durably blocked", so fake time could not move).
type fakeNotifier struct {
	events chan string
	errs   chan error
	// echoProbe answers the start-up probe, like a file system whose own
	// writes are seen; events the test sends are still up to the test.
	echoProbe bool
	stop      chan struct{}
	once      sync.Once
	wg        sync.WaitGroup
}

func newFake(echoProbe bool) *fakeNotifier {
	return &fakeNotifier{events: make(chan string), errs: make(chan error, 1), echoProbe: echoProbe, stop: make(chan struct{})}
}

func (f *fakeNotifier) Add(dirs ...string) error {
	for _, d := range dirs {
		if f.echoProbe && strings.Contains(d, "watch-probe-") {
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				select {
				case f.events <- filepath.Join(d, "probe"):
				case <-f.stop:
				}
			}()
		}
	}
	return nil
}
func (f *fakeNotifier) Events() <-chan string { return f.events }
func (f *fakeNotifier) Errors() <-chan error  { return f.errs }
func (f *fakeNotifier) Close() error {
	f.once.Do(func() { close(f.stop) })
	f.wg.Wait()
	return nil
}

// emit delivers a fake file event, as the OS would for path.
func (f *fakeNotifier) emit(t *testing.T, path string) {
	t.Helper()
	select {
	case f.events <- path:
	case <-f.stop:
		t.Fatalf("event for %s sent after the watcher stopped listening", path)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// drain returns the Changes delivered so far without waiting for more
// (inside a bubble, after synctest.Wait, "so far" is exact).
func drain(w *Watcher) []Change {
	var out []Change
	for {
		select {
		case c := <-w.Changes():
			out = append(out, c)
		default:
			return out
		}
	}
}

func newTestWatcher(t *testing.T, opts Options, n notifier) *Watcher {
	t.Helper()
	if n != nil {
		opts.newNotifier = func() (notifier, error) { return n, nil }
	}
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestEditorSaveIsOneChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "cache.go")
		writeFile(t, file, "package cache\n")
		fake := newFake(false)
		w := newTestWatcher(t, Options{Dir: dir, Files: []string{"cache.go"}}, fake)
		defer w.Close()

		// What vim does on :w with backups on: a probe file, the backup,
		// the new file renamed into place, a write.
		for _, name := range []string{"4913", "cache.go~", "cache.go", "cache.go"} {
			fake.emit(t, filepath.Join(dir, name))
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(185 * time.Millisecond) // 190 ms after the last event
		synctest.Wait()
		if got := drain(w); len(got) != 0 {
			t.Fatalf("a Change came %v before the 200 ms debounce ended", got)
		}
		time.Sleep(20 * time.Millisecond)
		synctest.Wait()
		got := drain(w)
		if len(got) != 1 || !slices.Equal(got[0].Files, []string{"cache.go"}) {
			t.Fatalf("one save gave Changes %v, want exactly one for cache.go", got)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if more := drain(w); len(more) != 0 {
			t.Fatalf("one save gave extra Changes later: %v", more)
		}
	})
}

func TestUnwatchedFilesAreIgnored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		fake := newFake(false)
		w := newTestWatcher(t, Options{Dir: dir, Files: []string{"a.go"}}, fake)
		defer w.Close()
		fake.emit(t, filepath.Join(dir, "b.go"))
		fake.emit(t, filepath.Join(dir, "sub", "a.go"))
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if got := drain(w); len(got) != 0 {
			t.Fatalf("changes to files outside the step gave %v", got)
		}
	})
}

func TestSaveDuringCheckQueuesExactlyOneMore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "pool.go")
		fake := newFake(false)
		w := newTestWatcher(t, Options{Dir: dir, Files: []string{"pool.go"}}, fake)
		defer w.Close()

		var (
			mu      sync.Mutex
			checks  int
			running bool
			overlap bool
		)
		release := make(chan struct{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			checkEach(ctx, w, func(ctx context.Context, c Change) {
				mu.Lock()
				checks++
				n := checks
				overlap = overlap || running
				running = true
				mu.Unlock()
				if n == 1 {
					<-release // the first check is slow
				}
				mu.Lock()
				running = false
				mu.Unlock()
			})
		}()

		fake.emit(t, file)
		time.Sleep(time.Second)
		synctest.Wait()
		mu.Lock()
		if checks != 1 {
			t.Fatalf("after one save: %d checks, want 1", checks)
		}
		mu.Unlock()

		// Three saves while the first check runs.
		for range 3 {
			fake.emit(t, file)
			time.Sleep(time.Second)
		}
		close(release)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		mu.Lock()
		if checks != 2 || overlap {
			t.Errorf("saves during a check: %d checks in all (want 2), overlapping: %v", checks, overlap)
		}
		mu.Unlock()
		cancel()
		<-done
	})
}

func TestForcedPolling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "a.go")
		writeFile(t, file, "v1")
		w := newTestWatcher(t, Options{Dir: dir, Files: []string{"a.go"}, Poll: true}, nil)
		defer w.Close()
		if m, _ := w.Mode(); m != Poll {
			t.Fatalf("mode %v with --poll", m)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if got := drain(w); len(got) != 0 {
			t.Fatalf("no edit, yet Changes %v", got)
		}
		writeFile(t, file, "v2")
		time.Sleep(time.Second)
		synctest.Wait()
		if got := drain(w); len(got) != 1 {
			t.Fatalf("one edit while polling gave Changes %v, want one", got)
		}
		// A file deleted and re-created counts too.
		os.Remove(file)
		time.Sleep(time.Second)
		synctest.Wait()
		if got := drain(w); len(got) != 1 {
			t.Fatalf("deleting the file gave Changes %v, want one", got)
		}
	})
}

func TestFallsBackToPollingWhenProbeGetsNoEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		root := t.TempDir()
		file := filepath.Join(root, "a.go")
		writeFile(t, file, "v1")
		var mu sync.Mutex
		var modes []Mode
		var why string
		w := newTestWatcher(t, Options{
			Dir: root, Files: []string{"a.go"}, ProbeDir: filepath.Join(root, ".otpgo"),
			OnMode: func(m Mode, reason string) { mu.Lock(); modes = append(modes, m); why = reason; mu.Unlock() },
		}, newFake(false)) // a file system that never reports anything
		defer w.Close()

		time.Sleep(1100 * time.Millisecond)
		synctest.Wait()
		mu.Lock()
		if !slices.Equal(modes, []Mode{Poll}) || !strings.Contains(why, "probe") {
			t.Fatalf("modes %v (%q) after a silent probe, want [polling] saying why", modes, why)
		}
		mu.Unlock()
		if entries, _ := os.ReadDir(filepath.Join(root, ".otpgo")); len(entries) != 0 {
			t.Errorf("probe left %d entries in .otpgo", len(entries))
		}
		writeFile(t, file, "v2")
		time.Sleep(time.Second)
		synctest.Wait()
		if got := drain(w); len(got) != 1 {
			t.Fatalf("an edit after falling back gave Changes %v, want one", got)
		}
	})
}

func TestNoticesLostEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A container bind mount: writes from inside are seen (the probe
		// passes), edits from the host editor are not.
		root := t.TempDir()
		file := filepath.Join(root, "a.go")
		writeFile(t, file, "v1")
		w := newTestWatcher(t, Options{Dir: root, Files: []string{"a.go"}, ProbeDir: filepath.Join(root, ".otpgo")}, newFake(true))
		defer w.Close()
		synctest.Wait()
		if m, why := w.Mode(); m != Notify {
			t.Fatalf("mode %v (%s) after a probe that got its event", m, why)
		}
		writeFile(t, file, "v2") // no event
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if m, why := w.Mode(); m != Poll || !strings.Contains(why, "no file event") {
			t.Fatalf("mode %v (%s) after an unreported edit, want polling", m, why)
		}
		if got := drain(w); len(got) != 1 {
			t.Fatalf("the unreported edit gave Changes %v, want one", got)
		}
	})
}

func TestRealFileEvents(t *testing.T) {
	// Real fsnotify: an editor-style save (temp file renamed over the
	// original) next to a change to a file that isn't the step's.
	root := t.TempDir()
	file := filepath.Join(root, "a.go")
	writeFile(t, file, "v1")
	modeC := make(chan Mode, 4)
	w, err := New(Options{
		Dir: root, Files: []string{"a.go"}, ProbeDir: filepath.Join(root, ".otpgo"),
		OnMode: func(m Mode, _ string) { modeC <- m },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	deadline := time.After(10 * time.Second)
	select {
	case m := <-modeC:
		if m != Notify {
			_, why := w.Mode()
			t.Fatalf("file events don't work in a temp dir: %s", why)
		}
	case <-deadline:
		t.Fatal("watcher never decided its mode")
	}
	writeFile(t, filepath.Join(root, "notes.txt"), "x")
	tmp := filepath.Join(root, ".a.go.swp")
	writeFile(t, tmp, "v2")
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-w.Changes():
		if !slices.Equal(c.Files, []string{"a.go"}) {
			t.Fatalf("Change %v, want [a.go]", c.Files)
		}
	case <-deadline:
		t.Fatal("no Change within 10s of renaming a new a.go into place")
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	if _, err := New(Options{Dir: t.TempDir()}); err != ErrNoFiles {
		t.Errorf("no files: %v, want ErrNoFiles", err)
	}
	if _, err := New(Options{Dir: filepath.Join(t.TempDir(), "missing"), Files: []string{"a.go"}}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing dir: %v, want an error naming it", err)
	}
}

func TestQueue(t *testing.T) {
	var q Queue
	if !q.Request() {
		t.Fatal("idle queue did not start a check")
	}
	if q.Request() || q.Request() {
		t.Fatal("started a second check while one runs")
	}
	if !q.Pending() {
		t.Fatal("requests during a check were not queued")
	}
	if !q.Done() {
		t.Fatal("queued request not started after the check")
	}
	if q.Done() {
		t.Fatal("two requests during a check gave two more checks")
	}
	if q.Running() {
		t.Fatal("queue still running after the last check")
	}
}

// checkEach is how a caller consumes Changes: one check at a time until
// ctx is done.
func checkEach(ctx context.Context, w *Watcher, check func(context.Context, Change)) {
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-w.Changes():
			check(ctx, c)
		}
	}
}
