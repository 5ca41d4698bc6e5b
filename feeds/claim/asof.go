package claim

import (
	"strconv"
	"strings"
	"time"
)

type monthID struct {
	id int32
	m  time.Month
}

type weekdayID struct {
	id int32
	d  time.Weekday
}

func (lx *lexicon) month(id int32) time.Month {
	for _, m := range lx.months {
		if m.id == id {
			return m.m
		}
	}
	return 0
}

// asOf reads the date a sentence's claims are about: "on Jan. 13", "on
// October 24, 2024", "since mid-January", "at the end of January", "last
// fall", "said Monday". The zero time means the sentence names none.
func (r *run) asOf() time.Time {
	pub := r.a.Published
	loc := time.UTC
	if !pub.IsZero() {
		loc = pub.Location()
	}
	ts := r.toks
	for k := 0; k < len(ts); k++ {
		t := ts[k]
		if t.kind != tWord {
			continue
		}
		w := r.word(k)
		// "16 missing, down from 31 on Friday": the date is the older
		// figure's
		if k >= 3 && r.word(k-1) == "on" && ts[k-2].kind == tQty && r.word(k-3) == "from" {
			continue
		}
		// "mid-January", "early-March"
		qual := ""
		var mon time.Month
		if i := strings.IndexByte(w, '-'); i > 0 {
			if id, ok := r.x.lx.ids[w[i+1:]]; ok && r.x.lx.cls[id]&cMonth != 0 {
				qual, mon = w[:i], r.x.lx.month(id)
			}
		}
		// "march" and "may" are words too: only capitalised are they months
		if mon == 0 && r.cls(k)&cMonth != 0 && (t.cap || len(w) > 3 && w != "march") {
			mon = r.x.lx.month(t.id)
			if w == "may" && !(t.cap && k+1 < len(ts) && ts[k+1].kind == tNum) && !(k > 0 && r.cls(k-1)&cDateWord != 0) {
				mon = 0
			}
			if k > 0 {
				switch r.word(k - 1) {
				case "mid", "early", "late":
					qual = r.word(k - 1)
				case "of":
					if k > 2 && r.word(k-3) == "the" {
						qual = r.word(k - 2) // "the end of January"
					}
				}
			}
		}
		if mon != 0 {
			day, year, ok := 0, 0, true
			n := k + 1
			if n < len(ts) && ts[n].kind == tPunct && ts[n].p == '.' {
				n++
			}
			if n < len(ts) && ts[n].kind == tNum {
				if d := r.num(n); d >= 1 && d <= 31 && ts[n].e-ts[n].s <= 2 {
					day = d
					n++
					if n < len(ts) && ts[n].kind == tPunct && ts[n].p == ',' {
						n++
					}
				}
			}
			if n < len(ts) && ts[n].kind == tNum {
				if y := r.num(n); y >= 1900 && y <= 2100 {
					year = y
				}
			}
			if day == 0 && k > 0 && ts[k-1].kind == tNum { // "24 October 2024"
				if d := r.num(k - 1); d >= 1 && d <= 31 {
					day = d
				}
			}
			if day == 0 {
				switch qual {
				case "mid", "middle":
					day = 15
				case "early", "beginning", "start":
					day = 5
				case "late":
					day = 25
				case "end":
					day = -1
				default:
					day = 15
					if k > 0 && r.word(k-1) == "since" {
						day = 1
					}
				}
			}
			if d, good := r.resolveDate(year, mon, day, loc); good && ok {
				return d
			}
			continue
		}
		if pub.IsZero() {
			continue
		}
		if r.cls(k)&cWeekday != 0 && t.cap {
			for _, wd := range r.x.lx.weekdays {
				if wd.id == t.id {
					back := (int(pub.Weekday()) - int(wd.d) + 7) % 7
					return day(pub.AddDate(0, 0, -back), loc)
				}
			}
		}
		switch w {
		case "yesterday":
			return day(pub.AddDate(0, 0, -1), loc)
		case "ago":
			// "several weeks ago", "a few days ago", "two weeks ago"
			if k >= 2 {
				// "several weeks" reads as its nearer end, two: the claim is
				// at least that old, and a status it reports ("withdrew
				// several weeks ago") still holds at that distance
				n := 2
				if q := ts[k-2]; q.kind == tQty {
					if v := r.qs[q.q].Value; v.Low == v.High && v.Low >= 1 && v.Low <= 60 {
						n = int(v.Low)
					}
				} else if r.word(k-2) == "a" || r.word(k-2) == "one" {
					n = 1
				} else {
					r.vagueAsOf = true
				}
				switch r.word(k - 1) {
				case "days":
					return day(pub.AddDate(0, 0, -n), loc)
				case "weeks":
					return day(pub.AddDate(0, 0, -7*n), loc)
				case "week":
					return day(pub.AddDate(0, 0, -7), loc)
				case "months":
					p := pub.AddDate(0, -n, 0)
					return time.Date(p.Year(), p.Month(), 15, 0, 0, 0, 0, loc)
				}
			}
		case "last":
			if k+1 >= len(ts) {
				continue
			}
			switch r.word(k + 1) {
			case "year":
				return time.Date(pub.Year()-1, time.July, 1, 0, 0, 0, 0, loc)
			case "week":
				return day(pub.AddDate(0, 0, -7), loc)
			case "month":
				p := pub.AddDate(0, -1, 0)
				return time.Date(p.Year(), p.Month(), 15, 0, 0, 0, 0, loc)
			case "spring":
				return season(pub, time.April, loc)
			case "summer":
				return season(pub, time.July, loc)
			case "fall", "autumn":
				return season(pub, time.October, loc)
			case "winter":
				return season(pub, time.January, loc)
			}
		}
	}
	return time.Time{}
}

func day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// season is the middle of the last such season that has ended before pub.
func season(pub time.Time, mid time.Month, loc *time.Location) time.Time {
	y := pub.Year()
	for {
		d := time.Date(y, mid, 15, 0, 0, 0, 0, loc)
		end := d.AddDate(0, 2, 0)
		if end.Before(pub) {
			return d
		}
		y--
	}
}

// resolveDate fills in a missing year: the latest such date not after the
// publication (give or take two days).
func (r *run) resolveDate(year int, mon time.Month, d int, loc *time.Location) (time.Time, bool) {
	pub := r.a.Published
	if year == 0 {
		if pub.IsZero() {
			return time.Time{}, false
		}
		year = pub.In(loc).Year()
		if t := mkDate(year, mon, d, loc); t.After(pub.AddDate(0, 0, 2)) {
			year--
		}
	}
	t := mkDate(year, mon, d, loc)
	if !pub.IsZero() && t.After(pub.AddDate(0, 0, 2)) {
		return time.Time{}, false // a plan, not a fact
	}
	return t, true
}

func mkDate(year int, mon time.Month, d int, loc *time.Location) time.Time {
	if d < 0 { // the end of the month
		return time.Date(year, mon+1, 0, 0, 0, 0, 0, loc)
	}
	return time.Date(year, mon, d, 0, 0, 0, 0, loc)
}

func (r *run) num(k int) int {
	n, err := strconv.Atoi(r.p[r.toks[k].s:r.toks[k].e])
	if err != nil {
		return -1
	}
	return n
}
