// Package class is the trainer's board: attendees' otpgo reports each
// check's verdict to the trainer's otpgo, which keeps every report in an
// append-only log and shows the room live in a browser (Server-Sent
// Events) or a terminal.
//
// One concern a file: protocol.go (the wire types, their limits and
// decoder), secret.go (join code, tokens, trainer secret), store.go (the
// event log under .otpgo/class/), board.go (the room's state, replayed
// from the log), hub.go (fan-out of board events to SSE clients),
// server.go (HTTP), limit.go (rate limits), client.go (the attendee side:
// join, Report, the queue), export.go (CSV and JSON), board.html (the page).
package class
