package present

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"go.uber.org/goleak"

	"github.com/otpgo/otpgo"
	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/tui/tuitest"
)

// TestMain checks for leaks. regexp2 (chroma's highlighter) keeps one
// clock goroutine for match timeouts; it stops by itself once idle.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, tuitest.IgnoreTeatest(), goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"))
}

// fixtureLesson has an intro, a code slide with tabs and a line wider
// than 100 columns, a step section too long for 30 rows, a break (---)
// inside it, and a second step.
var fixtureLesson = "# Terms cache\n\nA cache is the classic first GenServer: one process owns a map.\n\n" +
	"## The Go way\n\nEmbed `actor.BaseServer`:\n\n```go\nfunc (s *server) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {\n" +
	"\tswitch r := req.(type) {\n\tcase putReq:\n\t\ts.data[r.key] = r.value\n\t\treturn nil, nil // reply nil; a non-nil error would stop the server, and the caller would get it wrapped\n\t}\n" +
	"\treturn nil, fmt.Errorf(\"unknown request %T\", req)\n}\n```\n\n" +
	"## Step xx.1: a cache server\n\nThe tests check, in order:\n\n" + longList(30) +
	"\n---\n\nTry it by hand.\n\n## Step xx.2: TTL\n\nValues expire.\n"

func longList(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "- check number %d of the cache\n", i)
	}
	return b.String()
}

func fixtureChapter(t testing.TB) (*catalog.Chapter, fstest.MapFS) {
	t.Helper()
	fsys := fstest.MapFS{
		"content/course.json": {Data: []byte(`{"chapters": [{"id": "xx", "title": "Terms cache"}]}`)},
		"content/xx/chapter.json": {Data: []byte(`{"id": "xx", "title": "Terms cache", "dir": "xx_cache", "summary": "s", "steps": [
			{"id": "xx.1", "title": "A cache server", "files": ["cache.go"], "tests": ["TestA"], "hints": ["a", "b"]},
			{"id": "xx.2", "title": "TTL", "files": ["ttl.go", "cache.go"], "tests": ["TestB"], "hints": ["a", "b"]}]}`)},
		"content/xx/lesson.md":                          {Data: []byte(fixtureLesson)},
		"exercises/xx_cache/cache.go":                   {Data: []byte("package cache\n\n// Start starts the cache.\nfunc Start() {\n\tpanic(\"TODO(xx.1): start the server\")\n}\n")},
		"exercises/xx_cache/ttl.go":                     {Data: []byte("package cache\n\n// PutTTL stores a value that expires.\nfunc PutTTL() {}\n")},
		"solutions/xx_cache/cache.go":                   {Data: []byte("package cache\n\nfunc Start() {}\n")},
		"solutions/xx_cache/ttl.go":                     {Data: []byte("package cache\n\nfunc PutTTL() {}\n")},
		"solutions/xx_cache/_checkpoints/xx.1/cache.go": {Data: []byte("package cache\n\nfunc Start() {}\n")},
		"solutions/xx_cache/cache_test.go":              {Data: []byte("package cache\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\nfunc TestB(t *testing.T) {}\n")},
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := c.Chapter("xx")
	return ch, fsys
}

// fixedClock is the footer's clock in tests: 14:05 always.
func fixedClock() time.Time { return time.Date(2026, 1, 2, 14, 5, 0, 0, time.UTC) }

type harness struct {
	t   *testing.T
	rec tuitest.Recorder
	tm  *teatest.TestModel
}

func start(t *testing.T, w, h int) *harness {
	t.Helper()
	ch, fsys := fixtureChapter(t)
	m := New(Options{Chapter: ch, FS: fsys, Now: fixedClock})
	rec := tuitest.Record(m)
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(w, h))
	hs := &harness{t: t, rec: rec, tm: tm}
	t.Cleanup(func() {
		hs.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		hs.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		m.Close()
	})
	return hs
}

func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		switch k {
		case "enter":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "right":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
		case "left":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
		case "tab":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		case "down":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		default:
			h.tm.Type(k)
		}
	}
}

