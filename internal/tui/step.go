package tui

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
	"github.com/otpgo/otpgo/internal/watch"
)

// stepModel is the step panel: what to edit, the check and its verdict,
// hints, the solution, reset, and watch mode.
type stepModel struct {
	env  *env
	step *catalog.Step
	body viewport.Model
	spin spinner.Model

	// One check at a time, app-wide: a request during a check queues one
	// more (watch.Queue), whoever asked for it.
	queue    *watch.Queue
	checking *catalog.Step // the step being checked, nil if none
	phase    string
	trigger  string // why the current or last check ran

	verdict  *runner.Verdict
	checkErr error
	checks   int // checks of this step finished since it was opened

	watchOn   bool
	watch     *watching
	watchMode string

	hints     int
	solution  []File
	confirm   string // "reset" or "catchup": asked, waiting for y
	status    string
	statusBad bool
}

// Messages of the step panel.
type (
	checkDoneMsg struct {
		step    *catalog.Step
		verdict runner.Verdict
		err     error
	}
	phaseMsg struct {
		phases <-chan runner.Phase
		phase  runner.Phase
	}
	hintMsg struct {
		step *catalog.Step
		n    int
		err  error
	}
	solutionMsg struct {
		step  *catalog.Step
		files []File
		err   error
	}
	// catchupMsg is Backend.Catchup's answer.
	catchupMsg struct {
		step    *catalog.Step
		summary string
		err     error
	}
	resetMsg struct {
		step   *catalog.Step
		backup string
		err    error
	}
	observeDoneMsg struct{ err error }
	traceDoneMsg   struct{ err error }
	handMsg        struct {
		step   string
		notice string
		err    error
	}
)

func newStep(e *env) stepModel {
	vp := viewport.New()
	vp.SoftWrap = true
	return stepModel{
		env:   e,
		body:  vp,
		spin:  spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		queue: new(watch.Queue),
	}
}

func (m stepModel) keys() keyList {
	if m.step != nil && !m.step.Gradable() {
		short := []key.Binding{keyHint, keyLesson, keyNext, keyBack, keyQuit}
		if m.canObserve() {
			short = append([]key.Binding{keyObserve}, short...)
		}
		return keyList{short: short, full: [][]key.Binding{short}}
	}
	sol := keySolution
	sol.SetEnabled(m.solved())
	next := keyNext
	next.SetEnabled(m.passed())
	help := helpKey(m.env)
	// Reset is in the full help only: the short one must fit 100 columns
	// with everything enabled, and reset is the rarest and asks first.
	return keyList{
		short: []key.Binding{keyCheck, keyWatchS, keyHint, sol, next, keyLesson, keyBack, help, keyQuit},
		full: [][]key.Binding{
			{keyCheck, keyWatch, keyHint, sol},
			{keyReset, keyCatchup, next, keyLesson, keyBack, m.traceKey(), m.handKey()},
			{keyUp, keyDown, keyPgUp, keyPgDown},
			{help, keyQuit},
		},
	}
}

// traceCmd is the command that draws the test worth tracing (session.TraceTest) of the last
// check, or nil.
func (m stepModel) traceCmd() *exec.Cmd {
	if name := m.traceTest(); name != "" {
		return m.env.opts.Trace(m.step.ID, name)
	}
	return nil
}

// traceTest is the test t would trace, "" for none. The view asks it at
// every render; only the key press builds the command.
func (m stepModel) traceTest() string {
	if m.env.opts.Trace == nil || m.step == nil || m.verdict == nil {
		return ""
	}
	return session.TraceTest(*m.verdict, m.step.ID)
}

func (m stepModel) traceKey() key.Binding {
	k := keyTrace
	k.SetEnabled(m.traceTest() != "")
	return k
}

// handKey is enabled when the learner is in a class.
func (m stepModel) handKey() key.Binding {
	k := keyHand
	k.SetEnabled(m.env.opts.RaiseHand != nil)
	return k
}

func (m stepModel) canObserve() bool {
	return m.env.opts.Observe != nil && m.step != nil && !m.step.Chapter.Graded()
}

// passed: the last check of this step passed.
func (m stepModel) passed() bool {
	return m.verdict != nil && m.verdict.Status == runner.Passed
}

// solved: the step passed, now or before. A pass counts at once, before
// the progress file is read again, so s works the moment "PASSED" shows.
func (m stepModel) solved() bool {
	return m.step != nil && (m.passed() || m.env.done(m.step))
}

