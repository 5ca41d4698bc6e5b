package bot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ErrNoFigures means a dispute has no figures to chart: a status dispute
// ("still fighting" against "not seen at the front") is told in words.
var ErrNoFigures = errors.New("bot: no figures to chart")

// ChartWidth and ChartHeight are the chart's size: wide enough for a
// Slack preview to read the dates, at 96 dots per inch.
const (
	ChartWidth  = 8 * vg.Inch
	ChartHeight = 4.5 * vg.Inch
)

// SideColor is the colour of side i of a dispute on a chart (blue, then
// orange: colour-blind safe, Okabe–Ito); anyone else on the topic is grey.
func SideColor(i int) color.RGBA {
	switch i {
	case 0:
		return color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff}
	case 1:
		return color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff}
	}
	return color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
}

// ChartPNG draws claims, figures of dispute c over time, as a PNG: one
// series per claimant and outlet, in its side's colour; an exact figure a
// dot, a hedged one a bar over its interval, an open end a bar to the top
// of the chart with an arrow head. It returns ErrNoFigures for a status
// dispute and when no claim is a figure.
func ChartPNG(c state.Conflict, claims []claim.Claim) ([]byte, error) {
	if c.Kind == claim.Status {
		// A figure that joined a status dispute ("8,000 still fighting")
		// has no counterpart on the other side to draw against.
		return nil, ErrNoFigures
	}
	figs := slices.DeleteFunc(slices.Clone(claims), func(cl claim.Claim) bool {
		return cl.Kind != claim.Figure || !cl.Value.Valid() || claimTime(cl).IsZero()
	})
	if len(figs) == 0 {
		return nil, ErrNoFigures
	}
	p := plot.New()
	p.Title.Text = Headline(c)
	p.X.Label.Text = "as of (UTC)"
	p.Y.Label.Text = yLabel(c)
	p.Y.Tick.Marker = numberTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())

	top := chartTop(figs)
	p.Y.Min, p.Y.Max = 0, top
	lo, hi := timeSpan(figs)
	pad := max(hi.Sub(lo)/12, 12*time.Hour)
	p.X.Min, p.X.Max = unix(lo.Add(-pad)), unix(hi.Add(pad))
	p.X.Tick.Marker = timeTicks{}

	series := groupSeries(c, figs)
	// Series on the same day would hide one another: each is nudged a
	// little sideways, by its order.
	nudge := float64(pad) / float64(time.Second) / 4 / float64(max(len(series), 1))
	capWidth := (p.X.Max - p.X.Min) / 120
	for i, s := range series {
		dx := (float64(i) - float64(len(series)-1)/2) * nudge
		if err := s.add(p, dx, top, capWidth); err != nil {
			return nil, fmt.Errorf("bot: chart: %w", err)
		}
	}
	wt, err := p.WriterTo(ChartWidth, ChartHeight, "png")
	if err != nil {
		return nil, fmt.Errorf("bot: chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("bot: chart: %w", err)
	}
	return buf.Bytes(), nil
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

func yLabel(c state.Conflict) string {
	subject, measure, _ := splitTopic(c.Topic)
	if subject == "" {
		return measure
	}
	return subject + " " + measure
}

func timeSpan(figs []claim.Claim) (lo, hi time.Time) {
	lo, hi = claimTime(figs[0]), claimTime(figs[0])
	for _, cl := range figs[1:] {
		t := claimTime(cl)
		if t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return lo, hi
}

// chartTop leaves room above the largest finite bound for open ends to
// reach past it and for the legend.
func chartTop(figs []claim.Claim) float64 {
	m := 0.0
	for _, cl := range figs {
		m = max(m, cl.Value.Low)
		if cl.Value.Bounded() {
			m = max(m, cl.Value.High)
		}
	}
	if m == 0 {
		return 1
	}
	return m * 1.4
}

// series is one claimant through one outlet.
type series struct {
	label string
	color color.RGBA
	figs  []claim.Claim
}

func groupSeries(c state.Conflict, figs []claim.Claim) []*series {
	side := map[string]int{}
	for i, s := range c.Sides {
		if _, ok := side[s.Claimant]; !ok {
			side[s.Claimant] = i
		}
	}
	var out []*series
	byKey := map[string]*series{}
	for _, cl := range figs {
		key := cl.Claimant + "\x00" + cl.Outlet
		s, ok := byKey[key]
		if !ok {
			col := SideColor(-1)
			if i, ok := side[cl.Claimant]; ok {
				col = SideColor(i)
			}
			label := cl.Claimant
			if cl.Outlet != "" && cl.Outlet != cl.Claimant {
				label += " (" + cl.Outlet + ")"
			}
			s = &series{label: label, color: col}
			byKey[key] = s
			out = append(out, s)
		}
		s.figs = append(s.figs, cl)
	}
	return out
}

// add draws the series: an exact figure as a dot; a hedged one as a bar
// over its interval, with caps, and no dot, since no single value was
// said; an open end as a bar from the stated bound (a dot) to the top of
// the chart, with an arrow head.
func (s *series) add(p *plot.Plot, dx, top, capWidth float64) error {
	var dots, arrows plotter.XYs
	for _, cl := range s.figs {
		x := unix(claimTime(cl)) + dx
		v := cl.Value
		switch {
		case !v.Bounded():
			if err := s.bar(p, x, v.Low, top, 0); err != nil {
				return err
			}
			dots = append(dots, plotter.XY{X: x, Y: v.Low})
			arrows = append(arrows, plotter.XY{X: x, Y: top})
		case v.Low != v.High:
			if err := s.bar(p, x, v.Low, v.High, capWidth); err != nil {
				return err
			}
		default:
			dots = append(dots, plotter.XY{X: x, Y: v.Low})
		}
	}
	// The legend's swatch: a dot with a bar through it, in the colour.
	swatch := &plotter.Line{LineStyle: s.lineStyle()}
	glyph := &plotter.Scatter{GlyphStyle: s.dotStyle()}
	p.Legend.Add(s.label, swatch, glyph)
	for _, g := range []struct {
		xys   plotter.XYs
		style draw.GlyphStyle
	}{{dots, s.dotStyle()}, {arrows, draw.GlyphStyle{Color: s.color, Radius: vg.Points(6), Shape: draw.PyramidGlyph{}}}} {
		if len(g.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(g.xys)
		if err != nil {
			return err
		}
		sc.GlyphStyle = g.style
		p.Add(sc)
	}
	return nil
}

func (s *series) lineStyle() draw.LineStyle {
	return draw.LineStyle{Color: s.color, Width: vg.Points(3)}
}

func (s *series) dotStyle() draw.GlyphStyle {
	return draw.GlyphStyle{Color: s.color, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
}

// bar is an interval from lo to hi at x, with caps capWidth wide (none
// at 0, for an open end whose arrow marks it).
func (s *series) bar(p *plot.Plot, x, lo, hi, capWidth float64) error {
	lines := []plotter.XYs{{{X: x, Y: lo}, {X: x, Y: hi}}}
	if capWidth > 0 {
		for _, y := range []float64{lo, hi} {
			lines = append(lines, plotter.XYs{{X: x - capWidth/2, Y: y}, {X: x + capWidth/2, Y: y}})
		}
	}
	for _, xys := range lines {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.LineStyle = s.lineStyle()
		p.Add(l)
	}
	return nil
}

// timeTicks puts the date axis's ticks on whole days (UTC midnight), or
// on whole hours for a dispute within a day or two, so a label's date
// is where it stands.
type timeTicks struct{}

func (timeTicks) Ticks(lo, hi float64) []plot.Tick {
	start, end := time.Unix(int64(lo), 0).UTC(), time.Unix(int64(hi), 0).UTC()
	span := end.Sub(start)
	step, format := 24*time.Hour, "Jan 2\n2006"
	for _, st := range []struct {
		d      time.Duration
		format string
	}{
		{time.Hour, "Jan 2\n15:04"}, {3 * time.Hour, "Jan 2\n15:04"}, {6 * time.Hour, "Jan 2\n15:04"}, {12 * time.Hour, "Jan 2\n15:04"},
		{24 * time.Hour, "Jan 2\n2006"}, {2 * 24 * time.Hour, "Jan 2\n2006"}, {7 * 24 * time.Hour, "Jan 2\n2006"},
		{14 * 24 * time.Hour, "Jan 2\n2006"}, {28 * 24 * time.Hour, "Jan 2\n2006"}, {91 * 24 * time.Hour, "Jan 2006"}, {364 * 24 * time.Hour, "2006"},
	} {
		step, format = st.d, st.format
		if span/st.d <= 7 {
			break
		}
	}
	var ts []plot.Tick
	for t := start.Truncate(step); !t.After(end); t = t.Add(step) {
		if t.Before(start) {
			continue
		}
		ts = append(ts, plot.Tick{Value: float64(t.Unix()), Label: t.Format(format)})
	}
	return ts
}

// numberTicks labels the figure axis as editors write numbers (12,000).
type numberTicks struct{}

func (numberTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = claim.FormatNumber(math.Round(ts[i].Value*100) / 100)
		}
	}
	return ts
}