func (h *harness) wait(what string) string {
	h.t.Helper()
	return h.rec.WaitFor(h.t, 5*time.Second, fmt.Sprintf("%q on the screen", what), tuitest.Contains(what))
}

// TestGoldenScreens: the first slide, a code slide and an overflowing
// slide, at a 100x30 terminal and a 160x45 one (1280x720 at 8x16 cells).
func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {160, 45}} {
		for _, tc := range []struct {
			name string
			keys []string
			want string
		}{
			{"first", nil, "1/5"},
			{"code", []string{"right"}, "2/5"},
			{"overflow", []string{"right", "right"}, "3/5"},
		} {
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], tc.name), func(t *testing.T) {
				h := start(t, size[0], size[1])
				h.wait("1/5")
				h.keys(tc.keys...)
				screen := h.wait(tc.want)
				assertFits(t, screen, size[0], size[1])
				golden.RequireEqual(t, screen)
			})
		}
	}
}

// assertFits checks a frame is exactly the terminal's size, so nothing
// scrolls or wraps on a real terminal.
func assertFits(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Errorf("the frame has %d lines; want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide; want at most %d: %q", i+1, n, w, l)
		}
	}
}

func TestOverflowSaysSoAndScrolls(t *testing.T) {
	h := start(t, 100, 30)
	h.keys("right")
	s := h.wait("wider than the screen")
	if !strings.Contains(s, "›") {
		t.Errorf("a cut line of code should end in ›; screen:\n%s", s)
	}
	h.keys(">")
	h.rec.WaitFor(t, 5*time.Second, "the code scrolled 8 cells sideways", func(s string) bool {
		return strings.Contains(s, "HandleCall(p *actor.Process") && !strings.Contains(s, "func (s *server)")
	})
	h.keys("right")
	h.wait("more lines (j/↓)")
	h.keys("down", "down")
	h.wait("↑ 2 above")
}

func TestKeyFlowNextJumpToStepSkeletonAndBack(t *testing.T) {
	h := start(t, 100, 30)
	h.wait("1/5")
	h.keys("right")
	h.wait("THE GO WAY")
	h.keys("s", "2")
	h.wait("go to step xx.2_")
	h.keys("enter")
	s := h.wait("STEP XX.2: TTL")
	if !strings.Contains(s, "5/5") || !strings.Contains(s, "step xx.2") {
		t.Fatalf("jump to step 2 should show slide 5 of 5, step xx.2; screen:\n%s", s)
	}
	h.keys("e")
	h.wait("exercises/xx_cache/ttl.go  (read-only skeleton of step xx.2)")
	h.wait("PutTTL stores a value that expires")
	h.keys("tab")
	h.wait("exercises/xx_cache/cache.go")
	h.keys("esc")
	h.wait("STEP XX.2: TTL")
	h.keys("g", "3", "enter")
	h.wait("STEP XX.1: A CACHE SERVER")
	h.keys("9", "enter")
	h.wait("no slide 9: there are 5")
	h.keys("?")
	h.wait("scroll sideways")
	h.keys("?")
	h.wait("STEP XX.1: A CACHE SERVER")
	h.keys("left")
	h.wait("THE GO WAY")
}

