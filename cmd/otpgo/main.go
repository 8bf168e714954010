// Command otpgo is the workshop: lessons, hidden-test grading, hints,
// solutions and progress. Run it inside a checkout:
//
//	go run ./cmd/otpgo            # where you are, what to do next
//	go run ./cmd/otpgo check gs   # grade chapter gs
//
// or install it with `go install ./cmd/otpgo`. See `otpgo --help`.
package main

import (
	"os"

	"github.com/otpgo/otpgo/internal/cli"
)

func main() {
	os.Exit(cli.Execute())
}
