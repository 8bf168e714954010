// Package class is the trainer's board: attendees' otpgo reports each
// check's verdict to the trainer's otpgo, which keeps every report in an
// append-only log and shows the room live in a browser (Server-Sent
// Events) or a terminal.
//
// This package is what every otpgo carries, so it imports no net/http:
// protocol.go (the wire types, their limits and decoder), store.go (the
// event log under .otpgo/class/), board.go (the room's state, replayed
// from the log), client.go (the attendee side: join, Report, the queue,
// over a minimal HTTP/1.1 client), export.go (CSV and JSON), text.go (the
// terminal board). The trainer's server is internal/class/host, built on
// demand as the program internal/class/start.
package class
