package claim

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed beats.yaml
var beatsYAML []byte

// beatTable maps canonical subjects and measures to their beat.
type beatTable struct {
	bySubject, byMeasure map[string]string
	names                []string
}

// beats is read once from the embedded table; it never changes after.
var beats = sync.OnceValue(func() *beatTable {
	t, err := parseBeats(beatsYAML)
	if err != nil {
		panic(err) // the embedded file is checked by TestBeatTable
	}
	return t
})

func parseBeats(data []byte) (*beatTable, error) {
	var raw map[string]struct {
		Subjects []string `yaml:"subjects"`
		Measures []string `yaml:"measures"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("claim: beats.yaml: %w", err)
	}
	t := &beatTable{bySubject: map[string]string{}, byMeasure: map[string]string{}}
	for name, b := range raw {
		t.names = append(t.names, name)
		for _, l := range []struct {
			words []string
			into  map[string]string
		}{{b.Subjects, t.bySubject}, {b.Measures, t.byMeasure}} {
			for _, w := range l.words {
				if other, dup := l.into[w]; dup {
					return nil, fmt.Errorf("claim: beats.yaml: %q is in beats %s and %s", w, other, name)
				}
				l.into[w] = name
			}
		}
	}
	slices.Sort(t.names)
	return t, nil
}

// Beat is the beat a claim's subject and measure belong to (beats.yaml):
// by the subject or its head noun first, else by the measure; "" if the
// table names neither.
func Beat(subject, measure string) string {
	t := beats()
	for s := subject; s != ""; {
		if b, ok := t.bySubject[s]; ok {
			return b
		}
		_, rest, ok := strings.Cut(s, " ")
		if !ok {
			break
		}
		s = rest
	}
	return t.byMeasure[measure]
}

// Beats lists every beat the table names, sorted.
func Beats() []string { return slices.Clone(beats().names) }
