package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// notifier is the slice of fsnotify the watcher uses; tests replace it with
// one that loses events on purpose.
type notifier interface {
	Add(dirs ...string) error
	Events() <-chan string // absolute paths of changed entries
	Errors() <-chan error
	Close() error
}

// fsNotifier adapts fsnotify: it drops attribute-only events (editors and
// indexers chmod files without changing them) and passes on paths only.
type fsNotifier struct {
	w      *fsnotify.Watcher
	events chan string
	errs   chan error
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

func newFSNotifier() (notifier, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("start file events: %w", err)
	}
	n := &fsNotifier{
		w:      fw,
		events: make(chan string),
		errs:   make(chan error, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go n.pump()
	return n, nil
}

func (n *fsNotifier) pump() {
	defer close(n.done)
	for {
		select {
		case <-n.stop:
			return
		case ev, ok := <-n.w.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			select {
			case n.events <- filepath.Clean(ev.Name):
			case <-n.stop:
				return
			}
		case err, ok := <-n.w.Errors:
			if !ok {
				return
			}
			select {
			case n.errs <- err:
			default:
			}
		}
	}
}

func (n *fsNotifier) Add(dirs ...string) error {
	for _, d := range dirs {
		if err := n.w.Add(d); err != nil {
			return fmt.Errorf("watch %s: %w", d, err)
		}
	}
	return nil
}

func (n *fsNotifier) Events() <-chan string { return n.events }
func (n *fsNotifier) Errors() <-chan error  { return n.errs }

func (n *fsNotifier) Close() error {
	n.once.Do(func() { close(n.stop) })
	err := n.w.Close()
	<-n.done
	return err
}

// prober writes one file in a fresh directory and waits for its event.
type prober struct {
	dir string
}

func startProbe(n notifier, parent string) (*prober, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("probe dir: %w", err)
	}
	dir, err := os.MkdirTemp(parent, "watch-probe-")
	if err != nil {
		return nil, fmt.Errorf("probe dir: %w", err)
	}
	dir, _ = filepath.Abs(dir)
	if err := n.Add(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "probe"), []byte("otpgo watch probe\n"), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("probe file: %w", err)
	}
	return &prober{dir: dir}, nil
}

func (p *prober) owns(path string) bool {
	return path == p.dir || strings.HasPrefix(path, p.dir+string(filepath.Separator))
}

// cleanup removes the probe directory; fsnotify drops a watch on a removed
// directory by itself.
func (p *prober) cleanup() { os.RemoveAll(p.dir) }

// snapshot holds every watched file's content (a missing file is ""):
// a handful of source files, so the content itself is the cheapest exact
// fingerprint. Content rather than modification times: some file systems
// keep them to the second, and a learner can save twice in one.
func (w *Watcher) snapshot() map[string]string {
	out := make(map[string]string, len(w.files))
	for path, name := range w.files {
		b, err := os.ReadFile(path)
		if err != nil {
			out[name] = ""
			continue
		}
		out[name] = string(b)
	}
	return out
}
