package main

// `crosscheck backup FILE` copies the store consistently, whether or not the
// bot is running; `crosscheck backup DIR/` writes DIR/crosscheck-YYYYMMDD-
// HHMMSS.db (UTC). Either way the copy is written as package safefile
// writes: mode 0600, a fresh temporary name, renamed into place, nothing
// left behind on failure.
//
// bbolt's file lock makes this a two-way choice. When no process holds the
// store, backup opens it read-only and copies it in one read transaction.
// When `crosscheck run` holds it (the lock is exclusive, so even a read-only
// open is refused), backup asks the running bot instead: GET /backup on its
// listen address streams the copy from a read transaction inside the bot,
// which keeps working meanwhile.
//
// That endpoint hands out the whole database, so it answers only requests
// that come from the same machine (loopback, or the host's own address) and
// carry the token the bot writes beside the store at start (STORE.backup-
// token, mode 0600). Whoever can read that file can read the store itself;
// nobody else, including a reverse proxy on the same host forwarding
// outside requests, can fetch a backup.

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/ops"
	"github.com/crosscheck-news/crosscheck/state"
	"github.com/crosscheck-news/crosscheck/state/safefile"
)

// backupPath is where the endpoint is mounted on the listen address.
const backupPath = "/backup"

func backupTokenPath(storePath string) string { return storePath + ".backup-token" }

func runBackup(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "backup", "crosscheck backup [--config crosscheck.yaml] FILE|DIR/")
	configPath := fs.configFlag()
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("backup: want one destination file or folder (usage: crosscheck backup [--config FILE] FILE|DIR/)")
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	dest, err := backupDest(rest[0], time.Now())
	if err != nil {
		return err
	}
	if same, _ := sameFile(dest, cfg.Store); same {
		return usagef("backup: %s is the store itself; name another file", dest)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	if err := requireStore("backup", cfg); err != nil {
		return err
	}
	store, err := state.Open(cfg.Store, state.Options{ReadOnly: true, LockTimeout: 200 * time.Millisecond})
	switch {
	case err == nil:
		defer store.Close()
		if err := store.Backup(ctx, dest); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		fmt.Fprintf(e.stdout, "backed up %s to %s\n", cfg.Store, dest)
		return nil
	case errors.Is(err, state.ErrLocked):
		n, err := backupFromRunningBot(ctx, cfg, dest)
		if err != nil {
			return fmt.Errorf("backup: %s is in use by a running crosscheck, and asking it failed: %w", cfg.Store, err)
		}
		fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes, from the running bot)\n", cfg.Store, dest, n)
		return nil
	default:
		return fmt.Errorf("backup: %w", err)
	}
}

// backupFileLayout names a backup written into a folder: sorted by name
// is sorted by time.
const backupFileLayout = "crosscheck-20060102-150405.db"

// backupDest is where `crosscheck backup ARG` writes: ARG itself, or, when
// ARG is a folder (or ends in a slash), a file inside it named for the
// time (UTC), which must not exist yet.
func backupDest(arg string, now time.Time) (string, error) {
	if arg == "" {
		return "", usagef("backup: empty destination; name a file or a folder")
	}
	fi, err := os.Stat(arg)
	isDir := err == nil && fi.IsDir()
	if !isDir && !os.IsPathSeparator(arg[len(arg)-1]) {
		return arg, nil
	}
	if !isDir {
		return "", usagef("backup: no folder %s (create it first)", arg)
	}
	dest := filepath.Join(arg, now.UTC().Format(backupFileLayout))
	if _, err := os.Lstat(dest); err == nil {
		return "", usagef("backup: %s exists already (one backup a second into a folder); try again", dest)
	}
	return dest, nil
}

