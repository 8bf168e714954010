package observer

import "charm.land/bubbles/v2/key"

// keyMap is the observer's key bindings; it feeds the help footer too.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Kill, Crash, Load, Restart              key.Binding
	Help, Quit                              key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
		Kill:     key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "kill")),
		Crash:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "crash")),
		Load:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "load on/off")),
		Restart:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart demo")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the one-line footer.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Kill, k.Crash, k.Load, k.Restart, k.Help, k.Quit}
}

// FullHelp is the footer after "?".
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Kill, k.Crash, k.Load, k.Restart},
		{k.Help, k.Quit},
	}
}
