package extract

import (
	"os"
	"testing"

	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

// devPipeline loads the models from CROSSCHECK_LANG_MODELS when set (a
// freshly trained pair), else the embedded ones.
func devPipeline(t testing.TB) *lang.Pipeline {
	t.Helper()
	if dir := os.Getenv("CROSSCHECK_LANG_MODELS"); dir != "" {
		p, err := lang.LoadFS(os.DirFS(dir), ".")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := lang.Load()
	if err != nil {
		t.Skipf("extract: no language models: %v", err)
	}
	return p
}
