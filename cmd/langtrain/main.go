// Command langtrain trains the language layer's models (feeds/claim/lang) on
// UD English EWT: the tagger and lemmatizer, then the dependency parser on
// tags the tagger predicted, and writes them gzipped as tagger.bin.gz and
// parser.bin.gz. Run it from the repository root of a worktree beside
// ../shared:
//
//	go run ./cmd/langtrain -ud ../shared/corpora/ud-english-ewt -out feeds/claim/lang/model
//
// The parser must see at training time the kind of tags it will see at run
// time, so train is tagged by jackknifing: it is cut into -folds parts, and
// each part is tagged by a tagger trained on the others; dev is tagged by
// the tagger trained on all of train. Dev scores are printed as it goes; the
// test split is never read. Output is the same for the same -seed (the folds
// run in parallel, but each is trained alone: two runs wrote byte-identical
// models). It takes about three minutes on two idle cores, peaking at 2.4 GB
// of memory. With the default -seed 0 the tagger is the committed
// model/tagger.bin.gz, byte for byte; -tagger-model reads a tagger instead
// of training it (the jackknife folds are trained all the same).
package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

// Exit codes as crosscheck's: 0 done, 1 failed, 2 usage.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

type options struct {
	ud, out     string
	seed        uint64
	folds       int
	tagOnly     bool
	tagger      lang.TaggerOptions
	parser      lang.ParserOptions
	parallel    int
	taggerModel string // an existing tagger model: skip training one
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("langtrain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.ud, "ud", "../shared/corpora/ud-english-ewt", "folder holding en_ewt-ud-{train,dev}.conllu")
	fs.StringVar(&o.out, "out", "feeds/claim/lang/model", "folder to write tagger.bin.gz and parser.bin.gz to")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of the tagger's and the parser's shuffling and exploration; the same seed gives the same models (0, the default, gives the tagger the committed model's options)")
	fs.IntVar(&o.folds, "folds", 4, "jackknife folds for tagging train")
	fs.IntVar(&o.tagger.Epochs, "tagger-epochs", 0, "tagger epochs (0: the tagger's default)")
	fs.IntVar(&o.parser.Epochs, "parser-epochs", 0, "parser epochs (0: the parser's default)")
	fs.IntVar(&o.parallel, "parallel", runtime.GOMAXPROCS(0), "taggers trained at once while jackknifing")
	fs.BoolVar(&o.tagOnly, "tagger-only", false, "train and write the tagger only")
	fs.StringVar(&o.taggerModel, "tagger-model", "", "use this tagger model instead of training one (the folds are still trained)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 || o.folds < 2 || o.parallel < 1 {
		fmt.Fprintln(stderr, "langtrain: usage: langtrain [-ud DIR] [-out DIR] [-seed N] [-folds N≥2]")
		return exitUsage
	}
	o.tagger.Seed, o.parser.Seed = o.seed, o.seed
	if err := train(o, stderr); err != nil {
		fmt.Fprintf(stderr, "langtrain: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func train(o options, stderr io.Writer) error {
	start := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%6.0fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	trainDoc, err := readDoc(filepath.Join(o.ud, "en_ewt-ud-train.conllu"))
	if err != nil {
		return err
	}
	devDoc, err := readDoc(filepath.Join(o.ud, "en_ewt-ud-dev.conllu"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}

	// The full tagger and the jackknife folds are independent: they share
	// one pool of -parallel workers, the full tagger first.
	var tagger *lang.Tagger
	fullTagger := func() error {
		if o.taggerModel != "" {
			t, err := readTagger(o.taggerModel)
			if err != nil {
				return err
			}
			tagger = t
			logf("tagger: read %s", o.taggerModel)
			return nil
		}
		logf("tagger: training on %d sentences", len(trainDoc.Sentences))
		t, err := lang.TrainTagger(trainDoc, devDoc, o.tagger, logf)
		if err != nil {
			return err
		}
		if err := writeGzip(filepath.Join(o.out, "tagger.bin.gz"), t); err != nil {
			return err
		}
		tagger = t
		logf("tagger: written")
		return nil
	}
	if o.tagOnly {
		return fullTagger()
	}
	logf("jackknife: %d folds, %d taggers at a time", o.folds, o.parallel)
	jtrain, err := jackknife(trainDoc, o, fullTagger, logf)
	if err != nil {
		return err
	}
	pdev := tagged(devDoc, tagger)
	logf("parser: training on %d sentences with jackknifed tags (UPOS %.2f%%), dev tagged by the tagger (UPOS %.2f%%)",
		len(jtrain.Sentences), 100*uposAccuracy(trainDoc, jtrain), 100*uposAccuracy(devDoc, pdev))
	parser, err := lang.TrainParser(jtrain, pdev, o.parser, logf)
	if err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(o.out, "parser.bin.gz"), parser); err != nil {
		return err
	}
	logf("parser: dev %s; written", parser.Evaluate(pdev))
	return nil
}

// jackknife returns a copy of train whose tags, features and lemmas were
// predicted: fold k (a contiguous block, so a document's sentences stay
// together) by a tagger trained on the other folds. first runs in the same
// pool of workers, before the folds.
func jackknife(train *lang.Doc, o options, first func() error, logf func(string, ...any)) (*lang.Doc, error) {
	n := len(train.Sentences)
	out := &lang.Doc{Text: train.Text, Sentences: make([]lang.Sentence, n)}
	jobs := []func() error{first}
	for k := range o.folds {
		lo, hi := k*n/o.folds, (k+1)*n/o.folds
		jobs = append(jobs, func() error {
			rest := &lang.Doc{Text: train.Text}
			rest.Sentences = append(slices.Clone(train.Sentences[:lo]), train.Sentences[hi:]...)
			t, err := lang.TrainTagger(rest, nil, o.tagger, nil)
			if err != nil {
				return fmt.Errorf("jackknife fold %d: %w", k+1, err)
			}
			held := &lang.Doc{Text: train.Text, Sentences: train.Sentences[lo:hi]}
			copy(out.Sentences[lo:hi], tagged(held, t).Sentences)
			logf("jackknife: fold %d of %d tagged (sentences %d–%d)", k+1, o.folds, lo+1, hi)
			return nil
		})
	}
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, o.parallel)
	var wg sync.WaitGroup
	for i, job := range jobs {
		sem <- struct{}{} // in order: the full tagger starts first
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = job()
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// tagged returns a copy of doc with every sentence's tags, features and
// lemmas predicted by t; heads and relations stay gold.
func tagged(doc *lang.Doc, t *lang.Tagger) *lang.Doc {
	out := &lang.Doc{Text: doc.Text, Sentences: make([]lang.Sentence, len(doc.Sentences))}
	for i, s := range doc.Sentences {
		s.Words = slices.Clone(s.Words)
		for j := range s.Words {
			w := &s.Words[j]
			w.UPOS, w.XPOS, w.Feats, w.Lemma = "", "", "", ""
		}
		t.Tag(&s)
		out.Sentences[i] = s
	}
	return out
}

// uposAccuracy is the share of pred's words with gold's UPOS; pred holds
// gold's words retagged, so they align and lang.Score cannot fail but on
// an empty treebank (0 then).
func uposAccuracy(gold, pred *lang.Doc) float64 {
	sc, _ := lang.Score(gold, pred)
	return sc.UPOS
}

func readDoc(path string) (*lang.Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := lang.ReadCoNLLU(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

func readTagger(path string) (*lang.Tagger, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t, err := lang.ReadTagger(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// writeGzip writes m gzipped to path, through a temporary file so a failed
// run never leaves half a model behind.
func writeGzip(path string, m io.WriterTo) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".langtrain-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	zw, err := gzip.NewWriterLevel(tmp, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(zw); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
