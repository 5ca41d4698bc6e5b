package main

import (
	"bufio"
	"net/http"
	"strings"
	"time"
)

// quiet waits for a known state in which nothing more can happen: every
// feed polled twice more (so the poll that followed the last publish, and
// any alert it queued, is committed) and the outbox empty (so every queued
// alert has been posted). A doubled alert would be in Slack by then; no
// sleep is needed to give it the chance.
func (x *e2e) quiet() {
	x.t.Helper()
	for _, f := range x.feeds {
		x.polled(f, 2)
	}
	eventually(x.t, 15*time.Second, "the outbox empty", func() bool { return x.outboxDepth() == "0" })
}

// outboxDepth is the crosscheck_outbox_depth gauge the running bot
// exports, read from the store at each scrape; "" when unreadable.
func (x *e2e) outboxDepth() string {
	resp, err := http.Get("http://" + x.addr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "crosscheck_outbox_depth "); ok {
			return v
		}
	}
	return ""
}
