package slacktest

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// envelope is one Socket Mode request waiting for its ack.
type envelope struct {
	id       string
	typ      string
	payload  json.RawMessage
	attempts int
	acked    bool
	ack      json.RawMessage
	done     chan struct{}
}

type socketState struct {
	envelopes   map[string]*envelope
	pending     []*envelope // unacknowledged, in the order sent
	conn        *socketConn
	connections int
	tickets     map[string]bool
	dropNext    bool
	loseNextAck bool
}

type socketConn struct {
	ws        *websocket.Conn
	wake      chan struct{}
	closed    chan struct{}
	delivered map[string]bool
}

func (c *socketConn) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *socketConn) close() {
	select {
	case <-c.closed:
	default:
		close(c.closed)
	}
	c.ws.Close()
}

// openSocket answers apps.connections.open; s.mu is held.
func (s *Server) openSocket() map[string]any {
	if s.srv == nil {
		return fail("socket_mode_needs_a_listening_fake")
	}
	if s.socket.tickets == nil {
		s.socket.tickets = map[string]bool{}
	}
	ticket := s.newID("ticket")
	s.socket.tickets[ticket] = true
	u := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/?ticket=" + ticket
	return map[string]any{"ok": true, "url": u}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.socket.tickets[ticket]
	delete(s.socket.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		http.Error(w, "unknown ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &socketConn{ws: ws, wake: make(chan struct{}, 1), closed: make(chan struct{}), delivered: map[string]bool{}}
	s.mu.Lock()
	if old := s.socket.conn; old != nil {
		old.close()
	}
	s.socket.conn = c
	s.socket.connections++
	n := s.socket.connections
	s.mu.Unlock()

	hello := map[string]any{
		"type": "hello", "num_connections": 1,
		"debug_info":      map[string]any{"host": "slacktest", "approximate_connection_time": 3600},
		"connection_info": map[string]any{"app_id": s.AppID},
	}
	if err := ws.WriteJSON(hello); err != nil {
		c.close()
		return
	}
	go s.readAcks(c)
	s.writeLoop(c, n)
}

// writeLoop is the only writer of data frames on c (gorilla allows one).
func (s *Server) writeLoop(c *socketConn, _ int) {
	defer s.forget(c)
	ping := time.NewTicker(s.PingInterval)
	defer ping.Stop()
	c.poke()
	for {
		select {
		case <-c.closed:
			return
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second)); err != nil {
				return
			}
		case <-c.wake:
			for {
				env, drop := s.nextUndelivered(c)
				if env == nil {
					break
				}
				if drop {
					writeHalfFrame(c.ws, env)
					return
				}
				if err := c.ws.WriteMessage(websocket.TextMessage, env); err != nil {
					return
				}
			}
		}
	}
}

func (s *Server) forget(c *socketConn) {
	c.close()
	s.mu.Lock()
	if s.socket.conn == c {
		s.socket.conn = nil
	}
	s.mu.Unlock()
}

// nextUndelivered returns the next envelope c has not carried yet, as
// wire bytes, and whether to cut the connection in the middle of it.
func (s *Server) nextUndelivered(c *socketConn) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.socket.pending {
		if e.acked || c.delivered[e.id] {
			continue
		}
		c.delivered[e.id] = true
		e.attempts++
		msg := map[string]any{
			"envelope_id": e.id, "type": e.typ, "payload": e.payload,
			"accepts_response_payload": e.typ != "events_api",
		}
		if e.attempts > 1 {
			msg["retry_attempt"] = e.attempts - 1
			msg["retry_reason"] = "timeout"
		}
		b, _ := json.Marshal(msg)
		drop := s.socket.dropNext
		s.socket.dropNext = false
		return b, drop
	}
	return nil, false
}

// writeHalfFrame sends a text frame's header and half its payload, then
// cuts the TCP connection: the client sees an envelope torn in two.
func writeHalfFrame(ws *websocket.Conn, payload []byte) {
	raw := ws.NetConn()
	hdr := []byte{0x81} // FIN, text; server frames are not masked
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, byte(n))
	case n <= 0xFFFF:
		hdr = append(hdr, 126, 0, 0)
		binary.BigEndian.PutUint16(hdr[2:], uint16(n))
	default:
		hdr = append(hdr, 127, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint64(hdr[2:], uint64(n))
	}
	raw.SetWriteDeadline(time.Now().Add(5 * time.Second))
	raw.Write(hdr)
	raw.Write(payload[:len(payload)/2])
	raw.Close()
}

func (s *Server) readAcks(c *socketConn) {
	defer c.close()
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		if s.socket.loseNextAck {
			// The ack dies with the connection: Slack never saw it and will
			// deliver the envelope again.
			s.socket.loseNextAck = false
			s.mu.Unlock()
			return
		}
		if e := s.socket.envelopes[ack.EnvelopeID]; e != nil && !e.acked {
			e.acked = true
			e.ack = ack.Payload
			close(e.done)
			s.socket.pending = removeEnvelope(s.socket.pending, e)
		}
		s.mu.Unlock()
	}
}

func removeEnvelope(es []*envelope, e *envelope) []*envelope {
	for i, x := range es {
		if x == e {
			return append(es[:i:i], es[i+1:]...)
		}
	}
	return es
}

