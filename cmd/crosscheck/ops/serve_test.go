package ops

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Short limits so the tests take seconds; the defaults are the same
// mechanism at 10/30/60 s.
var testLimits = ServeOptions{
	ReadHeaderTimeout: 700 * time.Millisecond,
	ReadTimeout:       time.Second,
	WriteTimeout:      2 * time.Second,
	IdleTimeout:       time.Second,
	MaxConnsPerClient: 1000,
}

// clientLimit bounds every test client: each stops by itself by then,
// whether or not the server cut it off.
const clientLimit = 10 * time.Second

// lag is what a client's disconnection may lag its timeout. The timeout
// runs from when the server starts reading the connection, which trails
// the client's connect by its wait in the accept queue: with 300 clients
// at once, under the race detector, on a machine shared with other work,
// that wait has reached 1.3 s.
const lag = 2 * time.Second

// serving starts Serve on loopback with opts and a handler that reads
// bodies as the Slack endpoints do. It returns the address and the
// goroutine count with the server up and no client connected.
func serving(t *testing.T, opts ServeOptions) (addr string, baseline int) {
	t.Helper()
	before := runtime.NumGoroutine()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := NewHandler(HandlerOptions{})
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, mux, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	// A first request, read to its end, shows the server is accepting.
	if r := dialAndWait(ln.Addr().String(), "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", false, nil); !r.cut {
		t.Fatalf("first request: %+v", r)
	}
	// Serve and http.Server.Serve are the server's two goroutines at rest;
	// the first request's connection goroutine may still be ending.
	return ln.Addr().String(), waitGoroutines(t, before+2)
}

// waitGoroutines polls until the goroutine count is at most want.
func waitGoroutines(t *testing.T, want int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after 5 s, want at most %d", n, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// clientResult is what one client saw.
type clientResult struct {
	// cut is true when the server closed the connection before the
	// client's own limit.
	cut bool
	// after is how long the client sat silent before the server cut it.
	after time.Duration
	// status is the first line the server sent, if any.
	status string
	err    error
}

// dialAndWait connects, sends request, optionally reads one whole answer,
// then sends nothing more and waits for the server to hang up. silent, if
// not nil, is called as the client falls silent.
func dialAndWait(addr, request string, readAnswerFirst bool, silent func()) clientResult {
	c, err := net.DialTimeout("tcp", addr, clientLimit)
	if err != nil {
		return clientResult{err: err}
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(clientLimit))
	if _, err := io.WriteString(c, request); err != nil {
		return clientResult{err: err}
	}
	br := bufio.NewReader(c)
	var res clientResult
	if readAnswerFirst {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return clientResult{err: err}
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res.status = resp.Status
	}
	if silent != nil {
		silent()
	}
	since := time.Now()
	line, _ := br.ReadString('\n')
	if res.status == "" {
		res.status = strings.TrimSpace(line)
	}
	_, err = io.Copy(io.Discard, br)
	res.after = time.Since(since)
	var ne net.Error
	res.cut = err == nil || !(errors.As(err, &ne) && ne.Timeout())
	if !res.cut {
		res.err = err
	}
	return res
}

// crowd runs n clients at once and returns what each saw, once all have
// stopped, and the goroutine count when the last of them fell silent
// (every client connected, none cut off yet unless the fastest timeout
// beat the slowest connect).
func crowd(n int, run func(silent func()) clientResult) ([]clientResult, int) {
	results := make([]clientResult, n)
	var (
		wg     sync.WaitGroup
		silent atomic.Int64
		peak   atomic.Int64
	)
	fell := func() {
		if silent.Add(1) == int64(n) {
			peak.Store(int64(runtime.NumGoroutine()))
		}
	}
	for i := range n {
		wg.Go(func() { results[i] = run(fell) })
	}
	wg.Wait()
	return results, int(peak.Load())
}

// TestServeCutsSlowAndIdleClients: 300 clients that send half a request,
// headers without the body, or nothing after their answer, are all cut off
// within the configured timeouts, and the server's goroutines go with
// them.
func TestServeCutsSlowAndIdleClients(t *testing.T) {
	const clients = 300
	tests := []struct {
		name            string
		request         string
		readAnswerFirst bool
		timeout         time.Duration
	}{
		{"headers never finished", "POST /slack/events HTTP/1.1\r\nHost: t\r\n", false, testLimits.ReadHeaderTimeout},
		{"body never sent", "POST /slack/events HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n", false, testLimits.ReadTimeout},
		{"idle keep-alive", "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", true, testLimits.IdleTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, baseline := serving(t, testLimits)
			results, peak := crowd(clients, func(silent func()) clientResult {
				return dialAndWait(addr, tt.request, tt.readAnswerFirst, silent)
			})
			var slowest time.Duration
			for i, r := range results {
				if r.err != nil || !r.cut {
					t.Fatalf("client %d: not cut off by the server within %v: %+v", i, clientLimit, r)
				}
				if r.after > tt.timeout+lag || r.after < tt.timeout/2 {
					t.Errorf("client %d cut off after %v, want at its timeout %v (+%v)", i, r.after, tt.timeout, lag)
				}
				slowest = max(slowest, r.after)
			}
			after := waitGoroutines(t, baseline)
			afters := make([]time.Duration, len(results))
			for i, r := range results {
				afters[i] = r.after
			}
			slices.Sort(afters)
			t.Logf("%d clients (%s): all cut off; median %v, slowest %v after going silent (timeout %v); goroutines %d at rest, %d with clients, %d after",
				clients, tt.name, afters[len(afters)/2].Round(time.Millisecond), slowest.Round(time.Millisecond), tt.timeout, baseline, peak, after)
		})
	}
}

