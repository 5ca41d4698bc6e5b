package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// ErrInvalidAuth means Slack refused a token at start. The error wrapping
// it names the environment variable; the CLI exits 2 on it.
var ErrInvalidAuth = errors.New("bot: Slack refused the token")

// authError names the variable holding the refused token.
type authError struct {
	variable string
	code     string
}

func (e *authError) Error() string {
	return fmt.Sprintf("bot: Slack refused %s (%s); check the token in the environment, and that the app is installed in the workspace", e.variable, e.code)
}

func (e *authError) Unwrap() error { return ErrInvalidAuth }

// IsAuthCode reports whether a Slack error code means the token itself
// was refused, not the request.
func IsAuthCode(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired", "not_allowed_token_type":
		return true
	}
	return false
}

// Options are what New needs. Store, Settings and Secrets are required.
type Options struct {
	Store Store
	// Checker reads an article for `check URL`; without one, the command
	// says it is not available.
	Checker Checker
	// Scheduler hears of feeds added, removed, paused or resumed from
	// Slack; nil when nothing polls (the store is still changed).
	Scheduler Scheduler
	// Settings are the configuration's part the bot acts on
	// (cmd/crosscheck/config's Config.Bot builds them).
	Settings Settings
	Secrets  Secrets
	Log      *slog.Logger
	// HTTPClient calls Slack's Web API (default: a client with a 30 s
	// timeout).
	HTTPClient *http.Client
	// Workers bounds the requests handled at once after their ack
	// (default 8).
	Workers int
	// Now replaces the wall clock in tests.
	Now func() time.Time
	// OnDelivery is passed to the notifier (NotifierOptions.OnDelivery).
	OnDelivery func(err error)
}

// Bot is Crosscheck in Slack.
type Bot struct {
	opts     Options
	cfg      Settings
	log      *slog.Logger
	api      *slack.Client
	notifier *Notifier
	now      func() time.Time
	// phrases are the thread questions the bot understands.
	phrases *threadPhrases

	// userID and botID are the bot's own, from auth.test, so it never
	// answers itself.
	mu     sync.Mutex
	userID string
	botID  string
	// settleMu applies Resolved and Not a contradiction clicks one at a
	// time (settle).
	settleMu sync.Mutex

	// ctx is the running bot's; work started by a request runs under it
	// and stops with it.
	ctx  context.Context
	sem  chan struct{}
	work sync.WaitGroup
}

// New checks the options and builds the bot; it does no I/O.
func New(opts Options) (*Bot, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("bot: no store")
	}
	cfg := opts.Settings
	if err := opts.Secrets.Check(cfg.Slack.Mode); err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	apiURL := cfg.Slack.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	api := slack.New(opts.Secrets.BotToken,
		slack.OptionAPIURL(apiURL),
		slack.OptionAppLevelToken(opts.Secrets.AppToken),
		slack.OptionHTTPClient(opts.HTTPClient),
		slack.OptionLog(log.New(io.Discard, "", 0)),
	)
	phrases, err := parseThreadPhrases(threadPhrasesData)
	if err != nil {
		return nil, err
	}
	n, err := NewNotifier(NotifierOptions{
		Store: opts.Store, API: api, Channel: cfg.Slack.Channel,
		GroupInterval: cfg.Slack.GroupInterval, Log: opts.Log.With("component", "notifier"),
		OnDelivery: opts.OnDelivery,
	})
	if err != nil {
		return nil, err
	}
	return &Bot{
		opts: opts, cfg: cfg, log: opts.Log, api: api, notifier: n, now: opts.Now, phrases: phrases,
		sem: make(chan struct{}, opts.Workers),
	}, nil
}

// Notifier is the bot's outbox deliverer; run it beside Run and Flush it
// at shutdown.
func (b *Bot) Notifier() *Notifier { return b.notifier }

// API is the Slack client the bot uses.
func (b *Bot) API() *slack.Client { return b.api }

