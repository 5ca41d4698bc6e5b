package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-treebank")
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"help", []string{"-h"}, exitOK, "-folds"},
		{"unknown flag", []string{"-nope"}, exitUsage, "flag provided but not defined"},
		{"one fold", []string{"-folds", "1"}, exitUsage, "langtrain: usage"},
		{"stray argument", []string{"extra"}, exitUsage, "langtrain: usage"},
		{"no treebank", []string{"-ud", missing, "-out", t.TempDir()}, exitFailed, "langtrain: open " + missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(tt.args, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("stderr does not say %q:\n%s", tt.says, stderr.String())
			}
		})
	}
}
