package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
)

// Defaults, also documented in README.md's "Configuration" section.
const (
	DefaultStore          = "./crosscheck.db"
	DefaultListen         = "127.0.0.1:8080"
	DefaultSlackMode      = bot.ModeSocket
	DefaultSlackAPIURL    = bot.DefaultAPIURL
	DefaultGroupInterval  = 30 * time.Second
	DefaultWorkers        = 8
	DefaultPerHost        = 2
	DefaultConnectTimeout = 10 * time.Second
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxBodyBytes   = 10 << 20
	// The listen address's limits (README.md, "Security and limits").
	DefaultHTTPReadTimeout    = 30 * time.Second
	DefaultHTTPWriteTimeout   = 60 * time.Second
	DefaultHTTPIdleTimeout    = 60 * time.Second
	DefaultHTTPConnsPerClient = 64
	// DefaultMaxItemsPerPoll keeps a poll's commit, which holds the
	// store's write lock, to a fraction of a second.
	DefaultMaxItemsPerPoll = feeds.DefaultMaxItemsPerPoll
	// DefaultMaxClaimsPerPoll is the desk's own, where the cap is enforced.
	DefaultMaxClaimsPerPoll = desk.DefaultMaxClaimsPerPoll
	// The store forgets what editors no longer look up: claims after half
	// a year (unless a kept conflict cites them), closed conflicts after a
	// year, alerts that could not be delivered after a month, feed items
	// after three months (they stay as tombstones, so they are not new
	// again).
	DefaultRetainClaims    = 180 * 24 * time.Hour
	DefaultRetainConflicts = 365 * 24 * time.Hour
	DefaultRetainAlerts    = 30 * 24 * time.Hour
	DefaultRetainItems     = 90 * 24 * time.Hour
	DefaultTolerance       = 0.10
	DefaultWindow          = 14 * 24 * time.Hour
	DefaultHedgeAbout      = 0.10
	DefaultHedgeNearly     = 0.10
)

// maxFileSize bounds what Load reads: a configuration is a few kilobytes,
// and a huge file is a mistake (or an attack on the YAML parser).
const maxFileSize = 4 << 20

// maxNodes bounds the YAML nodes walked, counting each alias expansion, so
// a "billion laughs" document fails fast instead of eating memory.
const maxNodes = 200_000

// Config is crosscheck.yaml. The yaml keys are a contract: deployments and
// scripts depend on them.
type Config struct {
	// File is the path the configuration was read from; "" for Default.
	File string `yaml:"-"`
	// Store is the bbolt file, relative to the working directory.
	Store string `yaml:"store"`
	// Listen serves /healthz, /readyz, /metrics, the loopback-only backup
	// endpoint and, in HTTP mode, Slack's requests.
	Listen string `yaml:"listen"`
	// AllowPrivateNetworks lets feeds live on private, loopback and
	// link-local addresses; off, such addresses are refused at dial time.
	AllowPrivateNetworks bool `yaml:"allow_private_networks"`
	// Slack is the bot's own type: the bot defines what it needs, this
	// package reads and checks it.
	Slack     bot.Slack      `yaml:"slack"`
	Feeds     []feeds.Source `yaml:"feeds"`
	Limits    Limits         `yaml:"limits"`
	Claims    Claims         `yaml:"claims"`
	Retention Retention      `yaml:"retention"`
}

// Bot is what the bot takes from the configuration.
func (c *Config) Bot() bot.Settings {
	return bot.Settings{File: c.File, Slack: c.Slack, Feeds: c.Feeds, AllowPrivateNetworks: c.AllowPrivateNetworks}
}

// Retention is how long the store keeps what it only needs for a while;
// the daily housekeeping prunes the rest. 0 keeps forever. Open conflicts,
// the claims they cite and their Slack threads are always kept.
type Retention struct {
	// Claims are pruned this long after they were recorded.
	Claims time.Duration `yaml:"claims"`
	// Conflicts resolved or dismissed are pruned this long after their
	// last change, with their thread mapping (editors' feedback stays).
	Conflicts time.Duration `yaml:"conflicts"`
	// Alerts still undelivered this long after they were queued are
	// dropped (delivered ones leave the outbox at once).
	Alerts time.Duration `yaml:"alerts"`
	// Items shrink to tombstones this long after they were last seen.
	Items time.Duration `yaml:"items"`
}

