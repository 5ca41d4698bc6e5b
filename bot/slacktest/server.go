package slacktest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Message is one message as the fake Slack holds it: posted to a channel
// or a thread, or shown to one user only (Ephemeral).
type Message struct {
	Channel  string
	TS       string
	ThreadTS string
	// User is the author for messages people post (SendMessage) and the
	// recipient of an ephemeral one; empty for the bot's own posts.
	User   string
	BotID  string
	Text   string
	Blocks json.RawMessage
	// Metadata is the message metadata posted with it ({"event_type":
	// ..., "event_payload": {...}}), if any.
	Metadata json.RawMessage
	// Files counts the files shared with the message
	// (files.completeUploadExternal).
	Files int
	// ReplyBroadcast is set when a thread reply was also sent to the
	// channel.
	ReplyBroadcast bool
	Ephemeral      bool
	// Posted is when it was posted; Edits counts chat.update calls on it.
	Posted time.Time
	Edits  int
}

// File is one file uploaded through files.getUploadURLExternal, the
// upload URL and files.completeUploadExternal.
type File struct {
	ID, Name, Title, AltText string
	// Length is what getUploadURLExternal was told; Data what was posted
	// to the upload URL.
	Length int
	Data   []byte
	// Channel and ThreadTS are where completeUploadExternal shared it;
	// empty until then.
	Channel, ThreadTS, InitialComment string
}

// Update is one chat.update call as the fake Slack received it.
type Update struct {
	Channel, TS, Text string
	Blocks            json.RawMessage
	At                time.Time
}

// Call is one Web API request, answered or failed.
type Call struct {
	Method  string
	Channel string
	At      time.Time
	// Failed holds the error or HTTP status the fake answered with, if any.
	Failed string
}

// Failure is an answer the fake gives instead of doing the work.
type Failure struct {
	// Status is an HTTP status: 500 for a server error, 429 for a rate
	// limit (with RetryAfter seconds). Zero means 200 with Error.
	Status     int
	RetryAfter int
	// Error is Slack's error code, such as invalid_auth or
	// channel_not_found, answered with HTTP 200 and "ok": false.
	Error string
}

// Server is the fake Slack. Set the exported fields before Start; they
// have defaults from New.
type Server struct {
	BotToken  string
	AppToken  string
	BotUserID string
	BotID     string
	TeamID    string
	AppID     string
	// PingInterval is how often the websocket pings the client; slack-go
	// reconnects when pings stop for its own ping interval (30 s default).
	PingInterval time.Duration
	// Now stamps messages; tests may give a fake clock.
	Now func() time.Time
	// OnPost, if set, hears each message chat.postMessage has stored,
	// before the answer goes out. Returning true loses the answer: the
	// message stays posted, but the request is held until the caller
	// gives up (its context ends), as when the bot dies after Slack took
	// its post and before it learned so.
	OnPost func(Message) (loseAnswer bool)

	mu       sync.Mutex
	srv      *httptest.Server
	lastTS   int64 // microseconds
	messages []*Message
	updates  []Update
	files    []*File
	calls    []Call
	failures map[string][]Failure
	missing  map[string]bool
	down     bool
	nextID   int

	socket socketState
}

// New returns a fake Slack with defaults, not yet listening. Its Web API is
// usable in process through Client without Start.
func New() *Server {
	return &Server{
		BotToken:     "xoxb-test-token",
		AppToken:     "xapp-test-token",
		BotUserID:    "UBOT",
		BotID:        "BBOT",
		TeamID:       "T0TEST",
		AppID:        "A0TEST",
		PingInterval: 2 * time.Second,
		Now:          time.Now,
		failures:     map[string][]Failure{},
		missing:      map[string]bool{},
	}
}

// NewServer returns a started fake Slack on a loopback port.
func NewServer() *Server {
	s := New()
	s.Start()
	return s
}

