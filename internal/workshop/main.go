// Command workshop is otpgo itself: lessons, hidden-test grading, hints,
// solutions and progress (internal/cli). Learners do not build it by
// hand: cmd/otpgo, a launcher of a few standard packages, builds it from
// the checkout it runs in, showing progress on a cold build cache, and
// runs it. See cmd/otpgo for why.
package main

import (
	"os"

	"github.com/otpgo/otpgo/internal/cli"
)

func main() {
	os.Exit(cli.Execute())
}