// open shows step s, starting afresh unless it is already shown. The Cmd
// stops the previous step's watcher.
func (m stepModel) open(s *catalog.Step) (stepModel, tea.Cmd) {
	if m.step == s {
		return m.resize(), nil
	}
	stop := m.watch.stopCmd()
	m.step = s
	m.verdict, m.checkErr, m.checks = nil, nil, 0
	m.solution, m.confirm, m.status, m.statusBad = nil, "", "", false
	m.watch, m.watchMode = nil, ""
	m.watchOn = s.Gradable() && !m.env.opts.NoWatch
	m.hints = 0
	if m.env.state != nil {
		m.hints = min(m.env.state.HintsSeen(s.ID), len(s.Hints))
	}
	m.body.GotoTop()
	return m.resize(), stop
}

// init starts what an opened step needs: the file watcher, unless it runs.
func (m stepModel) init() tea.Cmd {
	if m.watchOn && m.watch == nil {
		return startWatch(m.env.ctx, m.env.backend, m.step, m.env.opts.Poll)
	}
	return nil
}

// leave is called when the learner goes home; the step stays loaded so
// coming back shows the last verdict. The Cmd stops the watcher.
func (m stepModel) leave() (stepModel, tea.Cmd) {
	stop := m.watch.stopCmd()
	m.watch = nil
	m.confirm = ""
	return m, stop
}

// stopWatch stops the watcher now; for App.Close, after the program ended.
func (m stepModel) stopWatch() {
	m.watch.stop()
}

func (m stepModel) progressChanged(err error) stepModel {
	if err != nil {
		m.status, m.statusBad = fmt.Sprintf("could not read your progress: %v", err), true
	}
	if m.step != nil && m.env.state != nil {
		m.hints = max(m.hints, min(m.env.state.HintsSeen(m.step.ID), len(m.step.Hints)))
	}
	return m.resize()
}

func (m stepModel) headerHeight() int { return 4 } // title, files, rule, check line

func (m stepModel) resize() stepModel {
	footer := 1 /* rule */ + 1 /* status */ + lipgloss.Height(helpFooter(m.env, m.keys()))
	m.body.SetWidth(m.env.width)
	m.body.SetHeight(max(m.env.height-m.headerHeight()-footer, 1))
	m.body.SetContent(m.bodyText())
	return m
}

// requestCheck runs a check now, or queues one behind the running check.
func (m stepModel) requestCheck(why string) (stepModel, tea.Cmd) {
	if m.step == nil || !m.step.Gradable() {
		return m, nil
	}
	m.trigger = why
	if !m.queue.Request() {
		m.status, m.statusBad = "a check is running; another one will follow it", false
		return m, nil
	}
	return m.runCheck()
}

// runCheck starts a check of the current step in a Cmd.
func (m stepModel) runCheck() (stepModel, tea.Cmd) {
	s, b, ctx := m.step, m.env.backend, m.env.ctx
	phases := make(chan runner.Phase, 4)
	m.checking, m.phase = s, "starting go test"
	m.status = ""
	check := func() tea.Msg {
		v, err := b.Check(ctx, s, func(p runner.Phase) {
			select {
			case phases <- p:
			default:
			}
		})
		close(phases)
		return checkDoneMsg{step: s, verdict: v, err: err}
	}
	return m, tea.Batch(check, waitPhase(phases), m.spin.Tick)
}

func waitPhase(phases <-chan runner.Phase) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-phases
		if !ok {
			return nil
		}
		return phaseMsg{phases: phases, phase: p}
	}
}