func (s *Server) closeSockets() {
	s.mu.Lock()
	c := s.socket.conn
	s.socket.conn = nil
	s.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// Send queues a Socket Mode envelope of type typ ("events_api",
// "slash_commands", "interactive") and returns its envelope_id. It is
// delivered now if a client is connected, else on the next connection,
// and again on every connection until acknowledged.
func (s *Server) Send(typ string, payload any) string {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(fmt.Sprintf("slacktest: marshal %s payload: %v", typ, err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.socket.envelopes == nil {
		s.socket.envelopes = map[string]*envelope{}
	}
	e := &envelope{id: s.newID("env-"), typ: typ, payload: b, done: make(chan struct{})}
	s.socket.envelopes[e.id] = e
	s.socket.pending = append(s.socket.pending, e)
	if c := s.socket.conn; c != nil {
		c.poke()
	}
	return e.id
}

// Disconnect asks the connected client to reconnect, as Slack does before
// it recycles a connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	c := s.socket.conn
	s.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// DropNextEnvelope cuts the websocket in the middle of the next envelope
// written.
func (s *Server) DropNextEnvelope() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.socket.dropNext = true
}

// LoseNextAck drops the connection when the next ack arrives, without
// recording it: the client acted, Slack thinks it did not.
func (s *Server) LoseNextAck() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.socket.loseNextAck = true
}

// Connections counts websocket connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.socket.connections
}

// Deliveries reports how many times envelope id was written to a client.
func (s *Server) Deliveries(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.socket.envelopes[id]; e != nil {
		return e.attempts
	}
	return 0
}

// WaitAck waits for the envelope's ack and returns its payload (null when
// the client acked without one).
func (s *Server) WaitAck(ctx context.Context, id string) (json.RawMessage, error) {
	s.mu.Lock()
	e := s.socket.envelopes[id]
	s.mu.Unlock()
	if e == nil {
		return nil, fmt.Errorf("slacktest: no envelope %s", id)
	}
	select {
	case <-e.done:
		s.mu.Lock()
		defer s.mu.Unlock()
		return e.ack, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("slacktest: envelope %s not acknowledged: %w", id, ctx.Err())
	}
}

// SlashCommand sends /crosscheck (or cmd.Command) with text from user in
// channel over Socket Mode. Missing fields get Slack-like values; each
// command gets its own trigger_id.
func (s *Server) SlashCommand(cmd slack.SlashCommand) string {
	s.fillCommand(&cmd)
	return s.Send("slash_commands", cmd)
}

func (s *Server) fillCommand(cmd *slack.SlashCommand) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cmd.Command == "" {
		cmd.Command = "/crosscheck"
	}
	if cmd.TeamID == "" {
		cmd.TeamID = s.TeamID
	}
	if cmd.APIAppID == "" {
		cmd.APIAppID = s.AppID
	}
	if cmd.TriggerID == "" {
		cmd.TriggerID = s.newID("trigger.")
	}
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = "https://hooks.slack.invalid/commands/" + cmd.TriggerID
	}
}

// CommandForm is the form body Slack posts to a slash command's request
// URL in HTTP mode.
func (s *Server) CommandForm(cmd slack.SlashCommand) url.Values {
	s.fillCommand(&cmd)
	return url.Values{
		"token": {"deprecated"}, "team_id": {cmd.TeamID}, "team_domain": {"crosscheck-test"},
		"channel_id": {cmd.ChannelID}, "channel_name": {cmd.ChannelName}, "user_id": {cmd.UserID},
		"user_name": {cmd.UserName}, "command": {cmd.Command}, "text": {cmd.Text},
		"response_url": {cmd.ResponseURL}, "trigger_id": {cmd.TriggerID}, "api_app_id": {cmd.APIAppID},
	}
}

// UserMessage posts a message from a person (recorded like any other, so
// conversations.replies shows it) and returns the events_api payload Slack
// would send for it, with a fresh event_id.
func (s *Server) UserMessage(channel, user, text, threadTS string) (payload map[string]any, ts string) {
	s.mu.Lock()
	now := s.Now()
	m := &Message{Channel: channel, TS: s.nextTS(now), ThreadTS: threadTS, User: user, Text: text, Posted: now}
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	ev := map[string]any{
		"type": "message", "channel": channel, "user": user, "text": text,
		"ts": m.TS, "event_ts": m.TS, "channel_type": "channel",
	}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return s.EventCallback(ev), m.TS
}

// EventCallback wraps an inner event the way the Events API does.
func (s *Server) EventCallback(inner map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{
		"token": "deprecated", "team_id": s.TeamID, "api_app_id": s.AppID,
		"type": "event_callback", "event_id": s.newID("Ev"), "event_time": s.Now().Unix(),
		"event": inner,
	}
}

// SendUserMessage is UserMessage delivered over Socket Mode; it returns
// the envelope_id and the message's ts.
func (s *Server) SendUserMessage(channel, user, text, threadTS string) (envelopeID, ts string) {
	p, ts := s.UserMessage(channel, user, text, threadTS)
	return s.Send("events_api", p), ts
}

// BlockAction is the interactive payload of a button click on the
// message at messageTS.
func (s *Server) BlockAction(user, channel, messageTS, actionID, value string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	trigger := s.newID("trigger.")
	now := s.Now()
	return map[string]any{
		"type": "block_actions", "trigger_id": trigger, "api_app_id": s.AppID,
		"team":         map[string]any{"id": s.TeamID},
		"user":         map[string]any{"id": user, "name": strings.ToLower(user)},
		"channel":      map[string]any{"id": channel},
		"container":    map[string]any{"type": "message", "message_ts": messageTS, "channel_id": channel},
		"message":      map[string]any{"type": "message", "ts": messageTS},
		"response_url": "https://hooks.slack.invalid/actions/" + trigger,
		"actions": []map[string]any{{
			"type": "button", "action_id": actionID, "block_id": "actions", "value": value,
			"action_ts": strconv.FormatInt(now.Unix(), 10) + ".000100",
		}},
	}
}

// SendBlockAction is BlockAction delivered over Socket Mode.
func (s *Server) SendBlockAction(user, channel, messageTS, actionID, value string) string {
	return s.Send("interactive", s.BlockAction(user, channel, messageTS, actionID, value))
}
