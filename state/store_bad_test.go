package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	bolt "go.etcd.io/bbolt"
)

// filledStore writes a store with the seed article's ledger and returns its
// path, closed.
func filledStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var items []feeds.PolledItem
	for i := range 40 {
		items = append(items, seedArticle(fmt.Sprintf("https://example.org/%d", i)).item(false))
	}
	if _, err := s.Record(context.Background(), items...); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openAndRead opens the store and reads everything a bot reads at start,
// turning a panic into a test failure.
func openAndRead(t *testing.T, path string) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("panic on a damaged store: %v", r)
		}
	}()
	s, err := Open(path, Options{LockTimeout: time.Second})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Conflicts(ctx, ConflictFilter{}); err != nil {
		return err
	}
	if _, err := s.PendingAlerts(ctx, 0); err != nil {
		return err
	}
	return s.Check()
}

func TestDamagedStoreFile(t *testing.T) {
	tests := map[string]func(t *testing.T, path string){
		"truncated to 100 bytes": func(t *testing.T, path string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		},
		"truncated to one page and a bit": func(t *testing.T, path string) {
			if err := os.Truncate(path, 4096+10); err != nil {
				t.Fatal(err)
			}
		},
		"both meta pages overwritten": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			junk := []byte(strings.Repeat("crosscheck", 1000))
			if _, err := f.WriteAt(junk[:8192], 0); err != nil {
				t.Fatal(err)
			}
		},
		"data pages overwritten": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			junk := []byte(strings.Repeat("\xffcrosscheck\x00", int(fi.Size())/12))
			if _, err := f.WriteAt(junk[:fi.Size()-4*4096], 4*4096); err != nil {
				t.Fatal(err)
			}
		},
		"not a store at all": func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("# crosscheck.yaml\nstore: ./crosscheck.db\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, damage := range tests {
		t.Run(name, func(t *testing.T) {
			path := filledStore(t)
			damage(t, path)
			err := openAndRead(t, path)
			if err == nil {
				t.Fatal("a damaged store opened without error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filledStore(t)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion+1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer store = %v, want an error naming the file and the version", err)
	}
}

const holdEnv = "CROSSCHECK_HOLD_STORE"

// TestHoldStoreChild keeps a store open until killed.
func TestHoldStoreChild(t *testing.T) {
	path := os.Getenv(holdEnv)
	if path == "" {
		t.Skip("child process of TestStoreLockedByAnotherProcess")
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os.WriteFile(path+".ready", nil, 0o600)
	time.Sleep(time.Minute)
}

func TestStoreLockedByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldStoreChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path + ".ready"); err == nil {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatal("child never opened the store")
		}
	}
	start := time.Now()
	_, err := Open(path, Options{})
	took := time.Since(start)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of a held store = %v, want ErrLocked naming the file", err)
	}
	if took > 6*time.Second {
		t.Errorf("gave up after %v, want about 5s", took)
	}
}
