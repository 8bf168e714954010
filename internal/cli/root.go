// Package cli is the otpgo command line: one cobra command per file.
//
// # Adding a command
//
// A command lives in its own file of this package and registers itself; no
// other file changes:
//
//	func init() { register(newRedisCommand) }
//
//	// newRedisCommand builds `otpgo redis`.
//	func newRedisCommand(a *App) *cobra.Command {
//		return &cobra.Command{
//			Use:     "redis",
//			Short:   "Start an embedded Redis to play with",
//			GroupID: groupPlay,
//			Args:    cobra.NoArgs,
//			RunE: func(cmd *cobra.Command, args []string) error {
//				fmt.Fprintln(a.Out, "listening on", addr)
//				<-cmd.Context().Done() // Ctrl-C cancels the context
//				return nil
//			},
//		}
//	}
//
// The *App gives a command everything it should not build for itself: its
// output streams (a.Out, a.Err), the working directory, the course
// (a.Course), the checkout (a.Workspace), the progress store (a.Progress),
// a grader (a.Grader), whether output is a terminal and may be coloured
// (a.Interactive, a.Color). Use them rather than os.Stdout or os.Getwd, so
// the command can be tested in-process with NewRootCommand.
//
// A command file holds its command only. What several commands use lives
// in a shared file: output.go (JSON, ID lists), style.go (colour, spinners,
// progress lines), plan.go (writing the learner's files from a plan),
// session.go (the session and its report as text), root.go (arguments).
//
// `otpgo` with no command runs the default action: a welcome (progress and
// what to do next). A file may replace it, e.g. the TUI:
//
//	func init() { setDefaultAction(runTUI) }
//
// runTUI(a, cmd) should call welcome(a, cmd) itself when !a.Interactive().
//
// Errors: return them from RunE. A *catalog.UnknownIDError, a usage error
// or any plain error exits 2 after "otpgo: <error>" on stderr; return
// errFailed (after printing why) when the command ran but found failures
// (exit 1); an interrupt (Ctrl-C) exits 130.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/workspace"
)

// Exit codes of otpgo.
const (
	ExitOK          = 0   // everything checked passed
	ExitFailed      = 1   // the command ran and found failures (a step failed, verify mismatched, doctor found a problem)
	ExitError       = 2   // bad input or a machinery problem (unknown ID, no Go, not a checkout)
	ExitInterrupted = 130 // Ctrl-C
)

// errFailed is returned by a command that has already printed why it
// failed (a failing step, a verify mismatch): exit 1, nothing more printed.
var errFailed = errors.New("failed")

// Command groups shown by `otpgo help`.
const (
	groupLearn = "learn"
	groupPlay  = "play"
	groupTools = "tools"
)

// Env is what otpgo takes from the outside world. Zero fields take the
// process's own (os.Stdout, os.Getwd, otpgo.FS, runner.Run, ...), so tests
// replace only what they need.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Dir    string              // working directory; "" = os.Getwd()
	Getenv func(string) string // "" = os.Getenv
	// FS is the course; nil = the checkout's own (catalog.OpenSource), or
	// otpgo.FS, the one built in, outside a checkout.
	FS  fs.FS
	Run check.RunFunc // nil = runner.Run
	// Toolchain reports the Go version on PATH, or a one-line error saying
	// what to install; nil = runner.CheckToolchain.
	Toolchain func(ctx context.Context) (string, error)
	// RaceSupported reports whether -race works here; nil = runner.RaceSupported.
	RaceSupported func(ctx context.Context) bool
	// IsTerminal reports whether a stream is a terminal; nil = a check of
	// the file descriptor of an *os.File.
	IsTerminal func(stream any) bool
	Now        func() time.Time // nil = time.Now
	// Programs is the otpgo module that holds the programs some commands
	// build on demand (otpgo redis, class start's board); "" = the
	// checkout itself, which is one.
	Programs string
}