// TestEveryChapterAt100x30 renders every slide of every chapter of the
// real course at 100 columns: every line of every code block shows whole
// on one line (none wrapped mid-token, no tab left to widen a line), and
// no blank line is inserted between two lines of code.
func TestEveryChapterAt100x30(t *testing.T) {
	c, err := catalog.Load(otpgo.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.Chapters {
		if ch.Coming {
			continue
		}
		for i, sl := range Split(ch.Lesson, ch.Steps) {
			out, err := Render(sl.Body, 99, Plain)
			if err != nil {
				t.Fatalf("%s slide %d: %v", ch.ID, i+1, err)
			}
			if strings.Contains(out, "\t") {
				t.Errorf("%s slide %d: a tab survived rendering", ch.ID, i+1)
			}
			assertCodeIntact(t, fmt.Sprintf("%s slide %d (%s)", ch.ID, i+1, sl.Title), sl.Body, out)
		}
	}
}

// assertCodeIntact checks each fenced block of md appears in out as
// consecutive lines, each whole.
func assertCodeIntact(t *testing.T, where, md, out string) {
	t.Helper()
	outLines := strings.Split(out, "\n")
	for _, seg := range splitFences(ExpandTabs(md)) {
		if !seg.code {
			continue
		}
		code := strings.Split(strings.Trim(seg.text, "\n"), "\n")
		code = code[1 : len(code)-1] // the fences
		for len(code) > 0 && strings.TrimSpace(code[0]) == "" {
			code = code[1:]
		}
		if len(code) == 0 {
			continue
		}
		first := strings.TrimSpace(code[0])
		at := -1
		for i, l := range outLines {
			if strings.TrimSpace(l) == first {
				at = i
				break
			}
		}
		if at < 0 {
			t.Errorf("%s: code line %q is not whole on any rendered line", where, first)
			continue
		}
		for k, want := range code {
			if at+k >= len(outLines) || strings.TrimSpace(outLines[at+k]) != strings.TrimSpace(want) {
				got := ""
				if at+k < len(outLines) {
					got = outLines[at+k]
				}
				t.Errorf("%s: code line %d is %q in the output; want %q (wrapped, or a blank line inserted?)", where, k+1, got, want)
				break
			}
		}
	}
}

func TestSplit(t *testing.T) {
	ch, _ := fixtureChapter(t)
	sl := Split(ch.Lesson, ch.Steps)
	var got []string
	for _, s := range sl {
		id := ""
		if s.Step != nil {
			id = s.Step.ID
		}
		got = append(got, s.Title+"|"+id)
	}
	want := []string{"Terms cache|", "The Go way|", "Step xx.1: a cache server|xx.1", "Step xx.1: a cache server|xx.1", "Step xx.2: TTL|xx.2"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("slides:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A heading or --- inside a code block is code, not a slide break.
	in := "# A\n\n```\n## not a heading\n---\n```\n"
	if n := len(Split(in, nil)); n != 1 {
		t.Errorf("Split(%q) gave %d slides; want 1", in, n)
	}
}

// FuzzSplit: a lesson is input; splitting it must not panic, titles stay
// one line, and every prose or code segment comes from the input.
func FuzzSplit(f *testing.F) {
	f.Add(fixtureLesson)
	f.Add("```go\n\tx\n## y\n---\n")
	f.Fuzz(func(t *testing.T, md string) {
		for _, s := range Split(md, nil) {
			if strings.Contains(s.Title, "\n") {
				t.Fatalf("title %q spans lines", s.Title)
			}
		}
		for _, seg := range splitFences(md) {
			if !strings.Contains(md, strings.TrimSuffix(seg.text, "\n")) && seg.indent == "" {
				t.Fatalf("segment %q is not part of the input", seg.text)
			}
		}
	})
}

func TestPagerPagesAndQuits(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	rec := tuitest.Record(NewPager("otpgo lesson show 02", b.String()))
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 10))
	rec.WaitFor(t, 5*time.Second, "the first page", tuitest.Contains("line 9"))
	tm.Type(" ")
	rec.WaitFor(t, 5*time.Second, "the second page", func(s string) bool {
		return strings.Contains(s, "line 18") && !strings.Contains(s, "line 2\n")
	})
	tm.Type("G")
	rec.WaitFor(t, 5*time.Second, "the end", tuitest.Contains("100%"))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestPagerSearches: / finds a line as less does, n and N go on (round
// the end), and a query found nowhere says so; colours do not hide a match.
func TestPagerSearches(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		if i == 57 || i == 83 {
			fmt.Fprintf(&b, "line %d \x1b[33m✗ Never\x1b[0m received\n", i)
			continue
		}
		fmt.Fprintf(&b, "line %d\n", i)
	}
	var m tea.Model = NewPager("otpgo trace 01.3", b.String())
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	keys := func(s string) {
		for _, r := range s {
			m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	top := func() string {
		return strings.SplitN(ansi.Strip(m.View().Content), "\n", 2)[0]
	}
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	keys("/never")
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "/never") {
		t.Errorf("the query being typed is not shown:\n%s", v)
	}
	m, _ = m.Update(enter)
	// The match is in reverse video; the rest of the line keeps its colour
	// (the yellow goes on after the match).
	first := strings.SplitN(m.View().Content, "\n", 2)[0]
	if !strings.Contains(first, "\x1b[7mNever") || !regexp.MustCompile(`Never\x1b\[[0-9;]*m(\x1b\[[0-9;]*m)*\x1b\[33m`).MatchString(first) {
		t.Errorf("the match is not marked, or the line lost its colour after it: %q", first)
	}
	for _, step := range []struct{ key, want string }{{"", "line 57 "}, {"n", "line 83 "}, {"n", "line 57 "}, {"N", "line 83 "}} {
		keys(step.key)
		if got := top(); !strings.HasPrefix(got, step.want) {
			t.Errorf("after %q the top line is %q; want %q", step.key, got, step.want)
		}
	}
	keys("/zzz")
	m, _ = m.Update(enter)
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "not found: zzz") || !strings.HasPrefix(top(), "line 83 ") {
		t.Errorf("a query found nowhere: the view moved or does not say so:\n%s", v)
	}
	if v := m.View().Content; strings.Contains(v, "\x1b[7m") {
		t.Errorf("the old query's matches are still marked: %q", v)
	}
}

// TestPagerPinsTheHeader: scrolled past a diagram's lane names, the
// pager keeps them above the view; the end still shows the last line.
func TestPagerPinsTheHeader(t *testing.T) {
	var b strings.Builder
	b.WriteString("title\n  lanes: a b c\n")
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "row %d\n", i)
	}
	pin := func(top int) string {
		if top > 1 {
			return "  lanes: a b c"
		}
		return ""
	}
	var m tea.Model = newPager("otpgo trace", b.String(), pin)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	lines := func() []string { return strings.Split(ansi.Strip(m.View().Content), "\n") }
	if l := lines(); strings.TrimSpace(l[0]) != "title" || len(l) != 10 {
		t.Errorf("at the top nothing is pinned: %q", l)
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 'G', Text: "G"}) // from the top: the pin takes a line at the end
	if l := lines(); !strings.HasPrefix(l[0], "  lanes") || !strings.HasPrefix(l[len(l)-2], "row 100") {
		t.Errorf("at the end: want the lanes pinned and row 100 last: %q", l)
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"})
	m, _ = m.Update(tea.KeyPressMsg{Code: ' ', Text: " "})
	if l := lines(); !strings.HasPrefix(l[0], "  lanes: a b c") || !strings.HasPrefix(l[1], "row ") || len(l) != 10 {
		t.Errorf("a page down: the lanes are not pinned above the rows: %q", l)
	}
}

