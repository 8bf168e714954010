// Package otpgo is a workshop that teaches Erlang/OTP's ideas in Go:
// processes and monitors, GenServers, supervision trees, state machines, a
// Redis client and pool, an observer on a live tree. Each chapter is a
// lesson with numbered steps; the learner edits a skeleton in exercises/
// and `otpgo check` grades it with hidden tests.
//
// This package only carries the course: FS embeds content/ (the lessons
// and the catalog), exercises/ (the skeletons, to restore them) and
// solutions/ (the solutions and the hidden tests). Inside a checkout otpgo
// grades with the checkout's own course instead (internal/catalog's
// OpenSource), so an installed binary never grades with a stale copy; FS
// serves outside a checkout, and for skeletons where git is missing. The
// program is internal/workshop, started by cmd/otpgo; the parts are
// described in docs/ARCHITECTURE.md.
package otpgo

import "embed"

// FS holds content/, exercises/ and solutions/ as they were when the binary
// was built (see the package doc for when it is used). Paths are slash-separated: "content/course.json",
// "exercises/gs_genserver/genserver.go", ...
//
// The _checkpoints overlays and the _mutants (see internal/catalog) are named apart: a "_"
// directory is left out of a plain directory pattern.
//
//go:embed content exercises solutions solutions/*/_checkpoints solutions/*/_mutants
var FS embed.FS