// Update handles keys and the results of the step's Cmds.
func (m stepModel) Update(msg tea.Msg) (stepModel, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.key(msg)

	case spinner.TickMsg:
		if m.checking == nil {
			return m, nil // let the spinner stop
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd

	case phaseMsg:
		if m.checking != nil {
			m.phase = session.PhaseText(msg.phase)
		}
		return m, waitPhase(msg.phases)

	case checkDoneMsg:
		m.checking = nil
		if msg.step == m.step {
			m.checks++
			m.verdict, m.checkErr = &msg.verdict, msg.err
			var notSaved *session.NotRecordedError
			if errors.As(msg.err, &notSaved) {
				m.checkErr = nil // the verdict stands; only its record failed
				m.status, m.statusBad = "warning: "+notSaved.Error(), true
			} else if msg.err != nil {
				m.verdict = nil
				m.status, m.statusBad = msg.err.Error(), true
			}
			m.body.GotoTop()
		}
		cmds := []tea.Cmd{loadProgress(m.env.backend)}
		if m.queue.Done() {
			if m.step != nil && m.step.Gradable() {
				var cmd tea.Cmd
				m, cmd = m.runCheck()
				cmds = append(cmds, cmd)
			} else {
				m.queue.Done()
			}
		}
		return m.resize(), tea.Batch(cmds...)

	case watchStartedMsg:
		if msg.wt.step != m.step || !m.watchOn || m.watch != nil {
			return m, msg.wt.stopCmd() // stale: the learner moved on
		}
		if msg.err != nil {
			m.watchOn = false
			m.status, m.statusBad = fmt.Sprintf("watch mode is off: %v (enter checks by hand)", msg.err), true
			return m.resize(), nil
		}
		m.watch = msg.wt
		mode, why := msg.wt.w.Mode()
		m.watchMode = modeText(mode, why)
		return m.resize(), m.watch.next()

	case modeMsg:
		if msg.wt != m.watch {
			return m, nil
		}
		m.watchMode = modeText(msg.mode, msg.why)
		return m.resize(), m.watch.next()

	case fileChangedMsg:
		if msg.wt != m.watch {
			return m, nil
		}
		var cmd tea.Cmd
		m, cmd = m.requestCheck("you saved " + strings.Join(msg.files, ", "))
		return m.resize(), tea.Batch(cmd, m.watch.next())

	case hintMsg:
		if msg.err != nil {
			// A hint that could not be recorded is still shown (n > 0).
			m.status, m.statusBad = msg.err.Error(), true
		}
		if msg.n > 0 && msg.step == m.step {
			m.hints = msg.n
			m = m.resize()
			m.body.GotoBottom()
		}
		return m, loadProgress(m.env.backend)

	case solutionMsg:
		if msg.err != nil {
			m.status, m.statusBad = msg.err.Error(), true
		} else if msg.step == m.step {
			m.solution = msg.files
			m = m.resize()
			m.body.GotoBottom()
		}
		return m, nil

	case resetMsg:
		files := strings.Join(msg.step.Files, ", ")
		switch {
		case msg.err != nil && msg.backup != "":
			m.status, m.statusBad = fmt.Sprintf("%v (your version is saved in %s)", msg.err, msg.backup), true
		case msg.err != nil:
			m.status, m.statusBad = msg.err.Error(), true
		case msg.backup == "":
			m.status, m.statusBad = fmt.Sprintf("%s undone: its files (%s) stand as when it began (nothing of yours to save)", msg.step.ID, files), false
		default:
			m.status, m.statusBad = fmt.Sprintf("%s undone: its files (%s) stand as when it began; your version is in %s", msg.step.ID, files, msg.backup), false
		}
		if msg.err == nil && msg.step == m.step {
			m.verdict, m.solution = nil, nil
		}
		return m.resize(), nil

	case handMsg:
		switch {
		case msg.err != nil:
			m.status, m.statusBad = msg.err.Error(), true
		case msg.notice != "":
			m.status, m.statusBad = msg.notice, true
		default:
			m.status, m.statusBad = "hand raised on "+msg.step+": the trainer sees you at the top of the board (otpgo class help --share also shows them your changes)", false
		}
		return m.resize(), nil

	case traceDoneMsg:
		if msg.err != nil {
			m.status, m.statusBad = fmt.Sprintf("otpgo trace stopped: %v", msg.err), true
		}
		return m, nil

	case catchupMsg:
		if msg.err != nil {
			m.status, m.statusBad = msg.err.Error(), true
		} else {
			m.status, m.statusBad = msg.summary, false
		}
		return m.resize(), nil

	case observeDoneMsg:
		if msg.err != nil {
			m.status, m.statusBad = fmt.Sprintf("the observer stopped: %v", msg.err), true
		}
		return m, nil
	}
	return m, nil
}

// modeText says, beside "watching", what watch mode does: in the
// learner's words, unless it had to poll (then why, for the trainer).
func modeText(mode watch.Mode, why string) string {
	if mode == watch.Poll {
		return why
	}
	return "checks on save"
}

