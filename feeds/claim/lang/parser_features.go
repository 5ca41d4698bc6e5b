package lang

// The parser's features follow Zhang and Nivre (2011), "Transition-based
// dependency parsing with rich non-local features", adapted to the
// arc-hybrid system, where stack words have no head yet but have children
// on both sides: words, tags and lemmas of the stack's top three and the
// buffer's first three words; single words, pairs and triples of them; the
// leftmost and rightmost children of s0, s1 and b0 with their relations
// (second order), the second leftmost and rightmost (third order); the
// number of children on each side (valency); the sets of relations already
// attached on each side; and the distance between s0 and b0 and between s1
// and s0. Each feature is a hash of its template number and its values.

// nTemplates is the number of feature templates features emits (a test
// holds them equal): a template added there needs its seed here.
const nTemplates = 100

// fb builds one configuration's features; t counts templates, so each call
// is its own template by its position in features.
type fb struct {
	fs []uint64
	tm *templates
	t  int
}

func (b *fb) f1(x uint64) {
	b.fs = append(b.fs, fhash(b.tm[b.t], x))
	b.t++
}

func (b *fb) f2(x, y uint64) {
	b.fs = append(b.fs, fhash(fhash(b.tm[b.t], x), y))
	b.t++
}

func (b *fb) f3(x, y, z uint64) {
	b.fs = append(b.fs, fhash(fhash(fhash(b.tm[b.t], x), y), z))
	b.t++
}

// templates holds every template's seed, computed once per state.
type templates [nTemplates]uint64

func newTemplates() *templates {
	var t templates
	for i := range t {
		t[i] = tmpl(i + 1)
	}
	return &t
}

// bucket maps a distance or count to a small value: 1–5 as they are, then
// 6–9, then 10 and more.
func bucket(d int32) uint64 {
	switch {
	case d < 0:
		return 99
	case d <= 5:
		return uint64(d)
	case d < 10:
		return 6
	}
	return 7
}