// RequireChannel is what `crosscheck run` adds to the checks of Parse:
// it posts alerts, so it needs slack.channel, and says so before it
// calls Slack or creates the store. The other commands do without.
func (c *Config) RequireChannel() error {
	if c.Slack.Channel != "" {
		return nil
	}
	return &Error{File: c.File, Line: keyLine(c.File, "slack"), Field: "slack.channel",
		Err: errors.New("required by crosscheck run: the channel alerts go to, an ID such as C0123456789 or #name (invite the bot to it)")}
}

// Limits bound what polling, and clients of the listen address, may cost.
type Limits struct {
	// Workers is the number of feeds polled at once.
	Workers int `yaml:"workers"`
	// PerHost is the number of feeds on one host (host:port) polled at once.
	PerHost        int           `yaml:"per_host"`
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
	// RequestTimeout bounds a whole request, body included.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// MaxBodyBytes caps a feed or article body (after decompression).
	// The file may say "10MiB".
	MaxBodyBytes int64 `yaml:"max_body_bytes,size"`
	// HTTPReadTimeout bounds how long a client of the listen address may
	// take to send a whole request, body included.
	HTTPReadTimeout time.Duration `yaml:"http_read_timeout"`
	// HTTPWriteTimeout bounds writing an answer (a backup: each write).
	HTTPWriteTimeout time.Duration `yaml:"http_write_timeout"`
	// HTTPIdleTimeout closes kept-alive connections that send nothing.
	HTTPIdleTimeout time.Duration `yaml:"http_idle_timeout"`
	// HTTPConnsPerClient caps the connections one client (an IPv4 address,
	// an IPv6 /64) holds open at once; Slack and a reverse proxy in front
	// each count as one client.
	HTTPConnsPerClient int `yaml:"http_conns_per_client"`
	// Proxy is how feeds are fetched: "" directly, ProxyEnvironment
	// through HTTP_PROXY / HTTPS_PROXY less NO_PROXY, or the URL of a
	// proxy (http://proxy.internal:3128).
	Proxy string `yaml:"proxy"`
	// MaxItemsPerPoll caps the items one poll of a feed brings: the newest
	// are kept, the rest named in a warning and the feed's status.
	MaxItemsPerPoll int `yaml:"max_items_per_poll"`
	// MaxClaimsPerPoll caps the claims one poll commits: items whose claims
	// do not fit wait for the next poll.
	MaxClaimsPerPoll int `yaml:"max_claims_per_poll"`
}

// ProxyEnvironment is limits.proxy's value for the proxy the environment
// names.
const ProxyEnvironment = "environment"

// ProxyURL is limits.proxy as a URL; nil when it is "" or
// ProxyEnvironment. Parse has checked it.
func (l Limits) ProxyURL() *url.URL {
	if l.Proxy == "" || l.Proxy == ProxyEnvironment {
		return nil
	}
	u, err := url.Parse(l.Proxy)
	if err != nil {
		return nil
	}
	return u
}

// Claims tunes extraction and comparison. It is plain data; the claim
// package maps it onto its own configuration.
type Claims struct {
	Hedges Hedges `yaml:"hedges"`
	// Tolerance is the relative gap two figures may have and still agree
	// (0.10 = 10%; the file may say "10%").
	Tolerance float64 `yaml:"tolerance,fraction"`
	// Window is how far apart in time two claims may be and still be
	// compared. The file may say "14d".
	Window time.Duration `yaml:"window"`
	// Aliases maps a canonical name to the extra words that mean it:
	// "north korean soldiers": ["dprk troops", "kpa soldiers"].
	Aliases map[string][]string `yaml:"aliases"`
	// Engine chooses the extractor: EngineTokens, the default, or
	// EngineFrames, which reads frames over the language layer's
	// dependency trees (feeds/claim/extract; experimental).
	Engine string `yaml:"engine"`
	// Frames are beat files of a desk's own for the frames engine, paths
	// relative to the configuration file.
	Frames []string `yaml:"frames"`
}

// The extraction engines claims.engine chooses from.
const (
	EngineTokens = "tokens"
	EngineFrames = "frames"
)

