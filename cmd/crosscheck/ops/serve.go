package ops

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// The listen address faces the internet in Slack's HTTP mode, so no client
// may hold a connection, or a share of them, for as long as it likes: every
// request must arrive whole within ReadTimeout, every answer be written
// within WriteTimeout, a kept-alive connection with nothing to say closes
// after IdleTimeout, and one client (one IPv4 address, one IPv6 /64) holds
// at most MaxConnsPerClient connections at a time.

// Defaults for ServeOptions, also documented in README.md under limits:.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxConnsPerClient = 64
	// shutdownGrace is how long open requests get to finish at shutdown.
	shutdownGrace = 5 * time.Second
)

// ServeOptions bound what a client may cost the server. Zero fields take
// the defaults above (the configuration never passes zero: it checks its
// limits are positive).
type ServeOptions struct {
	// ReadHeaderTimeout bounds reading a request's headers; it is never
	// longer than ReadTimeout.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included: a client
	// that sends headers and then nothing is cut off when it passes.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing an answer. A handler that streams (the
	// backup) extends it as it makes progress, with ExtendWrites.
	WriteTimeout time.Duration
	// IdleTimeout closes a kept-alive connection that sends no new request.
	IdleTimeout time.Duration
	// MaxConnsPerClient caps the connections one client holds at once;
	// more are answered 503 and closed at once.
	MaxConnsPerClient int
	Log               *slog.Logger
	// OnRefused, if set, hears each connection refused over the cap (for
	// the operator's metrics).
	OnRefused func()
}

func (o ServeOptions) withDefaults() ServeOptions {
	fill := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	fill(&o.ReadTimeout, DefaultReadTimeout)
	fill(&o.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	o.ReadHeaderTimeout = min(o.ReadHeaderTimeout, o.ReadTimeout)
	fill(&o.WriteTimeout, DefaultWriteTimeout)
	fill(&o.IdleTimeout, DefaultIdleTimeout)
	if o.MaxConnsPerClient <= 0 {
		o.MaxConnsPerClient = DefaultMaxConnsPerClient
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Serve serves h on ln until ctx is done, then shuts down gracefully,
// giving open requests up to 5 seconds. It returns nil after a shutdown
// asked for by ctx. Every connection ends by itself within the timeouts of
// opts, whatever the client does.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, opts ServeOptions) error {
	opts = opts.withDefaults()
	srv := &http.Server{
		Handler:           writeTimeoutHandler(h, opts.WriteTimeout),
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		ReadTimeout:       opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(opts.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	limited := &perClientListener{Listener: ln, max: opts.MaxConnsPerClient, open: map[netip.Prefix]int{},
		log: opts.Log, onRefused: opts.OnRefused}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(limited) }()
	select {
	case err := <-errc:
		return fmt.Errorf("ops: serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	if err != nil {
		// Requests still running past the grace: cut them.
		srv.Close()
		return fmt.Errorf("ops: shut down %s: %w", ln.Addr(), err)
	}
	return nil
}

// writeTimeoutKey carries the server's write timeout to ExtendWrites.
type writeTimeoutKey struct{}

func writeTimeoutHandler(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), writeTimeoutKey{}, d)))
	})
}

// ExtendWrites wraps w so that each write gets the server's whole write
// timeout from the moment it starts: a long answer streamed to a reader
// that keeps up (a backup of a large store) is not cut off, while a reader
// that stops reading still is, one timeout after it stopped.
func ExtendWrites(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	d, ok := r.Context().Value(writeTimeoutKey{}).(time.Duration)
	if !ok {
		return w // not served by Serve: no deadline to extend
	}
	return &extendingWriter{ResponseWriter: w, rc: http.NewResponseController(w), d: d}
}

type extendingWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
	d  time.Duration
}

func (e *extendingWriter) Write(p []byte) (int, error) {
	// An error means the writer cannot take deadlines; the server's own
	// write timeout still holds then.
	_ = e.rc.SetWriteDeadline(time.Now().Add(e.d))
	return e.ResponseWriter.Write(p)
}

func (e *extendingWriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }

// perClientListener caps the connections open from each client. A client
// is an IPv4 address or an IPv6 /64, since whoever has one IPv6 address
// usually has the whole /64.
type perClientListener struct {
	net.Listener
	max       int
	log       *slog.Logger
	onRefused func()

	mu   sync.Mutex
	open map[netip.Prefix]int
}

// refusal is what a client over the cap reads before its connection
// closes: an answer an HTTP client understands, so it backs off.
const refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\nRetry-After: 5\r\n" +
	"Content-Length: 37\r\n\r\ntoo many connections from one client\n"

func (l *perClientListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client, ok := clientOf(c.RemoteAddr())
		if !ok {
			return c, nil // not TCP (a test's pipe): nothing to count by
		}
		if l.take(client) {
			return &countedConn{Conn: c, release: func() { l.release(client) }}, nil
		}
		l.log.Debug("connection refused: too many from one client", "client", client.String(), "max", l.max)
		if l.onRefused != nil {
			l.onRefused()
		}
		// A fresh connection's send buffer is empty, so this write does
		// not wait; the deadline only guards against the improbable.
		c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		c.Write([]byte(refusal))
		c.Close()
	}
}

func (l *perClientListener) take(client netip.Prefix) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[client] >= l.max {
		return false
	}
	l.open[client]++
	return true
}

func (l *perClientListener) release(client netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[client]--; l.open[client] <= 0 {
		delete(l.open, client)
	}
}

func clientOf(a net.Addr) (netip.Prefix, bool) {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.Prefix{}, false
	}
	ip, ok := netip.AddrFromSlice(tcp.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, err := ip.Prefix(bits)
	return p, err == nil
}

// countedConn gives its client's slot back when closed, once.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite lets the server half-close as it does on a bare TCP
// connection, so a client reading an error answer gets all of it.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
