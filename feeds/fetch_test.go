package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const rssBody = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>` +
	`<item><guid>k1</guid><title>Kursk</title><link>https://example.org/kursk</link><description>8,000 still fighting</description></item>` +
	`</channel></rss>`

// testFetcher allows loopback, where httptest servers live, and uses short
// timeouts so the slow-server tests finish quickly.
func testFetcher(t testing.TB, cfg FetcherConfig) *Fetcher {
	t.Helper()
	cfg.AllowPrivateNetworks = true
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 5 * time.Second
	}
	f := NewFetcher(cfg)
	t.Cleanup(f.Close)
	return f
}

func TestFetchConditionalGET(t *testing.T) {
	var requests []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.Header.Clone())
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 20 Jan 2025 08:00:00 GMT")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(w, rssBody)
	}))
	defer srv.Close()
	f := testFetcher(t, FetcherConfig{})
	ctx := context.Background()

	resp, err := f.Fetch(ctx, srv.URL, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.NotModified || string(resp.Body) != rssBody || resp.ETag != `"v1"` || resp.LastModified != "Mon, 20 Jan 2025 08:00:00 GMT" {
		t.Fatalf("first fetch = %+v", resp)
	}
	if h := requests[0]; h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
		t.Errorf("first fetch sent validators: %v", h)
	}
	if ua := requests[0].Get("User-Agent"); ua != "Crosscheck/"+Version+" (+https://github.com/crosscheck-news/crosscheck)" {
		t.Errorf("User-Agent = %q", ua)
	}

	resp, err = f.Fetch(ctx, srv.URL, Validators{ETag: resp.ETag, LastModified: resp.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if h := requests[1]; h.Get("If-None-Match") != `"v1"` || h.Get("If-Modified-Since") != "Mon, 20 Jan 2025 08:00:00 GMT" {
		t.Errorf("second fetch validators: If-None-Match %q, If-Modified-Since %q", h.Get("If-None-Match"), h.Get("If-Modified-Since"))
	}
	if !resp.NotModified || len(resp.Body) != 0 || resp.ETag != `"v1"` || resp.LastModified != "Mon, 20 Jan 2025 08:00:00 GMT" {
		t.Errorf("304 = %+v, want NotModified with the validators kept", resp)
	}
}

func TestFetchGzip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprint(zw, rssBody)
		zw.Close()
	}))
	defer srv.Close()
	resp, err := testFetcher(t, FetcherConfig{}).Fetch(context.Background(), srv.URL, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != rssBody {
		t.Errorf("body = %q, want the decompressed feed", resp.Body)
	}
}

func TestFetchServerWishes(t *testing.T) {
	now := time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		status  int
		headers map[string]string
		want    time.Time // NotBefore, or RetryAfter of the error
	}{
		{"max-age", 200, map[string]string{"Cache-Control": "public, max-age=1800"}, now.Add(30 * time.Minute)},
		{"no-cache wins", 200, map[string]string{"Cache-Control": "max-age=1800, no-cache"}, time.Time{}},
		{"max-age on a 304", 304, map[string]string{"Cache-Control": "max-age=600"}, now.Add(10 * time.Minute)},
		{"429 Retry-After seconds", 429, map[string]string{"Retry-After": "120"}, now.Add(2 * time.Minute)},
		{"503 Retry-After date", 503, map[string]string{"Retry-After": "Mon, 20 Jan 2025 11:00:00 GMT"}, now.Add(2 * time.Hour)},
		{"Retry-After in the past", 503, map[string]string{"Retry-After": "Mon, 20 Jan 2025 08:00:00 GMT"}, time.Time{}},
		{"Retry-After garbage", 429, map[string]string{"Retry-After": "soon"}, time.Time{}},
		{"Retry-After longer than max-age", 200, map[string]string{"Retry-After": "3600", "Cache-Control": "max-age=60"}, now.Add(time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				if tc.status == 200 {
					fmt.Fprint(w, rssBody)
				}
			}))
			defer srv.Close()
			f := testFetcher(t, FetcherConfig{Now: func() time.Time { return now }})
			resp, err := f.Fetch(context.Background(), srv.URL, Validators{ETag: `"x"`})
			if tc.status >= 400 {
				var he *HTTPStatusError
				if !errors.As(err, &he) {
					t.Fatalf("error = %v, want *HTTPStatusError", err)
				}
				if he.Status != tc.status || !he.RetryAfter.Equal(tc.want) {
					t.Errorf("HTTPStatusError = %+v, want status %d, retry after %v", he, tc.status, tc.want)
				}
				if want := fmt.Sprintf("feeds: fetch %s: server answered %d", srv.URL, tc.status); !strings.HasPrefix(err.Error(), want) {
					t.Errorf("error = %q, want it to start %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !resp.NotBefore.Equal(tc.want) {
				t.Errorf("NotBefore = %v, want %v", resp.NotBefore, tc.want)
			}
		})
	}
}