// Hedges are the spreads of hedged figures.
type Hedges struct {
	// About widens "about/around/approximately N" to [N(1−About), N(1+About)].
	About float64 `yaml:"about,fraction"`
	// Nearly widens "nearly/almost/close to N" to [N(1−Nearly), N].
	Nearly float64 `yaml:"nearly,fraction"`
}

// Default is the configuration of an empty file.
func Default() *Config {
	return &Config{
		Store:  DefaultStore,
		Listen: DefaultListen,
		Slack: bot.Slack{
			Mode:          DefaultSlackMode,
			APIURL:        DefaultSlackAPIURL,
			GroupInterval: DefaultGroupInterval,
		},
		Limits: Limits{
			Workers:        DefaultWorkers,
			PerHost:        DefaultPerHost,
			ConnectTimeout: DefaultConnectTimeout,
			RequestTimeout: DefaultRequestTimeout,
			MaxBodyBytes:   DefaultMaxBodyBytes,

			HTTPReadTimeout:    DefaultHTTPReadTimeout,
			HTTPWriteTimeout:   DefaultHTTPWriteTimeout,
			HTTPIdleTimeout:    DefaultHTTPIdleTimeout,
			HTTPConnsPerClient: DefaultHTTPConnsPerClient,
			MaxItemsPerPoll:    DefaultMaxItemsPerPoll,
			MaxClaimsPerPoll:   DefaultMaxClaimsPerPoll,
		},
		Claims: Claims{
			Hedges:    Hedges{About: DefaultHedgeAbout, Nearly: DefaultHedgeNearly},
			Tolerance: DefaultTolerance,
			Window:    DefaultWindow,
			Engine:    EngineTokens,
		},
		Retention: Retention{
			Claims: DefaultRetainClaims, Conflicts: DefaultRetainConflicts,
			Alerts: DefaultRetainAlerts, Items: DefaultRetainItems,
		},
	}
}

// Error is a mistake in the configuration or the environment. The command
// line exits 2 on it.
type Error struct {
	// File is the configuration file; "" for the environment.
	File string
	// Line is 1-based; 0 when the mistake has no line (a missing file).
	Line int
	// Field is the path of the setting ("feeds[1].schedule") or the
	// environment variable ("SLACK_APP_TOKEN").
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// keyLine is the line of top-level key in file, for an error found after
// loading; 0 when the file or the key is not there.
func keyLine(file, key string) int {
	data, err := os.ReadFile(file)
	if err != nil || len(data) > maxFileSize {
		return 0
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return 0
	}
	top := root.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		if top[i].Value == key {
			return top[i].Line
		}
	}
	return 0
}

// Load reads and checks the configuration file at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Err: readError(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &Error{File: path, Err: readError(err)}
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("larger than %d bytes; is this the right file?", maxFileSize)}
	}
	return Parse(path, data)
}

func readError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("cannot read: no such file (create one from crosscheck.example.yaml, or pass --config)")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("cannot read: permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read: %w", pe.Err)
	}
	return fmt.Errorf("cannot read: %w", err)
}

// Parse checks a configuration held in memory; file names it in errors.
func Parse(file string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(file, err)
	}
	cfg := Default()
	d := &decoder{file: file, lines: map[string]int{}}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		top := root.Content[0]
		if top.Kind != yaml.MappingNode && !isNull(top) {
			return nil, d.errf(top, "", "want a mapping of settings (store:, slack:, feeds: ...), found %s", describe(top))
		}
		if err := d.decode(top, reflect.ValueOf(cfg).Elem(), "", ""); err != nil {
			return nil, err
		}
	}
	cfg.File = file
	if err := d.check(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// syntaxError turns yaml.v3's "yaml: line 3: did not find expected key"
// into "crosscheck.yaml:3: did not find expected key".
func syntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &Error{File: file, Line: line, Err: fmt.Errorf("not valid YAML: %s", msg)}
}

type decoder struct {
	file  string
	lines map[string]int // field path → line, for checks after decoding
	nodes int
}

func (d *decoder) errf(n *yaml.Node, path, format string, args ...any) *Error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: d.file, Line: line, Field: path, Err: fmt.Errorf(format, args...)}
}