// Run connects to Slack and serves until ctx ends: over Socket Mode, or in
// HTTP mode through Handler, mounted by the caller. A refused token is an
// error wrapping ErrInvalidAuth that names its variable.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.start(ctx); err != nil {
		return err
	}
	defer b.work.Wait()
	if b.cfg.Slack.Mode == ModeHTTP {
		<-ctx.Done()
		return nil
	}
	return b.runSocket(ctx)
}

// start checks the bot token and learns the bot's own IDs.
func (b *Bot) start(ctx context.Context) error {
	auth, err := b.api.AuthTestContext(ctx)
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && IsAuthCode(se.Err) {
			return &authError{variable: EnvBotToken, code: se.Err}
		}
		return fmt.Errorf("bot: reach Slack at %s: %w", b.cfg.Slack.APIURL, err)
	}
	b.mu.Lock()
	b.userID, b.botID = auth.UserID, auth.BotID
	b.ctx = ctx
	b.mu.Unlock()
	b.log.Info("connected to Slack", "team", auth.Team, "bot_user", auth.UserID, "mode", b.cfg.Slack.Mode)
	return nil
}

func (b *Bot) self() (userID, botID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userID, b.botID
}

// spawn runs fn after the request is acknowledged, bounded by Workers and
// under the bot's context. It reports false when the bot is not running or
// too busy to take more within a second.
func (b *Bot) spawn(fn func(ctx context.Context)) bool {
	b.mu.Lock()
	ctx := b.ctx
	b.mu.Unlock()
	if ctx == nil || ctx.Err() != nil {
		return false
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case b.sem <- struct{}{}:
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
	b.work.Go(func() {
		defer func() { <-b.sem }()
		fn(ctx)
	})
	return true
}

// runSocket keeps a Socket Mode connection and acks every envelope at
// once, before the work it asks for.
func (b *Bot) runSocket(ctx context.Context) error {
	// slack-go reads websocket messages of any size unless told.
	client := socketmode.New(b.api, socketmode.OptionLog(log.New(io.Discard, "", 0)),
		socketmode.OptionReadLimit(MaxSocketMessage))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			if err != nil && IsAuthCode(err.Error()) {
				return &authError{variable: EnvAppToken, code: err.Error()}
			}
			return fmt.Errorf("bot: socket mode: %w", err)
		case ev := <-client.Events:
			b.onSocketEvent(ctx, client, ev)
		}
	}
}

func (b *Bot) onSocketEvent(ctx context.Context, client *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		b.log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError:
		b.log.Warn("socket mode connection failed; retrying", "error", fmt.Sprint(ev.Data))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("socket mode refused " + EnvAppToken)
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if ev.Request == nil {
			return
		}
		if err := client.AckCtx(ctx, ev.Request.EnvelopeID, nil); err != nil {
			b.log.Warn("ack not sent", "envelope_id", ev.Request.EnvelopeID, "error", err)
		}
		b.dispatch(ev.Data, ev.Request.EnvelopeID)
	}
}

// dispatch hands a decoded request to a worker; envelopeID identifies the
// delivery (Slack resends an unacknowledged envelope under the same ID).
func (b *Bot) dispatch(data any, envelopeID string) {
	var ok bool
	switch d := data.(type) {
	case slack.SlashCommand:
		ok = b.spawn(func(ctx context.Context) { b.handleCommand(ctx, d, envelopeID) })
	case slack.InteractionCallback:
		ok = b.spawn(func(ctx context.Context) { b.handleInteraction(ctx, d, envelopeID) })
	case eventEnvelope:
		ok = b.spawn(func(ctx context.Context) { b.handleEvent(ctx, d) })
	default:
		if ev, isEv := asEventEnvelope(data); isEv {
			ok = b.spawn(func(ctx context.Context) { b.handleEvent(ctx, ev) })
		} else {
			return
		}
	}
	if !ok {
		b.log.Warn("request dropped: bot busy or stopping")
	}
}

// first reports whether a request with this key is new; errors count as
// new, since answering twice beats not answering.
func (b *Bot) first(ctx context.Context, key string) bool {
	if key == "" {
		return true
	}
	ok, err := b.opts.Store.FirstEvent(ctx, key, 0)
	if err != nil {
		b.log.Warn("event dedupe unavailable", "error", err)
		return true
	}
	return ok
}
