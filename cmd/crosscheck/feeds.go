package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

const feedsUsage = "crosscheck feeds list [--json] | import FILE.opml | remove NAME | pause NAME | resume NAME [--config FILE]"

// runFeeds manages the feeds kept in the store beside the configured ones.
// The store is locked while `crosscheck run` runs; then feeds are changed
// from Slack (/crosscheck feeds) instead.
func runFeeds(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usagef("feeds: missing subcommand (usage: %s)", feedsUsage)
	}
	switch args[0] {
	case "list":
		return feedsList(ctx, e, args[1:])
	case "import":
		return feedsImport(ctx, e, args[1:])
	case "remove", "pause", "resume":
		return feedsChange(ctx, e, args[0], args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(e.stderr, "usage: %s\n", feedsUsage)
		return nil
	}
	return usagef("feeds: unknown subcommand %q (usage: %s)", args[0], feedsUsage)
}

// feedsImport is `crosscheck feeds import FILE.opml`: every feed of the
// list that is not already configured or stored is added to the store.
func feedsImport(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "feeds import", "crosscheck feeds import FILE.opml [--config FILE]")
	configPath := fs.configFlag()
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("feeds import: want one OPML file (usage: crosscheck feeds import FILE.opml [--config FILE])")
	}
	file := rest[0]
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	var list *feeds.OPML
	if file == "-" {
		list, err = feeds.ParseOPML(e.stdin)
	} else {
		f, oerr := os.Open(file)
		if oerr != nil {
			return usagef("feeds import: %v", oerr)
		}
		list, err = feeds.ParseOPML(f)
		f.Close()
	}
	if err != nil {
		return usagef("feeds import: %s: %v", file, err)
	}
	store, defs, err := openWithFeeds(ctx, "feeds import", cfg, state.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	stored, err := store.ListFeeds(ctx)
	if err != nil {
		return fmt.Errorf("feeds import: %w", err)
	}
	names := map[string]bool{}
	byURL := map[string]feedDef{}
	for _, d := range defs {
		names[d.Source.Name] = true
		byURL[feeds.URLKey(d.Source.URL)] = d
	}
	for _, s := range stored {
		// Shadowed or unreadable stored feeds still hold their names.
		names[s.Name] = true
		if _, ok := byURL[feeds.URLKey(s.URL)]; !ok {
			byURL[feeds.URLKey(s.URL)] = feedDef{Source: sourceOf(s), Origin: fromStore}
		}
	}

	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	added, skipped := 0, 0
	by := "opml:" + filepath.Base(file)
	for _, src := range list.Sources {
		if d, dup := byURL[feeds.URLKey(src.URL)]; dup {
			skipped++
			where := "in the store"
			if d.Origin == fromConfig {
				where = "in " + cfg.File
			}
			fmt.Fprintf(tw, "skipped\t%s\t%s\talready %s as %q\n", src.Name, src.URL, where, d.Source.Name)
			continue
		}
		src.Name = feeds.UniqueName(src.Name, func(n string) bool { return names[n] })
		err := store.AddFeed(ctx, state.FeedEntry{Name: src.Name, URL: src.URL, Outlet: src.Outlet, Schedule: src.Schedule, AddedBy: by})
		if err != nil {
			tw.Flush()
			return fmt.Errorf("feeds import: %w", err)
		}
		names[src.Name] = true
		byURL[feeds.URLKey(src.URL)] = feedDef{Source: src, Origin: fromStore}
		added++
		fmt.Fprintf(tw, "added\t%s\t%s\t%s\n", src.Name, src.URL, src.Outlet)
	}
	for _, s := range list.Skipped {
		skipped++
		title := s.Title
		if title == "" {
			title = "(untitled)"
		}
		fmt.Fprintf(tw, "skipped\t%s\t%s\tline %d: %s\n", title, s.URL, s.Line, s.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s: added %s, skipped %d\n", file, plural(added, "feed"), skipped)
	return err
}

// feedListing is one line of `crosscheck feeds list --json`.
type feedListing struct {
	feeds.Source
	Origin      origin     `json:"origin"`
	Paused      bool       `json:"paused"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	NextPoll    *time.Time `json:"next_poll,omitempty"`
	ErrorCount  int        `json:"error_count"`
	LastError   string     `json:"last_error,omitempty"`
	Items       int        `json:"items"`
}

func feedsList(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "feeds list", "crosscheck feeds list [--config FILE] [--json]")
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "one JSON object per feed and line")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("feeds list: unexpected argument %q", rest[0])
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	store, defs, err := openWithFeeds(ctx, "feeds list", cfg, state.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	states, err := store.FeedStates(ctx)
	if err != nil {
		return fmt.Errorf("feeds list: %w", err)
	}
	byName := map[string]state.FeedState{}
	for _, st := range states {
		byName[st.Feed] = st
	}
	var out []feedListing
	for _, d := range defs {
		l := feedListing{Source: d.Source, Origin: d.Origin, Paused: d.Paused}
		if st, ok := byName[d.Source.Name]; ok {
			l.ErrorCount, l.LastError, l.Items = st.ErrorCount, st.LastError, st.Items
			if !st.LastSuccess.IsZero() {
				l.LastSuccess = &st.LastSuccess
			}
			if !st.NextPoll.IsZero() {
				l.NextPoll = &st.NextPoll
			}
		}
		out = append(out, l)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, l := range out {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	}
	return writeFeedList(e.stdout, out)
}

func writeFeedList(w io.Writer, list []feedListing) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFROM\tSTATE\tSCHEDULE\tLAST SUCCESS\tERRORS\tURL")
	for _, l := range list {
		st := "active"
		if l.Paused {
			st = "paused"
		}
		last := "never"
		if l.LastSuccess != nil {
			last = l.LastSuccess.Local().Format("2006-01-02 15:04")
		}
		errs := strconv.Itoa(l.ErrorCount)
		if l.LastError != "" {
			errs += " (" + l.LastError + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Name, l.Origin, st, l.Schedule, last, errs, l.URL)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, plural(len(list), "feed"))
	return err
}

// feedsChange removes, pauses or resumes one feed. Configured feeds can
// be paused and resumed, but are removed from crosscheck.yaml.
func feedsChange(ctx context.Context, e env, verb string, args []string) error {
	fs := newFlagSet(e, "feeds "+verb, "crosscheck feeds "+verb+" NAME [--config FILE]")
	configPath := fs.configFlag()
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("feeds %s: want one feed name (usage: crosscheck feeds %s NAME)", verb, verb)
	}
	name := rest[0]
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	store, defs, err := openWithFeeds(ctx, "feeds "+verb, cfg, state.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	var def *feedDef
	for i := range defs {
		if defs[i].Source.Name == name {
			def = &defs[i]
		}
	}
	if def == nil {
		return usagef("feeds %s: no feed named %q (see crosscheck feeds list)", verb, name)
	}
	switch verb {
	case "remove":
		if def.Origin == fromConfig {
			return usagef("feeds remove: %q is configured in %s; remove it there", name, cfg.File)
		}
		if err := store.RemoveFeed(ctx, name); err != nil {
			if errors.Is(err, state.ErrNoFeed) {
				return usagef("feeds remove: no feed named %q", name)
			}
			return fmt.Errorf("feeds remove: %w", err)
		}
		_, err = fmt.Fprintf(e.stdout, "removed %s\n", name)
	case "pause", "resume":
		if err := store.SetFeedPaused(ctx, name, verb == "pause", "cli"); err != nil {
			return fmt.Errorf("feeds %s: %w", verb, err)
		}
		_, err = fmt.Fprintf(e.stdout, "%sd %s\n", verb, name)
	}
	return err
}
