package claim

import (
	"math"
	"strings"
	"testing"
	"time"
)

var day0 = time.Date(2025, 2, 12, 9, 0, 0, 0, time.UTC)

func fig(claimant, measure, place string, iv Interval) Claim {
	return Claim{
		Kind: Figure, Subject: "north korean soldiers", Measure: measure, Place: place,
		Value: iv, Claimant: claimant, Outlet: "Wire", AsOf: day0, Published: day0,
	}
}

func status(claimant, measure, place string, p Polarity) Claim {
	return Claim{
		Kind: Status, Subject: "north korean soldiers", Measure: measure, Place: place,
		Polarity: p, Claimant: claimant, Outlet: "Wire", AsOf: day0, Published: day0,
	}
}

func about(n float64) Interval  { return Interval{Low: 0.9 * n, High: 1.1 * n} }
func nearly(n float64) Interval { return Interval{Low: 0.9 * n, High: n} }
func moreThan(n float64) Interval {
	return Interval{Low: n, LowOpen: true, High: math.Inf(1)}
}

func TestCompare(t *testing.T) {
	month := func(c Claim) Claim { c.AsOf = c.AsOf.AddDate(0, 1, 0); return c }
	other := func(c Claim, subject string) Claim { c.Subject = subject; return c }
	quoted := func(c Claim, outlet string) Claim { c.Outlet = outlet; return c }

	tests := []struct {
		name     string
		a, b     Claim
		want     Relation
		topic    string
		severity float64 // checked when > 0
		reason   string  // substring, checked when set
	}{
		{
			name:  "about 11,000 sent against approximately 12,000: within the hedges",
			a:     fig("The Kyiv Independent", "deployed", "", about(11000)),
			b:     fig("Ukrainian intelligence", "deployed", "kursk", about(12000)),
			want:  None,
			topic: "north korean soldiers | deployed | kursk",
		},
		{
			name:     "figure conflict between two claimants",
			a:        fig("Kyrylo Budanov (HUR)", "killed", "kursk", Point(1000)),
			b:        fig("South Korea's NIS", "killed", "kursk", Point(300)),
			want:     Conflict,
			topic:    "north korean soldiers | killed | kursk",
			severity: 0.7,
			reason:   "70% apart, tolerance 10%",
		},
		{
			name:     "design example: more than 3,000 against about 1,100 is a 60% gap",
			a:        fig("Volodymyr Zelensky", "killed or wounded", "", moreThan(3000)),
			b:        fig("South Korea's NIS", "killed or wounded", "", about(1100)),
			want:     Conflict,
			severity: 1790.0 / 3000,
			reason:   "59.7% apart",
		},
		{
			name: "exactly at the tolerance is not a conflict",
			a:    fig("A", "killed", "", Point(900)),
			b:    fig("B", "killed", "", Point(1000)),
			want: None,
		},
		{
			name:   "same claimant changing its figure is a revision",
			a:      fig("Kyrylo Budanov (HUR)", "fighting", "kursk", Point(11000)),
			b:      quoted(fig("Kyrylo Budanov (HUR)", "fighting", "kursk", Point(8000)), "Yonhap"),
			want:   Revision,
			reason: "same claimant changed its figure",
		},
		{
			name: "two outlets quoting one claimant corroborate",
			a:    fig("Kyrylo Budanov (HUR)", "fighting", "kursk", Point(8000)),
			b:    quoted(fig("Kyrylo Budanov (HUR)", "fighting", "kursk", about(8000)), "Reuters"),
			want: Corroboration,
		},
		{
			name:   "claims a month apart never conflict",
			a:      fig("A", "killed", "kursk", Point(100)),
			b:      month(fig("B", "killed", "kursk", Point(1000))),
			want:   None,
			reason: "outside the 14 days window",
		},
		{
			name: "13 days apart still conflict",
			a:    fig("A", "killed", "kursk", Point(100)),
			b: func() Claim {
				c := fig("B", "killed", "kursk", Point(1000))
				c.AsOf = c.AsOf.AddDate(0, 0, 13)
				return c
			}(),
			want: Conflict,
		},
		{
			name: "a hedge that reaches the other figure",
			a:    fig("A", "wounded", "", nearly(2700)),
			b:    fig("B", "wounded", "", Point(2500)),
			want: None,
		},
		{
			name:     "an open bound against a point below it",
			a:        fig("A", "captured", "", moreThan(1000)),
			b:        fig("B", "captured", "", Point(200)),
			want:     Conflict,
			severity: 0.8,
		},
		{
			name: "an open bound against a point above it",
			a:    fig("A", "captured", "", moreThan(1000)),
			b:    fig("B", "captured", "", Point(5000)),
			want: None,
		},
		{
			name: "different subjects never conflict",
			a:    fig("A", "deployed", "kursk", Point(8000)),
			b:    other(fig("B", "deployed", "kursk", Point(50000)), "russian soldiers"),
			want: None,
		},
		{
			name: "different measures never conflict: 8,000 fighting against 11,000 sent",
			a:    fig("Kyrylo Budanov (HUR)", "fighting", "kursk", Point(8000)),
			b:    fig("The Kyiv Independent", "deployed", "", about(11000)),
			want: None,
		},
		{
			name: "different places never conflict",
			a:    fig("A", "killed", "kursk", Point(100)),
			b:    fig("B", "killed", "belgorod", Point(1000)),
			want: None,
		},
		{
			name:  "a claim without a place matches any place",
			a:     fig("A", "killed", "", Point(100)),
			b:     fig("B", "killed", "kursk", Point(1000)),
			want:  Conflict,
			topic: "north korean soldiers | killed | kursk",
		},
		{
			name:     "opposite statuses conflict",
			a:        status("Kyrylo Budanov (HUR)", "at the front", "kursk", Present),
			b:        status("media reports (The New York Times, Yonhap)", "at the front", "kursk", Absent),
			want:     Conflict,
			topic:    "north korean soldiers | at the front | kursk",
			severity: 1,
		},
		{
			name: "same status from two claimants",
			a:    status("A", "at the front", "kursk", Absent),
			b:    status("B", "at the front", "kursk", Absent),
			want: None,
		},
		{
			name: "a claimant reversing its status is a revision",
			a:    status("A", "at the front", "kursk", Absent),
			b:    status("A", "at the front", "kursk", Present),
			want: Revision,
		},
		{
			name:   "8,000 still fighting implies present at the front",
			a:      fig("Kyrylo Budanov (HUR)", "fighting", "kursk", Point(8000)),
			b:      status("media reports (The New York Times, Yonhap)", "at the front", "kursk", Absent),
			want:   Conflict,
			topic:  "north korean soldiers | at the front | kursk",
			reason: "8,000, 8,000] fighting implies present at the front, against absent",
		},
		{
			name: "a figure never revises its own claimant's status",
			a:    fig("A", "fighting", "kursk", Point(8000)),
			b:    status("A", "at the front", "kursk", Absent),
			want: None,
		},
		{
			name: "a part alone never contradicts a larger total: 300 killed against more than 3,000 killed or wounded",
			a:    fig("South Korea's NIS", "killed", "", Point(300)),
			b:    fig("Volodymyr Zelensky", "killed or wounded", "", moreThan(3000)),
			want: None,
		},
		{
			name:   "a part above the whole total conflicts",
			a:      fig("A", "killed", "", Point(5000)),
			b:      fig("B", "killed or wounded", "", about(3000)),
			want:   Conflict,
			topic:  "north korean soldiers | killed or wounded | ",
			reason: "killed alone against",
		},
		{
			name: "killed and wounded are not compared with each other",
			a:    fig("A", "killed", "", Point(5000)),
			b:    fig("B", "wounded", "", Point(30)),
			want: None,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, order := range [][2]Claim{{tt.a, tt.b}, {tt.b, tt.a}} {
				v := Compare(order[0], order[1], DefaultRules())
				if v.Relation != tt.want {
					t.Fatalf("Compare(%s %s %v, %s %s %v) = %v (%s), want %v",
						order[0].Claimant, order[0].Measure, order[0].ValueString(),
						order[1].Claimant, order[1].Measure, order[1].ValueString(), v.Relation, v.Reason, tt.want)
				}
				if tt.topic != "" && v.Topic != tt.topic {
					t.Errorf("topic = %q, want %q", v.Topic, tt.topic)
				}
				if tt.severity > 0 && math.Abs(v.Severity-tt.severity) > 1e-9 {
					t.Errorf("severity = %v, want %v", v.Severity, tt.severity)
				}
				if v.Severity < 0 || v.Severity > 1 {
					t.Errorf("severity %v out of 0..1", v.Severity)
				}
				if tt.reason != "" && !strings.Contains(v.Reason, tt.reason) {
					t.Errorf("reason %q does not contain %q", v.Reason, tt.reason)
				}
			}
		})
	}
}

