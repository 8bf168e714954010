// Package actor is otpgo's OTP runtime: processes, mailboxes, monitors,
// links, a registry, timers, GenServer, Supervisor and StateMachine
// (gen_statem), written so that a learner can read it in an afternoon.
//
// The full OTP-to-Go map is filled in as the package lands; see the
// README of each file for now.
package actor
