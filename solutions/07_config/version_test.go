package config

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// 07.1: link time and init time.

func TestDescribeReportsVersion(t *testing.T) {
	zzVerifyNoLeaks(t)
	if expr := zzVersionInitializer(t); expr != "" {
		t.Fatalf("Version is initialised with %s: -ldflags -X sets Version's value before init runs, and then this initializer "+
			"overwrites it, so the linked version never shows. Keep Version a plain string variable with a literal: var Version = \"dev\"", expr)
	}
	// Two versions, one after the other: a line made at init, or made
	// once on the first call and kept, shows at most one of them.
	for _, v := range []string{"1.2.3-test", "1.2.4-test"} {
		zzSetTestVersion(t, v)
		d := Describe()
		if !strings.Contains(d, v) {
			t.Fatalf("Version was set to %q while the program ran, but Describe() = %q: Describe must read Version when it is called, not a copy made earlier (at init, or on its first call)", v, d)
		}
		if !strings.Contains(d, DefaultGreeting) {
			t.Fatalf("Describe() = %q does not mention DefaultGreeting %q", d, DefaultGreeting)
		}
	}
}

// zzVersionInitializer returns the initializer of the package's Version
// variable as it is written in the package's source (the test runs in its
// directory), or "" if it has none or is a plain string literal.
func zzVersionInitializer(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatalf("listing the package's files: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			continue // the build has already said what is wrong with it
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if id.Name != "Version" || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						return ""
					}
					var b strings.Builder
					_ = printer.Fprint(&b, fset, vs.Values[i])
					return b.String()
				}
			}
		}
	}
	return ""
}

func TestDefaultGreetingReadAtInit(t *testing.T) {
	zzVerifyNoLeaks(t)
	if got := zzLoadedWith(t, "Bonjour", true); got != "Bonjour" {
		t.Fatalf("a program started with %s=Bonjour has DefaultGreeting %q: read the environment when the package is initialised (in the var's initializer or in func init)", EnvGreeting, got)
	}
	if got := zzLoadedWith(t, "", false); got != FallbackGreeting {
		t.Fatalf("a program started without %s has DefaultGreeting %q, want FallbackGreeting %q", EnvGreeting, got, FallbackGreeting)
	}
	if got := zzLoadedWith(t, "", true); got != FallbackGreeting {
		t.Fatalf("a program started with %s set to \"\" has DefaultGreeting %q, want FallbackGreeting %q: treat an empty value like an unset one", EnvGreeting, got, FallbackGreeting)
	}
}
