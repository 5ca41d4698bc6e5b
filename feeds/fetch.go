package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Version is the Crosscheck release the default User-Agent names.
const Version = "0.1.0"

// Fetcher defaults, as promised in the README.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxBodyBytes   = 10 << 20
	// MaxRedirects is how many redirects one fetch follows before giving up.
	MaxRedirects = 5
)

// DefaultUserAgent names Crosscheck and where to learn about it, so a feed's
// operator who sees us in their logs knows who to ask.
const DefaultUserAgent = "Crosscheck/" + Version + " (+https://github.com/crosscheck-news/crosscheck)"

var (
	// ErrPrivateAddress is wrapped by every refusal to dial a private,
	// loopback, link-local, unspecified or multicast address.
	ErrPrivateAddress = errors.New("address is on a private network")
	// ErrBodyTooLarge means the response (after decompression) exceeded
	// FetcherConfig.MaxBodyBytes.
	ErrBodyTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects means the fetch gave up after MaxRedirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrTimeout means the server did not connect, answer or finish the
	// body in time.
	ErrTimeout = errors.New("timed out")
)

// PrivateAddressError is a refusal to connect to a host that resolved to a
// non-public address. It matches ErrPrivateAddress with errors.Is.
type PrivateAddressError struct {
	Host string
	Addr netip.Addr
	// Hint says how the user allows it (FetcherConfig.PrivateNetworksHint).
	Hint string
}

// DefaultPrivateNetworksHint is how a user of crosscheck.yaml allows
// private networks.
const DefaultPrivateNetworksHint = "set allow_private_networks: true in the configuration to allow it"

func (e *PrivateAddressError) Error() string {
	host := e.Host
	if host != e.Addr.String() {
		host = fmt.Sprintf("%s (%s)", e.Host, e.Addr)
	}
	hint := e.Hint
	if hint == "" {
		hint = DefaultPrivateNetworksHint
	}
	return fmt.Sprintf("refusing to connect to %s: %s is a %s, and private networks are not allowed (%s)",
		host, e.Addr, describeAddr(e.Addr), hint)
}

func (e *PrivateAddressError) Unwrap() error { return ErrPrivateAddress }

// HTTPStatusError is an answer other than 2xx or 304.
type HTTPStatusError struct {
	URL    string
	Status int
	// RetryAfter is when the server said to come back (Retry-After), or
	// zero if it did not say.
	RetryAfter time.Time
}

func (e *HTTPStatusError) Error() string {
	msg := fmt.Sprintf("server answered %d %s", e.Status, http.StatusText(e.Status))
	if !e.RetryAfter.IsZero() {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter.UTC().Format(time.RFC3339))
	}
	return msg
}

// FetcherConfig tunes a Fetcher. Zero fields take the defaults above.
type FetcherConfig struct {
	// AllowPrivateNetworks lets feeds live on internal networks (and tests
	// on loopback). Off, a name resolving to such an address is refused at
	// dial time, after DNS resolution, so DNS rebinding cannot slip through.
	AllowPrivateNetworks bool
	ConnectTimeout       time.Duration
	// RequestTimeout bounds the whole request, body included, so a server
	// trickling bytes cannot hold a worker forever.
	RequestTimeout time.Duration
	MaxBodyBytes   int64
	UserAgent      string
	// Now replaces the wall clock (for Retry-After and max-age) in tests.
	Now func() time.Time
	// OnResponse, if set, hears the HTTP status of every fetch (0 when no
	// answer came back), for the operator's metrics.
	OnResponse func(status int)
	// PrivateNetworksHint tells, in a refusal, how to allow private
	// networks where the fetcher is used ("pass --allow-private-networks");
	// default DefaultPrivateNetworksHint.
	PrivateNetworksHint string
	// Proxy, if set, is the proxy for a request's URL (nil: none, direct):
	// ProxyFromEnvironment or ProxyURL. The proxy's own address is dialled
	// whatever AllowPrivateNetworks says, since it is configured by the
	// operator, not named by a feed. The target's address is the proxy's
	// to resolve, so it cannot be checked at dial time; without
	// AllowPrivateNetworks the fetcher resolves the target itself before
	// sending and refuses a private one, which stops a feed naming an
	// internal host but not a name that resolves differently for the
	// proxy a moment later (DNS rebinding): the proxy's own rules must
	// keep it out of the internal network.
	Proxy func(target *url.URL) (*url.URL, error)
	// Resolve, if set, resolves host names instead of the system resolver
	// (split-horizon DNS; tests that give a name a loopback address). Its
	// answers are checked like the system's.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// ProxyFromEnvironment is the proxy HTTP_PROXY, HTTPS_PROXY and NO_PROXY
// (or their lower-case forms) name, as read from getenv now.
func ProxyFromEnvironment(getenv func(string) string) func(*url.URL) (*url.URL, error) {
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := getenv(k); v != "" {
				return v
			}
		}
		return ""
	}
	cfg := httpproxy.Config{
		HTTPProxy:  first("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: first("HTTPS_PROXY", "https_proxy"),
		NoProxy:    first("NO_PROXY", "no_proxy"),
	}
	return cfg.ProxyFunc()
}