// backupFromRunningBot fetches the copy from the bot's /backup endpoint
// into dest, via a temporary file that is checked before it replaces dest.
func backupFromRunningBot(ctx context.Context, cfg *config.Config, dest string) (int64, error) {
	resp, err := askRunningBot(ctx, cfg, http.MethodGet, backupPath, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()

	tmp, err := safefile.Create(dest)
	if err != nil {
		return 0, err
	}
	defer tmp.Abort() // after the commit, a no-op
	n, err := io.Copy(tmp, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("transfer cut short: %d of %d bytes", n, resp.ContentLength)
	}
	if err == nil {
		err = tmp.Close()
	}
	if err != nil {
		return n, err
	}
	// The copy must open and pass bbolt's consistency check before it
	// takes the destination's name.
	check, err := state.Open(tmp.Name(), state.Options{ReadOnly: true, LockTimeout: time.Second})
	if err != nil {
		return n, fmt.Errorf("the copy does not open: %w", err)
	}
	err = check.Check()
	check.Close()
	if err != nil {
		return n, fmt.Errorf("the copy is damaged: %w", err)
	}
	return n, tmp.Commit()
}

func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// backupEndpoint serves GET /backup for `crosscheck backup` while the bot
// holds the store. The run command creates it after opening the store,
// mounts it on its listen address, and closes it at shutdown:
//
//	be, err := newBackupEndpoint(store, log)
//	mux.Handle("GET /backup", be)
//	defer be.Close()
type backupEndpoint struct {
	store     *state.Store
	token     string
	tokenPath string
	log       *slog.Logger
}

// newBackupEndpoint writes a fresh random token beside the store.
func newBackupEndpoint(store *state.Store, log *slog.Logger) (*backupEndpoint, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	b := &backupEndpoint{store: store, token: hex.EncodeToString(raw[:]), tokenPath: backupTokenPath(store.Path()), log: log}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	// Mode 0600 whatever the umask or a leftover's mode, a fresh name so
	// nothing planted is followed, renamed so a reader never sees half a
	// token.
	if err := safefile.WriteFile(b.tokenPath, []byte(b.token+"\n")); err != nil {
		return nil, fmt.Errorf("backup endpoint: %w", err)
	}
	return b, nil
}

// Close removes the token: no backups through a bot that is gone.
func (b *backupEndpoint) Close() error {
	if err := os.Remove(b.tokenPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup endpoint: %w", err)
	}
	return nil
}

func (b *backupEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	if !b.authorized(w, r, "backup") {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", "no-store")
	start := time.Now()
	// A large store takes longer to stream than the server's write
	// timeout; each write gets the timeout afresh instead, so only a
	// reader that stops reading is cut off.
	w = ops.ExtendWrites(w, r)
	n, err := b.store.WriteBackup(r.Context(), w, func(size int64) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	})
	if err != nil {
		// Headers are gone; the short body and Content-Length tell the client.
		b.log.Error("backup failed", "error", err.Error(), "bytes", n)
		return
	}
	b.log.Info("backup served", "bytes", n, "took", time.Since(start))
}

// authorized lets through only requests from this machine that carry the
// token (see the file comment); it answers the others itself. what names
// the endpoint in the log.
func (b *backupEndpoint) authorized(w http.ResponseWriter, r *http.Request, what string) bool {
	if !sameMachine(r) || r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		b.log.Warn(what+" refused: not from this machine", "remote_addr", r.RemoteAddr)
		http.Error(w, what+" is served to this machine only", http.StatusForbidden)
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(b.token)) != 1 {
		b.log.Warn(what+" refused: bad token", "remote_addr", r.RemoteAddr)
		http.Error(w, "missing or wrong token (run crosscheck beside the store)", http.StatusUnauthorized)
		return false
	}
	return true
}

// askRunningBot sends a request to the running bot's loopback endpoint at
// path, with the token it wrote beside the store; an answer other than
// 200 is an error carrying the bot's words.
func askRunningBot(ctx context.Context, cfg *config.Config, method, path string, body io.Reader) (*http.Response, error) {
	token, err := os.ReadFile(backupTokenPath(cfg.Store))
	if err != nil {
		return nil, fmt.Errorf("read the bot's token: %w", err)
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", cfg.Listen, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + path
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

// sameMachine is true for loopback clients and for clients connecting from
// the address they connected to (the host talking to itself).
func sameMachine(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	remote := net.ParseIP(host)
	if remote == nil {
		return false
	}
	if remote.IsLoopback() {
		return true
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	lhost, _, err := net.SplitHostPort(local.String())
	return err == nil && net.ParseIP(lhost).Equal(remote)
}
