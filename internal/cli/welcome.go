package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// welcome is what `otpgo` with no command does (unless a file replaces it
// with setDefaultAction): where you are and what to type next.
func welcome(a *App, cmd *cobra.Command) error {
	s := a.style()
	fmt.Fprintf(a.Out, "%s: Erlang/OTP's ideas in Go, one graded exercise at a time.\n\n", s.bold("otpgo"))
	if err := listLessons(a, false); err != nil {
		return err
	}
	fmt.Fprintf(a.Out, "\n%s otpgo lesson show ID · otpgo check [ID] · otpgo hint ID · otpgo --help\n", s.dim("Commands:"))
	fmt.Fprintf(a.Out, "%s otpgo watch [ID] checks again on every save · otpgo observe shows a live supervision tree\n", s.dim("     Also:"))
	return nil
}
