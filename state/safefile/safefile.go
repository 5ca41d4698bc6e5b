// Package safefile writes files that hold secrets or whole databases (the
// backup token, backups) so that nobody else can read them and nothing
// half-written ever carries their name.
//
// A file is written to a fresh temporary name in the destination's own
// folder, created with O_EXCL (so a file or symlink planted under that name
// makes the create fail instead of being reused or followed) and
// O_NOFOLLOW where the system has it, set to mode 0600 with fchmod (the
// umask cannot widen it, and a leftover's mode is never inherited), synced,
// and renamed over the destination. rename(2) replaces a symlink at the
// destination rather than writing through it. On any failure the temporary
// file is removed.
package safefile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Mode is the permission every file written here gets.
const Mode fs.FileMode = 0o600

// attempts bounds the tries for a free temporary name; with 64 random
// bits a clash means someone is planting names, and giving up is right.
const attempts = 8

// File is a file being written under a temporary name; Commit gives it its
// destination's name, Abort (safe to defer, a no-op after Commit) removes
// it.
type File struct {
	*os.File
	dest   string
	closed bool
	done   bool
}

// Create starts writing dest.
func Create(dest string) (*File, error) {
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	var last error
	for range attempts {
		var raw [8]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return nil, fmt.Errorf("safefile: %w", err)
		}
		tmp := filepath.Join(dir, "."+base+"."+hex.EncodeToString(raw[:])+".tmp")
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, Mode)
		if errors.Is(err, fs.ErrExist) {
			last = err
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("safefile: create beside %s: %w", dest, err)
		}
		// The create's mode went through the umask, which can only narrow
		// it; fchmod makes it exactly Mode.
		if err := f.Chmod(Mode); err != nil {
			f.Close()
			os.Remove(tmp)
			return nil, fmt.Errorf("safefile: %w", err)
		}
		return &File{File: f, dest: dest}, nil
	}
	return nil, fmt.Errorf("safefile: no free temporary name beside %s: %w", dest, last)
}

// Close syncs and closes the file, still under its temporary name (so it
// can be checked before Commit); closing twice is a no-op.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	return err
}

// Commit closes the file if still open and renames it to its destination.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("safefile: %s already committed or aborted", f.dest)
	}
	err := f.Close()
	if err == nil {
		err = os.Rename(f.Name(), f.dest)
	}
	if err != nil {
		f.Abort()
		return fmt.Errorf("safefile: write %s: %w", f.dest, err)
	}
	f.done = true
	syncDir(filepath.Dir(f.dest))
	return nil
}

// Abort closes and removes the temporary file, unless Commit has already
// renamed it.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if !f.closed {
		f.closed = true
		f.File.Close()
	}
	os.Remove(f.Name())
}

// WriteFile writes data to dest as Create and Commit do.
func WriteFile(dest string, data []byte) error {
	f, err := Create(dest)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("safefile: write %s: %w", dest, err)
	}
	return f.Commit()
}

// syncDir makes the rename durable where the system allows opening a
// folder; where it does not, the rename is still atomic, only perhaps not
// yet on disk.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