func (e Env) withDefaults() Env {
	if e.Stdin == nil {
		e.Stdin = os.Stdin
	}
	if e.Stdout == nil {
		e.Stdout = os.Stdout
	}
	if e.Stderr == nil {
		e.Stderr = os.Stderr
	}
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.Run == nil {
		e.Run = runner.Run
	}
	if e.Toolchain == nil {
		e.Toolchain = runner.CheckToolchain
	}
	if e.RaceSupported == nil {
		e.RaceSupported = runner.RaceSupported
	}
	if e.IsTerminal == nil {
		e.IsTerminal = func(s any) bool {
			f, ok := s.(interface{ Fd() uintptr })
			return ok && term.IsTerminal(f.Fd())
		}
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	return e
}

// App is shared by the commands of one invocation. Its getters load what
// they return once, on first use.
type App struct {
	Env
	Out io.Writer // = Env.Stdout
	Err io.Writer // = Env.Stderr

	courseOnce sync.Once
	course     *catalog.Course
	courseErr  error

	sourceOnce sync.Once
	source     *catalog.Source
	sourceErr  error
}

// registered holds the command constructors of every file of the package,
// added by register in init functions.
var registered []func(*App) *cobra.Command

// register adds a command to otpgo. Call it from an init function in the
// command's own file.
func register(newCommand func(*App) *cobra.Command) {
	registered = append(registered, newCommand)
}

// defaultAction runs for `otpgo` with no command; see setDefaultAction.
var defaultAction = welcome

// setDefaultAction replaces what `otpgo` with no command does (the TUI
// uses it). Call it from an init function.
func setDefaultAction(f func(a *App, cmd *cobra.Command) error) {
	defaultAction = f
}

// NewRootCommand builds the otpgo command tree over env. The App it returns
// is the one every command uses.
func NewRootCommand(env Env) (*cobra.Command, *App) {
	env = env.withDefaults()
	a := &App{Env: env, Out: env.Stdout, Err: env.Stderr}
	if a.FS == nil {
		// Chosen on first use, so a command that reads no course (version,
		// help) costs no git.
		a.FS = sourceFS{a}
	}
	root := &cobra.Command{
		Use:   "otpgo",
		Short: "Learn Erlang/OTP's ideas in Go, one graded exercise at a time",
		Long: `otpgo is a workshop: read a lesson, edit the skeleton in exercises/,
and let otpgo check grade it with hidden tests.

  otpgo lesson list      the chapters and your progress
  otpgo lesson show gs   read a lesson
  otpgo check            grade the next step you have not passed
  otpgo watch            check again every time you save
  otpgo hint gs.1        one more hint
  otpgo observe          a live supervision tree to kill and crash (chapter 06)`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return defaultAction(a, cmd)
		},
	}
	// The app's watch mode, like `otpgo watch --poll`, where file events
	// don't arrive (WSL's /mnt, network drives, some containers).
	root.Flags().Bool("poll", false, "in the app, watch files by polling instead of file events")
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{cmd: cmd, err: err}
	})
	cmds := make([]*cobra.Command, 0, len(registered))
	for _, nc := range registered {
		cmds = append(cmds, nc(a))
	}
	slices.SortFunc(cmds, func(x, y *cobra.Command) int { return strings.Compare(x.Name(), y.Name()) })
	root.AddCommand(cmds...)
	// Only the groups some command uses, so help shows no empty heading.
	for _, g := range []*cobra.Group{
		{ID: groupLearn, Title: "Learn:"},
		{ID: groupPlay, Title: "Play:"},
		{ID: groupTools, Title: "For trainers, authors and troubleshooting:"},
	} {
		if g.ID == groupTools || slices.ContainsFunc(cmds, func(c *cobra.Command) bool { return c.GroupID == g.ID }) {
			root.AddGroup(g)
		}
	}
	root.SetHelpCommandGroupID(groupTools)
	root.SetCompletionCommandGroupID(groupTools)
	return root, a
}

// usageError is a mistake in the command line itself.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e usageError) Error() string {
	return fmt.Sprintf("%v\nRun '%s --help' for usage.", e.err, e.cmd.CommandPath())
}

func (e usageError) Unwrap() error { return e.err }

// Run runs otpgo with args over env and returns the exit code. Cancelling
// ctx (Execute does it on Ctrl-C) stops the command and kills any go test
// it started.
func Run(ctx context.Context, env Env, args ...string) int {
	root, a := NewRootCommand(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return ExitOK
	case ctx.Err() != nil:
		fmt.Fprintln(a.Err, "otpgo: interrupted; nothing is left running")
		return ExitInterrupted
	case errors.Is(err, errFailed):
		return ExitFailed
	}
	fmt.Fprintf(a.Err, "otpgo: %v\n", argsError(root, err))
	return ExitError
}

// argsError turns cobra's own argument errors into ones that say what to
// type (cobra's messages name no command).
func argsError(root *cobra.Command, err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown command") {
		return fmt.Errorf("%s\nRun 'otpgo --help' for the commands", strings.TrimSuffix(strings.SplitN(msg, "\n", 2)[0], "\n"))
	}
	return err
}

// Execute runs otpgo as the process: os.Args, the real streams, Ctrl-C,
// SIGTERM and SIGHUP cancelling the command. It returns the exit code for
// os.Exit.
func Execute() int {
	ctx, stop := signalContext(context.Background())
	defer stop()
	return Run(ctx, Env{}, os.Args[1:]...)
}

// signalContext is cancelled by the signals that end otpgo: Ctrl-C,
// SIGTERM, and SIGHUP (the terminal or SSH session closed). Each stops the
// command the same way, so the runner kills the tests and removes its
// temporary files instead of otpgo dying with them still running.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
}

