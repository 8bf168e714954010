// Package tui is the interactive otpgo: `otpgo` with no arguments on a
// terminal. Three screens, one model each: home (chapters and steps with
// progress), the lesson reader, and the step panel that checks the
// learner's code, re-checks on save, and gives hints, the solution and a
// reset. App routes messages between them.
//
// The update loop never waits: checks, snapshots, file watching, progress
// and markdown rendering all run in tea.Cmds and come back as small
// message types.
package tui

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
)

// Options configure the app.
type Options struct {
	Course  *catalog.Course
	Backend Backend
	// Start, if set, is a chapter or step ID to open first.
	Start string
	// Poll makes watch mode poll instead of using file events.
	Poll bool
	// NoWatch starts steps with watch mode off.
	NoWatch bool
	// LessonStyle is the glamour style; "" picks dark or light from the
	// terminal's background. Tests use "notty" for stable output.
	LessonStyle string
	// Observe, if set, makes the command that opens the observer (chapter
	// 06, `otpgo observe`); the app hands it the terminal while it runs.
	Observe func() *exec.Cmd
	// Warm, if set, builds ahead what a check needs (internal/warm), from
	// the start until done or the app ends; the home screen shows how far
	// along it is. It reports progress as packages done of total.
	Warm func(ctx context.Context, progress func(done, total int)) error
	// Trace, if set, makes the command that draws a failed test's
	// messages (`otpgo trace STEP TEST`), or returns nil when the step's
	// chapter has no processes to draw; the app hands it the terminal.
	Trace func(step, test string) *exec.Cmd
	// RaiseHand, if set (the learner has joined a class), puts the learner
	// at the top of the trainer's board, stuck on step; it returns a line
	// to show when the trainer could not be reached.
	RaiseHand func(step string) (notice string, err error)
}

// warmMsg is the warm-up's latest progress; final when it has ended.
type warmMsg struct {
	done, total int
	final       bool
	err         error
	ch          <-chan warmMsg
}

// startWarm runs opts.Warm in the background and returns its first
// message; each later one comes from waitWarm. Progress keeps only the
// latest value, so a slow screen never holds the build back.
func startWarm(ctx context.Context, warm func(context.Context, func(int, int)) error) tea.Cmd {
	ch := make(chan warmMsg, 1)
	go func() {
		err := warm(ctx, func(done, total int) {
			m := warmMsg{done: done, total: total, ch: ch}
			for {
				select {
				case ch <- m:
					return
				default:
					select { // drop the stale value, then try again
					case <-ch:
					default:
					}
				}
			}
		})
		select {
		case <-ch:
		default:
		}
		select {
		case ch <- warmMsg{final: true, err: err, ch: ch}:
		case <-ctx.Done():
		}
	}()
	return waitWarm(ch)
}

