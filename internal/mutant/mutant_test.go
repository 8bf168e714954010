package mutant

import (
	"strings"
	"testing"
)

const each = `package x

func f() {
	a := 1
	b := 2
	_ = a + b
}
`

func TestParseAndApplyDiffU(t *testing.T) {
	src := `# what diff -u prints, with a header
mistake: adds instead of multiplying
expect: want 2,
expect: got   3
test: TestF
pass: TestG
race: true

--- each.go	2026-12-03 08:00:00.000000000 +0000
+++ each.go	2026-12-03 08:01:00.000000000 +0000
@@ -4,3 +4,3 @@
 	a := 1
 	b := 2
-	_ = a + b
+	_ = a * b
`
	m, err := Parse("01.1", "adds", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if m.ID() != "01.1/adds" || m.Mistake != "adds instead of multiplying" || len(m.Expect) != 2 ||
		m.Tests[0] != "TestF" || m.Pass[0] != "TestG" || !m.Race || m.Build {
		t.Fatalf("header read wrong: %+v", m)
	}
	out, err := m.Apply(map[string][]byte{"each.go": []byte(each), "other.go": []byte("package x\n")})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(each, "a + b", "a * b", 1); string(out["each.go"]) != want {
		t.Fatalf("applied:\n%s\nwant:\n%s", out["each.go"], want)
	}
	if string(out["other.go"]) != "package x\n" {
		t.Fatal("a file the diff does not name changed")
	}
	if !Says("x: want 2,\n\tgot 3", m.Expect[1]) || !Says("want 2, got", m.Expect[0]) {
		t.Fatal("Says does not collapse white space")
	}
}

func TestParseGitDiffWithNewFileAndNoNewline(t *testing.T) {
	src := `mistake: m
expect: e
diff --git a/each.go b/each.go
index 1111111..2222222 100644
--- a/each.go
+++ b/each.go
@@ -6,2 +6,2 @@ func f() {
-	_ = a + b
-}
+	_ = a - b
+}
\ No newline at end of file
diff --git a/extra.go b/extra.go
new file mode 100644
--- /dev/null
+++ b/extra.go
@@ -0,0 +1 @@
+package x
`
	m, err := Parse("01.1", "m", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Apply(map[string][]byte{"each.go": []byte(each)})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(strings.Replace(each, "a + b", "a - b", 1), "\n"); string(out["each.go"]) != want {
		t.Fatalf("applied:\n%q\nwant:\n%q", out["each.go"], want)
	}
	if string(out["extra.go"]) != "package x\n" {
		t.Fatalf("new file: %q", out["extra.go"])
	}
}

func TestParseRefusesWhatIsNotAMutant(t *testing.T) {
	diff := "--- each.go\n+++ each.go\n@@ @@\n-\t_ = a + b\n+\t_ = a * b\n"
	cases := []struct{ name, src, want string }{
		{"no mistake", "expect: e\n" + diff, `no "mistake:"`},
		{"no expect", "mistake: m\n" + diff, `no "expect:"`},
		{"unknown key", "mistake: m\nexpect: e\nwhy: x\n" + diff, `unknown key "why"`},
		{"no diff", "mistake: m\nexpect: e\n", "no diff"},
		{"two mistakes", "mistake: m\nmistake: n\nexpect: e\n" + diff, "one mistake"},
		{"both ways", "mistake: m\nexpect: e\ntest: T\npass: T\n" + diff, "both"},
		{"escape", "mistake: m\nexpect: e\n--- ../x.go\n+++ ../x.go\n@@ @@\n-a\n+b\n", "not a file name"},
		{"deletes", "mistake: m\nexpect: e\n--- each.go\n+++ /dev/null\n@@ @@\n-a\n", "does not delete"},
		{"no-op hunk", "mistake: m\nexpect: e\n--- each.go\n+++ each.go\n@@ @@\n a\n", "changes nothing"},
		{"no context", "mistake: m\nexpect: e\n--- each.go\n+++ each.go\n@@ @@\n+a\n", "no old text"},
		{"garbage", "mistake: m\nexpect: e\n--- each.go\n+++ each.go\n@@ @@\n-a\n+b\n*junk\n", "not part of a unified diff"},
		{"too big", strings.Repeat("#", MaxSize+1), "over the"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("01.1", "m", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
	if _, err := Parse("01.1", "Bad Name", []byte("mistake: m\nexpect: e\n"+diff)); err == nil {
		t.Fatal("a name with spaces and capitals was accepted")
	}
}

func TestApplyNamesAHunkThatMoved(t *testing.T) {
	files := map[string][]byte{"each.go": []byte(each + "\nfunc g() {\n\t_ = a + b\n}\n")}
	for _, c := range []struct{ diff, want string }{
		{"-\t_ = a + c\n+\t_ = 0\n", "not in the checkpoint"},
		{"-\t_ = a + b\n+\t_ = 0\n", "occurs 2 times"},
	} {
		m, err := Parse("01.1", "m", []byte("mistake: m\nexpect: e\n--- each.go\n+++ each.go\n@@ @@\n"+c.diff))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Apply(files); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("err = %v, want one saying %q", err, c.want)
		}
	}
	m, _ := Parse("01.1", "m", []byte("mistake: m\nexpect: e\n--- nope.go\n+++ nope.go\n@@ @@\n-a\n+b\n"))
	if _, err := m.Apply(files); err == nil || !strings.Contains(err.Error(), "not a file of the chapter") {
		t.Fatalf("err = %v for a file the chapter lacks", err)
	}
}

// FuzzParse: whatever a mutant file holds, Parse and Apply return, and an
// applied mutant only changes the files it names.
func FuzzParse(f *testing.F) {
	f.Add([]byte("mistake: m\nexpect: e\n--- each.go\n+++ each.go\n@@ @@\n \ta := 1\n-\tb := 2\n+\tb := 3\n"))
	f.Add([]byte("mistake: m\nexpect: e\n--- /dev/null\n+++ b/n.go\n@@ @@\n+x\n\\ No newline at end of file\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("s", "m", data)
		if err != nil {
			return
		}
		files := map[string][]byte{"each.go": []byte(each)}
		out, err := m.Apply(files)
		if err != nil {
			return
		}
		for k, v := range out {
			named := false
			for _, p := range m.Files {
				named = named || p.File == k
			}
			if !named && string(v) != string(files[k]) {
				t.Fatalf("%s changed though the diff does not name it", k)
			}
		}
	})
}