func (m stepModel) key(k tea.KeyPressMsg) (stepModel, tea.Cmd) {
	if m.step == nil {
		return m, nil
	}
	b, s := m.env.backend, m.step
	if asked := m.confirm; asked != "" {
		m.confirm = ""
		switch {
		case !key.Matches(k, keyYes):
			m.status, m.statusBad = asked+" cancelled: nothing changed", false
			return m.resize(), nil
		case asked == "catchup":
			m.status, m.statusBad = "catching up…", false
			return m.resize(), func() tea.Msg {
				summary, err := b.Catchup(s)
				return catchupMsg{step: s, summary: summary, err: err}
			}
		}
		m.status, m.statusBad = "resetting…", false
		return m.resize(), func() tea.Msg {
			dir, err := b.Reset(s)
			return resetMsg{step: s, backup: dir, err: err}
		}
	}
	switch {
	case key.Matches(k, keyQuit):
		return m, tea.Quit
	case key.Matches(k, keyBack):
		return m, navigate(goHomeMsg{})
	case key.Matches(k, keyLesson):
		return m, navigate(openLessonMsg{s.Chapter})
	case key.Matches(k, keyHelp):
		m.env.help.ShowAll = !m.env.help.ShowAll
		return m.resize(), nil
	case key.Matches(k, keyCheck):
		if !s.Gradable() {
			return m, nil
		}
		m, cmd := m.requestCheck("you asked")
		return m.resize(), cmd
	case key.Matches(k, keyWatch):
		if !s.Gradable() {
			return m, nil
		}
		m.watchOn = !m.watchOn
		if !m.watchOn {
			stop := m.watch.stopCmd()
			m.watch, m.watchMode = nil, ""
			m.status, m.statusBad = "watch mode off: enter checks", false
			return m.resize(), stop
		}
		m.status, m.statusBad = "watch mode on: every save re-checks", false
		return m.resize(), m.init()
	case key.Matches(k, keyHint):
		if len(s.Hints) == 0 {
			m.status, m.statusBad = "this step has no hints", false
			return m.resize(), nil
		}
		return m, func() tea.Msg {
			n, err := b.NextHint(s)
			return hintMsg{step: s, n: n, err: err}
		}
	case key.Matches(k, keySolution):
		if !s.Gradable() {
			return m, nil
		}
		if !m.solved() {
			m.status, m.statusBad = "the solution opens once the step passes; h gives a hint", false
			return m.resize(), nil
		}
		return m, func() tea.Msg {
			files, err := b.Solution(s)
			return solutionMsg{step: s, files: files, err: err}
		}
	case key.Matches(k, keyReset):
		if !s.Gradable() {
			return m, nil
		}
		m.confirm = "reset"
		m.status, m.statusBad = fmt.Sprintf("Undo %s? Its files (%s) go back to how they stood when it began. Your version is saved in .otpgo/backup/ first. y: reset, any other key: keep it", s.ID, strings.Join(s.Files, ", ")), false
		return m.resize(), nil
	case key.Matches(k, keyCatchup):
		if !s.Gradable() {
			return m, nil
		}
		m.confirm = "catchup"
		m.status, m.statusBad = fmt.Sprintf("Catch up to %s? The steps before it that you have not passed get their reference code, marked given. Your versions are saved in .otpgo/backup/ first. y: catch up, any other key: keep it", s.ID), false
		return m.resize(), nil
	case key.Matches(k, keyNext):
		if s.Gradable() && !m.solved() {
			m.status, m.statusBad = "this step has not passed yet", false
			return m.resize(), nil
		}
		if next := m.next(); next != nil {
			return m, navigate(openStepMsg{next})
		}
		m.status, m.statusBad = "every step passes: nothing left to do", false
		return m.resize(), nil
	case key.Matches(k, keyHand):
		if raise := m.env.opts.RaiseHand; raise != nil {
			id := s.ID
			return m, func() tea.Msg {
				notice, err := raise(id)
				return handMsg{step: id, notice: notice, err: err}
			}
		}
	case key.Matches(k, keyTrace):
		if c := m.traceCmd(); c != nil {
			return m, tea.ExecProcess(c, func(err error) tea.Msg { return traceDoneMsg{err} })
		}
	case key.Matches(k, keyObserve):
		if m.canObserve() {
			return m, tea.ExecProcess(m.env.opts.Observe(), func(err error) tea.Msg { return observeDoneMsg{err} })
		}
	case key.Matches(k, keyUp):
		m.body.ScrollUp(1)
	case key.Matches(k, keyDown):
		m.body.ScrollDown(1)
	case key.Matches(k, keyPgUp):
		m.body.PageUp()
	case key.Matches(k, keyPgDown):
		m.body.PageDown()
	}
	return m, nil
}

// next is the step to go on to, as every command names it
// (session.NextStep); a pass shown here counts before progress reloads.
func (m stepModel) next() *catalog.Step {
	if m.passed() {
		return session.NextStep(m.env.course, m.env.state, m.step.ID)
	}
	return session.NextStep(m.env.course, m.env.state)
}