// gzipBomb is size bytes of zeros as a gzip stream about a thousandth of
// that: one compressed MiB repeated as gzip members, which readers
// concatenate.
func gzipBomb(t testing.TB, size int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), size>>20)
}

func TestFetchBadServers(t *testing.T) {
	bomb := gzipBomb(t, 1<<30) // 1 GiB of zeros in about 1 MB
	big := bytes.Repeat([]byte("<item>8,000 soldiers</item>\n"), 50<<20/28)
	cases := []struct {
		name    string
		handler http.HandlerFunc
		cfg     FetcherConfig
		is      error
		want    string // the error after "feeds: fetch URL: "
	}{
		{"50 MB body with Content-Length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			w.Write(big)
		}, FetcherConfig{}, ErrBodyTooLarge, fmt.Sprintf("body of %d bytes exceeds the 10 MiB limit", len(big))},
		{"50 MB body streamed", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(big); i += 1 << 20 {
				if _, err := w.Write(big[i:min(i+1<<20, len(big))]); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}, FetcherConfig{}, ErrBodyTooLarge, "body exceeds the 10 MiB limit"},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}, FetcherConfig{}, ErrBodyTooLarge, "decompressed body exceeds the 10 MiB limit"},
		{"corrupt gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte("not gzip at all"))
		}, FetcherConfig{}, nil, "bad gzip body"},
		{"server that never answers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, FetcherConfig{RequestTimeout: 300 * time.Millisecond}, ErrTimeout, "no complete answer within 300ms"},
		{"server that trickles a byte a second", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for i := 0; i < len(rssBody); i++ {
				if _, err := w.Write([]byte{rssBody[i]}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-tick.C:
				}
			}
		}, FetcherConfig{RequestTimeout: 2500 * time.Millisecond}, ErrTimeout, "no complete answer within 2.5s"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop", http.StatusFound)
		}, FetcherConfig{}, ErrTooManyRedirects, "stopped after 5 redirects at "},
		{"not a web URL", nil, FetcherConfig{}, nil, `unsupported scheme "ftp"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := "ftp://example.org/feed"
			if tc.handler != nil {
				srv := httptest.NewServer(tc.handler)
				defer srv.Close()
				url = srv.URL
			}
			start := time.Now()
			resp, err := testFetcher(t, tc.cfg).Fetch(context.Background(), url, Validators{})
			if err == nil {
				t.Fatalf("fetched %d bytes, want an error", len(resp.Body))
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			if want := "feeds: fetch " + url + ": " + tc.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %q\nwant it to start %q", err, want)
			}
			if tc.cfg.RequestTimeout > 0 && time.Since(start) > tc.cfg.RequestTimeout+2*time.Second {
				t.Errorf("gave up after %v, timeout %v", time.Since(start), tc.cfg.RequestTimeout)
			}
		})
	}
}

func TestFetchFollowsFiveRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			fmt.Fprint(w, rssBody)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := testFetcher(t, FetcherConfig{})
	resp, err := f.Fetch(context.Background(), srv.URL+"/hop/5", Validators{})
	if err != nil {
		t.Fatalf("5 redirects: %v", err)
	}
	if resp.URL != srv.URL+"/hop/0" {
		t.Errorf("final URL = %q", resp.URL)
	}
	if _, err := f.Fetch(context.Background(), srv.URL+"/hop/6", Validators{}); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("6 redirects: error %v, want ErrTooManyRedirects", err)
	}
}

// resolveTo makes every name resolve to addrs, so a test can point
// "feed.test" at addresses that must be refused without sending them a
// packet: refusal happens before any connection is tried.
func resolveTo(f *Fetcher, dials *atomic.Int32, addrs ...string) {
	f.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range addrs {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
	control := f.dialer.Control
	f.dialer.Control = func(network, address string, c syscall.RawConn) error {
		dials.Add(1)
		return control(network, address, c)
	}
}

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	cases := []struct {
		addrs []string
		kind  string
	}{
		{[]string{"127.0.0.1"}, "loopback"},
		{[]string{"10.0.0.1"}, "private"},
		{[]string{"169.254.169.254"}, "link-local"},
		{[]string{"192.168.1.10"}, "private"},
		{[]string{"172.16.5.4"}, "private"},
		{[]string{"100.64.0.1"}, "carrier-grade NAT"},
		{[]string{"0.0.0.0"}, "unspecified"},
		{[]string{"224.0.0.1"}, "multicast"},
		{[]string{"::1"}, "loopback"},
		{[]string{"fd00::1"}, "private"},
		{[]string{"fe80::1"}, "link-local"},
		{[]string{"::ffff:10.0.0.1"}, "private"},
		{[]string{"10.0.0.1", "169.254.169.254"}, "private"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.addrs, ","), func(t *testing.T) {
			f := NewFetcher(FetcherConfig{RequestTimeout: 2 * time.Second})
			defer f.Close()
			var dials atomic.Int32
			resolveTo(f, &dials, tc.addrs...)
			_, err := f.Fetch(context.Background(), "http://feed.test/rss", Validators{})
			if !errors.Is(err, ErrPrivateAddress) {
				t.Fatalf("error = %v, want ErrPrivateAddress", err)
			}
			var pe *PrivateAddressError
			if !errors.As(err, &pe) || pe.Host != "feed.test" {
				t.Errorf("refusal %+v does not name feed.test", pe)
			}
			first := netip.MustParseAddr(tc.addrs[0]).Unmap()
			want := fmt.Sprintf("feeds: fetch http://feed.test/rss: refusing to connect to feed.test (%s): %s is a %s address, "+
				"and private networks are not allowed (set allow_private_networks: true in the configuration to allow it)", first, first, tc.kind)
			if err.Error() != want {
				t.Errorf("error =\n%q\nwant\n%q", err, want)
			}
			if n := dials.Load(); n != 0 {
				t.Errorf("%d connections tried, want none", n)
			}
		})
	}
}

func TestFetchRefusesPrivateAddressLiterals(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request reached the loopback server")
	}))
	defer srv.Close()
	f := NewFetcher(FetcherConfig{})
	defer f.Close()
	_, err := f.Fetch(context.Background(), srv.URL, Validators{})
	if !errors.Is(err, ErrPrivateAddress) || !strings.Contains(err.Error(), "allow_private_networks: true") {
		t.Errorf("error = %v, want a refusal saying how to allow it", err)
	}

	// Whatever path leads to a dial (a redirect, a reused name), the
	// socket's own check refuses the address actually connected to.
	for addr, wantErr := range map[string]bool{
		"10.0.0.1:80": true, "169.254.169.254:80": true, "[::1]:443": true, "[fe80::1%eth0]:80": true,
		"93.184.216.34:443": false, "[2606:2800:220:1:248:1893:25c8:1946]:443": false,
	} {
		err := f.control("tcp", addr, nil)
		if gotErr := errors.Is(err, ErrPrivateAddress); gotErr != wantErr {
			t.Errorf("control(%s) = %v, want refusal %v", addr, err, wantErr)
		}
	}
}

func TestFetchAllowsPrivateWhenConfigured(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "feed.test:"+portOf(t, "http://"+r.Host) {
			t.Errorf("Host = %q", r.Host)
		}
		fmt.Fprint(w, rssBody)
	}))
	defer srv.Close()
	f := NewFetcher(FetcherConfig{AllowPrivateNetworks: true})
	defer f.Close()
	var dials atomic.Int32
	resolveTo(f, &dials, "127.0.0.1")
	resp, err := f.Fetch(context.Background(), "http://feed.test:"+portOf(t, srv.URL)+"/rss", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != rssBody || dials.Load() != 1 {
		t.Errorf("body %q after %d dials", resp.Body, dials.Load())
	}
}

func portOf(t testing.TB, rawURL string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(rawURL, "http://"), "https://"))
	if err != nil {
		t.Fatal(err)
	}
	return port
}
