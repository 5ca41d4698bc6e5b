package claim

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// A fixture is a file of hand-written cases, each with the exact claims a
// careful reader takes from its text. Where Extract is wrong today the case
// lists the error (the claim as Extract produces it, the right one, and
// why) instead of a threshold absorbing it: a test then fails on any claim
// that changes, appears or disappears, and on a known error that is fixed,
// so that the fixture is brought up to what the code achieves.
type fixture struct {
	// TunedOn says whether Extract was tuned against these cases after
	// they were written: if so, they are regression cases and their tally
	// measures nothing about unseen text.
	TunedOn bool       `json:"tuned_on"`
	About   string     `json:"about"`
	Cases   []goldCase `json:"cases"`
}

type goldCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
	// Claims are the right claims, all of them.
	Claims      []row        `json:"claims"`
	KnownErrors []knownError `json:"known_errors,omitempty"`
}

// knownError is one way Extract is wrong on a case: Got without Want is a
// claim it should not make, Want without Got one it misses, both a claim it
// gets wrong.
type knownError struct {
	Got  *row   `json:"got,omitempty"`
	Want *row   `json:"want,omitempty"`
	Why  string `json:"why"`
}

func loadFixture(t *testing.T, path string) fixture {
	t.Helper()
	var fx fixture
	if err := json.Unmarshal([]byte(readFile(t, path)), &fx); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(fx.Cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	return fx
}

// expected is what Extract must produce on the case: its right claims less
// the known misses, plus the known wrong claims. It fails the test when a
// known error does not fit the case.
func (gc goldCase) expected(t *testing.T) []row {
	t.Helper()
	want := slices.Clone(gc.Claims)
	for i, ke := range gc.KnownErrors {
		if ke.Why == "" || (ke.Got == nil && ke.Want == nil) {
			t.Fatalf("known error %d: needs why and a got or a want claim", i)
		}
		if ke.Want != nil {
			j := slices.Index(want, *ke.Want)
			if j < 0 {
				t.Fatalf("known error %d: want %s is not one of the case's claims", i, ke.Want)
			}
			want = slices.Delete(want, j, j+1)
		}
		if ke.Got != nil {
			want = append(want, *ke.Got)
		}
	}
	return want
}

// knownGot reports whether r is the wrong claim of one of the case's known
// errors, so that its disappearance is reported as a fix.
func (gc goldCase) knownGot(r row) *knownError {
	for i := range gc.KnownErrors {
		if ke := &gc.KnownErrors[i]; ke.Got != nil && *ke.Got == r {
			return ke
		}
	}
	return nil
}

// compareClaims fails t for each difference between got and the case's
// expectation, naming the claim and the field that differs.
func compareClaims(t *testing.T, gc goldCase, got []row) {
	t.Helper()
	missing, extra := multisetDiff(gc.expected(t), got)
	for _, w := range missing {
		if i := closest(w, extra); i >= 0 {
			g := extra[i]
			extra = slices.Delete(extra, i, i+1)
			t.Errorf("claim %s: %s%s", w, fieldDiff(g, w), fixNote(gc, w))
			continue
		}
		t.Errorf("missing claim %s%s", w, fixNote(gc, w))
	}
	for _, g := range extra {
		t.Errorf("unexpected claim %s%s", g, gc.missNote(g))
	}
}

// missNote relates an unexpected claim to the known misses of the case: it
// may be one of them now found, or found wrong.
func (gc goldCase) missNote(g row) string {
	var misses []row
	var why []string
	for _, ke := range gc.KnownErrors {
		if ke.Want != nil && ke.Got == nil {
			misses = append(misses, *ke.Want)
			why = append(why, ke.Why)
		}
	}
	i := closest(g, misses)
	switch {
	case i < 0:
		return ""
	case misses[i] == g:
		return fmt.Sprintf(" (the right claim of the known error %q: drop it from known_errors)", why[i])
	}
	return fmt.Sprintf(" (the known miss %s, found wrong: %s)", misses[i], fieldDiff(g, misses[i]))
}

// fixNote says what to do when the claim that changed was a known error.
func fixNote(gc goldCase, r row) string {
	if ke := gc.knownGot(r); ke != nil {
		return fmt.Sprintf(" (it was the known error %q: if Extract is now right, drop it from known_errors)", ke.Why)
	}
	return ""
}

// multisetDiff returns the rows of want not in got and those of got not in
// want, counting repeats.
func multisetDiff(want, got []row) (missing, extra []row) {
	extra = slices.Clone(got)
	for _, w := range want {
		if i := slices.Index(extra, w); i >= 0 {
			extra = slices.Delete(extra, i, i+1)
		} else {
			missing = append(missing, w)
		}
	}
	return missing, extra
}

// fields are the parts of a claim an editor reads, by name.
func (r row) fields() [][2]string {
	return [][2]string{
		{"claimant", r.Claimant}, {"subject", r.Subject}, {"measure", r.Measure},
		{"place", r.Place}, {"value", r.Value}, {"as_of", r.AsOf}, {"sentence", r.Sentence},
	}
}

// closest is the index of the row in rs that shares the most fields with w,
// at least half of them; -1 if none does.
func closest(w row, rs []row) int {
	best, bestN := -1, len(w.fields())/2
	for i, r := range rs {
		n := 0
		for k, f := range r.fields() {
			if f[1] == w.fields()[k][1] {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// fieldDiff names each field where got differs from want.
func fieldDiff(got, want row) string {
	var diffs []string
	wf := want.fields()
	for k, f := range got.fields() {
		if f[1] != wf[k][1] {
			diffs = append(diffs, fmt.Sprintf("%s is %q, want %q", f[0], f[1], wf[k][1]))
		}
	}
	return strings.Join(diffs, "; ")
}

// tally counts, over all cases, the claims Extract produced, the right
// claims and how many of those it produced.
type tally struct{ predicted, gold, right int }

func (s *tally) add(gc goldCase, got []row) {
	missing, _ := multisetDiff(gc.Claims, got)
	s.predicted += len(got)
	s.gold += len(gc.Claims)
	s.right += len(gc.Claims) - len(missing)
}

func (s tally) String() string {
	return fmt.Sprintf("extracted %d, %d of %d right claims: precision %.3f, recall %.3f",
		s.predicted, s.right, s.gold,
		float64(s.right)/float64(max(s.predicted, 1)), float64(s.right)/float64(max(s.gold, 1)))
}

// sharedSeed is the canonical article, beside the repository.
const sharedSeed = "../../../shared/seed/kursk-dispute.txt"

// readShared returns a file of the shared folder, or skips the test with
// a message when the folder is absent.
func readShared(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		tb.Skipf("%s is absent: the shared test material is not beside the repository", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
