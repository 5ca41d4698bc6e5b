// Package registry is the claimant registry: the organisations, outlets and
// people Crosscheck knows by name, each with its canonical name, the
// phrases that name it in text, the role its members show and the side it
// speaks for. It is data (claimants.yaml, embedded), extended by a desk's
// configuration; the extraction engines read it and name nobody themselves.
package registry

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed claimants.yaml
var claimantsYAML []byte

// Kind is what an entry names.
type Kind string

const (
	Organisation Kind = "organisation"
	Outlet       Kind = "outlet"
	Person       Kind = "person"
)

// Entry is one claimant.
type Entry struct {
	Kind Kind
	// Name is canonical, as alerts show it ("South Korea's NIS").
	Name string
	// Short is what an organisation's member shows as their role ("HUR").
	Short string
	// Side is the nationality it speaks for, where that decides a control
	// claim ("ukrainian").
	Side string
	// Aliases are lower-case phrases that name it in text.
	Aliases []string
}

// Registry looks claimants up by the phrase that names them. It is
// immutable.
type Registry struct {
	entries []Entry
	byAlias map[string]int
}

type file struct {
	Organisations []Entry
	Outlets       []Entry
	People        []Entry
}

// Parse reads a registry file (the format of claimants.yaml); name is the
// file's name for errors, which give its line.
func Parse(name string, b []byte) ([]Entry, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("registry: %s: %w", name, err)
	}
	var out []Entry
	for _, g := range []struct {
		kind Kind
		es   []Entry
	}{{Organisation, f.Organisations}, {Outlet, f.Outlets}, {Person, f.People}} {
		for _, e := range g.es {
			if e.Name == "" || len(e.Aliases) == 0 {
				return nil, fmt.Errorf("registry: %s: a %s needs a name and aliases (%q)", name, g.kind, e.Name)
			}
			e.Kind = g.kind
			out = append(out, e)
		}
	}
	return out, nil
}

// Default returns the embedded registry.
func Default() *Registry {
	es, err := Parse("claimants.yaml", claimantsYAML)
	if err != nil {
		panic(err) // embedded data, checked by the package's tests
	}
	return New(es)
}

// New builds a registry; a later entry's alias overrides an earlier one's,
// so a desk's configuration wins over the defaults.
func New(entries []Entry) *Registry {
	r := &Registry{entries: entries, byAlias: map[string]int{}}
	for i, e := range entries {
		for _, a := range e.Aliases {
			r.byAlias[Key(a)] = i
		}
	}
	return r
}

// With returns a registry with extra entries added after r's.
func (r *Registry) With(extra []Entry) *Registry {
	return New(append(append([]Entry(nil), r.entries...), extra...))
}

// Entries returns every entry, in order.
func (r *Registry) Entries() []Entry { return r.entries }

// Lookup returns the entry a phrase names ("Seoul's spy agency"), matched
// case-insensitively on whole words.
func (r *Registry) Lookup(phrase string) (Entry, bool) {
	i, ok := r.byAlias[Key(phrase)]
	if !ok {
		return Entry{}, false
	}
	return r.entries[i], true
}

// Key is the form aliases are matched in: lower case, curly apostrophes
// straight, words separated by one space.
func Key(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "’", "'")
	return strings.Join(strings.Fields(s), " ")
}

//go:embed nationalities.yaml
var nationalitiesYAML []byte

// Nationality is a people or country as the subject of a claim: the words
// that name it, its plural noun ("north koreans") and what that noun counts,
// and the side it fights on in a control claim.
type Nationality struct {
	Name    string
	Aliases []string
	Nouns   []string
	NounOf  string `yaml:"noun_of"`
	Side    string
}

// Nationalities is the embedded list of nationalities and, by side, the
// side it fights.
type Nationalities struct {
	List      []Nationality `yaml:"nationalities"`
	Opponents map[string]string
	byAlias   map[string]int
}

// DefaultNationalities returns the embedded nationalities.
func DefaultNationalities() *Nationalities {
	var n Nationalities
	dec := yaml.NewDecoder(bytes.NewReader(nationalitiesYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&n); err != nil {
		panic(fmt.Errorf("registry: nationalities.yaml: %w", err)) // embedded data, checked by the tests
	}
	n.byAlias = map[string]int{}
	for i, x := range n.List {
		for _, a := range append(append([]string{x.Name}, x.Aliases...), x.Nouns...) {
			n.byAlias[Key(a)] = i
		}
	}
	return &n
}

// Lookup returns the nationality a phrase names ("Moscow", "North
// Korea's", "Ukrainians").
func (n *Nationalities) Lookup(phrase string) (Nationality, bool) {
	k := strings.TrimSuffix(Key(phrase), " 's")
	k = strings.TrimSuffix(k, "'s")
	i, ok := n.byAlias[k]
	if !ok {
		return Nationality{}, false
	}
	return n.List[i], true
}
