package coursetest

// mistakes are the wrong solutions the hidden tests must explain. Each
// fail phrase is the part of the message that names the mistake.
var mistakes = []mistake{
	{
		// A child that waits for a message nobody sends is never stopped.
		name: "01 leaked process fails only its own test",
		dir:  "01_concurrency", file: "each.go",
		edits: [][2]string{{
			"actor.Send(caller, done{ref})\n",
			"actor.Send(caller, done{ref})\n\t\t\t_, _ = child.Receive(actor.Infinity)\n",
		}},
		fail: map[string][]string{"TestParallelEachVisitsEveryItem": {
			"processes (", "were still running after the test ended, stuck in ParallelEach", "each.go:",
			"must have finished, or been killed, by the time it returns",
		}},
		pass: []string{"TestSharedStateGetAfterUpdate"},
	},
	{
		// The lesson tags reports so nothing else is mistaken for one.
		name: "01.1 any message counts as a report",
		dir:  "01_concurrency", file: "each.go",
		edits: [][2]string{{
			"mine := func(m any) bool { d, ok := m.(done); return ok && d.ref == ref }",
			"mine := func(any) bool { return true }",
		}},
		fail: map[string][]string{"TestParallelEachWaitsForAll": {
			"ParallelEach returned while 1 of 4 calls was still running", "took a message that was not one of its reports",
		}},
	},
	{
		name: "01.1 waits for one report too few",
		dir:  "01_concurrency", file: "each.go",
		edits: [][2]string{{"for range items {", "for i := 1; i < len(items); i++ {"}},
		fail: map[string][]string{"TestParallelEachWaitsForAll": {
			"ParallelEach returned while 1 of 4 calls was still running", "one report per item",
		}},
	},
	{
		// Killed tasks' monitors fire: their Downs stay in the caller's mailbox.
		name: "01.4 kills the rest without demonitoring",
		dir:  "01_concurrency", file: "pmap.go",
		edits: [][2]string{{"\t\t\t\tp.Demonitor(rest.mon, true)\n", ""}},
		fail: map[string][]string{"TestParallelMapCrash": {
			"found a leftover message in the caller's mailbox: actor.Down", "p.Demonitor(ref, true)",
		}},
	},
	{
		// Each Update runs in a goroutine of its own: the state has many
		// writers. (A race on a map is no proof: the runtime may kill the
		// program for it before the test can explain.)
		name: "01.5 updates run outside the loop",
		dir:  "01_concurrency", file: "state.go",
		edits: [][2]string{{"\t\t\t\tstate = m.fn(p, state)\n", "\t\t\t\tgo func() { state = m.fn(p, state) }()\n"}},
		race:  true,
		fail: map[string][]string{"TestSharedStateConcurrentUpdates": {
			"WARNING: DATA RACE", "Two goroutines shared the state itself. In OTP it has one owner",
		}},
	},
	{
		// An exit signal that the worker turns into its exit reason is a
		// right way to crash it.
		name: "04.1 Crash by exit signal, handled in HandleInfo, passes",
		dir:  "04_supervision", file: "worker.go",
		edits:    [][2]string{{"actor.Cast(pid, crashMsg{reason})", "actor.Exit(pid, reason)"}},
		appended: "\nfunc (w *worker) HandleInfo(p *actor.Process, msg any) error {\n\tif m, ok := msg.(actor.ExitMsg); ok {\n\t\treturn m.Reason\n\t}\n\treturn nil\n}\n",
		pass:     []string{"TestWorkerReportsCrash", "TestWorkerTerminatesWhenSupervisorStops", "TestSpecRestartsWorker"},
	},
	{
		// Right code whose names happen to match the hidden tests' old,
		// unprefixed helpers: it must compile and pass.
		name: "gs.2 a learner's names pop and within, passes",
		dir:  "gs_genserver", file: "stack.go",
		appended: "\ntype pop struct{}\n\nfunc within() {}\n",
		pass:     []string{"TestStackPushPop"},
	},
}
