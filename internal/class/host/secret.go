package host

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// Join codes are proquints (pronounceable quintuplets): each 16 bits is a
// five-letter word of alternating consonants and vowels, easy to read
// aloud and to type. Three words carry 48 bits, above the 40 asked of a
// code that anyone on the LAN may try to guess (and guesses are rate
// limited by the server).
const (
	proConsonants = "bdfghjklmnprstvz" // 16: 4 bits each
	proVowels     = "aiou"             // 4: 2 bits each
	codeWords     = 3
)

// NewJoinCode returns a random join code, e.g. "lusab-babad-gutih".
func NewJoinCode() string {
	var b [2 * codeWords]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return short)
	words := make([]string, codeWords)
	for i := range words {
		words[i] = proquint(binary.BigEndian.Uint16(b[2*i:]))
	}
	return strings.Join(words, "-")
}

func proquint(v uint16) string {
	out := [5]byte{
		proConsonants[v>>12&15], proVowels[v>>10&3], proConsonants[v>>6&15], proVowels[v>>4&3], proConsonants[v&15],
	}
	return string(out[:])
}

// normalizeCode forgives case and the separator a person typed.
func normalizeCode(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	return strings.NewReplacer(" ", "-", "_", "-", ".", "-").Replace(code)
}

// codeMatches compares a typed code with the session's in constant time.
func codeMatches(typed, code string) bool {
	return subtle.ConstantTimeCompare([]byte(normalizeCode(typed)), []byte(code)) == 1
}

// newSecret returns 128 random bits in hex: a token, the trainer's secret.
func newSecret() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// tokenHash is what the log keeps of a token, so a copy of the log does
// not let anyone report as an attendee.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
