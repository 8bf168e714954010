package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/otpgo/otpgo/internal/catalog/internal/actornames"
)

// TestActorNamesUpToDate keeps the generated list of internal/actor's
// exports, which hints may name, in step with internal/actor.
func TestActorNamesUpToDate(t *testing.T) {
	want, err := actornames.FromDir("../actor")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(actorNames, want) {
		t.Fatalf("actornames_gen.go is out of date with internal/actor; run: go generate ./internal/catalog")
	}
}

// FuzzMarkdownCode feeds hostile markdown to the hint scanner: it must
// neither panic nor hang, and every code piece it returns is part of md.
func FuzzMarkdownCode(f *testing.F) {
	for _, s := range []string{"`a` and ``b`c``", "```go\nx := 1\n```", "```\nunclosed", "`", "``` ` ```", "func(a, b int) {}", "type x[T any] struct{ a, b T }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		for _, c := range markdownCode(md) {
			if !c.block && !strings.Contains(md, c.text) {
				t.Fatalf("span %q is not part of the input", c.text)
			}
			for name := range hintDeclarations(goTokens(c.text)) {
				if !strings.Contains(c.text, name) {
					t.Fatalf("declared %q, which %q does not hold", name, c.text)
				}
			}
		}
	})
}