func TestCompareInvalidClaims(t *testing.T) {
	good := fig("A", "killed", "", Point(100))
	for _, iv := range []Interval{
		{Low: math.NaN(), High: 1},
		{Low: 1, High: math.NaN()},
		{Low: -5, High: 1},
		{Low: math.Inf(1), High: math.Inf(1)},
		{Low: 10, High: 1},
	} {
		bad := fig("B", "killed", "", iv)
		if v := Compare(good, bad, DefaultRules()); v.Relation != None {
			t.Errorf("Compare with invalid %v = %v, want none", iv, v.Relation)
		}
	}
}

func TestSumParts(t *testing.T) {
	killed := fig("South Korea's NIS", "killed", "", Point(300))
	killed.ValueText, killed.Sentence = "300", "300 of them are now believed to be killed and nearly 2 700 wounded."
	wounded := fig("South Korea's NIS", "wounded", "kursk", nearly(2700))
	wounded.ValueText, wounded.Sentence = "nearly 2,700", killed.Sentence
	wounded.AsOf = day0.Add(time.Hour)
	wounded.URL = "https://example.org/later"

	sum, ok := Sum(MeasureKilledOrWounded, killed, wounded)
	if !ok {
		t.Fatal("Sum refused killed + wounded")
	}
	if sum.Measure != "killed or wounded" || sum.Place != "kursk" || sum.URL != wounded.URL {
		t.Errorf("sum = %+v", sum)
	}
	if sum.Value.Low != 2730 || sum.Value.High != 3000 {
		t.Errorf("sum value = %v, want [2,730, 3,000]", sum.Value)
	}
	if sum.ValueText != "300 killed + nearly 2,700 wounded" {
		t.Errorf("sum text = %q", sum.ValueText)
	}
	if sum.Sentence != killed.Sentence {
		t.Errorf("sentence repeated: %q", sum.Sentence)
	}

	zelensky := fig("Volodymyr Zelensky", "killed or wounded", "", moreThan(3000))
	if v := Compare(zelensky, sum, DefaultRules()); v.Relation != None {
		t.Errorf("more than 3,000 against 300 + nearly 2,700: %v (%s), want none", v.Relation, v.Reason)
	}
	small := fig("B", "killed or wounded", "", Point(1000))
	if v := Compare(small, sum, DefaultRules()); v.Relation != Conflict {
		t.Errorf("1,000 against 300 + nearly 2,700: %v (%s), want conflict", v.Relation, v.Reason)
	}

	for name, parts := range map[string][]Claim{
		"one part":         {killed},
		"same part twice":  {killed, killed},
		"other claimant":   {killed, fig("B", "wounded", "", Point(1))},
		"places disagree":  {fig("A", "killed", "kursk", Point(1)), fig("A", "wounded", "belgorod", Point(1))},
		"not a part":       {killed, fig("South Korea's NIS", "captured", "", Point(1))},
		"status for parts": {killed, status("South Korea's NIS", "wounded", "", Present)},
	} {
		if _, ok := Sum(MeasureKilledOrWounded, parts...); ok {
			t.Errorf("Sum accepted %s", name)
		}
	}
	if _, ok := Sum("deployed", killed, wounded); ok {
		t.Error("Sum accepted a measure with no parts")
	}
}

