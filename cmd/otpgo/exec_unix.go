//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
)

// run replaces the launcher with the program, so the program gets the
// terminal, the signals and the exit code as if it had been started
// directly.
func run(bin string, args []string) int {
	err := syscall.Exec(bin, append([]string{"otpgo"}, args...), os.Environ())
	fmt.Fprintf(os.Stderr, "otpgo: start %s: %v\n", bin, err)
	return 2
}
