// Command greeter shows the three moments a Go program reads its
// configuration. Try:
//
//	go run ./solutions/07_config/cmd/greeter
//	go run -ldflags "-X github.com/otpgo/otpgo/solutions/07_config.Version=1.2.3" ./solutions/07_config/cmd/greeter
//	GREETER_GREETING=Bonjour go run ./solutions/07_config/cmd/greeter
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	config "github.com/otpgo/otpgo/solutions/07_config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "greeter:", err)
		os.Exit(1)
	}
}

func run() error {
	fmt.Println("loaded:", config.Describe())

	sup, err := config.StartApp(config.Options{})
	if err != nil {
		return err
	}
	defer actor.Stop(sup, actor.Shutdown, 5*time.Second)
	say := func(when string) error {
		pid, ok := actor.WhereIs(config.GreeterName)
		if !ok {
			return fmt.Errorf("no process registered as %q", config.GreeterName)
		}
		msg, err := config.Greet(pid, "world")
		if err != nil {
			return err
		}
		fmt.Printf("%-34s %s  (greeter %v)\n", when+":", msg, pid)
		return nil
	}
	if err := say("at start"); err != nil {
		return err
	}

	fmt.Printf("\n$ export %s=Hola   (from inside the running program)\n\n", config.EnvGreeting)
	os.Setenv(config.EnvGreeting, "Hola")
	if err := say("same greeter"); err != nil {
		return err
	}
	fmt.Println("DefaultGreeting (read at init):   ", config.DefaultGreeting)

	old, _ := actor.WhereIs(config.GreeterName)
	actor.Exit(old, actor.Kill)
	// The supervisor restarts the greeter; wait for the new one to register.
	deadline := time.Now().Add(2 * time.Second)
	for {
		pid, ok := actor.WhereIs(config.GreeterName)
		if ok && pid != old {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the supervisor did not restart the greeter")
		}
		time.Sleep(time.Millisecond)
	}
	return say("after a kill and a restart")
}
