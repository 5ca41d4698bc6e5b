package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
	"github.com/crosscheck-news/crosscheck/state"
)

// maxReplayLine bounds one article line. A longer line is reported and
// skipped without being held in memory.
const maxReplayLine = 8 << 20

// A batch of articles is recorded in one transaction.
const (
	replayBatch      = 100
	replayBatchBytes = 4 << 20
)

// replayArticle is one input line, as DESIGN.md specifies.
type replayArticle struct {
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Content   string `json:"content"`
}

// replayConflict is one --json output line. Its claims have the shape
// extract --json writes.
type replayConflict struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Topic    string  `json:"topic"`
	Severity float64 `json:"severity"`
	// Claims are each side's lead claim (state.Conflict.Lead): the two
	// claims scorers map to a pair of articles.
	Claims []claim.JSONClaim `json:"claims"`
	// Pairs are the dispute's evidence, every disagreeing pair it kept
	// (state.MaxPairs of them, oldest first), Sides[0]'s claim first;
	// PairCount counts all it found.
	Pairs     [][2]claim.JSONClaim `json:"pairs,omitempty"`
	PairCount int                  `json:"pair_count,omitempty"`
}

func runReplay(ctx context.Context, e env, args []string) error {
	const usage = "crosscheck replay [--json] [--db PATH] FILE.jsonl|-"
	fs := newFlagSet(e, "replay", usage)
	asJSON := fs.Bool("json", false, "one conflict per line as JSON")
	dbPath := fs.String("db", "", "keep the ledger in this store (default: a temporary one)")
	engine := fs.String("engine", config.EngineTokens, "the extractor: tokens, or frames (over the language layer; experimental)")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("replay: want one input, FILE.jsonl or - (usage: %s)", usage)
	}
	name := rest[0]
	var in io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		defer f.Close()
		in = f
	} else {
		name = "stdin"
	}

	path := *dbPath
	// A --db store held by a running bot is said at once, not after
	// bbolt's default wait.
	opts := state.Options{LockTimeout: 500 * time.Millisecond}
	if path == "" {
		dir, err := os.MkdirTemp("", "crosscheck-replay-")
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "replay.db")
		// A store deleted when replay ends has nothing to keep safe
		// across a crash: its commits need not wait for the disk. A
		// --db store is the real one and is synced as always.
		opts.NoSync = true
	}
	store, err := state.Open(path, opts)
	if errors.Is(err, state.ErrLocked) {
		return usagef("replay: --db %s is held by the running bot (crosscheck run), and replay needs the file itself: "+
			"stop the bot, or replay into a copy (crosscheck backup COPY.db, then --db COPY.db)", path)
	}
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	defer store.Close()

	x, err := newExtractor(*engine, claim.DefaultHedges(), nil, nil)
	if err != nil {
		return usagef("replay: --%v", err)
	}
	// A back-test queues nothing for Slack: a --db store may be run later.
	d := &desk.Desk{Store: store, Extractor: x, Backtest: true, Log: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	// Articles are recorded in batches, in order, one transaction each: a
	// back-test of thousands of articles pays for a commit per batch, not
	// per article, and judges exactly as one article at a time would.
	var batch []claim.Article
	var opened []string
	batchBytes := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := d.RecordAll(ctx, batch...)
		if err != nil {
			return fmt.Errorf("replay: %s: %w", name, err)
		}
		batch, batchBytes = batch[:0], 0
		for _, c := range res.Opened {
			opened = append(opened, c.ID)
		}
		return nil
	}
	// Each dispute is printed once, in the order they opened, after the
	// last article: with all the evidence the replay gathered for it.
	printAll := func() error {
		for _, id := range opened {
			c, err := store.Conflict(ctx, id)
			if err != nil {
				return fmt.Errorf("replay: %w", err)
			}
			if *asJSON {
				err = writeConflictJSON(out, c)
			} else {
				err = writeConflictText(out, c)
			}
			if err != nil {
				return fmt.Errorf("replay: write: %w", err)
			}
		}
		return out.Flush()
	}
	r := bufio.NewReaderSize(in, 64<<10)
	bad, lines := 0, 0
	report := func(line int, format string, args ...any) {
		bad++
		fmt.Fprintf(e.stderr, "crosscheck: replay: %s:%d: %s\n", name, line, fmt.Sprintf(format, args...))
	}
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("replay: %s:%d: %w", name, line, err)
		}
		text, tooLong, err := readLine(r, maxReplayLine)
		if err == io.EOF && len(text) == 0 && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("replay: read %s:%d: %w", name, line, err)
		}
		if len(bytes.TrimSpace(text)) == 0 && !tooLong {
			if err == io.EOF {
				break
			}
			continue
		}
		lines++
		switch {
		case tooLong:
			report(line, "line longer than %d MiB, skipped", maxReplayLine>>20)
		case !utf8.Valid(text):
			report(line, "invalid UTF-8, skipped")
		default:
			a, perr := parseReplayLine(text)
			if perr != nil {
				report(line, "%v", perr)
				break
			}
			batch = append(batch, a)
			batchBytes += len(a.Text)
			if len(batch) >= replayBatch || batchBytes >= replayBatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := printAll(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("replay: write: %w", err)
	}
	if bad > 0 {
		return fmt.Errorf("replay: %s: %d of %d lines could not be replayed", name, bad, lines)
	}
	return nil
}