// bodyText is the scrolling part: verdict, hints, solution.
func (m stepModel) bodyText() string {
	if m.step == nil {
		return ""
	}
	s := m.step
	w := m.env.width
	var parts []string
	switch {
	case !s.Gradable():
		parts = append(parts, "This step is not graded: read the lesson (l) and try it.")
		if m.canObserve() {
			parts = append(parts, "Press o to open the observer; q there brings you back.")
		} else if !s.Chapter.Graded() {
			parts = append(parts, "Run `otpgo observe` in another terminal.")
		}
	case m.verdict != nil:
		rep := session.ReportOf(m.env.course, []*catalog.Step{s}, []runner.Verdict{*m.verdict}, m.env.state, false)
		parts = append(parts, renderVerdict(rep.Steps[0], w))
		if m.traceTest() != "" {
			parts = append(parts, "Press t to see the messages your processes exchanged in the first failed test, as a sequence diagram.")
		}
		if m.passed() {
			if next := rep.Next; next != nil {
				parts = append(parts, passStyle.Render(fmt.Sprintf("Well done! Next: %s %s (press n when you are ready).", next.ID, next.Title)))
			} else {
				parts = append(parts, passStyle.Render("Well done! Every step passes."))
			}
		}
	case m.env.done(s):
		parts = append(parts, passStyle.Render("✓ You passed this step before.")+" Press enter to check it again, s for the solution.")
	default:
		how := "Edit it, then press enter to check it (or w, to check at each save)."
		if m.watchOn {
			how = "Edit it and save: each save checks it (enter checks it now)."
		}
		parts = append(parts, "Not checked yet. The lesson (l) says what this step asks; the TODOs in the file mark where. "+how,
			dimStyle.Render("Its tests: "+strings.Join(s.Tests, ", ")))
	}
	if m.hints > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s", titleStyle.Render("Hints"))
		for i := range m.hints {
			fmt.Fprintf(&b, "\n%s %s", accentStyle.Render(fmt.Sprintf("%d/%d", i+1, len(s.Hints))), renderHint(s.Hints[i], max(w-2, 20), m.env.style))
		}
		if m.hints < len(s.Hints) {
			b.WriteString(dimStyle.Render("\n(h for the next hint)"))
		}
		parts = append(parts, b.String())
	}
	for _, f := range m.solution {
		parts = append(parts, titleStyle.Render("Solution: "+f.Name)+"\n"+dimStyle.Render(strings.TrimRight(f.Content, "\n")))
	}
	return indent(strings.Join(parts, "\n\n"), "", w)
}

// View draws the panel.
func (m stepModel) View() string {
	e := m.env
	if m.step == nil {
		return ""
	}
	s := m.step
	var right string
	switch {
	case !s.Gradable():
		right = dimStyle.Render("not graded")
	case m.watchOn && m.watch != nil:
		right = accentStyle.Render("watching") + dimStyle.Render(" · "+m.watchMode)
	case m.watchOn:
		right = dimStyle.Render("starting watch…")
	default:
		right = dimStyle.Render("watch off")
	}
	title := titleStyle.Render(s.ID+" "+s.Title) + dimStyle.Render(" · "+s.Chapter.ID+" "+s.Chapter.Title)
	var files string
	if len(s.Files) > 0 {
		paths := make([]string, len(s.Files))
		for i, f := range s.Files {
			paths[i] = s.Chapter.ExercisePath(f)
		}
		files = "edit " + fileStyle.Render(strings.Join(paths, ", "))
		if m.solved() {
			files += "  " + passStyle.Render("✓ done")
		}
	}

	var line string
	switch {
	case m.checking != nil:
		line = m.spin.View() + " checking " + m.checking.ID + ": " + m.phase
		if m.queue.Pending() {
			line += accentStyle.Render(" · 1 more queued")
		}
	case m.checks > 0:
		line = dimStyle.Render(fmt.Sprintf("check %d of this step, because %s", m.checks, m.trigger))
	case s.Gradable():
		line = dimStyle.Render("press enter to check")
	}

	status := m.status
	if m.statusBad {
		status = failStyle.Render(status)
	} else if m.confirm != "" {
		status = warnStyle.Render(status)
	}
	return spread(title, right, e.width) + "\n" +
		fit(files, e.width, 1) + "\n" +
		rule(e.width) + "\n" +
		fit(line, e.width, 1) + "\n" +
		m.body.View() + "\n" +
		rule(e.width) + "\n" +
		fit(status, e.width, 1) + "\n" +
		helpFooter(e, m.keys())
}
