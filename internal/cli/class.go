package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/class"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
)

func init() { register(newClassCommand) }

// DefaultClassAddr is where `class start` listens unless --addr names
// another address: loopback, so nothing is exposed by accident.
const DefaultClassAddr = "127.0.0.1:7421"

// newClassCommand builds `otpgo class` and its subcommands.
func newClassCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "class",
		Short: "Teach a class: a live board of every attendee's checks (start, join, help, board, export)",
		Long: `A trainer runs otpgo class start and reads out the join line it prints;
each attendee runs it once. From then on every check, watch and app check
reports its verdict to the trainer's board (never your code, unless you
share it with otpgo class help --share).`,
		Example: `  otpgo class start --addr 0.0.0.0:7421        # trainer
  otpgo class join 192.168.1.20:7421 lusab-babad-gutih --name "Ana"   # attendee
  otpgo class help "my server never replies" --share`,
		GroupID: groupTools,
		Args:    cobra.NoArgs,
	}
	cmd.AddCommand(newClassStart(a), newClassJoin(a), newClassLeave(a), newClassHelp(a), newClassBoard(a), newClassExport(a))
	return cmd
}

// reportToClass is the attendee's hook, called where a check's verdicts
// are recorded: it reports them to the trainer's board if the checkout
// joined a class, within about a second, and never fails the check.
func (a *App) reportToClass(ctx context.Context, vs []runner.Verdict) {
	ws, err := a.Workspace()
	if err != nil {
		return
	}
	if notice := class.Report(ctx, ws.StateDir(), vs...); notice != "" {
		fmt.Fprintln(a.Err, notice)
	}
}

// classLog is where the trainer's class lives in this checkout
// (.otpgo/class) and the course as the board shows it: chapters with
// graded steps.
func (a *App) classLog() (dir string, chapters []class.ChapterInfo, err error) {
	ws, err := a.Workspace()
	if err != nil {
		return "", nil, err
	}
	c, err := a.Course()
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(ws.StateDir(), "class"), boardChapters(c), nil
}

func boardChapters(c *catalog.Course) []class.ChapterInfo {
	var out []class.ChapterInfo
	for _, ch := range c.Chapters {
		info := class.ChapterInfo{ID: ch.ID, Title: ch.Title}
		for _, s := range ch.Gradable() {
			info.Steps = append(info.Steps, class.StepInfo{ID: s.ID, Title: s.Title})
		}
		if len(info.Steps) > 0 {
			out = append(out, info)
		}
	}
	return out
}