// errAt reports a problem found after decoding, at the line the field
// was read from (or its nearest enclosing field).
func (d *decoder) errAt(path string, err error) *Error {
	line := 0
	for p := path; ; {
		if l, ok := d.lines[p]; ok {
			line = l
			break
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return &Error{File: d.file, Line: line, Field: path, Err: err}
}

var durationType = reflect.TypeFor[time.Duration]()

// decode reads n into v. opts are the field's yaml tag options: "size"
// reads "10MiB" into an integer, "fraction" reads "10%" into 0.10.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path, opts string) error {
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return d.errf(n, path, "unknown alias")
		}
		n = n.Alias
	}
	if d.nodes++; d.nodes > maxNodes {
		return d.errf(n, path, "more than %d values (alias expansion?)", maxNodes)
	}
	d.lines[path] = n.Line
	if isNull(n) {
		// "slack:" with nothing under it keeps the defaults.
		return nil
	}
	return d.decodeValue(n, v, path, opts)
}

// parseScalar reads a scalar through parse, naming what it wants (want)
// when n is not a scalar and what it read (what) when parse refuses it.
func parseScalar[T any](d *decoder, n *yaml.Node, path, want, what string, parse func(string) (T, error)) (T, error) {
	var zero T
	s, err := d.scalar(n, path, want)
	if err != nil {
		return zero, err
	}
	v, err := parse(s)
	if err != nil {
		return zero, d.errf(n, path, "bad %s %q: %v", what, s, err)
	}
	return v, nil
}

func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, path, opts string) error {
	if v.Type() == durationType {
		dur, err := parseScalar(d, n, path, "a duration such as 30s, 10m or 14d", "duration", parseDuration)
		if err != nil {
			return err
		}
		v.SetInt(int64(dur))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		s, err := d.scalar(n, path, "a string")
		if err != nil {
			return err
		}
		v.SetString(s)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			return d.errf(n, path, "want true or false, found %s", describe(n))
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return d.errf(n, path, "want true or false, found %s", describe(n))
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		if opts == "size" {
			size, err := parseScalar(d, n, path, "a size such as 10MiB", "size", parseSize)
			if err != nil {
				return err
			}
			v.SetInt(size)
			return nil
		}
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			return d.errf(n, path, "want a whole number, found %s", describe(n))
		}
		var i int64
		if err := n.Decode(&i); err != nil || v.OverflowInt(i) {
			return d.errf(n, path, "want a whole number, found %s", describe(n))
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := parseScalar(d, n, path, "a number", "number", func(s string) (float64, error) {
			return parseNumber(s, opts == "fraction")
		})
		if err != nil {
			return err
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return d.errf(n, path, "want a list, found %s", describe(n))
		}
		out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := d.decode(item, out.Index(i), fmt.Sprintf("%s[%d]", path, i), ""); err != nil {
				return err
			}
		}
		v.Set(out)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return d.errf(n, path, "want a mapping, found %s", describe(n))
		}
		out := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key, err := d.key(k, path, seen)
			if err != nil {
				return err
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.decode(val, elem, join(path, key), ""); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(key), elem)
		}
		v.Set(out)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return d.errf(n, path, "want a mapping, found %s", describe(n))
		}
		fields := structFields(v.Type())
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key, err := d.key(k, path, seen)
			if err != nil {
				return err
			}
			f, ok := fields[key]
			if !ok {
				return d.errf(k, join(path, key), "unknown key%s", suggest(key, fields))
			}
			if err := d.decode(val, v.Field(f.index), join(path, key), f.opts); err != nil {
				return err
			}
		}
	default:
		// Only reachable if a field of an unsupported kind is added to Config.
		return d.errf(n, path, "cannot hold a %s", v.Kind())
	}
	return nil
}

func (d *decoder) key(k *yaml.Node, path string, seen map[string]int) (string, error) {
	if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
		return "", d.errf(k, path, "keys must be plain names (YAML merge keys are not supported)")
	}
	if prev, dup := seen[k.Value]; dup {
		return "", d.errf(k, join(path, k.Value), "set twice (first on line %d)", prev)
	}
	seen[k.Value] = k.Line
	return k.Value, nil
}

func (d *decoder) scalar(n *yaml.Node, path, want string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", d.errf(n, path, "want %s, found %s", want, describe(n))
	}
	return n.Value, nil
}

type field struct {
	index int
	opts  string
}

func structFields(t reflect.Type) map[string]field {
	out := map[string]field{}
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = field{index: i, opts: opts}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return strconv.Quote(v)
	}
	return "nothing usable"
}

