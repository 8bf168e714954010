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
		// Terminate does not run on a kill.
		name: "03.1 closes the socket only in Terminate",
		dir:  "03_redis", file: "blocking.go",
		edits:    [][2]string{{"\tcontext.AfterFunc(p.Context(), func() { conn.Close() })\n", "\t_ = context.AfterFunc\n"}},
		appended: "\nfunc (s *blockingServer) Terminate(p *actor.Process, reason error) { s.conn.Close() }\n",
		fail: map[string][]string{"TestBlockingClose": {
			"after the client's process was killed", "Kill skips Terminate",
		}},
		pass: []string{"TestBlockingPing"},
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
		name: "02.3 Put as a cast",
		dir:  "02_cache", file: "cache.go",
		edits: [][2]string{{
			"if _, err := actor.Call(c.pid, putReq[K, V]{key: key, value: value}, callTimeout); err != nil {\n\t\treturn fmt.Errorf(\"cache put %v: %w\", key, err)\n\t}\n",
			"actor.Cast(c.pid, putReq[K, V]{key: key, value: value})\n",
		}},
		appended: "\nfunc (s *server[K, V]) HandleCast(p *actor.Process, msg any) error {\n\t_, err := s.HandleCall(p, msg, actor.From{})\n\treturn err\n}\n",
		fail: map[string][]string{"TestTableWritesGoThroughServer": {
			"Put must wait until the server has stored the value (actor.Call, not actor.Cast), so that a Get right after Put sees it",
		}},
	},
	{
		// A sweeping goroutine that never blocks stops synctest's fake
		// clock: the watchdog must say so, not let the step time out.
		name: "02.2 eviction as a busy loop",
		dir:  "02_cache", file: "cache.go",
		edits: [][2]string{{
			"\ts.timer = actor.SendAfter(p.Self(), evictTick{}, s.evictEvery)\n\treturn nil\n}",
			"\tgo func() {\n\t\tfor p.Context().Err() == nil {\n\t\t\tnow := time.Now()\n\t\t\ts.table.deleteIf(func(_ K, e entry[V]) bool { return !e.live(now) })\n\t\t}\n\t}()\n\treturn nil\n}",
		}},
		fail: map[string][]string{"TestTTLEvictionFreesMemory": {
			"the test's fake clock is stuck because some goroutine of the cache never blocks. Is eviction a busy loop?",
		}},
	},
	{
		// The reply is awaited inside HandleCall: one command per round trip.
		name: "03.2 waits for each reply",
		dir:  "03_redis", file: "nonblocking.go",
		edits: [][2]string{{
			"\ts.waiting = append(s.waiting, from)\n\treturn actor.NoReply, nil",
			"\tmsg, err := p.ReceiveMatch(func(m any) bool {\n\t\tswitch m.(type) {\n\t\tcase received, readFailed:\n\t\t\treturn true\n\t\t}\n\t\treturn false\n\t}, Timeout)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tif r, ok := msg.(received); ok {\n\t\treturn r.v, nil\n\t}\n\treturn nil, msg.(readFailed).err",
		}},
		fail: map[string][]string{"TestNonBlockingPipelines": {
			"50 callers each sent a command, and while Redis held its replies only 1 of them reached it",
			"return actor.NoReply",
		}},
	},
	{
		// Sleeping out the backoff: nobody is answered meanwhile.
		name: "03.3 sleeps between reconnections",
		dir:  "03_redis", file: "statemachine.go",
		edits: [][2]string{{
			"\t\t\tafter := m.wait\n\t\t\tm.wait = min(2*m.wait, m.backoff.Max)\n\t\t\treturn actor.KeepState(actor.StateTimeout{After: after, Msg: reconnect{}}), nil",
			"\t\t\ttime.Sleep(m.wait)\n\t\t\treturn actor.KeepState(actor.StateTimeout{After: 0, Msg: reconnect{}}), nil",
		}},
		fail: map[string][]string{"TestStateMachineAnswersWhileDisconnected": {
			"while Redis was down got no answer within 300ms (backoff 1s). Is the process sleeping",
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
		name: "04.1 Crash by exit signal, ignored",
		dir:  "04_supervision", file: "worker.go",
		edits: [][2]string{{"actor.Cast(pid, crashMsg{reason})", "actor.Exit(pid, reason)"}},
		fail: map[string][]string{"TestWorkerReportsCrash": {
			"the signal arrives in HandleInfo as an actor.ExitMsg, and HandleInfo must return its Reason",
		}},
	},
	{
		// The worker traps exits, but a brutal kill skips Terminate anyway.
		name: "04.2 caches stopped with BrutalKill",
		dir:  "04_supervision", file: "one_for_one.go",
		edits: [][2]string{{
			"\t\tChildren: []actor.ChildSpec{\n\t\t\tSpec(\"users\", sink),\n\t\t\tSpec(\"orders\", sink),\n\t\t\tSpec(\"sessions\", sink),\n\t\t},",
			"\t\tChildren: brutal(Spec(\"users\", sink), Spec(\"orders\", sink), Spec(\"sessions\", sink)),",
		}},
		appended: "\nfunc brutal(cs ...actor.ChildSpec) []actor.ChildSpec {\n\tfor i := range cs {\n\t\tcs[i].Shutdown = actor.BrutalKill\n\t}\n\treturn cs\n}\n",
		fail: map[string][]string{"TestCachesStopInReverseOrder": {
			"Shutdown: actor.BrutalKill is killed at once, and a kill skips Terminate",
		}},
		pass: []string{"TestCachesStartInOrder"},
	},
	{
		// one_for_all restarts conn too when cache crashes.
		name: "04.5 one_for_all pipeline",
		dir:  "04_supervision", file: "intensity.go",
		edits: [][2]string{{
			"return actor.StartSupervisor(PipelineSpec(sink, in))",
			"spec := PipelineSpec(sink, in)\n\t\t\t\t\tspec.Strategy = actor.OneForAll\n\t\t\t\t\treturn actor.StartSupervisor(spec)",
		}},
		fail: map[string][]string{"TestAppStartsTree": {
			"after the pipeline's cache crashed", "terminated conn", "cache's crash restarts cache and api and leaves conn alone",
		}},
	},
	{
		name: "07.2 Init overwrites DefaultGreeting",
		dir:  "07_config", file: "greeter.go",
		edits: [][2]string{{
			"g.cfg.Greeting = greetingFromEnv(DefaultGreeting)",
			"DefaultGreeting = greetingFromEnv(DefaultGreeting)\n\t\tg.cfg.Greeting = DefaultGreeting",
		}},
		fail: map[string][]string{
			"TestStartReadsEnvironment":        {`DefaultGreeting changed from "Hello" to "Bonjour" during this test`},
			"TestRunningGreeterKeepsItsConfig": {`DefaultGreeting changed from "Hello" to "Hola" during this test`},
		},
	},
	{
		name: "07.3 the supervisor registered as the greeter",
		dir:  "07_config", file: "app.go",
		edits: [][2]string{
			{"return Start(opts, actor.Name(GreeterName))", "return Start(opts)"},
			{"Children: []actor.ChildSpec{ChildSpec(opts)},\n\t})", "Children: []actor.ChildSpec{ChildSpec(opts)},\n\t}, actor.Name(GreeterName))"},
		},
		fail: map[string][]string{"TestAppSupervisesGreeter": {
			`the process registered as "greeter" is the app supervisor`, "register the greeter, its child",
		}},
	},
	{
		// Unlinked, a crash never reaches the supervisor.
		name: "sup.2 counter not linked to its supervisor",
		dir:  "sup_supervisor", file: "counter.go",
		edits: [][2]string{{
			"return sup.StartLinkServer(&counter{n: initial}, actor.Name(name), actor.Kind(\"counter\"))",
			"return actor.StartServer(&counter{n: initial}, actor.Name(name), actor.Kind(\"counter\"))",
		}},
		fail: map[string][]string{
			"TestCountersStart":       {"is not linked to its supervisor", "sup.StartLinkServer"},
			"TestCountersCrashMedium": {"is not linked to its supervisor", "sup.StartLinkServer"},
		},
	},
	{
		// Right code whose names happen to match the hidden tests' old,
		// unprefixed helpers: it must compile and pass.
		name: "gs.2 a learner's names pop and within, passes",
		dir:  "gs_genserver", file: "stack.go",
		appended: "\ntype pop struct{}\n\nfunc within() {}\n",
		pass:     []string{"TestStackPushPop"},
	},
	{
		name: "gs.1 unbuffered reply channel",
		dir:  "gs_genserver", file: "genserver.go",
		edits: [][2]string{{"m := callMsg{req: req, reply: make(chan any, 1)}", "m := callMsg{req: req, reply: make(chan any)}"}},
		fail: map[string][]string{"TestCallTimeout": {
			"is its loop still stuck sending that call's reply, which nobody will ever receive",
		}},
	},
	{
		name: "gs.1 no recover in the loop",
		dir:  "gs_genserver", file: "genserver.go",
		edits: [][2]string{{
			"\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\ts.logger.Error(\"genserver crashed\", \"reason\", r)\n\t\t}\n\t}()\n",
			"",
		}},
		fail: map[string][]string{"TestCallToCrashedServer": {
			"your server's loop does not recover", "its caller gets an error from Call",
		}},
	},
}
