package main

// While `crosscheck run` holds the store (bbolt's lock is exclusive), the
// commands that manage feeds and `status` go through the running bot
// instead of failing: the command line sends its arguments to POST /admin
// on the bot's listen address, the bot runs the very same command against
// the store it holds and its scheduler, and the command line prints what
// it printed and exits as it exited. The endpoint is guarded as /backup
// is, by the same token file beside the store and the same-machine check
// (see backup.go). Commands that need the file itself (poll, replay --db,
// backup's own copy) say that the bot holds it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/state"
)

// adminPath is where the endpoint is mounted on the listen address.
const adminPath = "/admin"

// maxAdminRequest bounds a forwarded command: its arguments and an OPML
// file for feeds import.
const maxAdminRequest = 8 << 20

// adminRequest is one command forwarded to the running bot.
type adminRequest struct {
	Args []string `json:"args"`
	// Stdin is the command's input (the OPML of feeds import), and
	// StdinName the file it was read from, for the output.
	Stdin     []byte `json:"stdin,omitempty"`
	StdinName string `json:"stdin_name,omitempty"`
}

// adminResponse is what the command printed and how it exited.
type adminResponse struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Code   int    `json:"code"`
}

// heldStore is the running bot's side of a forwarded command: the store
// it holds, its configuration and its scheduler.
type heldStore struct {
	store *state.Store
	cfg   *config.Config
	sched bot.Scheduler
}

// botHoldsError means the store is locked by a running crosscheck.
type botHoldsError struct {
	cmd string
	cfg *config.Config
	err error
}

func (e *botHoldsError) Error() string {
	return fmt.Sprintf("%s: %v: the running bot (crosscheck run) holds it, and %s needs the file itself; stop the bot first "+
		"(feeds and status go through the running bot)", e.cmd, e.err, e.cmd)
}

func (e *botHoldsError) Unwrap() error { return e.err }

// exitCode ends a command with a code and nothing more printed: the
// running bot has printed the reason already.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// forwardable reports whether args is a command the bot runs for the
// command line: feeds list|add|remove|pause|resume|import, and status.
func forwardable(args []string) bool {
	switch {
	case len(args) >= 1 && args[0] == "status":
		return true
	case len(args) >= 2 && args[0] == "feeds":
		return slices.Contains([]string{"list", "add", "remove", "pause", "resume", "import"}, args[1])
	}
	return false
}

// viaRunningBot sends the command to the running bot when err says it
// holds the store, and returns err untouched otherwise. stdin is what
// the command read from its input or file, which the bot cannot.
func viaRunningBot(ctx context.Context, e env, args []string, stdin []byte, stdinName string, err error) error {
	var held *botHoldsError
	if !errors.As(err, &held) || e.held != nil || !forwardable(args) {
		return err
	}
	body, merr := json.Marshal(adminRequest{Args: args, Stdin: stdin, StdinName: stdinName})
	if merr != nil {
		return merr
	}
	// One line, first, so what follows is read as the bot's answer.
	fmt.Fprintf(e.stderr, "crosscheck: %s is held by the running bot; asking it on %s\n", held.cfg.Store, held.cfg.Listen)
	resp, aerr := askRunningBot(ctx, held.cfg, http.MethodPost, adminPath, bytes.NewReader(body))
	if aerr != nil {
		return fmt.Errorf("%s: asking the running bot failed: %w", strings.Join(args[:min(2, len(args))], " "), aerr)
	}
	defer resp.Body.Close()
	var out adminResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAdminRequest)).Decode(&out); err != nil {
		return fmt.Errorf("the running bot's answer: %w", err)
	}
	io.WriteString(e.stdout, out.Stdout)
	io.WriteString(e.stderr, out.Stderr)
	if out.Code != exitOK {
		return exitCode(out.Code)
	}
	return nil
}

// adminEndpoint serves POST /admin in the running bot.
type adminEndpoint struct {
	auth *backupEndpoint
	held *heldStore
	log  *slog.Logger
}

func (a *adminEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if !a.auth.authorized(w, r, "admin") {
		return
	}
	var req adminRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminRequest)).Decode(&req); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !forwardable(req.Args) {
		http.Error(w, fmt.Sprintf("the running bot takes feeds and status commands, not %q", strings.Join(req.Args, " ")), http.StatusBadRequest)
		return
	}
	var stdout, stderr bytes.Buffer
	e := env{
		stdin: bytes.NewReader(req.Stdin), stdinName: req.StdinName,
		stdout: &stdout, stderr: &stderr,
		// The bot's own environment is not the caller's business.
		getenv: func(string) string { return "" },
		held:   a.held,
	}
	code := run(r.Context(), e, req.Args)
	a.log.Info("command from the command line", "command", strings.Join(req.Args[:min(2, len(req.Args))], " "), "exit", code)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(adminResponse{Stdout: stdout.String(), Stderr: stderr.String(), Code: code})
}

// config is the configuration a command works with: the running bot's
// own when the bot runs the command, else the file at path.
func (e env) config(path string) (*config.Config, error) {
	if e.held != nil {
		return e.held.cfg, nil
	}
	return loadConfig(path)
}

// scheduler is the running bot's scheduler, or nil on the command line,
// where the next start schedules what changed.
func (e env) scheduler() bot.Scheduler {
	if e.held == nil {
		return nil
	}
	return e.held.sched
}
