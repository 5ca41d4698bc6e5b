package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

const feedsUsage = "crosscheck feeds list [--json] | add URL [--name NAME] [--outlet OUTLET] [--schedule SPEC] | import FILE.opml | remove NAME | pause NAME | resume NAME [--config FILE]"

// runFeeds manages the feeds kept in the store beside the configured ones.
// While `crosscheck run` holds the store, the running bot does it for the
// command line (admin.go) and tells its scheduler.
func runFeeds(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usagef("feeds: missing subcommand (usage: %s)", feedsUsage)
	}
	switch args[0] {
	case "list":
		return viaRunningBot(ctx, e, append([]string{"feeds"}, args...), nil, "", feedsList(ctx, e, args[1:]))
	case "add":
		return viaRunningBot(ctx, e, append([]string{"feeds"}, args...), nil, "", feedsAdd(ctx, e, args[1:]))
	case "import":
		return feedsImport(ctx, e, args[1:])
	case "remove", "pause", "resume":
		return viaRunningBot(ctx, e, append([]string{"feeds"}, args...), nil, "", feedsChange(ctx, e, args[0], args[1:]))
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
	cfg, err := e.config(*configPath)
	if err != nil {
		return err
	}
	// Read whole, so the list can go to the running bot if it holds the
	// store.
	var data []byte
	if file == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, maxAdminRequest))
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return usagef("feeds import: %v", err)
	}
	name := file
	if file == "-" && e.stdinName != "" {
		name = e.stdinName
	}
	list, err := feeds.ParseOPML(bytes.NewReader(data))
	if err != nil {
		return usagef("feeds import: %s: %v", name, err)
	}
	store, defs, release, err := openWithFeeds(ctx, e, "feeds import", cfg, state.Options{})
	if err != nil {
		return viaRunningBot(ctx, e, []string{"feeds", "import", "-"}, data, name, err)
	}
	defer release()
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
	by := "opml:" + filepath.Base(name)
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
		err := store.AddFeed(ctx, state.FeedEntry{Source: src, AddedBy: by})
		if err != nil {
			tw.Flush()
			return fmt.Errorf("feeds import: %w", err)
		}
		names[src.Name] = true
		byURL[feeds.URLKey(src.URL)] = feedDef{Source: src, Origin: fromStore}
		added++
		scheduleAdded(e, src)
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
	_, err = fmt.Fprintf(e.stdout, "%s: added %s, skipped %d\n", name, plural(added, "feed"), skipped)
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
	cfg, err := e.config(*configPath)
	if err != nil {
		return err
	}
	store, defs, release, err := openWithFeeds(ctx, e, "feeds list", cfg, state.Options{})
	if err != nil {
		return err
	}
	defer release()
	out, err := feedListings(ctx, store, defs)
	if err != nil {
		return fmt.Errorf("feeds list: %w", err)
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

// feedListings is every feed with its poll state.
func feedListings(ctx context.Context, store *state.Store, defs []feedDef) ([]feedListing, error) {
	states, err := store.FeedStates(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]feeds.FeedState{}
	for _, st := range states {
		byName[st.Feed] = st
	}
	out := []feedListing{}
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
	return out, nil
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
	cfg, err := e.config(*configPath)
	if err != nil {
		return err
	}
	store, defs, release, err := openWithFeeds(ctx, e, "feeds "+verb, cfg, state.Options{})
	if err != nil {
		return err
	}
	defer release()
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
	if err == nil {
		tellScheduler(e, verb, name)
	}
	return err
}

// tellScheduler has the running bot's scheduler follow a change made
// for the command line; without a running bot the next start does.
func tellScheduler(e env, verb, name string) {
	s := e.scheduler()
	if s == nil {
		return
	}
	var err error
	switch verb {
	case "remove":
		err = s.Remove(name)
	case "pause":
		err = s.Pause(name)
	case "resume":
		err = s.Resume(name)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "crosscheck: feeds %s: stored, but the running bot's schedule did not follow (%v); it will at the next start\n", verb, err)
	}
}

func scheduleAdded(e env, src feeds.Source) {
	if s := e.scheduler(); s != nil {
		if err := s.Add(src); err != nil {
			fmt.Fprintf(e.stderr, "crosscheck: %s: stored, but not scheduled yet (%v); it will be at the next start\n", src.Name, err)
		}
	}
}

// feedsAdd is `crosscheck feeds add URL`: one feed into the store, named
// after its host unless --name says otherwise.
func feedsAdd(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "feeds add", "crosscheck feeds add URL [--name NAME] [--outlet OUTLET] [--schedule SPEC] [--config FILE]")
	configPath := fs.configFlag()
	name := fs.String("name", "", "the feed's `name` (default: from the URL's host)")
	outlet := fs.String("outlet", "", "the `outlet` its articles are from (default: the host)")
	schedule := fs.String("schedule", feeds.DefaultSchedule, "when to poll it: a robfig/cron `spec`")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("feeds add: want one feed URL (usage: crosscheck feeds add URL [--name NAME])")
	}
	cfg, err := e.config(*configPath)
	if err != nil {
		return err
	}
	u, err := url.Parse(rest[0])
	if err != nil || u.Host == "" {
		return usagef("feeds add: %q is not a feed URL", rest[0])
	}
	src := feeds.Source{Name: *name, URL: rest[0], Outlet: *outlet, Schedule: *schedule}
	if src.Name == "" {
		src.Name = feeds.UniqueName(strings.TrimPrefix(u.Hostname(), "www."), func(string) bool { return false })
	}
	if src.Outlet == "" {
		src.Outlet = strings.TrimPrefix(u.Hostname(), "www.")
	}
	if err := src.Validate(); err != nil {
		return usagef("feeds add: %v", err)
	}
	store, defs, release, err := openWithFeeds(ctx, e, "feeds add", cfg, state.Options{})
	if err != nil {
		return err
	}
	defer release()
	for _, d := range defs {
		switch {
		case d.Source.Name == src.Name:
			return usagef("feeds add: a feed called %q exists (from the %s); pass --name", src.Name, d.Origin)
		case feeds.URLKey(d.Source.URL) == feeds.URLKey(src.URL):
			return usagef("feeds add: %s is already polled as %q", src.URL, d.Source.Name)
		}
	}
	err = store.AddFeed(ctx, state.FeedEntry{Source: src, AddedBy: "cli"})
	if errors.Is(err, state.ErrFeedExists) {
		return usagef("feeds add: %v", err)
	}
	if err != nil {
		return fmt.Errorf("feeds add: %w", err)
	}
	scheduleAdded(e, src)
	_, err = fmt.Fprintf(e.stdout, "added %s\t%s\t%s\n", src.Name, src.URL, src.Schedule)
	return err
}
