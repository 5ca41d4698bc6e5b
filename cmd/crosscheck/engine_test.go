package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFramesEngine: extract --engine frames reads claims over the language
// layer, and a desk's beat file with a mistake stops start-up naming the
// file and the line.
func TestFramesEngine(t *testing.T) {
	dir := t.TempDir()
	article := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(article, []byte("At least 45 people were killed in the blast in Kandahar, police said."), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cliRun(t, "", "extract", "--engine", "frames", "--outlet", "Wire", "--published", "2026-03-03T09:00:00Z", article)
	if code != exitOK || !strings.Contains(out, "police") || !strings.Contains(out, "killed") || !strings.Contains(out, "kandahar") {
		t.Errorf("exit %d, stdout:\n%s\nstderr: %s", code, out, errs)
	}
	if code, _, errs := cliRun(t, "", "extract", "--engine", "neural", article); code != exitUsage || !strings.Contains(errs, `engine "neural": want tokens or frames`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}

	beat := filepath.Join(dir, "sports.yaml")
	if err := os.WriteFile(beat, []byte("figures:\n  - measure: attended\n    lemmas: [watch]\n    cuont: [nsubj]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, cfgPath := cliConfig(t, "store: STORE\nclaims:\n  engine: frames\n  frames: ["+beat+"]\n")
	code, _, errs = cliRun(t, "", "poll", "--config", cfgPath)
	if code != exitUsage || !strings.Contains(errs, beat) || !strings.Contains(errs, "line 4: field cuont not found") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