// features fills st.feats with the current configuration's features.
func (st *parseState) features() {
	none := st.none()
	k := len(st.stack)
	s0, s1, s2 := none, none, none
	if k >= 1 {
		s0 = st.stack[k-1]
	}
	if k >= 2 {
		s1 = st.stack[k-2]
	}
	if k >= 3 {
		s2 = st.stack[k-3]
	}
	n0, n1, n2 := none, none, none
	if b := int(st.b); b < st.n {
		n0 = st.b
		if b+1 < st.n {
			n1 = st.b + 1
		}
		if b+2 < st.n {
			n2 = st.b + 2
		}
	}
	s0l, s0l2, s0r, s0r2 := st.lc1[s0], st.lc2[s0], st.rc1[s0], st.rc2[s0]
	s1l, s1r := st.lc1[s1], st.rc1[s1]
	n0l, n0l2 := st.lc1[n0], st.lc2[n0]

	t := st.tok
	w, p, wp, l, f, u := t.hw, t.hp, t.hwp, t.hl, t.hf, t.hu
	d := func(i int32) uint64 { return uint64(st.rel[i]) }
	dist := int32(-1)
	if s0 < int32(st.n) && n0 < int32(st.n) {
		dist = n0 - s0
	}
	dist1 := int32(-1)
	if s1 < int32(st.n) && s0 < int32(st.n) {
		dist1 = s0 - s1
	}
	dd, dd1 := bucket(dist), bucket(dist1)

	b := fb{fs: st.feats[:0], tm: t.tm}
	b.f1(1) // bias

	// single positions
	b.f1(w[s0])
	b.f1(p[s0])
	b.f1(wp[s0])
	b.f1(l[s0])
	b.f2(p[s0], f[s0])
	b.f1(w[n0])
	b.f1(p[n0])
	b.f1(wp[n0])
	b.f1(l[n0])
	b.f2(p[n0], f[n0])
	b.f1(w[n1])
	b.f1(p[n1])
	b.f1(wp[n1])
	b.f1(w[n2])
	b.f1(p[n2])
	b.f1(wp[n2])
	b.f1(w[s1])
	b.f1(p[s1])
	b.f1(wp[s1])
	b.f1(l[s1])
	b.f1(p[s2])
	b.f1(w[s2])

	// pairs
	b.f2(wp[s0], wp[n0])
	b.f2(wp[s0], w[n0])
	b.f2(w[s0], wp[n0])
	b.f2(wp[s0], p[n0])
	b.f2(p[s0], wp[n0])
	b.f2(w[s0], w[n0])
	b.f2(p[s0], p[n0])
	b.f2(p[n0], p[n1])
	b.f2(p[s1], p[s0])
	b.f2(w[s1], w[s0])
	b.f2(p[s1], w[s0])
	b.f2(w[s1], p[s0])
	b.f2(wp[s1], wp[s0])
	b.f2(p[s1], p[n0])
	b.f2(w[s1], w[n0])
	b.f2(l[s0], l[n0])
	b.f2(u[s0], u[n0])

	// triples of tags
	b.f3(p[n0], p[n1], p[n2])
	b.f3(p[s0], p[n0], p[n1])
	b.f3(p[s1], p[s0], p[n0])
	b.f3(p[s2], p[s1], p[s0])
	b.f3(p[s0], p[s0l], p[n0])
	b.f3(p[s0], p[s0r], p[n0])
	b.f3(p[s0], p[n0], p[n0l])
	b.f3(p[s1], p[s0], p[s0l])
	b.f3(p[s1], p[s1r], p[s0])
	b.f3(p[s1], p[s0], p[s0r])

	// distance
	b.f2(w[s0], dd)
	b.f2(p[s0], dd)
	b.f2(w[n0], dd)
	b.f2(p[n0], dd)
	b.f3(w[s0], w[n0], dd)
	b.f3(p[s0], p[n0], dd)
	b.f3(p[s1], p[s0], dd1)
	b.f3(w[s1], w[s0], dd1)

	// valency
	vl0, vr0, vln := bucket(int32(st.nl[s0])), bucket(int32(st.nr[s0])), bucket(int32(st.nl[n0]))
	b.f2(w[s0], vr0)
	b.f2(p[s0], vr0)
	b.f2(w[s0], vl0)
	b.f2(p[s0], vl0)
	b.f2(w[n0], vln)
	b.f2(p[n0], vln)
	b.f2(p[s1], bucket(int32(st.nr[s1])))
	b.f2(p[s1], bucket(int32(st.nl[s1])))

	// children (second order)
	b.f1(w[s0l])
	b.f1(p[s0l])
	b.f1(d(s0l))
	b.f1(w[s0r])
	b.f1(p[s0r])
	b.f1(d(s0r))
	b.f1(w[n0l])
	b.f1(p[n0l])
	b.f1(d(n0l))
	b.f1(p[s1l])
	b.f1(d(s1l))
	b.f1(p[s1r])
	b.f1(d(s1r))

	// third order
	b.f1(w[s0l2])
	b.f1(p[s0l2])
	b.f1(d(s0l2))
	b.f1(w[s0r2])
	b.f1(p[s0r2])
	b.f1(d(s0r2))
	b.f1(w[n0l2])
	b.f1(p[n0l2])
	b.f1(d(n0l2))
	b.f3(p[s0], p[s0l], p[s0l2])
	b.f3(p[s0], p[s0r], p[s0r2])
	b.f3(p[n0], p[n0l], p[n0l2])
	b.f3(p[s0], d(s0l), d(s0l2))
	b.f3(p[s0], d(s0r), d(s0r2))
	b.f3(p[n0], d(n0l), d(n0l2))

	// label sets
	b.f2(w[s0], st.rs[s0])
	b.f2(p[s0], st.rs[s0])
	b.f2(w[s0], st.ls[s0])
	b.f2(p[s0], st.ls[s0])
	b.f2(w[n0], st.ls[n0])
	b.f2(p[n0], st.ls[n0])

	st.feats = b.fs
}
