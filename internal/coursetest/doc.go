// Package coursetest holds no code, only tests of the course itself: each
// grades a right solution written otherwise than the course's (another way
// to crash a worker, a learner's own names) against the hidden tests, which
// must pass it. The hidden tests' own suite (solutions/<dir>) shows that the
// course's solution passes; the course's mutants, run by otpgo verify, show
// that wrong code fails with a message naming the mistake.
package coursetest
