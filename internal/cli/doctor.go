package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/watch"
	"github.com/otpgo/otpgo/internal/workspace"
)

func init() { register(newDoctorCommand) }

// newDoctorCommand builds `otpgo doctor`.
func newDoctorCommand(a *App) *cobra.Command {
	var warmFirst bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check this machine: Go, build cache, race detector, file watching",
		Long: `Check what otpgo needs here: the Go toolchain, a checkout, the course, whether
the build cache holds what otpgo check compiles (--warm builds it first,
with progress), whether the race detector works (it needs cgo and a C compiler), and whether otpgo watch
sees saves here through file events or has to poll.

Exit code 1 if something otpgo cannot work without is missing.`,
		GroupID: groupTools,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDoctor(cmd.Context(), a, warmFirst)
		},
	}
	cmd.Flags().BoolVar(&warmFirst, "warm", false, "first build what otpgo check needs (the -race build of the exercises), with progress")
	return cmd
}

// finding is one line of the doctor's report.
type finding struct {
	level int // 0 ok, 1 warning, 2 problem
	what  string
	fix   string
}

func runDoctor(ctx context.Context, a *App, warmFirst bool) error {
	var findings []finding
	add := func(level int, what, fix string) { findings = append(findings, finding{level, what, fix}) }

	goVersion, err := a.Toolchain(ctx)
	if err != nil {
		add(2, "Go: "+firstLineOf(err.Error()), "") // the error says what to install
	} else {
		add(0, "Go: "+goVersion, "")
	}

	ws, err := a.Workspace()
	if err != nil {
		add(2, "Checkout: not inside an otpgo checkout", "git clone https://github.com/otpgo/otpgo && cd otpgo")
	} else {
		add(0, "Checkout: "+ws.Root, "")
	}

	if src, err := a.CourseSource(); err != nil {
		add(2, "Course: "+firstLineOf(err.Error()), "")
	} else if c, err := a.Course(); err != nil {
		add(2, "Course: "+firstLineOf(err.Error()), "run otpgo verify in the checkout for details")
	} else {
		add(0, "Graded with "+src.String(), "")
		ready, steps := 0, 0
		for _, ch := range c.Chapters {
			if !ch.Coming {
				ready++
				steps += len(ch.Gradable())
			}
		}
		add(0, fmt.Sprintf("Course: %d chapters, %d written, %d graded steps", len(c.Chapters), ready, steps), "")
	}

	if warmFirst && goVersion != "" && ws != nil {
		if err := warmUp(ctx, a, ws); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			add(1, "Warm-up: "+firstLineOf(err.Error()), "")
		}
	}
	if goVersion != "" {
		level, what, fix := buildCache(ctx)
		if ws != nil && (level == 0 || strings.HasPrefix(what, "Build cache: cold")) {
			// The cache works: whether it holds what check needs is the
			// measure that matters.
			level, what, fix = cacheFinding(ctx, a, ws)
		}
		add(level, what, fix)
		if a.RaceSupported(ctx) {
			add(0, "Race detector: works here (otpgo check uses -race)", "")
		} else {
			add(1, "Race detector: not available (needs cgo and a C compiler); otpgo check runs without -race", raceFix(runtime.GOOS))
		}
	}

	if ws != nil {
		switch mode, why, err := watchMode(ws); {
		case err != nil:
			add(1, "File watching: "+err.Error(), "otpgo watch cannot run here; run otpgo check by hand")
		case mode == watch.Poll:
			add(1, "File watching: "+why, "otpgo watch polls instead: it still sees your saves, a little later")
		default:
			add(0, "File watching: "+why+" work in "+ws.Root, "")
		}
	}

	term := "not a terminal: plain output"
	if a.Interactive() {
		term = "a terminal"
		if !a.Color() {
			term += ", no colour (NO_COLOR or TERM=dumb)"
		}
	}
	add(0, "Output: "+term, "")

	s := a.style()
	worst := 0
	for _, f := range findings {
		mark := s.green("✓")
		switch f.level {
		case 1:
			mark = s.yellow("!")
		case 2:
			mark = s.red("✗")
		}
		fmt.Fprintf(a.Out, "%s %s\n", mark, f.what)
		if f.fix != "" {
			fmt.Fprintf(a.Out, "    %s %s\n", s.dim("→"), f.fix)
		}
		worst = max(worst, f.level)
	}
	if worst == 2 {
		return errFailed
	}
	return nil
}

// warmEntries is how many files in GOCACHE count as warm: building the
// standard library and otpgo's dependencies leaves thousands.
const warmEntries = 1000

// buildCache says whether `go env GOCACHE` is warm, counting at most
// warmEntries files so a big cache costs no more than a small one.
func buildCache(ctx context.Context) (level int, what, fix string) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOCACHE").Output()
	if err != nil {
		return 1, "Build cache: cannot ask go env GOCACHE: " + err.Error(), ""
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" || dir == "off" {
		return 1, "Build cache: off; every check compiles everything (slow)", "unset GOCACHE=off"
	}
	n := 0
	errEnough := errors.New("enough")
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
			if n >= warmEntries {
				return errEnough
			}
		}
		return nil
	})
	if n >= warmEntries {
		return 0, "Build cache: warm (" + dir + ")", ""
	}
	return 1, fmt.Sprintf("Build cache: cold (%d files in %s): the first check compiles the standard library with -race", n, dir), "otpgo doctor --warm builds what otpgo check needs, with progress"
}

// watchMode starts the watcher otpgo watch uses, on the checkout, and
// returns the mode its start-up probe (a file written under .otpgo/)
// decides on: file events, or polling and why. The probe gives up within
// its own timeout (1 s), so this returns within about a second.
func watchMode(ws *workspace.Workspace) (watch.Mode, string, error) {
	decided := make(chan struct{}, 1)
	w, err := watch.New(watch.Options{
		Dir:      ws.Root,
		Files:    []string{"go.mod"},
		ProbeDir: ws.StateDir(),
		OnMode: func(watch.Mode, string) {
			select {
			case decided <- struct{}{}:
			default:
			}
		},
	})
	if err != nil {
		return 0, "", err
	}
	defer w.Close()
	<-decided
	mode, why := w.Mode()
	return mode, why, nil
}

// raceFix says how to get the race detector on goos. On Windows Go turns
// cgo off when it finds no C compiler, so both must be named.
func raceFix(goos string) string {
	switch goos {
	case "windows":
		return "install a 64-bit gcc (MinGW-w64, e.g. from MSYS2: pacman -S mingw-w64-ucrt-x86_64-gcc), put it on PATH, then set CGO_ENABLED=1 (go env -w CGO_ENABLED=1)"
	case "darwin":
		return "install the Xcode command line tools (xcode-select --install) and make sure CGO_ENABLED is not 0"
	default:
		return "install a C compiler (gcc or clang) and make sure CGO_ENABLED is not 0"
	}
}
