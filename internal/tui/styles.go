package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

var (
	titleStyle  = lipgloss.NewStyle().Bold(true)
	dimStyle    = lipgloss.NewStyle().Faint(true)
	selStyle    = lipgloss.NewStyle().Reverse(true)
	passStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("2")).Bold(true)
	failStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)
	gotStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	wantStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	warnStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
	fileStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("6")).Underline(true)
	mineStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("6")).Bold(true).Underline(true)
	accentStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("5")).Bold(true)
)

// rule is a horizontal line across the screen.
func rule(width int) string {
	return dimStyle.Render(strings.Repeat("─", max(width, 0)))
}

// fit truncates every line of s to width cells and pads or cuts it to
// exactly height lines, so a screen never scrolls the terminal.
func fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// spread puts left and right on one line of width cells. When they don't
// fit, left is cut: right is the short status (watching, progress) that
// must stay readable.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	gap := width - ansi.StringWidth(left) - rw
	switch {
	case gap >= 1:
		return left + strings.Repeat(" ", gap) + right
	case width-rw-1 >= 12:
		return ansi.Truncate(left, width-rw-1, "…") + " " + right
	}
	return ansi.Truncate(left+" "+right, width, "…")
}
