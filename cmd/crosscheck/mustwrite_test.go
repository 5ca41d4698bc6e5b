package main

import (
	"os"
	"testing"
)

// mustWrite writes a test's input file; a test whose setup failed would
// fail later for the wrong reason.
func mustWrite(t testing.TB, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
}
