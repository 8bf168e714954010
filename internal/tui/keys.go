package tui

import "charm.land/bubbles/v2/key"

// Key bindings, one set per screen; they also feed the help footer.

var (
	keyUp     = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	keyDown   = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	keyPgUp   = key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up"))
	keyPgDown = key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn/space", "page down"))
	// Short-help forms of the scrolling keys (the full help lists each).
	keyScrollS  = key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑/↓", "scroll"))
	keyPgDownS  = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "page down"))
	keyOpen     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	keyLesson   = key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "lesson"))
	keyBack     = key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back"))
	keyHelp     = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more"))
	keyQuit     = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	keyExercise = key.NewBinding(key.WithKeys("e", "tab"), key.WithHelp("e", "exercise"))
	keyNextCh   = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next chapter"))
	keyPrevCh   = key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous chapter"))

	keyCheck    = key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter/r", "check"))
	keyWatch    = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "watch on/off"))
	keyWatchS   = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "watch")) // short help: the header says on or off
	keyHint     = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint"))
	keySolution = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solution"))
	keyReset    = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reset"))
	keyCatchup  = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "catch up to here"))
	keyNext     = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next step"))
	keyObserve  = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the observer"))
	keyTrace    = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "see the messages"))
	keyHand     = key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "raise your hand"))
	keyYes      = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes"))
)

// helpKey is "?" as the footer shows it: "more" keys, or "less" once
// they are all shown.
func helpKey(e *env) key.Binding {
	if e.help.ShowAll {
		return key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "less"))
	}
	return keyHelp
}

// keyList is a help.KeyMap from two lists.
type keyList struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyList) ShortHelp() []key.Binding  { return k.short }
func (k keyList) FullHelp() [][]key.Binding { return k.full }