// suggest names the closest known key, or all of them.
func suggest(key string, fields map[string]field) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	best, bestDist := "", 3
	for _, name := range names {
		if dist := editDistance(strings.ToLower(key), name); dist < bestDist {
			best, bestDist = name, dist
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (known: " + strings.Join(names, ", ") + ")"
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseDuration is time.ParseDuration plus days ("14d", "1d12h"), since
// windows are naturally said in days.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 && strings.Trim(s[:i], "0123456789") == "" {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n > 365*100 {
			return 0, errors.New("days must be a whole number up to 36500, as in 14d")
		}
		days, s = n, s[i+1:]
		if s == "" {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("use a number with a unit: 500ms, 30s, 10m, 2h, 14d")
	}
	if days > 0 && d < 0 {
		return 0, errors.New("mixes days with a negative duration")
	}
	return time.Duration(days)*24*time.Hour + d, nil
}

// parseSize accepts bytes with an optional unit: 1048576, 512KiB, 10MiB,
// 10MB, 1GiB.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := len(s)
	for i > 0 && (s[i-1] < '0' || s[i-1] > '9') {
		i--
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	mult := map[string]int64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1000,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1000 * 1000,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1000 * 1000 * 1000,
	}[strings.ToLower(unit)]
	if mult == 0 {
		return 0, fmt.Errorf("unknown unit %q (use B, KiB, MiB or GiB)", unit)
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(num, "_", ""), 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("want a whole number of bytes, as in 10MiB")
	}
	if n > math.MaxInt64/mult {
		return 0, errors.New("too large")
	}
	return n * mult, nil
}

// parseNumber reads a float; with percent, "10%" means 0.10.
func parseNumber(s string, percent bool) (float64, error) {
	s = strings.TrimSpace(s)
	scale := 1.0
	if p, ok := strings.CutSuffix(s, "%"); ok && percent {
		s, scale = strings.TrimSpace(p), 0.01
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		if percent {
			return 0, errors.New("want a fraction such as 0.1 or a percentage such as 10%")
		}
		return 0, errors.New("want a number")
	}
	return f * scale, nil
}

// check validates what the types cannot: ranges, formats, uniqueness;
// and fills per-feed defaults.
func (d *decoder) check(c *Config) error {
	if strings.TrimSpace(c.Store) == "" {
		return d.errAt("store", errors.New("empty; name the bbolt file, e.g. ./crosscheck.db"))
	}
	if err := checkListen(c.Listen); err != nil {
		return d.errAt("listen", err)
	}
	if err := d.checkSlack(&c.Slack); err != nil {
		return err
	}
	if err := d.checkFeeds(c.Feeds); err != nil {
		return err
	}
	if err := d.checkLimits(c.Limits); err != nil {
		return err
	}
	if err := d.checkClaims(c.Claims); err != nil {
		return err
	}
	return d.checkRetention(c.Retention, c.Claims.Window)
}

// checkRetention refuses claims pruned before the comparison window has
// passed them, which would change what is judged. (The duration parser
// refuses negative ages.)
func (d *decoder) checkRetention(r Retention, window time.Duration) error {
	if r.Claims > 0 && r.Claims < 2*window {
		return d.errAt("retention.claims", fmt.Errorf("%v: want 0 (keep forever) or at least twice claims.window (%v)", r.Claims, 2*window))
	}
	return nil
}

func checkListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8080, or :8080 for every interface)", addr)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q: bad host %q", addr, host)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q: bad port %q", addr, port)
	}
	return nil
}

