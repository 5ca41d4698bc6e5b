package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// ItemID is an item's identity: a hash of its normalised GUID, else of its
// normalised link, else of its title and content. The three are hashed under
// different prefixes so a GUID never collides with an equal link. It is ""
// for an item with none of them, which cannot be told apart from another.
func ItemID(it Item) string {
	switch {
	case strings.TrimSpace(it.GUID) != "":
		return hashParts("guid", normalizeGUID(it.GUID))
	case strings.TrimSpace(it.Link) != "":
		return hashParts("link", normalizeURL(it.Link))
	case strings.TrimSpace(it.Title) != "" || strings.TrimSpace(it.Content) != "":
		return hashParts("text", collapseSpace(it.Title), PlainText(it.Content))
	}
	return ""
}

// LinkKey is the item's link without scheme, host, fragment and tracking
// parameters: a second identity that survives a publisher moving to https,
// to a new domain or to new GUIDs. It is "" when the link says nothing
// specific (empty, or the site's front page).
func LinkKey(link string) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	query := cleanQuery(u.Query())
	if path == "" && query == "" {
		return ""
	}
	if query != "" {
		return path + "?" + query
	}
	return path
}

// ContentHash changes when what a reader sees of the item changes: its
// title or its text. Markup, whitespace and tracking pixels do not count,
// so a feed that re-renders its HTML does not make every item an update.
func ContentHash(it Item) string {
	return hashParts("content", collapseSpace(it.Title), PlainText(it.Content))
}

func hashParts(kind string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func normalizeGUID(g string) string {
	g = strings.TrimSpace(g)
	if strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") ||
		strings.HasPrefix(g, "HTTP://") || strings.HasPrefix(g, "HTTPS://") {
		return normalizeURL(g)
	}
	return g
}

// normalizeURL lowercases scheme and host, drops default ports, fragments,
// tracking parameters and a trailing slash, and sorts the query.
func normalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host += ":" + port
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = cleanQuery(u.Query())
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// trackingParams are query parameters that tell the publisher where a
// reader came from and never which article it is. Generic names such as
// "id", "ref" or "src" stay: on some sites they pick the article.
var trackingParams = []string{
	"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
	"_ga", "_gl", "mkt_tok", "wt_mc", "wt.mc_id", "ocid", "cmpid", "at_medium",
	"at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "ito", "smid",
}

func isTrackingParam(name string) bool {
	name = strings.ToLower(name)
	return strings.HasPrefix(name, "utm_") || strings.HasPrefix(name, "ns_") ||
		strings.HasPrefix(name, "pk_") || slices.Contains(trackingParams, name)
}

// cleanQuery drops tracking parameters and sorts the rest, so equal links
// give equal strings.
func cleanQuery(q url.Values) string {
	for k := range q {
		if isTrackingParam(k) {
			delete(q, k)
		}
	}
	return q.Encode() // Encode sorts by key.
}

// PlainText is the readable text of an HTML fragment (or of plain text,
// with entities decoded) on one line: claim.Plain, the one HTML-to-text
// walk, with its line and paragraph breaks and runs of space folded into
// single spaces. Item identity and content hashes are taken over it.
func PlainText(s string) string {
	return collapseSpace(claim.Plain(s))
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// WordCount counts the words of an HTML fragment's text.
func WordCount(s string) int {
	return len(strings.Fields(claim.Plain(s)))
}
