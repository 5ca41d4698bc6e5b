package bot

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// httpErrors are the answers the HTTP endpoints give a signed request they
// cannot take, by status.
var httpErrors = map[int][]string{
	http.StatusBadRequest: {"unreadable body", "unreadable event", "unreadable challenge", "unreadable command",
		"unreadable form", "unreadable payload"},
	http.StatusRequestEntityTooLarge: {"request body too large"},
	http.StatusServiceUnavailable:    {"busy"},
}

// checkHTTPAnswer holds an endpoint's answer to a signed body to its shape.
func checkHTTPAnswer(t *testing.T, path, body string, rec *httptest.ResponseRecorder) {
	t.Helper()
	got := rec.Body.String()
	if rec.Code == http.StatusOK {
		var ch struct{ Type, Challenge string }
		if path == "/slack/events" && json.Unmarshal([]byte(body), &ch) == nil && ch.Type == "url_verification" && got != ch.Challenge {
			t.Errorf("URL verification with challenge %q answered %q", ch.Challenge, got)
		}
		return
	}
	msgs, ok := httpErrors[rec.Code]
	if !ok {
		t.Fatalf("%s answered a signed body with %d %q", path, rec.Code, got)
	}
	if !slices.Contains(msgs, strings.TrimSuffix(got, "\n")) {
		t.Errorf("%s answered %d with %q, not one of %q", path, rec.Code, got, msgs)
	}
}
