package lang

import (
	"bufio"
	"compress/gzip"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sync"
)

// The models are embedded; Load decodes them on first use.
//
//go:embed model
var modelFiles embed.FS

// Pipeline is a loaded tagger and parser. It is immutable and safe for
// concurrent use.
type Pipeline struct {
	tagger *Tagger
	parser *Parser
}

// loaded holds the embedded models once decoded: written once, then only
// read.
var loaded = sync.OnceValues(func() (*Pipeline, error) {
	return LoadFS(modelFiles, "model")
})

// Load returns the pipeline of the embedded models, decoding them on the
// first call (about a tenth of a second; see BenchmarkLoad) and sharing them
// afterwards. The error says which model file is missing or damaged.
func Load() (*Pipeline, error) { return loaded() }

// LoadFS reads tagger.bin.gz and parser.bin.gz from dir in fsys: models other
// than the embedded ones, such as a freshly trained pair.
func LoadFS(fsys fs.FS, dir string) (*Pipeline, error) {
	var p Pipeline
	if err := readGz(fsys, path.Join(dir, "tagger.bin.gz"), func(r *bufio.Reader) (err error) {
		p.tagger, err = ReadTagger(r)
		return err
	}); err != nil {
		return nil, err
	}
	if err := readGz(fsys, path.Join(dir, "parser.bin.gz"), func(r *bufio.Reader) (err error) {
		p.parser, err = ReadParser(r)
		return err
	}); err != nil {
		return nil, err
	}
	return &p, nil
}

func readGz(fsys fs.FS, name string, read func(*bufio.Reader) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("lang: model %s: %w (train it with go run ./cmd/langtrain)", name, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return fmt.Errorf("lang: model %s: %w", name, err)
	}
	if err := read(bufio.NewReaderSize(zr, 1<<16)); err != nil {
		return fmt.Errorf("lang: model %s: %w", name, err)
	}
	return nil
}

// Analyze tokenizes, splits, tags, lemmatizes and parses text.
func (p *Pipeline) Analyze(text string) *Doc {
	doc := Tokenize(text)
	p.Annotate(doc)
	return doc
}

// Annotate fills in the tags, features, lemmas and trees of doc's words,
// keeping its sentences and words as they are (a CoNLL-U file's, say).
func (p *Pipeline) Annotate(doc *Doc) {
	for i := range doc.Sentences {
		s := &doc.Sentences[i]
		p.tagger.Tag(s)
		p.parser.Parse(s)
	}
}

// Tag fills in one sentence's tags, features and lemmas, leaving its tree
// alone: for a reader that parses only the sentences worth it.
func (p *Pipeline) Tag(s *Sentence) { p.tagger.Tag(s) }

// Parse fills in one tagged sentence's tree.
func (p *Pipeline) Parse(s *Sentence) { p.parser.Parse(s) }

// Analyze is Load followed by Pipeline.Analyze.
func Analyze(text string) (*Doc, error) {
	p, err := Load()
	if err != nil {
		return nil, err
	}
	return p.Analyze(text), nil
}
