package feeds

import "testing"

func TestURLKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://Example.ORG/RSS", "https://example.org/RSS"},
		{"https://example.org:443/rss#x", "https://example.org/rss"},
		{"http://example.org:80", "http://example.org/"},
		{"http://example.org:8080/a?b=1", "http://example.org:8080/a?b=1"},
		{"http://[::1]:80/", "http://[::1]/"},
		{"http://[::1]:81/", "http://[::1]:81/"},
		{"%zz", "%zz"},
	}
	for _, tt := range tests {
		if got := URLKey(tt.in); got != tt.want {
			t.Errorf("URLKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
