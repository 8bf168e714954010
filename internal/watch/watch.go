// Package watch re-checks a learner's step when they save a file.
//
// A Watcher turns the noise an editor makes when it saves (write a temp file,
// rename it over the original, chmod, ...) into one Change per save, about
// 200 ms after the last event. It prefers file-system events (fsnotify on the
// directories holding the step's files) and falls back to polling, on its
// own, where events don't arrive: WSL's /mnt, network file systems and
// container bind mounts edited from the host. Two checks tell it so:
//
//   - at start it writes a probe file under the workspace's .otpgo/ and waits
//     ProbeTimeout for the event;
//   - while it trusts events it still hashes the files every second, and a
//     change that stays unreported for a whole interval means events are lost.
//
// Run (or a Queue, for a UI that runs checks itself) makes sure checks never
// overlap: saves during a check queue exactly one more.
package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Mode says how a Watcher learns about saves.
type Mode int

const (
	// Notify: the operating system's file events (inotify, kqueue, ...).
	Notify Mode = iota
	// Poll: hashing the files every PollInterval.
	Poll
)

func (m Mode) String() string {
	if m == Poll {
		return "polling"
	}
	return "file events"
}

// Change is one debounced save: the files (as given in Options.Files) that
// changed since the previous Change.
type Change struct {
	Files []string
}

// Options configure a Watcher. Dir and Files are required.
type Options struct {
	// Dir is the directory the Files are relative to.
	Dir string
	// Files are the learner's files for the step, relative to Dir.
	Files []string
	// Poll forces polling (the --poll flag).
	Poll bool
	// ProbeDir is where the start-up probe file goes (a fresh temp dir is
	// made inside it and removed after); the workspace's .otpgo/ is a good
	// choice because it is on the same file system and not the learner's.
	// Empty skips the probe; the unreported-change check still runs.
	ProbeDir string
	// Debounce is the quiet time after the last event before a Change is
	// sent (default 200ms).
	Debounce time.Duration
	// PollInterval is how often files are hashed in Poll mode (default 300ms).
	PollInterval time.Duration
	// VerifyInterval is how often files are hashed in Notify mode to catch
	// lost events (default 1s).
	VerifyInterval time.Duration
	// ProbeTimeout is how long the probe waits for its event (default 1s).
	ProbeTimeout time.Duration
	// OnMode, if set, is called from the watcher's goroutine whenever the
	// mode is decided or changes, with a sentence saying why. It must not
	// block.
	OnMode func(m Mode, why string)

	// newNotifier replaces fsnotify in tests.
	newNotifier func() (notifier, error)
}

// ErrNoFiles is returned by New when Options.Files is empty.
var ErrNoFiles = errors.New("watch: no files to watch")

