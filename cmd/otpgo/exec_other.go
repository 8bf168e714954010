//go:build !unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
)

// run starts the program and waits for it: where a process cannot replace
// itself, the launcher stays as its parent, leaves Ctrl-C to it (both get
// it from the console) and passes its exit code on.
func run(bin string, args []string) int {
	signal.Ignore(os.Interrupt)
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "otpgo: start %s: %v\n", bin, err)
		return 2
	}
	return 0
}
