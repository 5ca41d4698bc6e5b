package lang

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// TestPerceptronLearnsAndRoundTrips trains a perceptron on a separable toy
// problem (the class is the feature's value mod 3) and checks that the
// averaged, pruned model and its serialised copy both classify it.
func TestPerceptronLearnsAndRoundTrips(t *testing.T) {
	tr := newTrainer(10, 3)
	feat := func(v int) []uint64 { return []uint64{fhash(tmpl(1), uint64(v)), tmpl(2)} }
	scores := make([]float32, 3)
	for epoch := 0; epoch < 5; epoch++ {
		for v := 0; v < 60; v++ {
			clear(scores)
			f := feat(v)
			tr.Score(f, scores)
			tr.Update(f, v%3, argmax(scores, nil))
			tr.Tick()
		}
	}
	m := tr.Model(0)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := readModel(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	for _, mm := range []*model{m, m2} {
		for v := 0; v < 60; v++ {
			clear(scores)
			mm.Score(feat(v), scores)
			if got := argmax(scores, nil); got != v%3 {
				t.Fatalf("value %d: class %d, want %d", v, got, v%3)
			}
		}
	}
	if m.Weights() != m2.Weights() {
		t.Errorf("weights %d after round trip, %d before", m2.Weights(), m.Weights())
	}
}

func TestReadModelRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "nope", modelMagic, modelMagic + "\x03\xff\xff\xff\xff\xff"} {
		if _, err := readModel(bufio.NewReader(bytes.NewReader([]byte(in)))); err == nil {
			t.Errorf("readModel(%q) succeeded", in)
		}
	}
	// A number read whole but impossible is named as such, not as a nil error.
	for _, in := range []string{modelMagic + "\x00", modelMagic + "\x02\x02"} {
		_, err := readModel(bufio.NewReader(bytes.NewReader([]byte(in))))
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("readModel(%q): %v, want an out-of-range error", in, err)
		}
	}
}
