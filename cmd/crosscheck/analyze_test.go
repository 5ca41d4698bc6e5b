package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	dir := t.TempDir()
	conllu := filepath.Join(dir, "in.conllu")
	if err := os.WriteFile(conllu, []byte("# sent_id = a\n1\tTroops\t_\t_\t_\t_\t_\t_\t_\t_\n2\twithdrew\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n3\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.conllu")
	if err := os.WriteFile(bad, []byte("1\tTroops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		out, err    string
	}{
		{"text to conllu", "Troops withdrew. They left.", []string{"analyze", "-"}, exitOK,
			"# sent_id = 2\n# text = They left.\n1\tThey\tthey\tPRON\tPRP", ""},
		{"text to tree", "Troops withdrew.", []string{"analyze", "--output", "tree", "-"}, exitOK,
			"withdrew  VERB VBD  withdraw  root\n├─ Troops  NOUN NNS", ""},
		{"conllu keeps its words", "", []string{"analyze", "--input", "conllu", conllu}, exitOK,
			"# sent_id = a\n# text = Troops withdrew.\n1\tTroops\t", ""},
		{"conllu is tagged and parsed", "", []string{"analyze", "--input", "conllu", conllu}, exitOK,
			"2\twithdrew\twithdraw\tVERB\tVBD\tMood=Ind|", ""},
		{"bad conllu names the line", "", []string{"analyze", "--input", "conllu", bad}, exitFailed,
			"", "crosscheck: analyze: " + bad + ": lang: conllu line 1: 2 columns, want 10\n"},
		{"bad output", "", []string{"analyze", "--output", "xml", "-"}, exitUsage,
			"", "crosscheck: analyze: --output \"xml\": want conllu or tree\n"},
		{"no input", "", []string{"analyze"}, exitUsage, "", "want one FILE or -"},
		{"missing file", "", []string{"analyze", filepath.Join(dir, "nope.txt")}, exitFailed, "", "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := cliRun(t, tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d, stdout:\n%s\nstderr: %q\nwant exit %d, stdout with %q, stderr with %q", code, out, errs, tc.code, tc.out, tc.err)
			}
		})
	}
}
