package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/crosscheck-news/crosscheck"

// layerRules are README.md's Architecture drawing as rules: packages
// matching from never depend, directly or through others, on a package
// matching any of never. A pattern ending in "/..." is that package and
// everything under it; any other is one package.
var layerRules = []struct {
	from  string
	never []string
}{
	// The fetcher returns what it fetched; the pipeline stores it.
	{"feeds", []string{"state/...", "feeds/desk/...", "bot/...", "cmd/..."}},
	// The store decides nothing and speaks to no one.
	{"state/...", []string{"bot/...", "feeds/desk/...", "cmd/..."}},
	// The pipeline speaks no Slack.
	{"feeds/desk/...", []string{"github.com/slack-go/slack/...", "bot/...", "cmd/..."}},
	// The bot is Slack alone: configuration, operations and the demo are
	// the command's.
	{"bot/...", []string{"cmd/..."}},
	// Extraction and judgement are pure: no fetching, storing or Slack.
	{"feeds/claim/...", []string{"feeds", "feeds/desk/...", "state/...", "bot/...", "cmd/..."}},
}

// match reports whether pkg is in pattern; patterns without a host are
// the module's.
func match(pattern, pkg string) bool {
	if !strings.Contains(strings.SplitN(pattern, "/", 2)[0], ".") {
		pattern = module + "/" + pattern
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// TestImportsRunDownwards asks the go command for every package's
// dependencies (as `go list -deps` shows them) and holds them to
// layerRules, so an import that runs upwards fails here rather than in
// review.
func TestImportsRunDownwards(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(goBin, "list", "-json=ImportPath,Deps", module+"/...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	type pkg struct {
		ImportPath string
		Deps       []string
	}
	var pkgs []pkg
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; is this the module root?", len(pkgs))
	}
	for _, r := range layerRules {
		for _, p := range pkgs {
			if !match(r.from, p.ImportPath) {
				continue
			}
			for _, dep := range p.Deps {
				for _, never := range r.never {
					if match(never, dep) {
						t.Errorf("%s depends on %s (rule: %s never imports %s)", p.ImportPath, dep, r.from, never)
					}
				}
			}
		}
	}
}

// The patterns mean what the rules need: feeds alone is not feeds/claim,
// and a host-qualified pattern is not the module's.
func TestLayerPatterns(t *testing.T) {
	tests := []struct {
		pattern, pkg string
		want         bool
	}{
		{"feeds", module + "/feeds", true},
		{"feeds", module + "/feeds/claim", false},
		{"feeds/claim/...", module + "/feeds/claim", true},
		{"feeds/claim/...", module + "/feeds/claim/lang", true},
		{"feeds/claim/...", module + "/feeds/claimx", false},
		{"bot/...", module + "/bot/slacktest", true},
		{"github.com/slack-go/slack/...", "github.com/slack-go/slack/socketmode", true},
		{"github.com/slack-go/slack/...", module + "/github.com/slack-go/slack", false},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.pkg); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.pkg, got, tt.want)
		}
	}
}
