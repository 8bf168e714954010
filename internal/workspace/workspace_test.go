package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "// the workshop\nmodule github.com/otpgo/otpgo // ours\n\ngo 1.26\n")
	deep := filepath.Join(root, "exercises", "gs_genserver")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := Find(deep)
	if err != nil {
		t.Fatal(err)
	}
	if w.Root != root {
		t.Fatalf("Root = %s; want %s", w.Root, root)
	}
	if got := w.Rel(w.Path("exercises/gs_genserver/stack.go")); got != "exercises/gs_genserver/stack.go" {
		t.Errorf("Rel(Path(x)) = %s", got)
	}
}

func TestFindSkipsOtherModules(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module \"github.com/otpgo/otpgo\"\n")
	inner := filepath.Join(root, "benchmarks")
	write(t, filepath.Join(inner, "go.mod"), "module github.com/otpgo/otpgo/benchmarks\n")
	w, err := Find(inner)
	if err != nil || w.Root != root {
		t.Fatalf("Find(nested module) = %v, %v; want the enclosing checkout %s", w, err, root)
	}
}

func TestFindOutsideACheckout(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/other\n")
	_, err := Find(dir)
	if !errors.Is(err, ErrNotCheckout) {
		t.Fatalf("Find outside a checkout = %v; want ErrNotCheckout", err)
	}
	for _, want := range []string{"git clone " + CloneURL, "cd otpgo", dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should say %q", err, want)
		}
	}
}