// Watcher sends a Change on Changes() after each save of a watched file.
type Watcher struct {
	opts    Options
	files   map[string]string // absolute path -> name as given
	changes chan Change

	mu   sync.Mutex
	mode Mode
	why  string

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// New starts watching. Close it when done.
func New(opts Options) (*Watcher, error) {
	if len(opts.Files) == 0 {
		return nil, ErrNoFiles
	}
	if opts.Debounce <= 0 {
		opts.Debounce = 200 * time.Millisecond
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 300 * time.Millisecond
	}
	if opts.VerifyInterval <= 0 {
		opts.VerifyInterval = time.Second
	}
	if opts.ProbeTimeout <= 0 {
		opts.ProbeTimeout = time.Second
	}
	if opts.newNotifier == nil {
		opts.newNotifier = newFSNotifier
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", opts.Dir, err)
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("watch %s: %w", opts.Dir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("watch %s: not a directory", opts.Dir)
	}
	w := &Watcher{
		opts:    opts,
		files:   make(map[string]string, len(opts.Files)),
		changes: make(chan Change, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for _, f := range opts.Files {
		w.files[filepath.Join(dir, f)] = f
	}

	var n notifier
	if opts.Poll {
		w.mode, w.why = Poll, "polling, as asked (--poll)"
	} else {
		n, err = opts.newNotifier()
		if err == nil {
			err = n.Add(w.dirs()...)
		}
		if err != nil {
			if n != nil {
				n.Close()
			}
			n = nil
			w.mode, w.why = Poll, fmt.Sprintf("polling: file events unavailable (%v)", err)
		} else {
			w.mode, w.why = Notify, "file events"
		}
	}
	go w.loop(n)
	return w, nil
}

// Changes delivers one Change per debounced save. It holds at most one:
// saves made while nobody reads are merged into it, which is what keeps a
// busy checker from falling behind.
func (w *Watcher) Changes() <-chan Change { return w.changes }

// Mode reports how the watcher currently learns about saves, and why.
func (w *Watcher) Mode() (Mode, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.mode, w.why
}

// Close stops the watcher and waits for its goroutines to end.
func (w *Watcher) Close() error {
	w.once.Do(func() { close(w.stop) })
	<-w.done
	return nil
}

// dirs are the distinct directories holding the watched files: editors save
// by renaming a temp file over the original, which only a directory watch
// sees.
func (w *Watcher) dirs() []string {
	var ds []string
	for p := range w.files {
		d := filepath.Dir(p)
		if !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	slices.Sort(ds)
	return ds
}

func (w *Watcher) setMode(m Mode, why string) {
	w.mu.Lock()
	w.mode, w.why = m, why
	w.mu.Unlock()
	if w.opts.OnMode != nil {
		w.opts.OnMode(m, why)
	}
}

// send delivers c, merging it into an undelivered Change if there is one.
// Only the loop goroutine sends, so drain-then-send cannot block.
func (w *Watcher) send(c Change) {
	select {
	case old := <-w.changes:
		c.Files = mergeNames(old.Files, c.Files)
	default:
	}
	w.changes <- c
}

func mergeNames(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// loop owns all the watcher's state: one goroutine, so no locks beyond Mode.
func (w *Watcher) loop(n notifier) {
	defer close(w.done)
	var (
		events   <-chan string
		errs     <-chan error
		pending  = map[string]bool{} // names with events since the last Change
		known    = w.snapshot()      // hashes at the last Change
		suspect  = map[string]string{}
		debounce *time.Timer
		fire     <-chan time.Time
		probe    *prober
		probeC   <-chan time.Time
	)
	stopNotify := func() {
		if n != nil {
			n.Close()
			n, events, errs = nil, nil, nil
		}
		if probe != nil {
			probe.cleanup()
			probe, probeC = nil, nil
		}
	}
	defer stopNotify()
	defer func() {
		if debounce != nil {
			debounce.Stop()
		}
	}()
	touch := func(name string) {
		pending[name] = true
		if debounce == nil {
			debounce = time.NewTimer(w.opts.Debounce)
		} else {
			debounce.Reset(w.opts.Debounce)
		}
		fire = debounce.C
	}

	interval := w.opts.PollInterval
	if n != nil {
		events, errs = n.Events(), n.Errors()
		interval = w.opts.VerifyInterval
		if w.opts.ProbeDir != "" {
			p, err := startProbe(n, w.opts.ProbeDir)
			if err != nil {
				// Can't probe (read-only workspace?): rely on the
				// unreported-change check instead.
				w.setMode(Notify, fmt.Sprintf("file events (unprobed: %v)", err))
			} else {
				probe = p
				t := time.NewTimer(w.opts.ProbeTimeout)
				defer t.Stop()
				probeC = t.C
			}
		} else {
			w.setMode(Notify, "file events")
		}
	} else {
		mode, why := w.Mode()
		w.setMode(mode, why)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()

	toPoll := func(why string) {
		stopNotify()
		tick.Reset(w.opts.PollInterval)
		w.setMode(Poll, why)
	}

	for {
		select {
		case <-w.stop:
			return

		case p := <-events:
			if probe != nil && probe.owns(p) {
				probe.cleanup()
				probe, probeC = nil, nil
				w.setMode(Notify, "file events")
				continue
			}
			if name, ok := w.files[p]; ok {
				delete(suspect, name)
				touch(name)
			}

		case err := <-errs:
			// Overflow or a broken watch: events may be lost from now on,
			// so trust only what polling sees.
			toPoll(fmt.Sprintf("polling: file events failed (%v)", err))

		case <-probeC:
			toPoll(fmt.Sprintf("polling: no file event arrived within %v of writing a probe file", w.opts.ProbeTimeout))

		case <-fire:
			fire = nil
			names := make([]string, 0, len(pending))
			for name := range pending {
				names = append(names, name)
			}
			slices.Sort(names)
			clear(pending)
			known = w.snapshot()
			w.send(Change{Files: names})

		case <-tick.C:
			now := w.snapshot()
			for name, h := range now {
				if known[name] == h || pending[name] {
					continue
				}
				if mode, _ := w.Mode(); mode == Poll {
					known[name] = h
					touch(name)
					continue
				}
				// Changed with no event. One interval of grace for a slow
				// event; the same unreported content twice means events
				// are not arriving for this file system.
				if suspect[name] != h {
					suspect[name] = h
					continue
				}
				known[name] = h
				clear(suspect)
				toPoll("polling: a file changed and no file event arrived (network or container file system?)")
				touch(name)
			}
		}
	}
}
