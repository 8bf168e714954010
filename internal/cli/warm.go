package cli

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/warm"
	"github.com/otpgo/otpgo/internal/workspace"
)

// warmTarget is what check would build in the checkout ws: the course's
// graded exercises with their hidden tests, with -race where it works.
func (a *App) warmTarget(ctx context.Context, ws *workspace.Workspace) (warm.Target, error) {
	c, err := a.Course()
	if err != nil {
		return warm.Target{}, err
	}
	return warm.Target{Root: ws.Root, Course: c, FS: a.FS, Race: a.RaceSupported(ctx)}, nil
}

// cacheFinding is doctor's build cache line: what check would still have
// to compile, measured with go list (it builds nothing).
func cacheFinding(ctx context.Context, a *App, ws *workspace.Workspace) (level int, what, fix string) {
	t, err := a.warmTarget(ctx, ws)
	if err != nil {
		return 1, "Build cache: cannot tell (" + firstLineOf(err.Error()) + ")", ""
	}
	st, err := warm.Measure(ctx, t)
	if err != nil {
		return 1, "Build cache: cannot tell (" + firstLineOf(err.Error()) + ")", ""
	}
	if st.Warm() {
		return 0, fmt.Sprintf("Build cache: warm (all %d packages otpgo check needs are built)", st.Needed), ""
	}
	return 1, fmt.Sprintf("Build cache: cold: %d of the %d packages otpgo check needs are not built yet; the first check compiles them", len(st.Stale), st.Needed),
		"otpgo doctor --warm builds exactly those now, with progress"
}

// warmUp builds what check needs, printing progress on stderr: packages
// done of packages missing, and the time so far.
func warmUp(ctx context.Context, a *App, ws *workspace.Workspace) error {
	t, err := a.warmTarget(ctx, ws)
	if err != nil {
		return err
	}
	start := a.Now()
	tty := a.IsTerminal(a.Err)
	last := time.Time{}
	fmt.Fprintln(a.Err, "Warming the build cache: what otpgo check compiles (go test -race of the exercises and their hidden tests)...")
	st, err := warm.Build(ctx, t, func(done, total int) {
		now := a.Now()
		// On a terminal one line redrawn; elsewhere a line every 5 s.
		if !tty && done != total && now.Sub(last) < 5*time.Second {
			return
		}
		last = now
		line := fmt.Sprintf("  %d/%d packages built, %ds", done, total, int(now.Sub(start).Seconds()))
		if tty {
			fmt.Fprint(a.Err, "\r"+line)
		} else {
			fmt.Fprintln(a.Err, line)
		}
	})
	if tty && !st.Warm() {
		fmt.Fprintln(a.Err)
	}
	if err != nil {
		return fmt.Errorf("warm the build cache: %w", err)
	}
	fmt.Fprintf(a.Err, "Warm: %d packages built in %.1fs.\n", len(st.Stale), a.Now().Sub(start).Seconds())
	return nil
}

// A check still compiling after coldCheckAfter is on a cold build cache:
// from then until its tests run, otpgo measures what it still lacks every
// coldCheckEvery (go list, which builds nothing) and shows packages built
// of needed. A warm check is over before the first measure and pays
// nothing for it.
var (
	coldCheckAfter = time.Second
	coldCheckEvery = 2 * time.Second
)

// followColdBuild shows, through show, how far the build of a check of
// steps has got while it compiles on a cold cache; stop ends it (and
// waits for it), and may be called more than once.
func (a *App) followColdBuild(ctx context.Context, ws *workspace.Workspace, steps []*catalog.Step, race bool, show func(progress string)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	finished := make(chan struct{})
	start := a.Now()
	go func() {
		defer close(finished)
		c, err := a.Course()
		if err != nil {
			return
		}
		t := warm.Target{Root: ws.Root, Course: c, FS: a.FS, Race: race}
		for _, s := range steps {
			if !slices.Contains(t.Chapters, s.Chapter.ID) {
				t.Chapters = append(t.Chapters, s.Chapter.ID)
			}
		}
		timer := time.NewTimer(coldCheckAfter)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			st, err := warm.Measure(ctx, t)
			if err != nil || st.Warm() || ctx.Err() != nil {
				return // nothing to show: the check's own spinner goes on
			}
			show(fmt.Sprintf("%d of %d packages built, %ds", st.Needed-len(st.Stale), st.Needed, int(a.Now().Sub(start).Seconds())))
			timer.Reset(coldCheckEvery)
		}
	}()
	return func() { cancel(); <-finished }
}
