package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one readiness condition, such as "the store is open" or "Slack
// accepted our token". Func returns nil when ready; its error is shown on
// /readyz, so it must not contain secrets.
type Check struct {
	Name string
	Func func(ctx context.Context) error
}

// HandlerOptions configure NewHandler.
type HandlerOptions struct {
	// Metrics is served on /metrics; nil serves no /metrics.
	Metrics *Metrics
	// Ready are the conditions /readyz checks, in order.
	Ready []Check
	// CheckTimeout bounds each readiness check (default 2s), so a stuck
	// dependency makes /readyz answer 503 rather than hang the prober.
	CheckTimeout time.Duration
	Log          *slog.Logger
}

// NewHandler serves /healthz (the process is up and serving HTTP),
// /readyz (every readiness check passes) and /metrics. It returns the
// *http.ServeMux so callers can mount more: the Slack HTTP-mode endpoints,
// the backup endpoint.
func NewHandler(opts HandlerOptions) *http.ServeMux {
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 2 * time.Second
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		ready := true
		for _, c := range opts.Ready {
			err := runCheck(r.Context(), c, opts.CheckTimeout)
			if err != nil {
				ready = false
				fmt.Fprintf(&b, "fail %s: %s\n", c.Name, oneLine(err.Error()))
				log.Warn("not ready", "check", c.Name, "error", err.Error())
				continue
			}
			fmt.Fprintf(&b, "ok   %s\n", c.Name)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "not ready\n", b.String())
			return
		}
		fmt.Fprint(w, "ready\n", b.String())
	})
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Metrics.reg, promhttp.HandlerOpts{
			Registry:          opts.Metrics.reg, // counts its own scrape errors
			EnableOpenMetrics: true,
		}))
	}
	return mux
}

// runCheck runs one check under its timeout. A check that ignores its
// context is abandoned at the deadline rather than holding the prober; its
// goroutine ends when the check returns.
func runCheck(ctx context.Context, c Check, timeout time.Duration) error {
	if c.Func == nil {
		return errors.New("no check function")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("check panicked: %v", p)
			}
		}()
		done <- c.Func(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer within %s", timeout)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Listen binds addr now, so that an address already in use is reported at
// start, before anything else is started.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var se interface{ Unwrap() error }
		if errors.As(err, &se) {
			err = se.Unwrap()
		}
		return nil, fmt.Errorf("ops: listen %s: %w", addr, err)
	}
	return ln, nil
}