// readLine reads one line without its end. A line longer than max is read
// to its end and dropped: tooLong is set and text is empty.
func readLine(r *bufio.Reader, max int) (text []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(text)+len(chunk) > max+2 {
				tooLong, text = true, nil
			} else {
				text = append(text, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		text = bytes.TrimSuffix(bytes.TrimSuffix(text, []byte("\n")), []byte("\r"))
		if len(text) > max {
			tooLong, text = true, nil
		}
		return text, tooLong, err
	}
}

func parseReplayLine(line []byte) (claim.Article, error) {
	var ra replayArticle
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&ra); err != nil {
		return claim.Article{}, fmt.Errorf("not a JSON article: %w", err)
	}
	if dec.More() {
		return claim.Article{}, errors.New("more than one JSON value on the line")
	}
	switch {
	case strings.TrimSpace(ra.Outlet) == "":
		return claim.Article{}, errors.New(`missing "outlet"`)
	case ra.Published == "":
		return claim.Article{}, errors.New(`missing "published"`)
	}
	pub, err := time.Parse(time.RFC3339, ra.Published)
	if err != nil {
		return claim.Article{}, fmt.Errorf(`"published": %q is not RFC 3339`, ra.Published)
	}
	return claim.Article{Outlet: ra.Outlet, URL: ra.URL, Title: ra.Title, Published: pub, Text: ra.Content}, nil
}

func toReplayConflict(c state.Conflict) replayConflict {
	rc := replayConflict{ID: c.ID, Kind: c.Kind.String(), Topic: c.Topic, Severity: math.Round(c.Severity*1000) / 1000}
	for i := range c.Sides {
		rc.Claims = append(rc.Claims, claim.ToJSON(c.Lead(i)))
	}
	for _, p := range c.Pairs {
		rc.Pairs = append(rc.Pairs, [2]claim.JSONClaim{claim.ToJSON(p[0]), claim.ToJSON(p[1])})
	}
	rc.PairCount = c.PairCount
	return rc
}

func writeConflictJSON(w io.Writer, c state.Conflict) error {
	b, err := json.Marshal(toReplayConflict(c))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeConflictText prints a conflict the way an editor reads it: the
// topic, then each side with its claims (position, quote, outlet, date,
// link), then why it conflicts.
func writeConflictText(w io.Writer, c state.Conflict) error {
	const perSide = 3
	var b strings.Builder
	fmt.Fprintf(&b, "CONFLICT %s  %s  (%s, severity %.2f)\n", c.ID, c.Topic, c.Kind, c.Severity)
	for _, side := range c.Sides {
		fmt.Fprintf(&b, "  %s\n", side.Claimant)
		for i, cl := range side.Claims {
			if i == perSide {
				fmt.Fprintf(&b, "    (and %d more)\n", len(side.Claims)-perSide)
				break
			}
			fmt.Fprintf(&b, "    %s", position(cl))
			if cl.Sentence != "" {
				fmt.Fprintf(&b, " — “%s”", strings.Join(strings.Fields(cl.Sentence), " "))
			}
			where := cl.Outlet
			if d := formatDate(cl.Published); d != "" {
				where += ", " + d
			}
			if !cl.AsOf.IsZero() && !sameDay(cl.AsOf, cl.Published) {
				where += " (as of " + formatDate(cl.AsOf) + ")"
			}
			if cl.URL != "" {
				where += "  " + cl.URL
			}
			fmt.Fprintf(&b, "\n      %s\n", where)
		}
	}
	// The evidence, newest pair first: which outlets disagreed on what.
	if n := len(c.Pairs); n > 0 {
		fmt.Fprintf(&b, "  evidence: %s\n", plural(c.PairCount, "pair"))
		for i := n - 1; i >= 0 && i >= n-perSide; i-- {
			p := c.Pairs[i]
			fmt.Fprintf(&b, "    %s (%s, %s) against %s (%s, %s)\n", position(p[0]), p[0].Claimant, p[0].Outlet, position(p[1]), p[1].Claimant, p[1].Outlet)
		}
		if more := c.PairCount - min(n, perSide); more > 0 {
			fmt.Fprintf(&b, "    (and %d more)\n", more)
		}
	}
	fmt.Fprintf(&b, "  why: %s\n\n", c.Reason)
	_, err := io.WriteString(w, b.String())
	return err
}

func position(c claim.Claim) string {
	if c.Kind == claim.Status {
		if c.Polarity == claim.Absent {
			return "not " + c.Measure
		}
		return c.Measure
	}
	v := c.Value.String()
	if c.ValueText != "" {
		v = c.ValueText + " " + v
	}
	return v + " " + c.Measure
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func sameDay(a, b time.Time) bool { return formatDate(a) == formatDate(b) }
