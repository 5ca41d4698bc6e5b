package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MaxRequestBody caps what the HTTP endpoints read. Slack's largest
// requests are interactivity payloads carrying the whole message, well
// under this.
const MaxRequestBody = 512 << 10

// MaxSocketMessage caps one Socket Mode message. It is larger than
// MaxRequestBody because an oversized command must still arrive to be
// answered "too long" (a message over the cap drops the connection, and
// Slack would resend it forever), yet bounded, so a peer cannot make the
// bot buffer without end.
const MaxSocketMessage = 4 << 20

// Handler serves Slack's requests in HTTP mode: /slack/events,
// /slack/commands and /slack/interactivity. Each request is verified
// against the signing secret (timestamps over five minutes off are
// refused), acknowledged at once, and its work done after, under Run's
// context; before Run has started, requests get 503 and Slack retries.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", b.serveEvents)
	mux.HandleFunc("POST /slack/commands", b.serveCommands)
	mux.HandleFunc("POST /slack/interactivity", b.serveInteractivity)
	return mux
}

// verify reads the body and checks Slack's signature over it.
func (b *Bot) verify(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "unreadable body", http.StatusBadRequest)
		}
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, b.opts.Secrets.SigningSecret)
	if err == nil {
		_, err = sv.Write(body)
	}
	if err == nil {
		err = sv.Ensure()
	}
	if err != nil {
		b.log.Warn("slack request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
		http.Error(w, "invalid or stale Slack signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verify(w, r)
	if !ok {
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "unreadable event", http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var ch slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &ch); err != nil {
			http.Error(w, "unreadable challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, ch.Challenge)
		return
	case slackevents.CallbackEvent:
		env, _ := asEventEnvelope(ev)
		if !b.spawn(func(ctx context.Context) { b.handleEvent(ctx, env) }) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verify(w, r)
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "unreadable command", http.StatusBadRequest)
		return
	}
	reqTS := r.Header.Get("X-Slack-Request-Timestamp") // signed, so a retry repeats it
	if !b.spawn(func(ctx context.Context) { b.handleCommand(ctx, cmd, reqTS) }) {
		writeJSON(w, map[string]string{"response_type": "ephemeral", "text": "Crosscheck is busy or restarting; try again in a moment."})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveInteractivity(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verify(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "unreadable form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "unreadable payload", http.StatusBadRequest)
		return
	}
	reqTS := r.Header.Get("X-Slack-Request-Timestamp")
	if !b.spawn(func(ctx context.Context) { b.handleInteraction(ctx, cb, reqTS) }) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
