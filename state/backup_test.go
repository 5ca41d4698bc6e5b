package state

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestBackup: a copy is 0600 and opens; a backup that fails (here its
// context is already over) leaves its folder empty, no temporary file
// included.
func TestBackup(t *testing.T) {
	s, _ := openTestStore(t)
	tests := []struct {
		name    string
		ctx     func() context.Context
		wantErr error
	}{
		{"done", context.Background, nil},
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "copy.db")
			err := s.Backup(tt.ctx(), dest)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Backup = %v, want %v", err, tt.wantErr)
			}
			des, _ := os.ReadDir(dir)
			if tt.wantErr != nil {
				if len(des) != 0 {
					t.Errorf("a failed backup left %s behind", des[0].Name())
				}
				return
			}
			if len(des) != 1 {
				t.Fatalf("folder holds %d files, want the copy only", len(des))
			}
			if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o600 {
				t.Errorf("copy mode %v, want 0600", fi.Mode())
			}
			c, err := Open(dest, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}
