package claim

import "time"

// JSONClaim is the one JSON shape of a claim, shared by `crosscheck
// extract --json` (one per line) and the claims inside `replay --json`
// conflicts. Low and High are null for status claims; High is null for an
// unbounded figure ("more than 3,000"), and LowOpen/HighOpen say when a
// bound itself is excluded.
type JSONClaim struct {
	Claimant  string   `json:"claimant"`
	Outlet    string   `json:"outlet"`
	URL       string   `json:"url"`
	Published string   `json:"published"`
	AsOf      string   `json:"as_of"`
	Text      string   `json:"text"`
	Low       *float64 `json:"low"`
	High      *float64 `json:"high"`
	LowOpen   bool     `json:"low_open,omitempty"`
	HighOpen  bool     `json:"high_open,omitempty"`
	Status    string   `json:"status"`
	Subject   string   `json:"subject"`
	Measure   string   `json:"measure"`
	Place     string   `json:"place"`
	Start     int      `json:"start"`
	End       int      `json:"end"`
}

// ToJSON encodes a claim; times are RFC 3339 in UTC, empty when unknown.
func ToJSON(c Claim) JSONClaim {
	j := JSONClaim{
		Claimant: c.Claimant, Outlet: c.Outlet, URL: c.URL,
		Published: jsonTime(c.Published), AsOf: jsonTime(c.AsOf), Text: c.Sentence,
		Subject: c.Subject, Measure: c.Measure, Place: c.Place, Start: c.Start, End: c.End,
	}
	if c.Kind == Status {
		j.Status = c.Polarity.String()
		return j
	}
	low := c.Value.Low
	j.Low, j.LowOpen = &low, c.Value.LowOpen
	if c.Value.Bounded() {
		high := c.Value.High
		j.High, j.HighOpen = &high, c.Value.HighOpen
	}
	return j
}

func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