// Start listens on a loopback port; Socket Mode needs it.
func (s *Server) Start() {
	s.srv = httptest.NewServer(s.Handler())
}

// Close stops listening and drops every websocket.
func (s *Server) Close() {
	s.closeSockets()
	if s.srv != nil {
		s.srv.Close()
	}
}

// APIURL is the base URL to give slack.OptionAPIURL.
func (s *Server) APIURL() string {
	if s.srv == nil {
		return "http://slack.invalid/api/"
	}
	return s.srv.URL + "/api/"
}

// Client is an HTTP client that reaches the fake in process, without a
// socket: the wire format is unchanged, but it works inside a
// testing/synctest bubble.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: inProcess{s.Handler()}}
}

type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	// A caller that gave up while the handler ran gets its context's
	// error, as over a socket, not whatever the handler left behind.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Handler serves the Web API under /api/ and the Socket Mode websocket.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("POST /upload/{id}", s.serveUpload)
	return mux
}

// Fail queues failures for method ("chat.postMessage"; "*" for any), used
// one per call in order.
func (s *Server) Fail(method string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], fs...)
}

// SetChannelMissing makes posts to channel answer channel_not_found until
// cleared.
func (s *Server) SetChannelMissing(channel string, missing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missing[channel] = missing
}

// SetDown makes every Web API call answer 503, as during an outage.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Messages returns the channel and thread messages (not ephemeral) in the
// order they were posted, as they look now.
func (s *Server) Messages() []Message {
	return s.collect(func(m *Message) bool { return !m.Ephemeral })
}

// Ephemerals returns the messages shown to one user only.
func (s *Server) Ephemerals() []Message {
	return s.collect(func(m *Message) bool { return m.Ephemeral })
}

// Thread returns the parent at ts in channel and its replies, in order.
func (s *Server) Thread(channel, ts string) []Message {
	return s.collect(func(m *Message) bool {
		return !m.Ephemeral && m.Channel == channel && (m.TS == ts || m.ThreadTS == ts)
	})
}

// Message returns the message at channel and ts as it looks now.
func (s *Server) Message(channel, ts string) (Message, bool) {
	ms := s.collect(func(m *Message) bool { return m.Channel == channel && m.TS == ts })
	if len(ms) == 0 {
		return Message{}, false
	}
	return ms[0], true
}

// Updates returns every chat.update received, in order.
func (s *Server) Updates() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates)
}

// Files returns every file upload begun, in order, as it is now.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		c := *f
		c.Data = bytes.Clone(f.Data)
		out = append(out, c)
	}
	return out
}

// Calls returns every Web API request, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *Server) collect(keep func(*Message) bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if keep(m) {
			c := *m
			c.Blocks = bytes.Clone(m.Blocks)
			out = append(out, c)
		}
	}
	return out
}

// nextTS hands out Slack-style "seconds.micros" stamps, strictly
// increasing so every message has its own.
func (s *Server) nextTS(now time.Time) string {
	us := now.UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

func (s *Server) newID(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s%06d", prefix, s.nextID)
}

type apiRequest struct {
	// host is where the request reached the fake: the upload URL it
	// hands out is on the same server.
	host   string
	method string
	token  string
	form   url.Values
}

// maxAPIBody is far above any message the bot sends (Slack's own cap on
// blocks is 50, text 40,000 characters).
const maxAPIBody = 4 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	req := apiRequest{host: r.Host, method: r.PathValue("method"), form: url.Values{}}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAPIBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(bytes.TrimSpace(body)) > 0 {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				writeJSON(w, map[string]any{"ok": false, "error": "invalid_json"})
				return
			}
			for k, v := range m {
				req.form.Set(k, formValue(v))
			}
		}
	} else {
		req.form, err = url.ParseQuery(string(body))
		if err != nil {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_form_data"})
			return
		}
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			req.form.Add(k, v)
		}
	}
	req.token = req.form.Get("token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		req.token = bearer
	}

	s.mu.Lock()
	now := s.Now()
	call := Call{Method: req.method, Channel: req.form.Get("channel"), At: now}
	if s.down {
		call.Failed = "503"
		s.calls = append(s.calls, call)
		s.mu.Unlock()
		http.Error(w, "<html>Slack is down</html>", http.StatusServiceUnavailable)
		return
	}
	if f, ok := s.takeFailure(req.method); ok {
		call.Failed = f.Error
		if f.Status != 0 {
			call.Failed = strconv.Itoa(f.Status)
		}
		s.calls = append(s.calls, call)
		s.mu.Unlock()
		writeFailure(w, f)
		return
	}
	answer := s.answer(req, now)
	ok, _ := answer["ok"].(bool)
	if !ok {
		call.Failed = fmt.Sprint(answer["error"])
	}
	s.calls = append(s.calls, call)
	var posted *Message
	if ok && req.method == "chat.postMessage" {
		c := *s.messages[len(s.messages)-1]
		posted = &c
	}
	onPost := s.OnPost
	s.mu.Unlock()
	if posted != nil && onPost != nil && onPost(*posted) {
		<-r.Context().Done()
		return
	}
	writeJSON(w, answer)
}

