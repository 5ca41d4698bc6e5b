package feeds

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files under testdata/")

// Each sample list parses into what testdata/opml/NAME.golden.json says.
func TestParseOPMLGolden(t *testing.T) {
	for _, name := range []string{"nested-2.0.opml", "flat-1.0.opml", "windows-1252.opml"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "opml", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ParseOPML(f)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			js = append(js, '\n')
			golden := filepath.Join("testdata", "opml", strings.TrimSuffix(name, ".opml")+".golden.json")
			if *updateGolden {
				if err := os.WriteFile(golden, js, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestParseOPMLGolden -update)", err)
			}
			if !bytes.Equal(js, want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, js)
			}
		})
	}
}

// What an editor importing the newsroom list relies on, spelled out
// beside the golden file.
func TestParseOPMLNestedOutlines(t *testing.T) {
	f, err := os.Open("testdata/opml/nested-2.0.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got.Sources {
		names = append(names, s.Name+" = "+s.Outlet)
	}
	want := []string{
		"the-kyiv-independent = The Kyiv Independent",
		"pravda-com-ua = Українська правда", // a Cyrillic title names the feed after its host
		"kharkiv-today = Kharkiv Today",     // two levels of categories deep
		"yonhap-news-agency = Yonhap News Agency",
		"the-kyiv-independent-2 = The Kyiv Independent", // same title, other URL
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("sources:\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	var reasons []string
	for _, s := range got.Skipped {
		reasons = append(reasons, s.Title+": "+s.Reason)
	}
	wantSkipped := []string{
		`Yonhap (again): listed twice; kept as "yonhap-news-agency"`,
		`Local file: "file:///etc/passwd": scheme "file" not allowed, only http and https`,
		`Scripted: "javascript:alert(1)": scheme "javascript" not allowed, only http and https`,
		`Relative: "/feed.xml" has no scheme: feeds are fetched over http or https`,
	}
	if strings.Join(reasons, "\n") != strings.Join(wantSkipped, "\n") {
		t.Errorf("skipped:\n%s\nwant\n%s", strings.Join(reasons, "\n"), strings.Join(wantSkipped, "\n"))
	}
	if got.Title != "Newsroom subscriptions" {
		t.Errorf("title %q", got.Title)
	}
}

func TestParseOPMLErrors(t *testing.T) {
	notOPML, err := os.ReadFile("testdata/opml/not-opml.xml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"a feed, not a list", string(notOPML), "feeds: opml: not an OPML file: the root element is <rss>, want <opml>"},
		{"empty", "", "feeds: opml: not an OPML file: no elements"},
		{"HTML page", "<!DOCTYPE html><html><body>hi</body></html>", "feeds: opml: not an OPML file: the root element is <html>, want <opml>"},
		{"truncated", `<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/`, "feeds: opml: XML syntax error on line 1: unexpected EOF"},
		{"unknown encoding", `<?xml version="1.0" encoding="x-klingon"?><opml/>`, `feeds: opml: xml: opening charset "x-klingon": unsupported charset: "x-klingon"`},
		{"too deep", "<opml><body>" + strings.Repeat("<outline>", 100), "feeds: opml: outlines nested more than 64 deep"},
		{"too big", "<opml><body>" + strings.Repeat("<!-- padding padding -->", MaxOPMLBytes/20), "feeds: opml: larger than 10485760 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOPML(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestParseOPMLTooManyFeeds(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<opml version="2.0"><body>`)
	for i := range MaxOPMLFeeds + 1 {
		b.WriteString(`<outline text="f" xmlUrl="https://f.example/` + strconv.Itoa(i) + `"/>`)
	}
	b.WriteString(`</body></opml>`)
	_, err := ParseOPML(strings.NewReader(b.String()))
	if err == nil || err.Error() != "feeds: opml: more than 10000 feeds" {
		t.Errorf("got %v", err)
	}
}

func TestSlugAndUniqueName(t *testing.T) {
	for in, want := range map[string]string{
		"The Kyiv Independent":                 "the-kyiv-independent",
		"Émile's Blog — Politics & War":        "emiles-blog-politics-war",
		"  Reuters: World News  ":              "reuters-world-news",
		"Українська правда":                    "",
		"BBC News (UK)":                        "bbc-news-uk",
		strings.Repeat("very long title ", 10): "very-long-title-very-long-title-very-long-title-very-long-title",
	} {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if got != "" {
			if err := ValidateName(got); err != nil {
				t.Errorf("Slug(%q) = %q is not a valid name: %v", in, got, err)
			}
		}
	}
	taken := map[string]bool{"a": true, "a-2": true}
	if got := UniqueName("a", func(n string) bool { return taken[n] }); got != "a-3" {
		t.Errorf("UniqueName = %q", got)
	}
	long := strings.Repeat("x", MaxNameLen)
	got := UniqueName(long, func(n string) bool { return n == long })
	if len(got) > MaxNameLen || !strings.HasSuffix(got, "-2") {
		t.Errorf("UniqueName(long) = %q", got)
	}
}

func FuzzParseOPML(f *testing.F) {
	for _, name := range []string{"nested-2.0.opml", "flat-1.0.opml", "windows-1252.opml", "not-opml.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "opml", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseOPML(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "feeds: opml: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		names := map[string]bool{}
		urls := map[string]bool{}
		for _, s := range got.Sources {
			if err := s.Validate(); err != nil {
				t.Fatalf("invalid source %+v: %v", s, err)
			}
			if names[s.Name] || urls[URLKey(s.URL)] {
				t.Fatalf("duplicate %+v", s)
			}
			names[s.Name], urls[URLKey(s.URL)] = true, true
			if !utf8.ValidString(s.Outlet) || s.Outlet == "" {
				t.Fatalf("bad outlet %q", s.Outlet)
			}
		}
	})
}