// ProxyURL sends every request through the proxy at u.
func ProxyURL(u *url.URL) func(*url.URL) (*url.URL, error) {
	return func(*url.URL) (*url.URL, error) { return u, nil }
}

// Validators are what a previous answer said about its version, for a
// conditional GET.
type Validators struct {
	ETag, LastModified string
}

// Response is a fetched feed or page.
type Response struct {
	// URL is the final URL after redirects.
	URL        string
	StatusCode int
	// NotModified is true for a 304: Body is empty and the validators are
	// the ones sent, unless the server renewed them.
	NotModified  bool
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	// NotBefore is the earliest time the server wants to be asked again
	// (Cache-Control max-age or Retry-After); zero if it did not say.
	NotBefore time.Time
}

// Fetcher fetches feeds and article pages politely and safely. It is safe
// for concurrent use.
type Fetcher struct {
	cfg    FetcherConfig
	client *http.Client
	// lookup resolves a host name; tests replace it to make a name resolve
	// to addresses that must be refused, without sending traffic there.
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	dialer *net.Dialer
	// proxyDialer reaches the configured proxy, without the address check.
	proxyDialer *net.Dialer
	// proxies are the host:port of every proxy the fetcher has been
	// told to use: dialled without the private-network check.
	mu      sync.Mutex
	proxies map[string]bool
}

// NewFetcher builds a Fetcher with its own http.Client and Transport: no
// proxy unless cfg.Proxy names one (a proxy dials on our behalf, so the
// address check moves before the request; see FetcherConfig.Proxy), no
// transparent decompression (we cap the decompressed size).
func NewFetcher(cfg FetcherConfig) *Fetcher {
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	f := &Fetcher{cfg: cfg, proxies: map[string]bool{}}
	f.lookup = cfg.Resolve
	if f.lookup == nil {
		f.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	f.dialer = &net.Dialer{
		Timeout:   cfg.ConnectTimeout,
		KeepAlive: 30 * time.Second,
		// The dial hook checks resolved names; Control checks the address
		// actually connected to, whatever path led there.
		Control: f.control,
	}
	f.proxyDialer = &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 f.proxyFor,
		DialContext:           f.dialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   cfg.ConnectTimeout,
		ResponseHeaderTimeout: cfg.RequestTimeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   2,
		DisableCompression:    true,
	}
	f.client = &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("stopped after %d redirects at %s: %w", MaxRedirects, req.URL, ErrTooManyRedirects)
			}
			return nil
		},
	}
	return f
}

// Close drops idle connections. The Fetcher stays usable.
func (f *Fetcher) Close() {
	f.client.CloseIdleConnections()
}

// Fetch GETs url, conditionally when v holds validators. Errors are
// prefixed "feeds: fetch URL:" and wrap ErrPrivateAddress, ErrBodyTooLarge,
// ErrTooManyRedirects, ErrTimeout or *HTTPStatusError where they apply.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	resp, err := f.fetch(ctx, rawURL, v)
	if f.cfg.OnResponse != nil {
		status := 0
		var he *HTTPStatusError
		switch {
		case resp != nil:
			status = resp.StatusCode
		case errors.As(err, &he):
			status = he.Status
		}
		f.cfg.OnResponse(status)
	}
	if err != nil {
		return nil, fmt.Errorf("feeds: fetch %s: %w", rawURL, err)
	}
	return resp, nil
}

func (f *Fetcher) fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("unsupported scheme %q (want http or https)", u.Scheme)
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5")
	req.Header.Set("Accept-Encoding", "gzip")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.explain(ctx, err)
	}
	defer resp.Body.Close()

	now := f.cfg.Now()
	out := &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}
	retryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), now)
	out.NotBefore = later(maxAge(resp.Header.Get("Cache-Control"), now), retryAfter)

	switch {
	case resp.StatusCode == http.StatusNotModified:
		// Nothing to read; keep the validators we sent unless renewed.
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = v.ETag
		}
		if out.LastModified == "" {
			out.LastModified = v.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// Drain a little so the connection can be reused, never the lot.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, &HTTPStatusError{URL: rawURL, Status: resp.StatusCode, RetryAfter: retryAfter}
	}

	out.Body, err = f.readBody(resp)
	if err != nil {
		return nil, f.explain(ctx, err)
	}
	return out, nil
}

