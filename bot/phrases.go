package bot

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed phrases/thread.yaml
var threadPhrasesData []byte

// The questions the bot answers in a thread, in the order they are tried:
// help first, so "help with the timeline" is help.
const (
	askHelp     = "help"
	askSources  = "sources"
	askTimeline = "timeline"
	askWhy      = "why"
	askLatest   = "latest"
	askWhatSaid = "what_did_say"
)

var askOrder = []string{askHelp, askSources, askTimeline, askWhy, askLatest}

// threadPhrases is phrases/thread.yaml compiled: which thread messages are
// questions the bot understands.
type threadPhrases struct {
	questions     map[string][][]string
	filler        [][]string
	questionWords map[string]bool
	whatDidSay    *regexp.Regexp
	nameStop      map[string]bool
}

// parseThreadPhrases reads the phrase file; every question in askOrder
// must have words, so a typo in the data fails at start, not in a thread.
func parseThreadPhrases(data []byte) (*threadPhrases, error) {
	var raw struct {
		Questions     map[string][]string `yaml:"questions"`
		Filler        []string            `yaml:"filler"`
		QuestionWords []string            `yaml:"question_words"`
		WhatDidSay    string              `yaml:"what_did_say"`
		NameStopwords []string            `yaml:"name_stopwords"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("bot: thread phrases: %w", err)
	}
	p := &threadPhrases{questions: map[string][][]string{}, questionWords: set(raw.QuestionWords), nameStop: set(raw.NameStopwords)}
	for _, k := range askOrder {
		if len(raw.Questions[k]) == 0 {
			return nil, fmt.Errorf("bot: thread phrases: question %q has no words", k)
		}
		for _, ph := range raw.Questions[k] {
			p.questions[k] = append(p.questions[k], words(ph))
		}
	}
	for _, f := range raw.Filler {
		p.filler = append(p.filler, words(f))
	}
	if raw.WhatDidSay == "" {
		return nil, errors.New("bot: thread phrases: what_did_say is empty")
	}
	re, err := regexp.Compile(raw.WhatDidSay)
	if err != nil {
		return nil, fmt.Errorf("bot: thread phrases: what_did_say: %w", err)
	}
	if re.NumSubexp() < 1 {
		return nil, errors.New("bot: thread phrases: what_did_say has no group for the name")
	}
	p.whatDidSay = re
	return p, nil
}

func set(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[strings.ToLower(w)] = true
	}
	return m
}

// words splits lower-cased text into runs of letters, digits and "@".
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '@' || r > 0x7f)
	})
}

// indexRun is where run starts in ws, or -1.
func indexRun(ws, run []string) int {
	for i := 0; i+len(run) <= len(ws); i++ {
		if slices.Equal(ws[i:i+len(run)], run) {
			return i
		}
	}
	return -1
}

// question is what a thread message asks: one of the ask* kinds and, for
// "what did NAME say", the name. The zero value is not a question.
type question struct {
	kind string
	name string
}

// understand reads msg. mentioned relaxes the rule: a message to the bot
// may ask with a keyword anywhere, since it is surely meant for it.
func (p *threadPhrases) understand(msg string, mentioned bool) question {
	if m := p.whatDidSay.FindStringSubmatch(msg); m != nil {
		return question{kind: askWhatSaid, name: strings.Trim(m[1], " ?\"'“”")}
	}
	ws := words(msg)
	if k := p.bare(ws); k != "" {
		return question{kind: k}
	}
	asked := strings.HasSuffix(strings.TrimSpace(msg), "?") || len(ws) > 0 && p.questionWords[ws[0]]
	if asked || mentioned {
		if k := p.anyKeyword(ws); k != "" {
			return question{kind: k}
		}
	}
	return question{}
}

// bare is the kind of a message that is one question phrase and filler.
func (p *threadPhrases) bare(ws []string) string {
	for _, f := range p.filler {
		for i := indexRun(ws, f); i >= 0 && len(f) > 0; i = indexRun(ws, f) {
			ws = slices.Delete(slices.Clone(ws), i, i+len(f))
		}
	}
	for _, k := range askOrder {
		for _, ph := range p.questions[k] {
			if slices.Equal(ws, ph) {
				return k
			}
		}
	}
	return ""
}

func (p *threadPhrases) anyKeyword(ws []string) string {
	for _, k := range askOrder {
		for _, ph := range p.questions[k] {
			if indexRun(ws, ph) >= 0 {
				return k
			}
		}
	}
	return ""
}

// nameWords is NAME of "what did NAME say" as words to find in a claimant.
func (p *threadPhrases) nameWords(name string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if !p.nameStop[w] {
			out = append(out, w)
		}
	}
	return out
}
