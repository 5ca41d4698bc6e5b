package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// runHealthcheck probes a running bot's /healthz for container health
// checks (the Dockerfile's HEALTHCHECK): exit 0 when it answers 200, 1
// otherwise. It needs no configuration file, so the image's health check
// works whatever is mounted.
func runHealthcheck(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "healthcheck", "crosscheck healthcheck [--addr HOST:PORT] [--timeout 5s]")
	addr := fs.String("addr", "127.0.0.1:8080", "the bot's listen address")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("healthcheck: unexpected argument %q (usage: crosscheck healthcheck [--addr HOST:PORT])", rest[0])
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("healthcheck: --addr %q: %v", *addr, err)
	}
	// A bot listening on all interfaces (":8080", "0.0.0.0:8080") is
	// probed on loopback.
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usagef("healthcheck: %v", err)
	}
	client := &http.Client{
		// Health is this process's answer, not wherever it redirects.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", url, resp.Status)
	}
	fmt.Fprintf(e.stdout, "ok %s\n", url)
	return nil
}
