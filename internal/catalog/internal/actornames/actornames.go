// Package actornames lists the exported names internal/actor declares,
// read from its source. The catalog keeps a generated copy of the list
// (it cannot read internal/actor from the embedded course) and a test
// that compares the copy with this.
package actornames

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FromDir returns the sorted exported names declared in the non-test Go
// files of dir: top-level names, methods, struct fields and interface
// methods.
func FromDir(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	seen := map[string]bool{}
	add := func(id *ast.Ident) {
		if id != nil && id.IsExported() {
			seen[id.Name] = true
		}
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read actor source: %w", err)
		}
		af, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse actor source: %w", err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				add(n.Name)
			case *ast.TypeSpec:
				add(n.Name)
			case *ast.ValueSpec:
				for _, id := range n.Names {
					add(id)
				}
			case *ast.Field:
				for _, id := range n.Names {
					add(id)
				}
				if len(n.Names) == 0 { // an embedded field is named by its type
					t := n.Type
					if s, ok := t.(*ast.StarExpr); ok {
						t = s.X
					}
					if id, ok := t.(*ast.Ident); ok {
						add(id)
					}
				}
			case *ast.BlockStmt:
				return false // locals are not the package's API
			}
			return true
		})
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}
