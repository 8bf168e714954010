// Package coursetest holds no code, only tests of the course itself: each
// grades a deliberately wrong solution (a solution file with one mistake)
// against the hidden tests and checks that the failure names the mistake
// and says what to do. The hidden tests' own suite (solutions/<dir>) shows
// that right code passes; these show that wrong code fails, and how.
package coursetest