func (s *Server) takeFailure(method string) (Failure, bool) {
	for _, key := range []string{method, "*"} {
		if q := s.failures[key]; len(q) > 0 {
			s.failures[key] = q[1:]
			return q[0], true
		}
	}
	return Failure{}, false
}

func writeFailure(w http.ResponseWriter, f Failure) {
	switch {
	case f.Status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "ratelimited"})
	case f.Status != 0:
		http.Error(w, http.StatusText(f.Status), f.Status)
	default:
		writeJSON(w, map[string]any{"ok": false, "error": f.Error})
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func fail(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

// formValue turns a JSON body's value into the form value Slack reads
// the same argument from: strings as they are, objects and arrays (such
// as metadata or blocks) as JSON.
func formValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// answer does the work of one method; s.mu is held.
func (s *Server) answer(req apiRequest, now time.Time) map[string]any {
	if req.method == "apps.connections.open" {
		if req.token == "" {
			return fail("not_authed")
		}
		if req.token != s.AppToken {
			return fail("invalid_auth")
		}
		return s.openSocket()
	}
	if req.token == "" {
		return fail("not_authed")
	}
	if req.token != s.BotToken {
		return fail("invalid_auth")
	}
	f := req.form
	switch req.method {
	case "auth.test":
		return map[string]any{
			"ok": true, "url": "https://crosscheck-test.slack.com/", "team": "Crosscheck Test",
			"user": "crosscheck", "team_id": s.TeamID, "user_id": s.BotUserID, "bot_id": s.BotID,
		}
	case "chat.postMessage":
		ch := f.Get("channel")
		if ch == "" || s.missing[ch] {
			return fail("channel_not_found")
		}
		if f.Get("text") == "" && f.Get("blocks") == "" {
			return fail("no_text")
		}
		meta, code := checkMetadata(f.Get("metadata"))
		if code != "" {
			return fail(code)
		}
		m := &Message{
			Channel: ch, TS: s.nextTS(now), ThreadTS: f.Get("thread_ts"), BotID: s.BotID,
			Text: f.Get("text"), Blocks: json.RawMessage(f.Get("blocks")), Metadata: meta,
			ReplyBroadcast: f.Get("reply_broadcast") == "true", Posted: now,
		}
		s.messages = append(s.messages, m)
		return map[string]any{"ok": true, "channel": ch, "ts": m.TS, "message": wireMessage(m, s.BotUserID, true)}
	case "chat.update":
		ch, ts := f.Get("channel"), f.Get("ts")
		if s.missing[ch] {
			return fail("channel_not_found")
		}
		for _, m := range s.messages {
			if m.Channel == ch && m.TS == ts && !m.Ephemeral {
				m.Text = f.Get("text")
				if b := f.Get("blocks"); b != "" {
					m.Blocks = json.RawMessage(b)
				}
				m.Edits++
				s.updates = append(s.updates, Update{Channel: ch, TS: ts, Text: m.Text, Blocks: m.Blocks, At: now})
				return map[string]any{"ok": true, "channel": ch, "ts": ts, "text": m.Text}
			}
		}
		return fail("message_not_found")
	case "chat.postEphemeral":
		ch, user := f.Get("channel"), f.Get("user")
		if ch == "" || s.missing[ch] {
			return fail("channel_not_found")
		}
		if user == "" {
			return fail("user_not_found")
		}
		m := &Message{
			Channel: ch, TS: s.nextTS(now), ThreadTS: f.Get("thread_ts"), User: user, BotID: s.BotID,
			Text: f.Get("text"), Blocks: json.RawMessage(f.Get("blocks")), Ephemeral: true, Posted: now,
		}
		s.messages = append(s.messages, m)
		return map[string]any{"ok": true, "message_ts": m.TS}
	case "files.getUploadURLExternal":
		n, err := strconv.Atoi(f.Get("length"))
		if f.Get("filename") == "" || err != nil || n <= 0 {
			return fail("invalid_arguments")
		}
		file := &File{ID: s.newID("F"), Name: f.Get("filename"), AltText: f.Get("alt_txt"), Length: n}
		s.files = append(s.files, file)
		return map[string]any{"ok": true, "file_id": file.ID, "upload_url": "http://" + req.host + "/upload/" + file.ID}
	case "files.completeUploadExternal":
		return s.completeUpload(f, now)
	case "conversations.replies":
		ch, ts := f.Get("channel"), f.Get("ts")
		if s.missing[ch] {
			return fail("channel_not_found")
		}
		var parent *Message
		var replies []*Message
		for _, m := range s.messages {
			switch {
			case m.Ephemeral || m.Channel != ch:
			case m.TS == ts:
				parent = m
			case m.ThreadTS == ts:
				replies = append(replies, m)
			}
		}
		if parent == nil {
			return fail("thread_not_found")
		}
		// Slack lists a thread oldest first, its parent always on top.
		return s.page(append([]*Message{parent}, inWindow(replies, f)...), f)
	case "conversations.history":
		ch := f.Get("channel")
		if ch == "" || s.missing[ch] {
			return fail("channel_not_found")
		}
		// Newest first, and only what shows in the channel: parents and
		// replies also sent to it.
		var msgs []*Message
		for _, m := range slices.Backward(s.messages) {
			if !m.Ephemeral && m.Channel == ch && (m.ThreadTS == "" || m.ThreadTS == m.TS || m.ReplyBroadcast) {
				msgs = append(msgs, m)
			}
		}
		return s.page(inWindow(msgs, f), f)
	}
	return fail("unknown_method")
}

// completeUpload shares uploaded files in a channel or thread, with a
// message that carries them, as Slack does; s.mu is held.
func (s *Server) completeUpload(f url.Values, now time.Time) map[string]any {
	var want []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(f.Get("files")), &want); err != nil || len(want) == 0 {
		return fail("invalid_arguments")
	}
	ch := f.Get("channel_id")
	if ch != "" && s.missing[ch] {
		return fail("channel_not_found")
	}
	var done []map[string]any
	for _, w := range want {
		file := s.file(w.ID)
		if file == nil || file.Data == nil {
			return fail("file_not_found")
		}
		if len(file.Data) != file.Length {
			return fail("file_upload_size_mismatch")
		}
		file.Title, file.Channel, file.ThreadTS, file.InitialComment = w.Title, ch, f.Get("thread_ts"), f.Get("initial_comment")
		done = append(done, map[string]any{"id": file.ID, "title": file.Title, "name": file.Name})
	}
	if ch != "" {
		s.messages = append(s.messages, &Message{
			Channel: ch, TS: s.nextTS(now), ThreadTS: f.Get("thread_ts"), BotID: s.BotID,
			Text: f.Get("initial_comment"), Posted: now, Files: len(done),
		})
	}
	return map[string]any{"ok": true, "files": done}
}

