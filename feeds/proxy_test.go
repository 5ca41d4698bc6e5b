package feeds

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// proxy is a forward proxy on loopback that answers for every target
// itself, and records what it was asked for.
type proxy struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newProxy(t *testing.T) *proxy {
	p := &proxy{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A forward proxy gets the absolute URL in the request line.
		p.mu.Lock()
		p.seen = append(p.seen, r.URL.String())
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<rss version="2.0"><channel><title>via proxy</title></channel></rss>`))
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *proxy) url() *url.URL {
	u, _ := url.Parse(p.srv.URL)
	return u
}

// TestFetchThroughProxy: the proxy on a private (loopback) address is
// reached although private networks are refused, since the operator
// configured it; a target that resolves to a private address is still
// refused, before anything is sent to the proxy.
func TestFetchThroughProxy(t *testing.T) {
	tests := []struct {
		name       string
		resolve    string // what the target name resolves to, for the pre-check
		allow      bool
		wantProxy  bool
		wantRefuse bool
	}{
		{"public target", "93.184.215.14", false, true, false},
		{"private target refused before sending", "10.1.2.3", false, false, true},
		{"private target allowed when configured", "10.1.2.3", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProxy(t)
			f := NewFetcher(FetcherConfig{RequestTimeout: 5 * time.Second, AllowPrivateNetworks: tt.allow, Proxy: ProxyURL(p.url())})
			defer f.Close()
			f.lookup = func(context.Context, string) ([]netip.Addr, error) {
				return []netip.Addr{netip.MustParseAddr(tt.resolve)}, nil
			}
			resp, err := f.Fetch(context.Background(), "http://feeds.example/rss", Validators{})
			if tt.wantRefuse {
				var pe *PrivateAddressError
				if !errors.As(err, &pe) || pe.Host != "feeds.example" {
					t.Errorf("error %v, want a refusal naming feeds.example", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if !strings.Contains(string(resp.Body), "via proxy") {
				t.Errorf("body %q, want the proxy's answer", resp.Body)
			}
			got := p.requests()
			if tt.wantProxy && (len(got) != 1 || got[0] != "http://feeds.example/rss") {
				t.Errorf("proxy saw %v, want one request for http://feeds.example/rss", got)
			}
			if !tt.wantProxy && len(got) != 0 {
				t.Errorf("proxy saw %v, want nothing sent", got)
			}
		})
	}
}

// TestFetchProxyFromEnvironment: HTTP_PROXY carries requests, NO_PROXY
// keeps its hosts direct, and direct requests keep the dial-time check.
func TestFetchProxyFromEnvironment(t *testing.T) {
	p := newProxy(t)
	env := map[string]string{"HTTP_PROXY": p.srv.URL, "NO_PROXY": "direct.example"}
	f := NewFetcher(FetcherConfig{RequestTimeout: 5 * time.Second, Proxy: ProxyFromEnvironment(func(k string) string { return env[k] })})
	defer f.Close()
	f.lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "direct.example" {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
	}
	if _, err := f.Fetch(context.Background(), "http://proxied.example/rss", Validators{}); err != nil {
		t.Fatal(err)
	}
	if got := p.requests(); len(got) != 1 || got[0] != "http://proxied.example/rss" {
		t.Errorf("proxy saw %v, want http://proxied.example/rss", got)
	}
	// direct.example is not proxied: dialled itself, and refused as the
	// loopback address it resolves to.
	_, err := f.Fetch(context.Background(), "http://direct.example/rss", Validators{})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("NO_PROXY host: %v, want the dial-time refusal", err)
	}
	if got := p.requests(); len(got) != 1 {
		t.Errorf("proxy saw %v, want NO_PROXY's host kept off it", got)
	}
}

func TestPrivateAddressHint(t *testing.T) {
	f := NewFetcher(FetcherConfig{RequestTimeout: 2 * time.Second, PrivateNetworksHint: "pass --allow-private-networks to allow it"})
	defer f.Close()
	_, err := f.Fetch(context.Background(), "http://127.0.0.1:9/rss", Validators{})
	if err == nil || !strings.HasSuffix(err.Error(), "(pass --allow-private-networks to allow it)") {
		t.Errorf("error %v, want the caller's hint", err)
	}
}