func TestRelatedMeasures(t *testing.T) {
	tests := map[string]string{
		"killed":            "killed, killed or wounded, wounded",
		"wounded":           "wounded, killed or wounded, killed",
		"killed or wounded": "killed or wounded, killed, wounded",
		"fighting":          "fighting, at the front",
		"at the front":      "at the front, fighting",
		"deployed":          "deployed",
	}
	for m, want := range tests {
		if got := strings.Join(RelatedMeasures(m), ", "); got != want {
			t.Errorf("RelatedMeasures(%q) = %s, want %s", m, got, want)
		}
	}
}

func TestGap(t *testing.T) {
	tests := []struct {
		x, y Interval
		want float64
	}{
		{moreThan(3000), Interval{Low: 990, High: 1210}, 1790.0 / 3000},
		{Point(100), Point(100), 0},
		{Interval{Low: 2730, High: 3000}, moreThan(3000), 0},
		{Point(0), Point(0), 0},
		{Point(0), Point(10), 1},
	}
	for _, tt := range tests {
		if got := Gap(tt.x, tt.y); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Gap(%v, %v) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
		if got := Gap(tt.y, tt.x); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Gap(%v, %v) = %v, want %v", tt.y, tt.x, got, tt.want)
		}
	}
}

func TestRulesDefaults(t *testing.T) {
	r := Rules{}.WithDefaults()
	if r.Tolerance != 0.10 || r.Window != 14*24*time.Hour {
		t.Errorf("defaults = %+v", r)
	}
	r = Rules{Tolerance: 0.5, Window: time.Hour}.WithDefaults()
	if r.Tolerance != 0.5 || r.Window != time.Hour {
		t.Errorf("explicit rules overwritten: %+v", r)
	}
	a := fig("A", "killed", "", Point(100))
	b := fig("B", "killed", "", Point(180))
	if v := Compare(a, b, Rules{Tolerance: 0.5}); v.Relation != None {
		t.Errorf("44%% gap with 50%% tolerance: %v", v.Relation)
	}
	b.AsOf = b.AsOf.Add(2 * time.Hour)
	if v := Compare(a, b, Rules{Window: time.Hour}); v.Relation != None {
		t.Errorf("two hours apart with a one-hour window: %v", v.Relation)
	}
}