func (s *Server) file(id string) *File {
	for _, f := range s.files {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// serveUpload takes the bytes of a file at the upload URL: a multipart
// form with a "file" part, as slack-go sends, or the raw body.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		var part io.ReadCloser
		part, _, err = r.FormFile("file")
		if err == nil {
			data, err = io.ReadAll(part)
			part.Close()
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, maxAPIBody))
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	file := s.file(r.PathValue("id"))
	if file == nil {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	file.Data = data
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "OK - %d", len(data))
}

// checkMetadata accepts message metadata as Slack does: absent, or a JSON
// object with an event_type and an event_payload object.
func checkMetadata(raw string) (json.RawMessage, string) {
	if raw == "" {
		return nil, ""
	}
	var md struct {
		EventType    string          `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(raw), &md); err != nil {
		return nil, "invalid_metadata_format"
	}
	var payload map[string]any
	if md.EventType == "" || json.Unmarshal(md.EventPayload, &payload) != nil || payload == nil {
		return nil, "invalid_metadata_schema"
	}
	return json.RawMessage(raw), ""
}

// inWindow keeps the messages after oldest and before latest, Slack's
// bounds (exclusive unless inclusive=1).
func inWindow(msgs []*Message, f url.Values) []*Message {
	oldest, latest := tsMicros(f.Get("oldest")), tsMicros(f.Get("latest"))
	inclusive := f.Get("inclusive") == "1" || f.Get("inclusive") == "true"
	var out []*Message
	for _, m := range msgs {
		t := tsMicros(m.TS)
		if f.Get("oldest") != "" && (t < oldest || t == oldest && !inclusive) {
			continue
		}
		if f.Get("latest") != "" && (t > latest || t == latest && !inclusive) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// page answers one page of msgs as Slack does: limit (default 100, at
// most 999) per page, has_more, and an opaque cursor for the next.
func (s *Server) page(msgs []*Message, f url.Values) map[string]any {
	limit, err := strconv.Atoi(f.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	limit = min(limit, 999)
	start := 0
	if c := f.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		n, ok := strings.CutPrefix(string(raw), "next:")
		var bad error
		start, bad = strconv.Atoi(n)
		if err != nil || !ok || bad != nil || start < 0 || start > len(msgs) {
			return fail("invalid_cursor")
		}
		msgs = msgs[start:]
	}
	withMeta := f.Get("include_all_metadata") == "1" || f.Get("include_all_metadata") == "true"
	out := []map[string]any{}
	for _, m := range msgs[:min(limit, len(msgs))] {
		out = append(out, wireMessage(m, s.BotUserID, withMeta))
	}
	answer := map[string]any{"ok": true, "messages": out, "has_more": len(msgs) > limit}
	if len(msgs) > limit {
		next := base64.StdEncoding.EncodeToString([]byte("next:" + strconv.Itoa(start+limit)))
		answer["response_metadata"] = map[string]any{"next_cursor": next}
	}
	return answer
}

// tsMicros reads a "seconds.micros" stamp; an unreadable one is zero.
func tsMicros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0
	}
	frac = (frac + "000000")[:6]
	us, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0
	}
	return s*1e6 + us
}

// wireMessage is m as Slack's API shows it; metadata only when asked for
// (include_all_metadata), as Slack does.
func wireMessage(m *Message, botUser string, withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "text": m.Text, "ts": m.TS}
	if m.User != "" {
		out["user"] = m.User
	} else {
		out["user"] = botUser
		out["bot_id"] = m.BotID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 && json.Valid(m.Blocks) {
		out["blocks"] = m.Blocks
	}
	if withMeta && len(m.Metadata) > 0 {
		out["metadata"] = m.Metadata
	}
	return out
}
