package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/workspace"
)

func init() { register(newResetCommand) }

// newResetCommand builds `otpgo reset ID|--all`: the only command that
// writes to exercises/.
func newResetCommand(a *App) *cobra.Command {
	var all, yes bool
	cmd := &cobra.Command{
		Use:   "reset ID | --all",
		Short: "Put the original skeleton back (your files are backed up first)",
		Long: `Restore the original skeleton of a step's files (gs.1), a chapter's files
(gs), or every chapter's (--all). Your current files are first copied to
.otpgo/backup/<timestamp>/, so nothing is lost. Files you added yourself are
left alone, and so is your progress.

On a terminal reset asks before it writes; elsewhere it needs --yes.`,
		Example: `  otpgo reset gs.1
  otpgo reset --all --yes`,
		GroupID:           groupLearn,
		ValidArgsFunction: a.completeIDs(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return usageError{cmd: cmd, err: errors.New("give an ID or --all, not both")}
			case !all && len(args) != 1:
				return usageError{cmd: cmd, err: errors.New("say what to reset: a step (gs.1), a chapter (gs), or --all")}
			}
			return runReset(a, args, all, yes)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "reset every chapter")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// restore is one file to put back: its path in the embedded tree (and,
// from the root, on disk) and the skeleton's content.
type restore struct {
	rel      string
	skeleton []byte
	existed  bool
}

func runReset(a *App, args []string, all, yes bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	ws, err := a.Workspace()
	if err != nil {
		return err
	}
	var rels []string
	what := "every chapter"
	if all {
		for _, ch := range c.Chapters {
			if !ch.Coming && ch.Dir != "" {
				files, err := skeletonFiles(a.FS, ch)
				if err != nil {
					return err
				}
				rels = append(rels, files...)
			}
		}
	} else {
		t, err := c.Resolve(args[0])
		if err != nil {
			return err
		}
		what = t.ID()
		if t.Step != nil {
			for _, f := range t.Step.Files {
				rels = append(rels, t.Chapter.ExercisePath(f))
			}
		} else if t.Chapter.Dir != "" {
			if rels, err = skeletonFiles(a.FS, t.Chapter); err != nil {
				return err
			}
		}
		if len(rels) == 0 {
			return fmt.Errorf("%s has no files to reset", t.ID())
		}
	}

	todo, err := pendingRestores(a.FS, ws, rels)
	if err != nil {
		return err
	}
	if len(todo) == 0 {
		fmt.Fprintf(a.Out, "Nothing to reset: the files of %s are already the original skeleton.\n", what)
		return nil
	}

	if !yes {
		if !a.IsTerminal(a.Stdin) {
			return fmt.Errorf("reset would overwrite %d file(s) of %s in exercises/ (%s); run it again with --yes to confirm. Your versions are backed up to .otpgo/backup/ first", len(todo), what, fileList(todo))
		}
		fmt.Fprintf(a.Err, "Reset %s? This puts the original skeleton back in:\n", what)
		for _, r := range todo {
			fmt.Fprintf(a.Err, "  %s\n", r.rel)
		}
		fmt.Fprint(a.Err, "Your versions are saved to .otpgo/backup/ first. Reset? [y/N] ")
		answer, _ := bufio.NewReader(a.Stdin).ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
			fmt.Fprintln(a.Err, "Nothing changed.")
			return nil
		}
	}

	backup := ws.BackupDir(a.Now())
	backedUp, err := restoreSkeletons(ws, backup, todo)
	if err != nil {
		return err
	}
	if backedUp > 0 {
		fmt.Fprintf(a.Out, "Saved your version of %d file(s) to %s\n", backedUp, ws.Rel(backup)+"/")
	}
	fmt.Fprintf(a.Out, "Restored the skeleton of %s: %s\n", what, fileList(todo))
	fmt.Fprintln(a.Out, "Your progress is unchanged (otpgo progress).")
	return nil
}

// pendingRestores returns the files among rels (exercises/<dir>/<file>)
// that differ from the embedded skeleton or are missing: only those need a
// backup and a write.
func pendingRestores(fsys fs.FS, ws *workspace.Workspace, rels []string) ([]restore, error) {
	var todo []restore
	for _, rel := range rels {
		skel, err := fs.ReadFile(fsys, rel)
		if err != nil {
			return nil, fmt.Errorf("reset %s: embedded skeleton: %w", rel, err)
		}
		cur, err := os.ReadFile(ws.Path(rel))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			todo = append(todo, restore{rel: rel, skeleton: skel})
		case err != nil:
			return nil, fmt.Errorf("reset: read %s: %w", rel, err)
		case !bytes.Equal(cur, skel):
			todo = append(todo, restore{rel: rel, skeleton: skel, existed: true})
		}
	}
	return todo, nil
}

// restoreSkeletons backs up every file of todo that exists to backup, and
// only once all are saved writes the skeletons. It returns how many files
// it backed up.
func restoreSkeletons(ws *workspace.Workspace, backup string, todo []restore) (backedUp int, err error) {
	for _, r := range todo {
		if !r.existed {
			continue
		}
		if err := backupFile(ws, backup, r.rel); err != nil {
			return backedUp, fmt.Errorf("reset: back up %s: %w (nothing was reset)", r.rel, err)
		}
		backedUp++
	}
	for _, r := range todo {
		if err := writeFileAtomic(ws.Path(r.rel), r.skeleton); err != nil {
			return backedUp, fmt.Errorf("reset %s: %w", r.rel, err)
		}
	}
	return backedUp, nil
}

// skeletonFiles lists the embedded files of exercises/<dir>.
func skeletonFiles(fsys fs.FS, ch *catalog.Chapter) ([]string, error) {
	dir := path.Join("exercises", ch.Dir)
	var out []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reset %s: %w", ch.ID, err)
	}
	return out, nil
}

func fileList(rs []restore) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.rel
	}
	return strings.Join(names, ", ")
}

// backupFile copies <root>/rel to <backup>/rel, keeping the layout.
func backupFile(ws *workspace.Workspace, backup, rel string) error {
	data, err := os.ReadFile(ws.Path(rel))
	if err != nil {
		return err
	}
	dst := filepath.Join(backup, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// writeFileAtomic replaces p with data via a temp file and a rename, so an
// interrupted reset never leaves half a file.
func writeFileAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".otpgo-reset-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}
