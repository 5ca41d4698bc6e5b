package lang

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteTree(t *testing.T) {
	doc, err := ReadCoNLLU(strings.NewReader(
		"1\tTroops\ttroop\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n" +
			"2\twithdrew\twithdraw\tVERB\tVBD\t_\t0\troot\t_\t_\n" +
			"3\tquickly\tquickly\tADV\tRB\t_\t2\tadvmod\t_\tSpaceAfter=No\n" +
			"4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTree(&b, doc); err != nil {
		t.Fatal(err)
	}
	want := "# 1: Troops withdrew quickly.\n" +
		"withdrew  VERB VBD  withdraw  root\n" +
		"├─ Troops  NOUN NNS  troop  nsubj\n" +
		"├─ quickly  ADV RB  quickly  advmod\n" +
		"└─ .  PUNCT .  .  punct\n\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
