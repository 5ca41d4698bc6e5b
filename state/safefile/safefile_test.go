//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask runs the test body under umask mask, restoring it after.
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// entries lists dir, so a test can say nothing else was left there.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name string
		// plant prepares dest before the write; victim is a file outside
		// that must stay untouched.
		plant func(t *testing.T, dest, victim string)
	}{
		{"fresh", func(*testing.T, string, string) {}},
		{"0644 leftover at the destination", func(t *testing.T, dest, _ string) {
			if err := os.WriteFile(dest, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chmod(dest, 0o644)
		}},
		{"symlink at the destination", func(t *testing.T, dest, victim string) {
			if err := os.Symlink(victim, dest); err != nil {
				t.Fatal(err)
			}
		}},
		{"dangling symlink at the destination", func(t *testing.T, dest, victim string) {
			if err := os.Symlink(victim+".absent", dest); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withUmask(t, 0)
			dir, outside := t.TempDir(), t.TempDir()
			dest, victim := filepath.Join(dir, "secret"), filepath.Join(outside, "victim")
			if err := os.WriteFile(victim, []byte("victim"), 0o644); err != nil {
				t.Fatal(err)
			}
			tt.plant(t, dest, victim)
			if err := WriteFile(dest, []byte("token\n")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(dest)
			if err != nil {
				t.Fatal(err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s is %v, want a regular file with mode 0600 (umask 000)", dest, fi.Mode())
			}
			if got, _ := os.ReadFile(dest); string(got) != "token\n" {
				t.Errorf("%s holds %q", dest, got)
			}
			if got, _ := os.ReadFile(victim); string(got) != "victim" {
				t.Errorf("the file a symlink pointed at now holds %q", got)
			}
			if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
				t.Errorf("the file a symlink pointed at is now %v", fi.Mode())
			}
			if names := entries(t, dir); len(names) != 1 {
				t.Errorf("left in the folder: %q, want only secret", names)
			}
		})
	}
}

// TestCreateRefusesPlantedName: a name already taken, by a file or a
// symlink, is never opened; Create picks another.
func TestCreateRefusesPlantedName(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("victim"), 0o644)
	planted := filepath.Join(dir, "planted")
	if err := os.Symlink(victim, planted); err != nil {
		t.Fatal(err)
	}
	_, err := os.OpenFile(planted, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, Mode)
	if !errors.Is(err, os.ErrExist) {
		t.Errorf("opening a planted symlink with Create's flags: %v, want it refused", err)
	}
	if got, _ := os.ReadFile(victim); string(got) != "victim" {
		t.Errorf("victim now holds %q", got)
	}
}

func TestFailureLeavesNothing(t *testing.T) {
	t.Run("aborted", func(t *testing.T) {
		dir := t.TempDir()
		f, err := Create(filepath.Join(dir, "backup.db"))
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("half"))
		f.Abort()
		f.Abort() // twice is fine
		if names := entries(t, dir); len(names) != 0 {
			t.Errorf("left behind: %q", names)
		}
	})
	t.Run("rename fails", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "taken")
		// A non-empty folder cannot be renamed over.
		os.MkdirAll(filepath.Join(dest, "x"), 0o700)
		err := WriteFile(dest, []byte("data"))
		if err == nil {
			t.Fatal("WriteFile over a folder succeeded")
		}
		if names := entries(t, dir); len(names) != 1 || names[0] != "taken" {
			t.Errorf("left behind: %q", names)
		}
	})
	t.Run("no such folder", func(t *testing.T) {
		if err := WriteFile(filepath.Join(t.TempDir(), "absent", "f"), nil); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("error %v, want ErrNotExist", err)
		}
	})
	t.Run("commit after abort", func(t *testing.T) {
		dir := t.TempDir()
		f, err := Create(filepath.Join(dir, "f"))
		if err != nil {
			t.Fatal(err)
		}
		f.Abort()
		if err := f.Commit(); err == nil {
			t.Error("Commit after Abort succeeded")
		}
		if names := entries(t, dir); len(names) != 0 {
			t.Errorf("left behind: %q", names)
		}
	})
}