// TestPagerPinsSeveralLines: a pin of two lines (a key over numbered
// lanes) takes two lines above the view; in a window too small to spare
// a third of it, only its last line.
func TestPagerPinsSeveralLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("Lanes: 1 test\n  1\n")
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "row %d\n", i)
	}
	pin := func(top int) string {
		if top > 1 {
			return "Lanes: 1 test\n  1"
		}
		return ""
	}
	for _, tc := range []struct {
		height int
		want   []string
	}{{10, []string{"Lanes: 1 test", "  1", "row "}}, {6, []string{"  1", "row "}}} {
		var m tea.Model = newPager("t", b.String(), pin)
		m, _ = m.Update(tea.WindowSizeMsg{Width: 40, Height: tc.height})
		m, _ = m.Update(tea.KeyPressMsg{Code: ' ', Text: " "})
		l := strings.Split(ansi.Strip(m.View().Content), "\n")
		if len(l) != tc.height {
			t.Errorf("height %d: %d lines shown: %q", tc.height, len(l), l)
			continue
		}
		for i, w := range tc.want {
			if !strings.HasPrefix(l[i], w) {
				t.Errorf("height %d: line %d is %q; want it to start %q: %q", tc.height, i, l[i], w, l)
			}
		}
	}
}

// TestPagerPinIsStableAtTheEnd: at the end, where the pin's line would
// move the view out of the pinned diagram, pressing End again does not
// toggle the pin (the view would jump a line at each key).
func TestPagerPinIsStableAtTheEnd(t *testing.T) {
	var b strings.Builder
	b.WriteString("title\n  lanes\n")
	for i := 2; i < 102; i++ {
		fmt.Fprintf(&b, "row %d\n", i)
	}
	pin := func(top int) string {
		if top > 1 && top < 94 {
			return "  lanes"
		}
		return ""
	}
	var m tea.Model = newPager("t", b.String(), pin)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	var firsts []string
	for range 4 {
		m, _ = m.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
		l := strings.Split(ansi.Strip(m.View().Content), "\n")
		if !strings.HasPrefix(l[len(l)-2], "row 101") {
			t.Fatalf("End does not show the last row: %q", l)
		}
		firsts = append(firsts, strings.TrimSpace(l[0]))
	}
	if !(firsts[0] == firsts[1] && firsts[1] == firsts[2] && firsts[2] == firsts[3]) {
		t.Errorf("the top line changes at each End: %q", firsts)
	}
}

