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
	p.X.Label.Text = "as of"
	p.Y.Label.Text = yLabel(c)
	p.Y.Tick.Marker = numberTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())

	top := chartTop(figs)
	p.Y.Min, p.Y.Max = 0, top
	lo, hi := timeSpan(figs)
	pad := max(hi.Sub(lo)/12, 12*time.Hour)
	p.X.Min, p.X.Max = unix(lo.Add(-pad)), unix(hi.Add(pad))
	// Ticks within a few days of each other need the hour to differ.
	format := "Jan 2\n2006"
	if hi.Sub(lo)+2*pad <= 4*24*time.Hour {
		format = "Jan 2\n15:04 MST"
	}
	p.X.Tick.Marker = plot.TimeTicks{Format: format, Time: func(t float64) time.Time { return time.Unix(int64(t), 0).UTC() }}

	series := groupSeries(c, figs)
	// Series on the same day would hide one another: each is nudged a
	// little sideways, by its order.
	nudge := float64(pad) / float64(time.Second) / 4 / float64(max(len(series), 1))
	for i, s := range series {
		dx := (float64(i) - float64(len(series)-1)/2) * nudge
		if err := s.add(p, dx, top); err != nil {
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

// add draws the series: its bars, then its dots and arrow heads over them.
func (s *series) add(p *plot.Plot, dx, top float64) error {
	var dots, arrows plotter.XYs
	for _, cl := range s.figs {
		x := unix(claimTime(cl)) + dx
		v := cl.Value
		switch {
		case !v.Bounded():
			if err := s.bar(p, x, v.Low, top); err != nil {
				return err
			}
			dots = append(dots, plotter.XY{X: x, Y: v.Low})
			arrows = append(arrows, plotter.XY{X: x, Y: top})
		case v.Low != v.High:
			if err := s.bar(p, x, v.Low, v.High); err != nil {
				return err
			}
			dots = append(dots, plotter.XY{X: x, Y: (v.Low + v.High) / 2})
		default:
			dots = append(dots, plotter.XY{X: x, Y: v.Low})
		}
	}
	sc, err := plotter.NewScatter(dots)
	if err != nil {
		return err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: s.color, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
	p.Add(sc)
	p.Legend.Add(s.label, sc)
	if len(arrows) > 0 {
		ar, err := plotter.NewScatter(arrows)
		if err != nil {
			return err
		}
		ar.GlyphStyle = draw.GlyphStyle{Color: s.color, Radius: vg.Points(5), Shape: draw.TriangleGlyph{}}
		p.Add(ar)
	}
	return nil
}

// bar is a hedged figure's interval, from lo to hi, with caps.
func (s *series) bar(p *plot.Plot, x, lo, hi float64) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}})
	if err != nil {
		return err
	}
	l.LineStyle = draw.LineStyle{Color: s.color, Width: vg.Points(3)}
	p.Add(l)
	return nil
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