// CourseSource says which course otpgo grades with: Env.FS if given, else
// the checkout's own (its content/ and solutions/ on disk, its skeletons
// as committed with the course), else the one built in. A checkout whose course is newer
// than this otpgo reads is an error saying how to update otpgo.
func (a *App) CourseSource() (*catalog.Source, error) {
	a.sourceOnce.Do(func() {
		if _, ok := a.FS.(sourceFS); !ok {
			a.source = &catalog.Source{FS: a.FS, Skeletons: "built into otpgo"}
			return
		}
		root := ""
		if ws, err := a.Workspace(); err == nil {
			root = ws.Root
		}
		a.source, a.sourceErr = catalog.OpenSource(context.Background(), root, otpgo.FS, catalog.SourceOptions{})
	})
	return a.source, a.sourceErr
}

// sourceFS is the App's course until it is first read: it opens files in
// CourseSource's FS.
type sourceFS struct{ a *App }

func (s sourceFS) Open(name string) (fs.File, error) {
	src, err := s.a.CourseSource()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return src.FS.Open(name)
}

// Course returns the course (see CourseSource), validated. A course that
// fails validation is an author's bug: the error lists each problem and
// its file.
func (a *App) Course() (*catalog.Course, error) {
	a.courseOnce.Do(func() {
		src, err := a.CourseSource()
		if err != nil {
			a.courseErr = err
			return
		}
		a.course, a.courseErr = catalog.Load(src.FS)
		if a.courseErr != nil {
			a.courseErr = fmt.Errorf("%w\n(%s is broken; run `otpgo verify` in the checkout, or update your checkout)", a.courseErr, src)
		}
	})
	return a.course, a.courseErr
}

// Workspace returns the checkout enclosing the working directory, or an
// error saying how to get one.
func (a *App) Workspace() (*workspace.Workspace, error) {
	dir := a.Dir
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("find the working directory: %w", err)
		}
	}
	return workspace.Find(dir)
}

// Progress returns the progress store of the checkout; warnings (a corrupt
// file moved aside) go to stderr.
func (a *App) Progress() (*progress.Store, error) {
	ws, err := a.Workspace()
	if err != nil {
		return nil, err
	}
	return progress.Open(ws.StateDir(),
		progress.WithClock(a.Now),
		progress.WithWarn(func(msg string) { fmt.Fprintln(a.Err, msg) }),
	), nil
}

// State loads the progress of the checkout.
func (a *App) State() (*progress.State, error) {
	_, st, err := a.loadProgress()
	return st, err
}

// loadProgress is the progress store with what it holds now, for a
// command that reads the progress and then records in it.
func (a *App) loadProgress() (*progress.Store, *progress.State, error) {
	store, err := a.Progress()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Load()
	if err != nil {
		return nil, nil, err
	}
	return store, st, nil
}

// Grader returns a grader for the checkout, running tests with Env.Run.
func (a *App) Grader() (*check.Grader, error) {
	ws, err := a.Workspace()
	if err != nil {
		return nil, err
	}
	return &check.Grader{Root: ws.Root, FS: a.FS, Run: a.Run}, nil
}

// Interactive reports whether stdout is a terminal.
func (a *App) Interactive() bool { return a.IsTerminal(a.Out) }

// Color reports whether stdout may be coloured: a terminal, NO_COLOR
// unset (https://no-color.org), TERM not "dumb".
func (a *App) Color() bool {
	return a.Interactive() && a.Getenv("NO_COLOR") == "" && a.Getenv("TERM") != "dumb"
}

// errColor is Color for stderr.
func (a *App) errColor() bool {
	return a.IsTerminal(a.Err) && a.Getenv("NO_COLOR") == "" && a.Getenv("TERM") != "dumb"
}

// requireGo fails with one clear line when there is no usable go command
// (missing, or older than the course needs). The answer is cached, so the
// runner and RaceSupported that come after it ask go nothing more.
// ctx bounds the question: a go that hangs must not outlive Ctrl-C.
func (a *App) requireGo(ctx context.Context, what string) error {
	if _, err := a.Toolchain(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// resolveAll resolves IDs to targets, reporting the first bad one.
func (a *App) resolveAll(ids []string) (*catalog.Course, []catalog.Target, error) {
	c, err := a.Course()
	if err != nil {
		return nil, nil, err
	}
	var out []catalog.Target
	for _, id := range ids {
		t, err := c.Resolve(id)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, t)
	}
	return c, out, nil
}

// exactlyOneID is cobra.ExactArgs(1) with a message that says what to type.
func exactlyOneID(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageError{cmd: cmd, err: fmt.Errorf("%s takes one chapter or step ID, e.g. gs or gs.1 (otpgo lesson list shows them); got %d", cmd.CommandPath(), len(args))}
	}
	return nil
}