func waitWarm(ch <-chan warmMsg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

// env is what every screen reads: set up once, then changed only by
// App.Update (size, progress, style).
type env struct {
	course  *catalog.Course
	backend Backend
	opts    Options
	ctx     context.Context // cancelled when the app ends: stops running checks
	width   int
	height  int
	state   *progress.State
	warm    warmMsg // the warm-up's latest progress (zero: none running)
	style   string  // glamour style in use
	help    help.Model
}

// screen names the active screen.
type screen int

const (
	screenHome screen = iota
	screenLesson
	screenStep
)

// Navigation and shared messages.
type (
	openLessonMsg struct{ ch *catalog.Chapter }
	openStepMsg   struct{ step *catalog.Step }
	goHomeMsg     struct{}
	progressMsg   struct {
		state *progress.State
		err   error
	}
)

// App is the root model.
type App struct {
	env    *env
	cancel context.CancelFunc
	active screen
	home   homeModel
	lesson lessonModel
	step   stepModel
}

// New returns the app. Call Close when the program has ended.
func New(opts Options) App {
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{course: opts.Course, backend: opts.Backend, opts: opts, ctx: ctx, style: opts.LessonStyle, help: help.New()}
	if e.style == "" {
		e.style = "dark"
	}
	a := App{env: e, cancel: cancel}
	a.home = newHome(e)
	a.lesson = newLesson(e)
	a.step = newStep(e)
	if opts.Start != "" {
		if t, err := opts.Course.Resolve(opts.Start); err == nil {
			if t.Step != nil {
				a.home.selectStep(t.Step)
				a.active = screenStep
				a.step, _ = a.step.open(t.Step) // nothing to stop yet
			} else {
				a.home.selectChapter(t.Chapter)
				a.active = screenLesson
				a.lesson = a.lesson.open(t.Chapter)
			}
		}
	}
	return a
}

// Close stops what the app left running: a check in flight, the file
// watcher (a watcher still starting stops on its own when it sees the
// cancelled context). Run calls it; tests call it on the final model.
func (a App) Close() {
	a.cancel()
	a.step.stopWatch()
}

func loadProgress(b Backend) tea.Cmd {
	return func() tea.Msg {
		st, err := b.Progress()
		return progressMsg{state: st, err: err}
	}
}

// Init loads progress and asks for the terminal's background.
func (a App) Init() tea.Cmd {
	cmds := []tea.Cmd{loadProgress(a.env.backend)}
	if a.env.opts.Warm != nil {
		cmds = append(cmds, startWarm(a.env.ctx, a.env.opts.Warm))
	}
	if a.env.opts.LessonStyle == "" {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	switch a.active {
	case screenStep:
		cmds = append(cmds, a.step.init())
	case screenLesson:
		cmds = append(cmds, a.lesson.render())
	}
	return tea.Batch(cmds...)
}

// Update routes a message: keys to the active screen, everything else to
// the screen that asked for it.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.env.width, a.env.height = msg.Width, msg.Height
		a.env.help.SetWidth(msg.Width)
		a.home = a.home.resize()
		a.step = a.step.resize()
		a.lesson, cmd = a.lesson.resize()
		return a, cmd

	case tea.BackgroundColorMsg:
		if a.env.opts.LessonStyle == "" {
			style := "light"
			if msg.IsDark() {
				style = "dark"
			}
			if style != a.env.style {
				a.env.style = style
				a.lesson, cmd = a.lesson.restyle()
			}
		}
		return a, cmd

	case warmMsg:
		if msg.final { // keep the last count: it says whether there was work
			msg.done, msg.total = a.env.warm.done, a.env.warm.total
			a.env.warm = msg
			return a, nil
		}
		a.env.warm = msg
		return a, waitWarm(msg.ch)

	case progressMsg:
		if msg.err == nil {
			a.env.state = msg.state
		}
		a.home = a.home.refresh()
		a.step = a.step.progressChanged(msg.err)
		return a, nil

	case openLessonMsg:
		a.active = screenLesson
		a.home.selectChapter(msg.ch)
		a.lesson = a.lesson.open(msg.ch)
		return a, a.lesson.render()

	case openStepMsg:
		a.active = screenStep
		a.home.selectStep(msg.step)
		a.step, cmd = a.step.open(msg.step)
		return a, tea.Batch(cmd, a.step.init())

	case goHomeMsg:
		a.active = screenHome
		a.step, cmd = a.step.leave()
		return a, tea.Batch(cmd, loadProgress(a.env.backend))

	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return a, tea.Quit
		}
		showAll := a.env.help.ShowAll
		switch a.active {
		case screenHome:
			a.home, cmd = a.home.Update(msg)
		case screenLesson:
			a.lesson, cmd = a.lesson.Update(msg)
		case screenStep:
			a.step, cmd = a.step.Update(msg)
		}
		if a.env.help.ShowAll != showAll {
			// The footer's height changed for every screen, not only
			// the one that toggled it.
			a.home = a.home.resize()
			a.step = a.step.resize()
			a.lesson = a.lesson.resize0()
		}
		return a, cmd

	case lessonRenderedMsg:
		a.lesson, cmd = a.lesson.Update(msg)
		return a, cmd
	}
	// Checks, file changes, spinner ticks, hints: the step screen's.
	a.step, cmd = a.step.Update(msg)
	return a, cmd
}

// View draws the active screen.
func (a App) View() tea.View {
	var s string
	switch {
	case a.env.width == 0:
		s = "starting otpgo…"
	case a.active == screenLesson:
		s = a.lesson.View()
	case a.active == screenStep:
		s = a.step.View()
	default:
		s = a.home.View()
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.WindowTitle = "otpgo"
	return v
}

// Run runs the app on the terminal (in, out) until the learner quits.
func Run(ctx context.Context, in io.Reader, out io.Writer, opts Options) error {
	a := New(opts)
	p := tea.NewProgram(a, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	final, err := p.Run()
	if fa, ok := final.(App); ok {
		fa.Close()
	} else {
		a.Close()
	}
	if err != nil {
		return fmt.Errorf("otpgo app: %w", err)
	}
	return nil
}

// helpFooter is the help line (or table, after ?) of a screen's keys,
// cut to the screen's width: bubbles' help lets the last item overflow
// when its "…" would not fit.
func helpFooter(e *env, k keyList) string {
	lines := strings.Split(e.help.View(k), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, e.width, "…")
	}
	return strings.Join(lines, "\n")
}
