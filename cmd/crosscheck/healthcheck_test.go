package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/ops"
)

func runCrosscheck(t *testing.T, ctx context.Context, getenv func(string) string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	code = run(ctx, env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: getenv}, args)
	return code, out.String(), errb.String()
}

func TestHealthcheck(t *testing.T) {
	healthy := httptest.NewServer(ops.NewHandler(ops.HandlerOptions{}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	redirect := httptest.NewServer(http.RedirectHandler(healthy.URL+"/healthz", http.StatusFound))
	defer redirect.Close()
	// An address nothing listens on: bind, note it, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	_, healthyPort, _ := net.SplitHostPort(healthy.Listener.Addr().String())

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"healthy", []string{"--addr", healthy.Listener.Addr().String()}, 0, "ok http://" + healthy.Listener.Addr().String() + "/healthz\n", ""},
		{"all interfaces probed on loopback", []string{"--addr", ":" + healthyPort}, 0, "ok http://127.0.0.1:" + healthyPort + "/healthz\n", ""},
		{"503", []string{"--addr", sick.Listener.Addr().String()}, 1, "", "503 Service Unavailable"},
		{"redirect is not health", []string{"--addr", redirect.Listener.Addr().String()}, 1, "", "302 Found"},
		{"nothing listening", []string{"--addr", dead}, 1, "", "connection refused"},
		{"bad address", []string{"--addr", "localhost"}, 2, "", `healthcheck: --addr "localhost"`},
		{"stray argument", []string{"now"}, 2, "", `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCrosscheck(t, context.Background(), nil, append([]string{"healthcheck"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if stdout != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout, tt.stdout)
			}
			if tt.stderr != "" {
				if !strings.HasPrefix(stderr, "crosscheck: healthcheck: ") || !strings.Contains(stderr, tt.stderr) || strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr %q, want one line containing %q", stderr, tt.stderr)
				}
			}
		})
	}
}
