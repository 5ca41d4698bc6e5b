package feeds

import "testing"

func TestItemIDSameItem(t *testing.T) {
	// Each pair is one item as two polls might see it: same identity.
	cases := []struct {
		name string
		a, b Item
	}{
		{"GUID with stray whitespace",
			Item{GUID: "tag:kyivindependent.com,2025:kursk-1", Title: "Kursk"},
			Item{GUID: "  tag:kyivindependent.com,2025:kursk-1\n", Title: "Kursk, updated"}},
		{"URL GUID with tracking and host case",
			Item{GUID: "https://kyivindependent.com/kursk-1/"},
			Item{GUID: "https://KyivIndependent.com:443/kursk-1?utm_source=rss&utm_medium=feed#top"}},
		{"GUID wins over a changed link",
			Item{GUID: "k1", Link: "https://kyivindependent.com/kursk-1"},
			Item{GUID: "k1", Link: "https://kyivindependent.com/kursk-1-update"}},
		{"link when there is no GUID",
			Item{Link: "https://www.heise.de/meldung/Mega-Deal-4205582.html?wt_mc=rss.ho.beitrag.rdf", Title: "Mega-Deal"},
			Item{Link: "https://www.heise.de/meldung/Mega-Deal-4205582.html", Title: "Mega-Deal: IBM übernimmt Red Hat"}},
		{"title and text when there is neither, markup aside",
			Item{Title: "Kursk", Content: "<p>8,000 still   fighting</p>"},
			Item{Title: " Kursk ", Content: "8,000 still fighting"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := ItemID(tc.a), ItemID(tc.b)
			if a == "" || a != b {
				t.Errorf("ItemID(%+v) = %q, ItemID(%+v) = %q: want equal and non-empty", tc.a, a, tc.b, b)
			}
		})
	}
}

func TestItemIDDifferentItems(t *testing.T) {
	cases := []struct {
		name string
		a, b Item
	}{
		{"different GUIDs", Item{GUID: "k1"}, Item{GUID: "k2"}},
		{"a GUID never equals the same string as a link", Item{GUID: "https://example.org/k1"}, Item{Link: "https://example.org/k1"}},
		{"different article query", Item{Link: "https://example.org/article?id=1"}, Item{Link: "https://example.org/article?id=2"}},
		{"different paths, same host", Item{Link: "https://example.org/a"}, Item{Link: "https://example.org/b"}},
		{"different text", Item{Title: "Kursk", Content: "8,000"}, Item{Title: "Kursk", Content: "11,000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if a, b := ItemID(tc.a), ItemID(tc.b); a == b {
				t.Errorf("ItemID(%+v) == ItemID(%+v) == %q", tc.a, tc.b, a)
			}
		})
	}
	if id := ItemID(Item{Content: "  "}); id != "" {
		t.Errorf("ItemID of an empty item = %q, want \"\"", id)
	}
}

func TestLinkKey(t *testing.T) {
	cases := []struct{ link, want string }{
		{"https://kyivindependent.com/north-korean-troops-kursk/", "/north-korean-troops-kursk"},
		{"http://www.kyivindependent.com/north-korean-troops-kursk?utm_source=rss&utm_campaign=x#comments", "/north-korean-troops-kursk"},
		{"https://www.heise.de/meldung/Mega-Deal-4205582.html?wt_mc=rss.ho.beitrag.rdf", "/meldung/Mega-Deal-4205582.html"},
		{"https://example.org/article.php?id=7&fbclid=abc&b=2", "/article.php?b=2&id=7"},
		{"https://example.org/article.php?b=2&id=7", "/article.php?b=2&id=7"},
		{"/relative/story", "/relative/story"},
		{"https://example.org/", ""},
		{"https://example.org", ""},
		{"", ""},
		{"://bad", ""},
	}
	for _, tc := range cases {
		t.Run(tc.link, func(t *testing.T) {
			if got := LinkKey(tc.link); got != tc.want {
				t.Errorf("LinkKey(%q) = %q, want %q", tc.link, got, tc.want)
			}
		})
	}
}

func TestContentHash(t *testing.T) {
	base := Item{GUID: "k1", Title: "Kursk", Content: `<p>About 8,000 North Korean soldiers are still fighting.</p><img src="https://pixel.example/t.gif?r=1">`}
	same := []Item{
		{GUID: "k1", Title: "Kursk ", Content: "<div><p>About 8,000 North Korean soldiers   are still fighting.</p></div>"},
		{GUID: "k1", Title: "Kursk", Content: `<p>About 8,000 North Korean soldiers are still fighting.</p><img src="https://pixel.example/t.gif?r=2">`},
		{GUID: "k1", Title: "Kursk", Content: `<p>About 8,000 North Korean soldiers are still fighting.</p><script>track()</script>`},
		// Inline markup joins what it wraps: a link before a full stop, or
		// emphasis, is not a change of text.
		{GUID: "k1", Title: "Kursk", Content: `<p>About 8,000 North Korean <em>soldiers</em> are still <a href="https://x.example/">fighting</a>.</p>`},
		{GUID: "k1", Title: "Kursk", Content: "About 8,000 North Korean soldiers are still fighting."},
	}
	changed := []Item{
		{GUID: "k1", Title: "Kursk", Content: "<p>About 11,000 North Korean soldiers are still fighting.</p>"},
		{GUID: "k1", Title: "Kursk: update", Content: "<p>About 8,000 North Korean soldiers are still fighting.</p>"},
	}
	h := ContentHash(base)
	for _, it := range same {
		if got := ContentHash(it); got != h {
			t.Errorf("ContentHash changed for markup only: %q", it.Content)
		}
	}
	for _, it := range changed {
		if got := ContentHash(it); got == h {
			t.Errorf("ContentHash unchanged for new text: %q / %q", it.Title, it.Content)
		}
	}
}

func TestWordCount(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Budanov said 8,000 were still fighting.", 6},
		{"<p>Budanov <b>said</b></p><p>8,000</p><script>var a = 1 2 3</script>", 3},
		{"a&amp;b c", 2},
	}
	for _, tc := range cases {
		if got := WordCount(tc.in); got != tc.want {
			t.Errorf("WordCount(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
