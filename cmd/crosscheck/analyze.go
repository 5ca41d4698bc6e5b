package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

// maxAnalyzeBytes bounds what analyze reads: a whole treebank file fits
// (EWT's training file is 13 MB), a runaway pipe does not.
const maxAnalyzeBytes = 64 << 20

func runAnalyze(_ context.Context, e env, args []string) error {
	const usage = "crosscheck analyze [--input text|conllu] [--output conllu|tree] FILE|-"
	fs := newFlagSet(e, "analyze", usage)
	input := fs.String("input", "text", "what FILE holds: text, or conllu (its words and sentences are kept)")
	output := fs.String("output", "conllu", "what to print: conllu, or tree (for a person)")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("analyze: want one FILE or - (usage: %s)", usage)
	}
	write := map[string]func(io.Writer, *lang.Doc) error{"conllu": lang.WriteCoNLLU, "tree": lang.WriteTree}[*output]
	if write == nil {
		return usagef("analyze: --output %q: want conllu or tree", *output)
	}
	if *input != "text" && *input != "conllu" {
		return usagef("analyze: --input %q: want text or conllu", *input)
	}
	name, r := rest[0], e.stdin
	if name == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxAnalyzeBytes+1))
	if err != nil {
		return fmt.Errorf("analyze: read %s: %w", name, err)
	}
	if len(b) > maxAnalyzeBytes {
		return fmt.Errorf("analyze: read %s: %w (over %d bytes)", name, errTooLarge, maxAnalyzeBytes)
	}
	p, err := lang.Load()
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	var doc *lang.Doc
	if *input == "conllu" {
		if doc, err = lang.ReadCoNLLU(bytes.NewReader(b)); err != nil {
			return fmt.Errorf("analyze: %s: %w", name, err)
		}
		p.Annotate(doc)
	} else {
		doc = p.Analyze(string(b))
	}
	return write(e.stdout, doc)
}
