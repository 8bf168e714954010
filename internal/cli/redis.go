package cli

import (
	"github.com/spf13/cobra"
)

func init() { register(newRedisCommand) }

// redisProgram is `otpgo redis`'s server, built on demand (see program).
var redisProgram = program{what: "otpgo redis", pkg: "./internal/redisserver", cost: "miniredis"}

// newRedisCommand builds `otpgo redis`: an embedded Redis in the
// foreground, for trying chapter 03's clients (or redis-cli) by hand.
func newRedisCommand(a *App) *cobra.Command {
	var addr string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "redis",
		Short: "Run an embedded Redis (miniredis) to play with; Ctrl-C stops it",
		Long: `Run an embedded Redis server (miniredis) in the foreground, so that you can
try chapter 03's clients, or redis-cli, without installing Redis.
Every command it receives is printed, tagged with its connection, unless
--quiet. Ctrl-C stops it.

It has no password, so it listens on this machine only (127.0.0.1) unless
--addr names another host, and then it warns that anyone on the network
can use it. It reads requests as Redis does, with Redis's limits (64 KiB
inline commands, 512 MB arguments) and error replies.

The server is built from your checkout the first time (a few seconds on a
cold build cache; otpgo shows how long it has been building).`,
		Example: `  otpgo redis
  otpgo redis --addr 127.0.0.1:6380 --quiet`,
		GroupID: groupPlay,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			run := []string{"-addr", addr}
			if quiet {
				run = append(run, "-quiet")
			}
			return a.runProgram(cmd.Context(), redisProgram, nil, run...)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "address to listen on: host:port, Redis's 127.0.0.1:6379 unless given; no host means 127.0.0.1, port 0 picks a free one")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "do not print the commands the server receives")
	return cmd
}