// TestCodeSpansAreNotWrappedAtSpaces: a code span (a command, a Go
// expression) stays on one line on the projector, also when the source
// breaks its line inside it, and a copy of it holds plain spaces.
func TestCodeSpansAreNotWrappedAtSpaces(t *testing.T) {
	md := "The tests crash `cache` once and expect only `cache` and `api` to restart, as in 04.4. They give it\n`Intensity{MaxRestarts: 2, Within: time.Minute}` and crash `conn` three times. Then `otpgo\ncheck 04`."
	for w := 60; w <= 110; w++ {
		out, err := Render(md, w, Projector)
		if err != nil {
			t.Fatal(err)
		}
		out = ansi.Strip(out)
		if strings.Contains(out, "\u00a0") {
			t.Fatalf("at width %d, a non-breaking space is left in:\n%q", w, out)
		}
		for _, span := range []string{"Intensity{MaxRestarts: 2, Within: time.Minute}", "otpgo check 04"} {
			if !strings.Contains(out, span) {
				t.Fatalf("at width %d, %q was split:\n%s", w, span, out)
			}
		}
	}
}

// TestProtectSpansKeepsParagraphs: a backtick left open at a
// paragraph's end (a typo, or a double-backtick span) must not join the
// paragraph to the next.
func TestProtectSpansKeepsParagraphs(t *testing.T) {
	for in, want := range map[string]string{
		"an odd ` here\n\nnext `a b`":  "an odd `\u00a0here\n\nnext `a\u00a0b`",
		"`a\nb` and `c-d`\n\n`e f`":    "`a\u00a0b` and `c\u2011d`\n\n`e\u00a0f`",
		"open `x\n\n\nstill prose a b": "open `x\n\n\nstill prose a b",
	} {
		if got := protectSpans(in); got != want {
			t.Errorf("protectSpans(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestCodeSpansAreNotWrappedAtHyphens: glamour's wrapper breaks after any
// hyphen; a code span such as `-race` must stay whole.
func TestCodeSpansAreNotWrappedAtHyphens(t *testing.T) {
	md := "The tests block the server in a slow `Update` and check that `Get` still\nanswers at once, that a `Put` sent meanwhile waits its turn (writes did\nnot start bypassing the server), that every `Put` is visible to the `Get`\nthat follows it, that nothing is left to read after `Stop`, and, with\n`-race`, that readers and the sweep share the table safely."
	for w := 60; w <= 110; w++ {
		out, err := Render(md, w, Projector)
		if err != nil {
			t.Fatal(err)
		}
		out = strings.ReplaceAll(ansi.Strip(out), "\u00a0", " ")
		if !strings.Contains(strings.Join(strings.Fields(out), " "), " -race ,") {
			t.Fatalf("at width %d, -race was split:\n%s", w, out)
		}
		if strings.Contains(out, "-\n") {
			t.Fatalf("at width %d, a line ends in a hyphen:\n%s", w, out)
		}
	}
}

func TestStartOnAStepsSection(t *testing.T) {
	ch, fsys := fixtureChapter(t)
	m := New(Options{Chapter: ch, FS: fsys, Now: fixedClock, Start: ch.Steps[1]})
	defer m.Close()
	if m.cur != 4 {
		t.Fatalf("opened on slide %d; want 5, step xx.2's section", m.cur+1)
	}
}
