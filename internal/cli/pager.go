package cli

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/otpgo/otpgo/internal/present"
)

// ansiPagers are pagers known to show colours; less gets -R.
var ansiPagers = []string{"less", "most", "bat", "batcat", "moar", "moor", "ov"}

// page shows rendered text one screen at a time: with $PAGER when it shows
// colours, else with the built-in pager, which keeps pin's line (when pin
// is not nil) above the view. It ends with ctx (Ctrl-C).
func (a *App) page(ctx context.Context, title, text string, pin present.Pin) error {
	args := strings.Fields(a.Getenv("PAGER"))
	if len(args) == 0 || !slices.Contains(ansiPagers, filepath.Base(args[0])) {
		return present.Page(ctx, a.Stdin, a.Out, title, text, pin)
	}
	if filepath.Base(args[0]) == "less" && !slices.ContainsFunc(args[1:], func(s string) bool { return strings.Contains(s, "R") }) {
		args = append(args, "-R")
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = strings.NewReader(text)
	cmd.Stdout, cmd.Stderr = a.Out, a.Err
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("page the lesson with $PAGER (%s): %w; unset PAGER to use the built-in pager, or add --no-pager", args[0], err)
	}
	return nil
}
