package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCommand) }

// Version is otpgo's version, set at build time with
// -ldflags "-X github.com/otpgo/otpgo/internal/cli.Version=v1.2.3".
// When unset, the module version or VCS revision from the build is used.
var Version = ""

// version returns the best version string this binary knows.
func version() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev + modified + ")"
	}
	return v
}

// newVersionCommand builds `otpgo version`.
func newVersionCommand(a *App) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print otpgo's version",
		GroupID: groupTools,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(a.Out, "otpgo %s, built with %s %s/%s\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			if c, err := a.Course(); err == nil {
				ready := 0
				for _, ch := range c.Chapters {
					if !ch.Coming {
						ready++
					}
				}
				fmt.Fprintf(a.Out, "course: %d chapters, %d written\n", len(c.Chapters), ready)
			}
			return nil
		},
	}
}
