package slacktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Sign sets the headers Slack adds to every request it sends an app in
// HTTP mode: X-Slack-Request-Timestamp and X-Slack-Signature, the v0
// HMAC-SHA256 of "v0:timestamp:body" under the signing secret.
func Sign(h http.Header, secret string, ts time.Time, body []byte) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", Signature(secret, stamp, body))
}

// Signature is the X-Slack-Signature value for a timestamp and body.
func Signature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