func newClassStart(a *App) *cobra.Command {
	var addr string
	var fresh, noOpen bool
	var stuckAfter time.Duration
	var stuckAttempts int
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Serve the class board and print the line attendees type to join",
		Long: `Serve the board on --addr (loopback unless you name an address the class
can reach, e.g. 0.0.0.0:7421) until Ctrl-C. Every report is kept in
.otpgo/class/ of this checkout: start again and the board is as it was,
with the same join code. --new starts a new class (a new code; the old
log is kept aside).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runClassStart(cmd.Context(), a, addr, fresh, !noOpen, stuckAfter, stuckAttempts)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", DefaultClassAddr, "HOST:PORT to serve on; 0.0.0.0:7421 for the whole LAN")
	cmd.Flags().BoolVar(&fresh, "new", false, "start a new class: new join code, old log kept aside")
	cmd.Flags().BoolVar(&noOpen, "no-open", false, "do not open the board in a browser")
	cmd.Flags().DurationVar(&stuckAfter, "stuck-after", class.DefaultStuckAfter, "mark an attendee stuck when a step fails for this long")
	cmd.Flags().IntVar(&stuckAttempts, "stuck-attempts", class.DefaultStuckAttempts, "... or after this many failing checks")
	return cmd
}

// classProgram is the board's server, built on demand (see program).
var classProgram = program{what: "otpgo class start", pkg: "./internal/class/start", cost: "net/http and crypto/tls"}

// runClassStart builds and runs the board's server over this checkout's
// class log, handing it the course's chapters on stdin.
func runClassStart(ctx context.Context, a *App, addr string, fresh, open bool, stuckAfter time.Duration, stuckAttempts int) error {
	dir, chapters, err := a.classLog()
	if err != nil {
		return err
	}
	data, err := json.Marshal(chapters)
	if err != nil {
		return fmt.Errorf("class start: encode the course's chapters: %w", err)
	}
	args := []string{"-dir", dir, "-show-dir", a.relPath(dir), "-addr", addr,
		"-stuck-after", stuckAfter.String(), "-stuck-attempts", strconv.Itoa(stuckAttempts)}
	if fresh {
		args = append(args, "-new")
	}
	if open {
		args = append(args, "-open")
	}
	return a.runProgram(ctx, classProgram, bytes.NewReader(data), args...)
}

func (a *App) relPath(p string) string {
	if ws, err := a.Workspace(); err == nil {
		return ws.Rel(p)
	}
	return p
}

func newClassJoin(a *App) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "join ADDR CODE --name NAME",
		Short: "Join the trainer's class: your checks then show on the trainer's board",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.Workspace()
			if err != nil {
				return err
			}
			m, err := class.Join(cmd.Context(), ws.StateDir(), args[0], args[1], name)
			if err != nil {
				return fmt.Errorf("class join: %w", err)
			}
			fmt.Fprintf(a.Out, "Joined the class at %s as %q. Each check now tells the trainer the step and its verdict (never your code).\nRaise a hand: otpgo class help \"message\" [--share]. Stop: otpgo class leave.\n", m.Addr, m.Name)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "your name as the trainer will see it (required)")
	return cmd
}

func newClassLeave(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "leave",
		Short: "Stop reporting to the trainer's board",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.Workspace()
			if err != nil {
				return err
			}
			notice, err := class.Leave(cmd.Context(), ws.StateDir())
			if err != nil {
				return fmt.Errorf("class leave: %w", err)
			}
			if notice != "" {
				fmt.Fprintln(a.Err, notice)
			}
			fmt.Fprintln(a.Out, "Left the class: your checks stay on this laptop.")
			return nil
		},
	}
}

func newClassHelp(a *App) *cobra.Command {
	var share, lower bool
	var stepID string
	cmd := &cobra.Command{
		Use:   "help [message]",
		Short: "Raise your hand on the trainer's board (--share sends your step's changes)",
		Long: `Put yourself at the top of the trainer's board, with a message. --share
also sends the diff of your current step's files against the step's start,
for the trainer to read. --lower takes the hand down.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runClassHelp(cmd.Context(), a, strings.Join(args, " "), stepID, share, lower)
		},
	}
	cmd.Flags().BoolVar(&share, "share", false, "send the diff of your current step's files against its start")
	cmd.Flags().BoolVar(&lower, "lower", false, "lower your hand")
	cmd.Flags().StringVar(&stepID, "step", "", "the step you need help with (default: your next pending step)")
	return cmd
}

func runClassHelp(ctx context.Context, a *App, msg, stepID string, share, lower bool) error {
	ws, err := a.Workspace()
	if err != nil {
		return err
	}
	var step *catalog.Step
	if !lower {
		if step, err = a.currentStep(stepID); err != nil {
			return err
		}
	}
	diff := ""
	if share && step != nil {
		var b strings.Builder
		for _, f := range step.Files {
			p := step.Chapter.ExercisePath(f)
			start, _ := readFS(a, p)
			mine, err := os.ReadFile(ws.Path(p))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("read your %s: %w", f, err)
			}
			b.WriteString(udiff.Unified(p+" (start)", p+" (now)", start, string(mine)))
		}
		if diff = b.String(); diff == "" {
			diff = "(no change from the step's start)\n"
		}
	}
	id := ""
	if step != nil {
		id = step.ID
	}
	notice, err := class.RaiseHand(ctx, ws.StateDir(), id, msg, diff, lower)
	if err != nil {
		return fmt.Errorf("class help: %w", err)
	}
	if notice != "" {
		fmt.Fprintln(a.Err, notice)
	}
	switch {
	case lower:
		fmt.Fprintln(a.Out, "Hand lowered.")
	case share:
		fmt.Fprintf(a.Out, "Hand raised on %s; the trainer can read your changes (%d lines).\n", id, strings.Count(diff, "\n"))
	default:
		fmt.Fprintf(a.Out, "Hand raised on %s.\n", id)
	}
	return nil
}