func TestParty(t *testing.T) {
	for name, want := range map[string]string{
		"media reports": "media reports",
		"media reports (The New York Times, Yonhap)": "media reports",
		"media reportsX":                        "media reportsx",
		"Kyrylo Budanov (HUR)":                  "kyrylo budanov",
		"Kyrylo Budanov":                        "kyrylo budanov",
		"kyrylo  BUDANOV ( HUR )":               "kyrylo budanov",
		"Oleh Syniehubov (regional governor)":   "oleh syniehubov",
		"Ministry of Defence (UK (MoD))":        "ministry of defence",
		"(unnamed official)":                    "(unnamed official)",
		"Volodymyr Zelensky":                    "volodymyr zelensky",
		"South Korea's NIS":                     "south korea's nis",
		"Ministry of Defence (UK) spokesperson": "ministry of defence (uk) spokesperson",
	} {
		if got := Party(name); got != want {
			t.Errorf("Party(%q) = %q, want %q", name, got, want)
		}
	}
	// The press is one party: reports denied in one article and reports
	// named in another never contradict each other.
	bare := status("media reports", "at the front", "kursk", Absent)
	named := status("media reports (The New York Times, Yonhap)", "at the front", "kursk", Present)
	if v := Compare(bare, named, DefaultRules()); v.Relation == Conflict {
		t.Errorf("media reports against media reports: %v", v.Relation)
	}
}

// The extractor keeps a claimant's role, so one person may come with it in
// one article and without it in the next: the same person all the same.
func TestPartyRoleRevision(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       Relation
	}{
		{"role then none", "Kyrylo Budanov (HUR)", "Kyrylo Budanov", Revision},
		{"none then role", "Kyrylo Budanov", "Kyrylo Budanov (HUR)", Revision},
		{"two roles", "Oleh Syniehubov (regional governor)", "Oleh Syniehubov (Kharkiv governor)", Revision},
		{"case", "KYRYLO BUDANOV", "Kyrylo Budanov (HUR)", Revision},
		{"other person", "Kyrylo Budanov (HUR)", "Vadym Skibitskyi (HUR)", Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fig(tc.a, "killed", "kursk", Point(1000))
			b := fig(tc.b, "killed", "kursk", Point(400))
			if v := Compare(a, b, DefaultRules()); v.Relation != tc.want {
				t.Errorf("%q then %q: %v (%s), want %v", tc.a, tc.b, v.Relation, v.Reason, tc.want)
			}
			b.Value = Point(1000)
			want := Corroboration
			if tc.want == Conflict {
				want = None
			}
			if v := Compare(a, b, DefaultRules()); v.Relation != want {
				t.Errorf("%q and %q, same figure: %v, want %v", tc.a, tc.b, v.Relation, want)
			}
		})
	}
}
