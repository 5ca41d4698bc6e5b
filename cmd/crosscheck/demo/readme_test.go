package demo

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEShowsTheDemoAsItRuns keeps the README's sample output honest:
// a newcomer compares what they see with it, so it must be what the demo
// prints, but for the port and the run time.
func TestREADMEShowsTheDemoAsItRuns(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const opening = "```\nCrosscheck demo:"
	i := bytes.Index(readme, []byte(opening))
	if i < 0 {
		t.Fatalf("README.md has no demo output block starting %q", opening)
	}
	block := readme[i+len("```\n"):]
	block = block[:bytes.Index(block, []byte("```"))]

	var out bytes.Buffer
	dir := t.TempDir()
	if _, err := Run(context.Background(), &out, Options{ChartDir: dir}); err != nil {
		t.Fatal(err)
	}
	// The chart goes to the system's temporary folder, /tmp on Linux.
	printed := bytes.ReplaceAll(out.Bytes(), []byte(dir+string(os.PathSeparator)), []byte("/tmp/"))
	varying := regexp.MustCompile(`127\.0\.0\.1:\d+|in \d+(\.\d+)?m?s\.`)
	normalise := func(b []byte) string {
		return strings.TrimSpace(varying.ReplaceAllString(string(b), "…"))
	}
	if got, want := normalise(printed), normalise(block); got != want {
		t.Errorf("README.md's demo output differs from the demo's; paste the new output into README.md.\n--- demo prints:\n%s\n--- README shows:\n%s", got, want)
	}
}