// readFS reads a file of the embedded course ("" if it has none).
func readFS(a *App, p string) (string, error) {
	data, err := fs.ReadFile(a.FS, p)
	return string(data), err
}

// currentStep is the named step, or the next pending one.
func (a *App) currentStep(id string) (*catalog.Step, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	if id != "" {
		s, ok := c.Step(id)
		if !ok {
			_, err := c.Resolve(id)
			if err == nil {
				err = fmt.Errorf("%s is a chapter: name a step, e.g. %s.1", id, id)
			}
			return nil, err
		}
		return s, nil
	}
	st, err := a.State()
	if err != nil {
		return nil, err
	}
	if s := session.NextStep(c, st); s != nil {
		return s, nil
	}
	return nil, errors.New("every step passes: name the step you need help with, --step gs.1")
}

func newClassBoard(a *App) *cobra.Command {
	var once bool
	var chapter string
	cmd := &cobra.Command{
		Use:   "board",
		Short: "The class board in the terminal (reads this checkout's class log)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, chapters, err := a.classLog()
			if err != nil {
				return err
			}
			sess, ok := class.ReadSession(dir)
			if !ok {
				return errors.New("no class was started in this checkout: run otpgo class start here first (the board reads its log)")
			}
			load := func() (string, error) {
				b, _, err := class.LoadBoard(dir, chapters)
				if err != nil {
					return "", err
				}
				return class.Text(b.View(sess.ID, a.Now()), chapter), nil
			}
			if once || !a.Interactive() {
				s, err := load()
				if err != nil {
					return err
				}
				fmt.Fprint(a.Out, s)
				return nil
			}
			_, err = tea.NewProgram(boardModel{load: load}, tea.WithContext(cmd.Context()), tea.WithInput(a.Stdin), tea.WithOutput(a.Out)).Run()
			if errors.Is(err, tea.ErrProgramKilled) && cmd.Context().Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "print the board once and exit")
	cmd.Flags().StringVar(&chapter, "chapter", "", "the chapter to show (default: the one most attendees are on)")
	return cmd
}

// boardModel redraws the board from the log every second; q quits.
type boardModel struct {
	load func() (string, error)
	text string
}

type boardTick struct{}

func (m boardModel) Init() tea.Cmd { return func() tea.Msg { return boardTick{} } }

func (m boardModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case boardTick:
		if s, err := m.load(); err != nil {
			m.text = "class board: " + err.Error()
		} else {
			m.text = s
		}
		return m, tea.Tick(time.Second, func(time.Time) tea.Msg { return boardTick{} })
	case tea.KeyPressMsg:
		if s := msg.String(); s == "q" || s == "ctrl+c" || s == "esc" {
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m boardModel) View() tea.View { return tea.NewView(m.text + "\nq quits") }

func newClassExport(a *App) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "export --format csv|json",
		Short: "Write the class (per attendee and step: attempts, time, hints, result) to stdout",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, chapters, err := a.classLog()
			if err != nil {
				return err
			}
			b, skipped, err := class.LoadBoard(dir, chapters)
			if err != nil {
				return err
			}
			if skipped > 0 {
				fmt.Fprintf(a.Err, "class export: %d unreadable line(s) of the log skipped\n", skipped)
			}
			return class.Export(a.Out, b.ExportRows(), format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}