// readBody reads at most MaxBodyBytes, both on the wire and after gzip, so
// neither a huge body nor a gzip bomb can exhaust memory.
func (f *Fetcher) readBody(resp *http.Response) ([]byte, error) {
	limit := f.cfg.MaxBodyBytes
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("body of %d bytes exceeds the %s limit: %w", resp.ContentLength, sizeString(limit), ErrBodyTooLarge)
	}
	var r io.Reader = io.LimitReader(resp.Body, limit+1)
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("bad gzip body: %w", err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 && enc == "" {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if n > limit {
		what := "body"
		if enc != "" && enc != "identity" {
			what = "decompressed body"
		}
		return nil, fmt.Errorf("%s exceeds the %s limit: %w", what, sizeString(limit), ErrBodyTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	return buf.Bytes(), nil
}

// explain turns transport errors into ones an editor can act on.
func (f *Fetcher) explain(ctx context.Context, err error) error {
	var pe *PrivateAddressError
	if errors.As(err, &pe) || errors.Is(err, ErrTooManyRedirects) || errors.Is(err, ErrBodyTooLarge) {
		return unwrapURLError(err)
	}
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("no complete answer within %s: %w", f.cfg.RequestTimeout, ErrTimeout)
	}
	return unwrapURLError(err)
}

// unwrapURLError drops *url.Error's "Get URL:" prefix, which would repeat
// the URL our own prefix already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// proxyFor is the transport's Proxy: the configured proxy for req, after
// checking where it can that the target is not on a private network.
func (f *Fetcher) proxyFor(req *http.Request) (*url.URL, error) {
	if f.cfg.Proxy == nil {
		return nil, nil
	}
	p, err := f.cfg.Proxy(req.URL)
	if err != nil || p == nil {
		return p, err
	}
	if !f.cfg.AllowPrivateNetworks {
		if err := f.checkTarget(req.Context(), req.URL.Hostname()); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	f.proxies[proxyHostPort(p)] = true
	f.mu.Unlock()
	return p, nil
}

func proxyHostPort(p *url.URL) string {
	if p.Port() != "" {
		return p.Host
	}
	port := "80"
	switch p.Scheme {
	case "https":
		port = "443"
	case "socks5", "socks5h":
		port = "1080"
	}
	return net.JoinHostPort(p.Hostname(), port)
}

// checkTarget resolves host, which a proxy will reach for us, and refuses
// it if any of its addresses is not public.
func (f *Fetcher) checkTarget(ctx context.Context, host string) error {
	addrs, err := f.resolve(ctx, host)
	if err != nil {
		return err
	}
	for _, ip := range addrs {
		if ip = ip.Unmap(); !isPublic(ip) {
			return &PrivateAddressError{Host: host, Addr: ip, Hint: f.cfg.PrivateNetworksHint}
		}
	}
	return nil
}

func (f *Fetcher) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	addrs, err := f.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("no address for %s", host)
	}
	return addrs, nil
}

func (f *Fetcher) isProxy(address string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.proxies[address]
}

func (f *Fetcher) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if f.isProxy(address) {
		// The operator's proxy: where it lives is the operator's choice.
		return f.proxyDialer.DialContext(ctx, network, address)
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := f.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, ip := range addrs {
		ip = ip.Unmap()
		if !f.cfg.AllowPrivateNetworks && !isPublic(ip) {
			if firstErr == nil {
				firstErr = &PrivateAddressError{Host: host, Addr: ip, Hint: f.cfg.PrivateNetworksHint}
			}
			continue
		}
		conn, err := f.dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	if f.cfg.AllowPrivateNetworks {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("unexpected dial address %q: %w", address, err)
	}
	if ip := ap.Addr().Unmap(); !isPublic(ip) {
		return &PrivateAddressError{Host: ip.String(), Addr: ip, Hint: f.cfg.PrivateNetworksHint}
	}
	return nil
}

// parseRetryAfter reads delay-seconds or an HTTP-date; zero if absent or
// unreadable.
func parseRetryAfter(v string, now time.Time) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return time.Time{}
		}
		if secs > int64(7*24*time.Hour/time.Second) {
			secs = int64(7 * 24 * time.Hour / time.Second)
		}
		return now.Add(time.Duration(secs) * time.Second)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t
	}
	return time.Time{}
}

// maxAge reads Cache-Control max-age; zero if absent, or if the server said
// not to cache at all.
func maxAge(v string, now time.Time) time.Time {
	var age time.Duration
	for d := range strings.SplitSeq(v, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return time.Time{}
		case "max-age":
			secs, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
			if err == nil && secs > 0 {
				age = time.Duration(min(secs, int64(7*24*time.Hour/time.Second))) * time.Second
			}
		}
	}
	if age == 0 {
		return time.Time{}
	}
	return now.Add(age)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func sizeString(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
