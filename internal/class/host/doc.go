// Package host is the trainer's side of the class board: the HTTP server
// attendees report to and the page the trainer watches.
//
// One concern a file: server.go (HTTP), hub.go (fan-out of board events
// to SSE clients), limit.go (rate limits), secret.go (join code, tokens,
// trainer secret), session.go (the class's code and secret under
// .otpgo/class/), start.go (what `otpgo class start` prints and serves),
// board.html (the page). It is built only into internal/class/start, the
// program `otpgo class start` builds from the checkout.
package host
