//go:build unix

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/crosscheck-news/crosscheck/state"
)

// TestBackupTokenFile: the token beside the store is a regular file with
// mode 0600 under umask 000, whatever an earlier run or an attacker left:
// a 0644 token, a symlink at the temporary name older versions used, a
// symlink at the token's own name. Nothing a symlink points at is touched.
func TestBackupTokenFile(t *testing.T) {
	tests := []struct {
		name  string
		plant func(t *testing.T, tokenPath, victim string)
	}{
		{"0644 leftover token", func(t *testing.T, tokenPath, _ string) {
			must(t, os.WriteFile(tokenPath, []byte("stale\n"), 0o644))
			must(t, os.Chmod(tokenPath, 0o644))
		}},
		{"0644 leftover at the old temporary name", func(t *testing.T, tokenPath, _ string) {
			must(t, os.WriteFile(tokenPath+".tmp", []byte("stale\n"), 0o644))
			must(t, os.Chmod(tokenPath+".tmp", 0o644))
		}},
		{"symlink at the old temporary name", func(t *testing.T, tokenPath, victim string) {
			must(t, os.Symlink(victim, tokenPath+".tmp"))
		}},
		{"symlink at the token's name", func(t *testing.T, tokenPath, victim string) {
			must(t, os.Symlink(victim, tokenPath))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(0)
			defer syscall.Umask(old)
			dir := t.TempDir()
			victim := filepath.Join(t.TempDir(), "victim")
			must(t, os.WriteFile(victim, []byte("victim"), 0o644))
			must(t, os.Chmod(victim, 0o644))
			store, err := state.Open(filepath.Join(dir, "crosscheck.db"), state.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			tokenPath := backupTokenPath(store.Path())
			tt.plant(t, tokenPath, victim)

			be, err := newBackupEndpoint(store, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer be.Close()
			fi, err := os.Lstat(tokenPath)
			if err != nil {
				t.Fatal(err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Errorf("token %s is %v, want a regular file with mode 0600", tokenPath, fi.Mode())
			}
			if got, _ := os.ReadFile(tokenPath); strings.TrimSpace(string(got)) != be.token {
				t.Errorf("token file holds %q, not the bot's token", got)
			}
			got, _ := os.ReadFile(victim)
			vfi, _ := os.Stat(victim)
			if string(got) != "victim" || vfi.Mode().Perm() != 0o644 {
				t.Errorf("the symlink's target was touched: %q, %v", got, vfi.Mode())
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBackupIntoFolder: `crosscheck backup DIR/` writes a dated file in
// the folder, from a store at rest and from the running bot alike.
func TestBackupIntoFolder(t *testing.T) {
	dated := regexp.MustCompile(`^crosscheck-\d{8}-\d{6}\.db$`)
	for _, running := range []bool{false, true} {
		t.Run(fmt.Sprintf("running=%v", running), func(t *testing.T) {
			dir, cfgPath, stop := backupFixture(t, running, nil)
			defer stop()
			folder := filepath.Join(dir, "backups")
			must(t, os.Mkdir(folder, 0o700))
			for _, arg := range []string{folder + "/", folder} {
				code, out, errOut := cliRun(t, "", "backup", "--config", cfgPath, arg)
				if code != 0 {
					t.Fatalf("backup %s: exit %d: %s", arg, code, errOut)
				}
				names := entries(t, folder)
				if len(names) != 1 || !dated.MatchString(names[0]) {
					t.Fatalf("folder holds %q, want one crosscheck-YYYYMMDD-HHMMSS.db", names)
				}
				dest := filepath.Join(folder, names[0])
				if !strings.Contains(out, dest) {
					t.Errorf("report %q does not name %s", out, dest)
				}
				if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o600 {
					t.Errorf("backup mode %v, want 0600", fi.Mode())
				}
				assertBackupHolds(t, dest, "kyiv", 2)
				must(t, os.Remove(dest))
			}
		})
	}
	for _, tc := range []struct{ name, arg, want string }{
		{"missing folder", "absent/", "no folder"},
		{"empty name", "", "empty destination"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, cfgPath, stop := backupFixture(t, false, nil)
			defer stop()
			arg := tc.arg
			if arg != "" {
				arg = filepath.Join(dir, arg) + "/"
			}
			code, _, errOut := cliRun(t, "", "backup", "--config", cfgPath, arg)
			if code != 2 || !strings.Contains(oneLine(t, errOut), tc.want) {
				t.Errorf("exit %d: %s", code, errOut)
			}
		})
	}
}

// TestBackupFailureLeavesNothing: a transfer cut short or a damaged copy
// from the running bot fails the backup and leaves the destination folder
// as it was, no temporary file included.
func TestBackupFailureLeavesNothing(t *testing.T) {
	tests := []struct {
		name    string
		serve   http.HandlerFunc
		wantErr string
	}{
		{"cut short", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "65536")
			w.Write(make([]byte, 4096))
		}, "unexpected EOF"},
		{"damaged copy", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(strings.Repeat("not a bbolt file ", 1000)))
		}, "the copy does not open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, cfgPath, stop := backupFixture(t, true, tt.serve)
			defer stop()
			folder := filepath.Join(dir, "backups")
			must(t, os.Mkdir(folder, 0o700))
			for _, arg := range []string{folder + "/", filepath.Join(folder, "copy.db")} {
				code, _, errOut := cliRun(t, "", "backup", "--config", cfgPath, arg)
				if code != 1 || !strings.Contains(oneLine(t, errOut), tt.wantErr) {
					t.Errorf("backup %s: exit %d: %s", arg, code, errOut)
				}
				if names := entries(t, folder); len(names) != 0 {
					t.Errorf("a failed backup left %q behind", names)
				}
			}
		})
	}
}

// backupFixture is a store holding two items of feed kyiv and its
// configuration. With running, the store is held open as `run` holds it
// and served on the listen address by the backup endpoint, or by serve
// when it is not nil (a bot misbehaving).
func backupFixture(t *testing.T, running bool, serve http.HandlerFunc) (dir, cfgPath string, stop func()) {
	t.Helper()
	dir = t.TempDir()
	storePath := filepath.Join(dir, "crosscheck.db")
	store, err := state.Open(storePath, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seedItems(t, store)
	if !running {
		must(t, store.Close())
		cfgPath = filepath.Join(dir, "crosscheck.yaml")
		must(t, os.WriteFile(cfgPath, []byte("store: "+storePath+"\n"), 0o600))
		return dir, cfgPath, func() {}
	}
	be, err := newBackupEndpoint(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Handler(be)
	if serve != nil {
		h = serve
	}
	srv := httptest.NewServer(h)
	cfgPath = filepath.Join(dir, "crosscheck.yaml")
	must(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf("store: %s\nlisten: %s\n", storePath, srv.Listener.Addr())), 0o600))
	return dir, cfgPath, func() {
		srv.Close()
		be.Close()
		store.Close()
	}
}

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