func (d *decoder) checkSlack(s *bot.Slack) error {
	switch s.Mode {
	case bot.ModeSocket, bot.ModeHTTP:
	default:
		return d.errAt("slack.mode", fmt.Errorf("%q: want socket or http", s.Mode))
	}
	if s.Channel != "" && !validChannel(s.Channel) {
		return d.errAt("slack.channel", fmt.Errorf("%q: want a channel ID such as C0123456789, or #name", s.Channel))
	}
	for i, a := range s.Admins {
		if !validUserID(a) {
			return d.errAt(fmt.Sprintf("slack.admins[%d]", i),
				fmt.Errorf("%q is not a Slack user ID (like U0123456789: in Slack, the member's profile → ⋮ → Copy member ID)", a))
		}
	}
	u, err := url.Parse(s.APIURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return d.errAt("slack.api_url", fmt.Errorf("%q: want an http(s) URL such as %s", s.APIURL, DefaultSlackAPIURL))
	}
	if !strings.HasSuffix(s.APIURL, "/") {
		// slack-go joins method names straight onto the base.
		s.APIURL += "/"
	}
	if s.GroupInterval < 0 || s.GroupInterval > time.Hour {
		return d.errAt("slack.group_interval", fmt.Errorf("%v: want between 0s and 1h", s.GroupInterval))
	}
	for i, r := range s.Routes {
		if err := d.checkRoute(fmt.Sprintf("slack.routes[%d]", i), r); err != nil {
			return err
		}
	}
	return nil
}

// checkRoute refuses a route that could never match or names a beat the
// beat table does not know; names are matched without regard to case.
func (d *decoder) checkRoute(path string, r bot.Route) error {
	if !validChannel(r.Channel) {
		return d.errAt(path+".channel", fmt.Errorf("%q: want a channel ID such as C0123456789, or #name", r.Channel))
	}
	for _, l := range []struct {
		field string
		names []string
	}{{"feeds", r.Feeds}, {"outlets", r.Outlets}, {"beats", r.Beats}, {"places", r.Places}} {
		if l.names != nil && len(l.names) == 0 {
			return d.errAt(path+"."+l.field, errors.New("empty list: leave the key out instead"))
		}
		for j, name := range l.names {
			if strings.TrimSpace(name) == "" {
				return d.errAt(fmt.Sprintf("%s.%s[%d]", path, l.field, j), errors.New("empty name"))
			}
		}
	}
	if len(r.Feeds)+len(r.Outlets)+len(r.Beats)+len(r.Places) == 0 {
		return d.errAt(path, errors.New("matches nothing: give feeds, outlets, beats or places"))
	}
	known := claim.Beats()
	for j, b := range r.Beats {
		if !slices.Contains(known, strings.ToLower(b)) {
			return d.errAt(fmt.Sprintf("%s.beats[%d]", path, j), fmt.Errorf("%q: unknown beat; want one of %s", b, strings.Join(known, ", ")))
		}
	}
	return nil
}

func validChannel(c string) bool {
	if name, ok := strings.CutPrefix(c, "#"); ok {
		if name == "" || len(name) > 80 {
			return false
		}
		for _, r := range name {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				return false
			}
		}
		return true
	}
	return len(c) >= 9 && strings.ContainsRune("CGD", rune(c[0])) && upperAlnum(c[1:])
}

func validUserID(u string) bool {
	return len(u) >= 9 && (u[0] == 'U' || u[0] == 'W') && upperAlnum(u[1:])
}