// TestServeCapsConnectionsPerClient: beyond the cap, one client's extra
// connections are answered 503 at once; those within it are served and,
// once they end, their slots are free again.
func TestServeCapsConnectionsPerClient(t *testing.T) {
	const clients, capacity = 300, 10
	opts := testLimits
	opts.MaxConnsPerClient = capacity
	var refused atomic.Int64
	opts.OnRefused = func() { refused.Add(1) }
	addr, baseline := serving(t, opts)

	results, _ := crowd(clients, func(silent func()) clientResult {
		return dialAndWait(addr, "POST /slack/events HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n", false, silent)
	})
	var turnedAway, held int
	for i, r := range results {
		switch {
		case r.err != nil || !r.cut:
			t.Fatalf("client %d: %+v", i, r)
		case strings.Contains(r.status, "503"):
			turnedAway++
			if r.after > lag {
				t.Errorf("client %d turned away only after %v", i, r.after)
			}
		default:
			held++
		}
	}
	if held != capacity || turnedAway != clients-capacity || refused.Load() != int64(turnedAway) {
		t.Errorf("%d held, %d turned away (%d counted), want %d and %d", held, turnedAway, refused.Load(), capacity, clients-capacity)
	}
	waitGoroutines(t, baseline)
	// Every slot is free again.
	for i := range capacity + 1 {
		r := dialAndWait(addr, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", false, nil)
		if r.status != "HTTP/1.1 200 OK" {
			t.Fatalf("request %d after the crowd left: %+v", i, r)
		}
	}
	t.Logf("%d connections from one address, cap %d: %d served, %d answered 503", clients, capacity, held, turnedAway)
}

// TestExtendWrites: an answer streamed for longer than the write timeout
// (a backup of a large store) arrives whole when each write extends the
// deadline, and is cut off when none does.
func TestExtendWrites(t *testing.T) {
	// 2 s of streaming against a 1 s write timeout: each write has a
	// second to spare, so a loaded machine's stalls do not cut it off.
	const chunks, every = 20, 100 * time.Millisecond
	opts := testLimits
	opts.WriteTimeout = time.Second
	for _, tt := range []struct {
		name   string
		extend bool
	}{{"extended", true}, {"not extended", false}} {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.extend {
					w = ExtendWrites(w, r)
				}
				rc := http.NewResponseController(w)
				for range chunks {
					if _, err := w.Write([]byte("chunk\n")); err != nil {
						return
					}
					if rc.Flush() != nil {
						return
					}
					time.Sleep(every) // a store being read, slowly
				}
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- Serve(ctx, ln, h, opts) }()
			defer func() { cancel(); <-done }()
			resp, err := http.Get("http://" + ln.Addr().String() + "/backup")
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := strings.Count(string(body), "chunk")
			if tt.extend && (err != nil || got != chunks) {
				t.Errorf("%d of %d chunks (%v), want all", got, chunks, err)
			}
			if !tt.extend && got == chunks {
				t.Errorf("all %d chunks arrived past the write timeout", got)
			}
		})
	}
}
