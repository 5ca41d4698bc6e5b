package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// seedPath is the canonical article in the shared folder beside the
// repository; needSeed skips a test that reads it when it is absent.
const seedPath = "../../../shared/seed/kursk-dispute.txt"

func needSeed(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(seedPath); err != nil {
		t.Skipf("%s is absent: the shared test material is not beside the repository", seedPath)
	}
}

func TestExtractTable(t *testing.T) {
	needSeed(t)
	code, out, errOut := cliRun(t, "", "extract", "--outlet", "The Kyiv Independent", "--published", "2025-03-03T09:00:00Z", seedPath)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"CLAIMANT", "SENTENCE",
		"Kyrylo Budanov (HUR)", "media reports (The New York Times, Yonhap)", "South Korea's NIS",
		"[9,900, 12,100]", "(3,000, ∞)", "2024-10-24", "absent", "present",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// the outlet's own claim names the outlet
	if !regexp.MustCompile(`(?m)^The Kyiv Independent +north korean soldiers +deployed +- +\[9,900, 12,100\]`).MatchString(out) {
		t.Errorf("no unattributed claim by the outlet:\n%s", out)
	}
}

func TestExtractJSONFromStdin(t *testing.T) {
	needSeed(t)
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cliRun(t, string(seed), "extract", "--json", "--outlet", "KI", "--published", "2025-03-03T09:00:00Z", "-")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 9 {
		t.Fatalf("%d claims, want at least 9:\n%s", len(lines), out)
	}
	var zelensky, status bool
	for _, l := range lines {
		var j map[string]any
		if err := json.Unmarshal([]byte(l), &j); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"claimant", "outlet", "url", "published", "as_of", "text", "low", "high", "status", "subject", "measure", "place", "start", "end"} {
			if _, ok := j[k]; !ok {
				t.Errorf("line lacks %q: %s", k, l)
			}
		}
		start, end := int(j["start"].(float64)), int(j["end"].(float64))
		if string(seed[start:end]) != j["text"] {
			t.Errorf("text %q is not the article's bytes %d..%d", j["text"], start, end)
		}
		if j["claimant"] == "Volodymyr Zelensky" {
			zelensky = j["low"] == 3000.0 && j["high"] == nil && j["low_open"] == true
		}
		if j["status"] == "absent" {
			status = j["low"] == nil && j["high"] == nil
		}
	}
	if !zelensky || !status {
		t.Errorf("open-ended figure or status encoded wrongly:\n%s", out)
	}
}

func TestExtractURL(t *testing.T) {
	needSeed(t)
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	body.WriteString("<html><head><title>Budanov: North Korean troops still fighting</title></head><body><article><h1>Budanov: North Korean troops still fighting</h1>")
	for _, p := range strings.Split(string(seed), "\n\n") {
		body.WriteString("<p>" + p + "</p>\n")
	}
	body.WriteString("</article></body></html>")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body.String()))
	}))
	defer srv.Close()

	code, _, errOut := cliRun(t, "", "extract", srv.URL+"/story")
	// The hint names the flag that allows it, not a configuration file
	// extract does not read.
	if line := oneLine(t, errOut); code != 1 || !strings.Contains(line, "private") ||
		!strings.Contains(line, "pass --allow-private-networks") || strings.Contains(line, "configuration") {
		t.Errorf("loopback URL without --allow-private-networks: exit %d, %s", code, errOut)
	}
	code, out, errOut := cliRun(t, "", "extract", "--json", "--allow-private-networks", srv.URL+"/story")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(out, `"claimant":"Kyrylo Budanov (HUR)"`) || !strings.Contains(out, `"url":"`+srv.URL+`/story"`) {
		t.Errorf("claims from the page:\n%s", out)
	}
}

func TestExtractBadUsage(t *testing.T) {
	needSeed(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no argument", []string{"extract"}, 2, "want one FILE, URL or -"},
		{"two arguments", []string{"extract", "a", "b"}, 2, "want one FILE, URL or -"},
		{"unknown flag", []string{"extract", "--xml", "a"}, 2, "-xml"},
		{"bad date", []string{"extract", "--published", "yesterday", seedPath}, 2, `--published "yesterday" is not RFC 3339`},
		{"missing file", []string{"extract", "no-such-file.txt"}, 1, "no-such-file.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cliRun(t, "", tt.args...)
			if code != tt.code || !strings.Contains(oneLine(t, errOut), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestExtractEmptyInput(t *testing.T) {
	code, out, _ := cliRun(t, "", "extract", "-")
	if code != 0 || !strings.Contains(out, "no claims found") {
		t.Errorf("exit %d, out %q", code, out)
	}
}