func upperAlnum(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func (d *decoder) checkFeeds(list []feeds.Source) error {
	names := map[string]int{}
	urls := map[string]int{}
	for i := range list {
		src := &list[i]
		path := fmt.Sprintf("feeds[%d]", i)
		if err := src.Validate(); err != nil {
			var se *feeds.SourceError
			if errors.As(err, &se) {
				return d.errAt(path+"."+se.Field, se.Err)
			}
			return d.errAt(path, err)
		}
		if j, dup := names[src.Name]; dup {
			return d.errAt(path+".name", fmt.Errorf("%q is already the name of feeds[%d] (line %d); names must be unique", src.Name, j, d.lines[fmt.Sprintf("feeds[%d]", j)]))
		}
		names[src.Name] = i
		key := feeds.URLKey(src.URL)
		if j, dup := urls[key]; dup {
			return d.errAt(path+".url", fmt.Errorf("%q is already polled as feeds[%d] %q", src.URL, j, list[j].Name))
		}
		urls[key] = i
		if src.Schedule == "" {
			src.Schedule = feeds.DefaultSchedule
		}
		if src.Outlet == "" {
			src.Outlet = src.Name
		}
	}
	return nil
}

func (d *decoder) checkLimits(l Limits) error {
	switch {
	case l.Workers < 1 || l.Workers > 1000:
		return d.errAt("limits.workers", fmt.Errorf("%d: want 1 to 1000", l.Workers))
	case l.PerHost < 1 || l.PerHost > 100:
		return d.errAt("limits.per_host", fmt.Errorf("%d: want 1 to 100", l.PerHost))
	case l.ConnectTimeout <= 0:
		return d.errAt("limits.connect_timeout", fmt.Errorf("%v: want more than 0s", l.ConnectTimeout))
	case l.RequestTimeout <= 0:
		return d.errAt("limits.request_timeout", fmt.Errorf("%v: want more than 0s", l.RequestTimeout))
	case l.MaxBodyBytes < 1<<10:
		return d.errAt("limits.max_body_bytes", fmt.Errorf("%d: want at least 1KiB", l.MaxBodyBytes))
	case l.MaxItemsPerPoll < 1 || l.MaxItemsPerPoll > 100_000:
		return d.errAt("limits.max_items_per_poll", fmt.Errorf("%d: want 1 to 100000", l.MaxItemsPerPoll))
	case l.MaxClaimsPerPoll < 1 || l.MaxClaimsPerPoll > 100_000:
		return d.errAt("limits.max_claims_per_poll", fmt.Errorf("%d: want 1 to 100000", l.MaxClaimsPerPoll))
	case l.HTTPConnsPerClient < 1 || l.HTTPConnsPerClient > 100_000:
		return d.errAt("limits.http_conns_per_client", fmt.Errorf("%d: want 1 to 100000", l.HTTPConnsPerClient))
	}
	for _, t := range []struct {
		path string
		v    time.Duration
	}{
		{"limits.http_read_timeout", l.HTTPReadTimeout},
		{"limits.http_write_timeout", l.HTTPWriteTimeout},
		{"limits.http_idle_timeout", l.HTTPIdleTimeout},
	} {
		// Under a second is a typo; over ten minutes holds connections
		// as long as having no timeout would.
		if t.v < time.Second || t.v > 10*time.Minute {
			return d.errAt(t.path, fmt.Errorf("%v: want between 1s and 10m", t.v))
		}
	}
	if l.Proxy != "" && l.Proxy != ProxyEnvironment {
		u, err := url.Parse(l.Proxy)
		switch {
		case err != nil || u.Host == "":
			return d.errAt("limits.proxy", fmt.Errorf("%q: want %s, or a proxy URL such as http://proxy.internal:3128", l.Proxy, ProxyEnvironment))
		case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5":
			return d.errAt("limits.proxy", fmt.Errorf("%q: want an http, https or socks5 proxy URL", l.Proxy))
		}
	}
	return nil
}

func (d *decoder) checkClaims(c Claims) error {
	for _, f := range []struct {
		path string
		v    float64
	}{
		{"claims.hedges.about", c.Hedges.About},
		{"claims.hedges.nearly", c.Hedges.Nearly},
		{"claims.tolerance", c.Tolerance},
	} {
		if f.v < 0 || f.v >= 1 {
			return d.errAt(f.path, fmt.Errorf("%g: want a fraction from 0 up to (not including) 1, such as 0.1", f.v))
		}
	}
	if c.Window <= 0 {
		return d.errAt("claims.window", fmt.Errorf("%v: want more than 0s, such as 14d", c.Window))
	}
	if c.Engine != EngineTokens && c.Engine != EngineFrames {
		return d.errAt("claims.engine", fmt.Errorf("%q: want %s or %s", c.Engine, EngineTokens, EngineFrames))
	}
	for i, f := range c.Frames {
		if strings.TrimSpace(f) == "" {
			return d.errAt(fmt.Sprintf("claims.frames[%d]", i), errors.New("empty path"))
		}
	}
	owner := map[string]string{}
	canon := make([]string, 0, len(c.Aliases))
	for k := range c.Aliases {
		canon = append(canon, k)
	}
	slices.Sort(canon)
	for _, k := range canon {
		path := join("claims.aliases", k)
		if strings.TrimSpace(k) == "" {
			return d.errAt(path, errors.New("empty name"))
		}
		for i, a := range c.Aliases[k] {
			p := fmt.Sprintf("%s[%d]", path, i)
			a = strings.ToLower(strings.TrimSpace(a))
			if a == "" {
				return d.errAt(p, errors.New("empty alias"))
			}
			if o, dup := owner[a]; dup && o != k {
				return d.errAt(p, fmt.Errorf("%q is already an alias of %q", a, o))
			}
			owner[a] = k
		}
	}
	return nil
}
