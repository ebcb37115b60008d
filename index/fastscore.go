package index

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Searching without Bleve's searchers. Bleve scores a query by walking its searcher tree one hit
// at a time: for a common word ("kommunen" is in 93 % of the decisions) that is tens of
// thousands of postings decoded, DocumentMatch objects recycled and a heap kept, 4–13 ms of CPU
// per search at 100,000 decisions, most of a search's cost. Here a search whose query is made of
// term queries (every free-text word and phrase, most query-box fields, år: and all filters) is
// instead evaluated list-at-a-time on the postings of its terms, kept per index snapshot in
// memory (postingsCache): sorted document numbers with the query-independent part of their
// scores. The page is then picked by relevance (topK) or by date (the date sort of facetbits.go),
// and its stored fields read directly from the snapshot.
//
// The scores are Bleve's own, computed the same way and in the same order (TF-IDF: the term
// scorer's sqrt(freq)·norm·idf·boost·idf·queryNorm, conjunctions summing, disjunctions summing
// times the share of matching clauses, clauses ordered by their document counts, filters and
// negations not scored), and hits of equal score keep Bleve's order (by document number).
// TestFastScoreMatchesBleve checks totals, facets, hits, scores and snippets against Bleve's
// search. Any other query (a phrase on a field with positions, an empty query box without
// filters), or an index scored with BM25, is left to Bleve.

// fastBudget bounds the memory of the postings kept per snapshot (12 bytes per posting: 64 MB
// hold ≈ 5.5 million postings, the 55 most common words of 100,000 decisions twice over).
const fastBudget = 64 << 20

type fop uint8

const (
	fTerm fop = iota
	fConj
	fDisj
	fNone // Bleve's MatchNone: no documents, no weight
	// fPhrase is Bleve's PhraseQuery on a word-pair field: a conjunction of its terms (each
	// with the phrase's boost, as Bleve's phrase searcher scores it) whose documents must have
	// the terms at the phrase's relative positions (phrase.go).
	fPhrase
)

// fnode is a query tree node the fast path can evaluate.
type fnode struct {
	op          fop
	field, term string
	boost       float64
	kids        []*fnode
	// off is a phrase term's position relative to the phrase's first term.
	off int

	// Set per evaluation (a plan is compiled per search, never shared).
	post  *postings
	count uint64 // Bleve's Count(): a term's document frequency, a composite's sum
}

// fplan is a compiled BooleanQuery: the scored must tree, the set it is filtered by (not
// scored, as Bleve's filter), and the sets it must not match.
type fplan struct {
	must   *fnode
	filter *fnode
	not    []*fnode
}

// compileFast returns the plan of q, or false when q has a part the fast path does not handle.
func compileFast(q query.Query, m mapping.IndexMapping) (*fplan, bool) {
	bq, ok := q.(*query.BooleanQuery)
	if !ok || bq.Must == nil || bq.Should != nil {
		return nil, false
	}
	must, ok := compileNode(bq.Must, m)
	if !ok {
		return nil, false
	}
	p := &fplan{must: must}
	if bq.Filter != nil {
		if p.filter, ok = compileNode(bq.Filter, m); !ok {
			return nil, false
		}
	}
	if bq.MustNot != nil {
		dq, ok := bq.MustNot.(*query.DisjunctionQuery)
		if !ok || dq.Min > 1 {
			return nil, false
		}
		for _, c := range dq.Disjuncts {
			n, ok := compileNode(c, m)
			if !ok {
				return nil, false
			}
			p.not = append(p.not, n)
		}
	}
	return p, true
}

func compileNode(q query.Query, m mapping.IndexMapping) (*fnode, bool) {
	switch q := q.(type) {
	case *query.MatchNoneQuery:
		return &fnode{op: fNone}, true
	case *query.TermQuery:
		field := q.FieldVal
		if field == "" {
			field = m.DefaultSearchField()
		}
		return &fnode{op: fTerm, field: field, term: q.Term, boost: q.BoostVal.Value()}, true
	case *query.MatchQuery:
		// As MatchQuery.Searcher: the field's analyzer, one term query per token, ANDed.
		if q.Fuzziness != 0 || q.Prefix != 0 || q.Operator != query.MatchQueryOperatorAnd {
			return nil, false
		}
		field := q.FieldVal
		if field == "" {
			field = m.DefaultSearchField()
		}
		name := q.Analyzer
		if name == "" {
			name = m.AnalyzerNameForPath(field)
		}
		an := m.AnalyzerNamed(name)
		if an == nil {
			return nil, false
		}
		toks := an.Analyze([]byte(q.Match))
		if len(toks) == 0 {
			return nil, false // Bleve's MatchNone
		}
		n := &fnode{op: fConj}
		for _, t := range toks {
			n.kids = append(n.kids, &fnode{op: fTerm, field: field, term: string(t.Term), boost: q.BoostVal.Value()})
		}
		return n, true
	case *query.PhraseQuery:
		if q.Fuzziness != 0 || len(q.Terms) == 0 || q.FieldVal == "" {
			return nil, false
		}
		n := &fnode{op: fPhrase, field: q.FieldVal}
		for i, t := range q.Terms {
			if t != "" {
				n.kids = append(n.kids, &fnode{op: fTerm, field: q.FieldVal, term: t, boost: q.BoostVal.Value(), off: i})
			}
		}
		if len(n.kids) == 0 {
			return nil, false
		}
		return n, true
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return nil, false
		}
		n := &fnode{op: fConj}
		for _, c := range q.Conjuncts {
			k, ok := compileNode(c, m)
			if !ok {
				return nil, false
			}
			n.kids = append(n.kids, k)
		}
		return n, true
	case *query.DisjunctionQuery:
		if len(q.Disjuncts) == 0 || q.Min > 1 {
			return nil, false
		}
		n := &fnode{op: fDisj}
		for _, c := range q.Disjuncts {
			k, ok := compileNode(c, m)
			if !ok {
				return nil, false
			}
			n.kids = append(n.kids, k)
		}
		return n, true
	}
	return nil, false
}

// postings are one term's postings in one snapshot, with the part of each posting's score
// that does not depend on the query: sqrt(freq)·norm·idf, the product Bleve's term scorer
// forms before multiplying by the query weight (so base·weight is Bleve's score to the bit).
type postings struct {
	docs  []uint32 // ascending document numbers
	base  []float64
	count uint64 // the reader's Count(), as Bleve's scorer uses it
}

func (p *postings) size() int { return 12*len(p.docs) + 64 }

// postingsCache keeps the postings read for the fast path, for the latest snapshot only, least
// recently used first out beyond fastBudget bytes, and the external IDs of documents shown.
type postingsCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader // identity only
	m     map[string]*list.Element
	lru   list.List // of *postingsEntry, most recent first
	bytes int
	max   int
	ids   map[uint32]string
	// read counts the postings read from the index files since the last release (see
	// Index.afterSearch): once in the cache, their pages of the files are not read again.
	read atomic.Int64
}

type postingsEntry struct {
	key  string
	once sync.Once
	p    *postings
	err  error
	size int
}

// maxIDs bounds the external IDs kept per snapshot.
const maxIDs = 1 << 16

// reset starts over when r is another snapshot than the cache's. c.mu must be held.
func (c *postingsCache) reset(r bindex.IndexReader) {
	if c.snap != r || c.m == nil {
		c.snap, c.m, c.bytes, c.ids = r, map[string]*list.Element{}, 0, map[uint32]string{}
		c.lru.Init()
	}
}

// externalID returns the ID of document number d of snapshot r.
func (c *postingsCache) externalID(r bindex.IndexReader, d uint32) (string, error) {
	c.mu.Lock()
	c.reset(r)
	id, ok := c.ids[d]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	iid := make(bindex.IndexInternalID, 8)
	iid.SetValue(uint64(d))
	id, err := r.ExternalID(iid)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.snap == r {
		if len(c.ids) >= maxIDs {
			clear(c.ids)
		}
		c.ids[d] = id
	}
	c.mu.Unlock()
	return id, nil
}

// get returns the postings of field:term in snapshot r, reading them on first use.
func (c *postingsCache) get(ctx context.Context, r bindex.IndexReader, docTotal uint64, field, term string) (*postings, error) {
	key := field + "\x00" + term
	c.mu.Lock()
	c.reset(r)
	el, ok := c.m[key]
	if ok {
		c.lru.MoveToFront(el)
	} else {
		el = c.lru.PushFront(&postingsEntry{key: key})
		c.m[key] = el
	}
	e := el.Value.(*postingsEntry)
	c.mu.Unlock()

	e.once.Do(func() {
		e.p, e.err = readPostings(ctx, r, docTotal, field, term)
		if e.err == nil {
			c.read.Add(int64(len(e.p.docs)))
		}
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.m[key]
	ours := ok && cur == el && c.snap == r
	if e.err != nil {
		if ours {
			delete(c.m, key)
			c.lru.Remove(el)
		}
		return nil, e.err
	}
	if ours && e.size == 0 {
		e.size = e.p.size()
		c.bytes += e.size
		max := c.max
		if max <= 0 {
			max = fastBudget
		}
		for c.bytes > max && c.lru.Len() > 1 {
			last := c.lru.Back()
			le := last.Value.(*postingsEntry)
			if le == e {
				break
			}
			c.lru.Remove(last)
			delete(c.m, le.key)
			c.bytes -= le.size
		}
	}
	return e.p, nil
}

func readPostings(ctx context.Context, r bindex.IndexReader, docTotal uint64, field, term string) (*postings, error) {
	p := &postings{}
	sized := func(n uint64) {
		n = min(n, math.MaxUint32)
		p.docs, p.base = make([]uint32, 0, n), make([]float64, 0, n)
	}
	count, err := eachPostingSized(ctx, r, field, term, true, sized, func(doc uint32, tfd *bindex.TermFieldDoc) error {
		var tf float64
		if tfd.Freq < scorer.MaxSqrtCache {
			tf = scorer.SqrtCache[int(tfd.Freq)]
		} else {
			tf = math.Sqrt(float64(tfd.Freq))
		}
		p.docs = append(p.docs, doc)
		p.base = append(p.base, tf*tfd.Norm) // times idf below, in Bleve's order
		return nil
	})
	if errors.Is(err, errDocNumber) {
		return nil, errFastUnsupported
	}
	if err != nil {
		return nil, err
	}
	p.count = count
	idf := 1.0 + math.Log(float64(docTotal)/float64(count+1.0)) // TermQueryScorer.computeIDF
	for i := range p.base {
		p.base[i] *= idf
	}
	return p, nil
}

var errFastUnsupported = errors.New("index: fast search not applicable")

// arena hands out the buffers of one evaluation and takes them back to pools (by power-of-two
// size) when the search is done: the lists of a common word are 100,000 entries, megabytes a
// search that would otherwise be allocated, zeroed and collected each time.
type arena struct {
	fs bufs[float64]
	us bufs[uint32]
}

func (a *arena) floats(n int) []float64 { return a.fs.get(n) }
func (a *arena) uints(n int) []uint32   { return a.us.get(n) }

// release returns the buffers; nothing handed out may be used afterwards.
func (a *arena) release() {
	a.fs.release()
	a.us.release()
}

const (
	poolMinShift, poolMaxShift = 10, 20 // pooled capacities: 1,024 … 1,048,576 entries
)

// bufs hands out buffers of one element type from pools shared by all searches (one per
// capacity class) and remembers them for release.
type bufs[T any] struct{ out [][]T }

// f64Pools and u32Pools are the pools of each element type, by capacity class (holding *[]T).
var (
	f64Pools [poolMaxShift + 1]sync.Pool
	u32Pools [poolMaxShift + 1]sync.Pool
)

func poolsOf[T any]() *[poolMaxShift + 1]sync.Pool {
	switch any((*T)(nil)).(type) {
	case *float64:
		return &f64Pools
	case *uint32:
		return &u32Pools
	}
	panic("index: no buffer pool for this type")
}

// poolClass is the pool of capacity ≥ n, or -1 when n is too large to pool.
func poolClass(n int) int {
	c := max(poolMinShift, bits.Len(uint(max(n, 1)-1)))
	if c > poolMaxShift {
		return -1
	}
	return c
}

// get returns an empty buffer of capacity ≥ n.
func (bs *bufs[T]) get(n int) []T {
	c := poolClass(n)
	if c < 0 {
		return make([]T, 0, n)
	}
	var b []T
	if p, ok := poolsOf[T]()[c].Get().(*[]T); ok {
		b = (*p)[:0]
	} else {
		b = make([]T, 0, 1<<c)
	}
	bs.out = append(bs.out, b)
	return b
}

func (bs *bufs[T]) release() {
	pools := poolsOf[T]()
	for _, b := range bs.out {
		b = b[:0]
		pools[poolClass(cap(b))].Put(&b)
	}
	bs.out = nil
}

// slist is a sorted list of document numbers with their scores: score[i]·mul (mul is a term's
// query weight, 1 for computed lists). score is nil when only the set counts.
type slist struct {
	docs  []uint32
	score []float64
	mul   float64
}

func (l *slist) val(i int) float64 { return l.score[i] * l.mul }

// fastSearch is one evaluation of a plan on a snapshot.
type fastSearch struct {
	arena
	ctx      context.Context
	r        bindex.IndexReader
	cache    *postingsCache
	docTotal uint64
	norm     float64
	// err is the first error of reading positions (inOrder), checked after the evaluation.
	err error
}

// load reads the postings of every term of n and sets the counts.
func (f *fastSearch) load(n *fnode) error {
	switch n.op {
	case fTerm:
		p, err := f.cache.get(f.ctx, f.r, f.docTotal, n.field, n.term)
		if err != nil {
			return err
		}
		n.post, n.count = p, p.count
	case fNone:
		n.count = 0
	default:
		n.count = 0
		for _, k := range n.kids {
			if err := f.load(k); err != nil {
				return err
			}
			n.count += k.count
		}
		// Bleve orders a composite's searchers by Count (sort.Sort of at most a few: stable).
		sort.Stable(byCount(n.kids))
	}
	return nil
}

type byCount []*fnode

func (s byCount) Len() int           { return len(s) }
func (s byCount) Less(i, j int) bool { return s[i].count < s[j].count }
func (s byCount) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

func (f *fastSearch) idf(n *fnode) float64 {
	return 1.0 + math.Log(float64(f.docTotal)/float64(n.count+1.0))
}

// weight is Bleve's sum of squared weights of the tree (its queryNorm is 1/sqrt of it).
func (f *fastSearch) weight(n *fnode) float64 {
	switch n.op {
	case fTerm:
		w := n.boost * f.idf(n)
		return w * w
	case fNone:
		return 0
	}
	s := 0.0
	for _, k := range n.kids {
		s += f.weight(k)
	}
	return s
}

// eval returns the documents n matches, with their scores when scored.
func (f *fastSearch) eval(n *fnode, scored bool) slist {
	switch n.op {
	case fTerm:
		out := slist{docs: n.post.docs}
		if scored {
			out.score, out.mul = n.post.base, n.boost*f.idf(n)*f.norm
		}
		return out
	case fNone:
		return slist{mul: 1}
	case fConj:
		kids := make([]slist, len(n.kids))
		for i, k := range n.kids {
			kids[i] = f.eval(k, scored)
		}
		return f.intersect(kids, scored)
	case fPhrase:
		kids := make([]slist, len(n.kids))
		for i, k := range n.kids {
			kids[i] = f.eval(k, scored)
		}
		return f.inOrder(n, f.intersect(kids, scored))
	default:
		kids := make([]slist, len(n.kids))
		for i, k := range n.kids {
			kids[i] = f.eval(k, scored)
		}
		return f.union(kids, scored)
	}
}

// intersect is a conjunction: documents in every list, scores summed in list order.
func (a *arena) intersect(ls []slist, scored bool) slist {
	if len(ls) == 1 {
		return ls[0]
	}
	// Driven by the shortest list; the sums stay in the lists' order.
	short := 0
	for i := range ls {
		if len(ls[i].docs) < len(ls[short].docs) {
			short = i
		}
	}
	pos := make([]int, len(ls))
	out := slist{docs: a.uints(len(ls[short].docs)), mul: 1}
	if scored {
		out.score = a.floats(len(ls[short].docs))
	}
next:
	for j, d := range ls[short].docs {
		for i := range ls {
			if i == short {
				continue
			}
			p := seek(ls[i].docs, pos[i], d)
			pos[i] = p
			if p == len(ls[i].docs) {
				break next
			}
			if ls[i].docs[p] != d {
				continue next
			}
		}
		out.docs = append(out.docs, d)
		if scored {
			var sum float64
			for i := range ls {
				if i == short {
					sum += ls[i].val(j)
				} else {
					sum += ls[i].val(pos[i])
				}
			}
			out.score = append(out.score, sum)
		}
	}
	return out
}

// seek returns the first index at or after from whose document is ≥ d (galloping).
func seek(docs []uint32, from int, d uint32) int {
	if from >= len(docs) || docs[from] >= d {
		return from
	}
	step := 1
	lo, hi := from, from+1
	for hi < len(docs) && docs[hi] < d {
		lo = hi
		step *= 2
		hi = lo + step
	}
	if hi > len(docs) {
		hi = len(docs)
	}
	// docs[lo] < d; docs[hi] ≥ d or hi == len(docs): the first ≥ d in (lo, hi], by halving
	// (sort.Search's closure call per step cost a tenth of an intersection).
	lo++
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if docs[m] < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// union is a disjunction: documents in any list, the scores of the matching lists summed in
// list order and multiplied by the share of lists that match (Bleve's coord).
func (a *arena) union(ls []slist, scored bool) slist {
	if len(ls) == 1 && !scored {
		return ls[0]
	}
	if !scored && len(ls) > 2 {
		// A set of many lists (years, outcomes): a bitset, then its documents in order.
		var b bitset
		n := 0
		for _, l := range ls {
			for _, d := range l.docs {
				b.add(d)
			}
			n += len(l.docs)
		}
		return slist{docs: b.docs(n)}
	}
	if len(ls) == 2 {
		return a.union2(ls[0], ls[1], scored)
	}
	// When one list holds every document of the others, the union is that list and its
	// documents are shared.
	big := 0
	for i := range ls {
		if len(ls[i].docs) > len(ls[big].docs) {
			big = i
		}
	}
	contained := true
	for i := range ls {
		if i == big {
			continue
		}
		p := 0
		for _, d := range ls[i].docs {
			p = seek(ls[big].docs, p, d)
			if p == len(ls[big].docs) || ls[big].docs[p] != d {
				contained = false
				break
			}
		}
		if !contained {
			break
		}
	}
	coord := func(matched int) float64 { return float64(matched) / float64(len(ls)) }
	pos := make([]int, len(ls))
	if contained {
		out := slist{docs: ls[big].docs, mul: 1}
		if !scored {
			return out
		}
		out.score = a.floats(len(out.docs))[:len(out.docs)]
		for j, d := range out.docs {
			var sum float64
			matched := 0
			for i := range ls {
				if i == big {
					sum += ls[i].val(j)
					matched++
				} else if p := pos[i]; p < len(ls[i].docs) && ls[i].docs[p] == d {
					sum += ls[i].val(p)
					matched++
					pos[i]++
				}
			}
			out.score[j] = sum * coord(matched)
		}
		return out
	}
	total := 0
	for _, l := range ls {
		total += len(l.docs)
	}
	out := slist{docs: a.uints(total), mul: 1}
	if scored {
		out.score = a.floats(total)
	}
	for {
		min, any := uint32(math.MaxUint32), false
		for i, l := range ls {
			if pos[i] < len(l.docs) && (!any || l.docs[pos[i]] < min) {
				min, any = l.docs[pos[i]], true
			}
		}
		if !any {
			break
		}
		var sum float64
		matched := 0
		for i, l := range ls {
			if pos[i] < len(l.docs) && l.docs[pos[i]] == min {
				if scored {
					sum += l.val(pos[i])
				}
				matched++
				pos[i]++
			}
		}
		out.docs = append(out.docs, min)
		if scored {
			out.score = append(out.score, sum*coord(matched))
		}
	}
	return out
}

// union2 is union of two lists (most disjunctions: a word in the short meta field and in the
// text), merged in one pass: the same sums and coord as union's, (x+y)·1 for a document in
// both and x·½ for one in either.
func (a *arena) union2(x, y slist, scored bool) slist {
	n := len(x.docs) + len(y.docs)
	out := slist{docs: a.uints(n)[:n], mul: 1}
	if scored {
		out.score = a.floats(n)[:n]
	}
	const both, one = 2.0 / 2.0, 1.0 / 2.0 // coord: matched / len(ls)
	xd, yd := x.docs, y.docs
	i, j, o := 0, 0, 0
	for i < len(xd) && j < len(yd) {
		dx, dy := xd[i], yd[j]
		switch {
		case dx < dy:
			out.docs[o] = dx
			if scored {
				out.score[o] = x.val(i) * one
			}
			i++
		case dy < dx:
			out.docs[o] = dy
			if scored {
				out.score[o] = y.val(j) * one
			}
			j++
		default:
			out.docs[o] = dx
			if scored {
				out.score[o] = (x.val(i) + y.val(j)) * both
			}
			i++
			j++
		}
		o++
	}
	for ; i < len(xd); i++ {
		out.docs[o] = xd[i]
		if scored {
			out.score[o] = x.val(i) * one
		}
		o++
	}
	for ; j < len(yd); j++ {
		out.docs[o] = yd[j]
		if scored {
			out.score[o] = y.val(j) * one
		}
		o++
	}
	out.docs = out.docs[:o]
	if scored {
		out.score = out.score[:o]
	}
	return out
}

// keep returns the documents of l that are in set, with their scores.
func (a *arena) keep(l, set slist) slist {
	n := min(len(l.docs), len(set.docs))
	out := slist{docs: a.uints(n), mul: l.mul}
	if l.score != nil {
		out.score = a.floats(n)
	}
	p := 0
	for i, d := range l.docs {
		p = seek(set.docs, p, d)
		if p == len(set.docs) {
			break
		}
		if set.docs[p] != d {
			continue
		}
		out.docs = append(out.docs, d)
		if l.score != nil {
			out.score = append(out.score, l.score[i])
		}
	}
	return out
}

// minus removes from l the documents in any of the sets.
func (a *arena) minus(l slist, sets []slist) slist {
	if len(sets) == 0 {
		return l
	}
	not := a.union(sets, false)
	out := slist{docs: a.uints(len(l.docs)), mul: l.mul}
	if l.score != nil {
		out.score = a.floats(len(l.docs))
	}
	p := 0
	for i, d := range l.docs {
		p = seek(not.docs, p, d)
		if p < len(not.docs) && not.docs[p] == d {
			continue
		}
		out.docs = append(out.docs, d)
		if l.score != nil {
			out.score = append(out.score, l.score[i])
		}
	}
	return out
}

// fastResult is what the fast path found: the hit set and the page, with the hits' fields.
type fastResult struct {
	total uint64
	hits  bitset
	page  search.DocumentMatchCollection
	table *facetTable
}

// searchFast runs q on the current snapshot, by relevance or byDate (newest first), or returns
// nil when the fast path does not apply (the caller then asks Bleve). fields are the stored
// fields loaded for the page's hits.
func (x *Index) searchFast(ctx context.Context, q query.Query, from, size int, byDate bool, fields []string) (*fastResult, error) {
	m := x.idx.Mapping()
	if im, ok := m.(*mapping.IndexMappingImpl); !ok || (im.ScoringModel != "" && im.ScoringModel != bindex.TFIDFScoring) {
		return nil, nil
	}
	plan, ok := compileFast(q, m)
	if !ok {
		return nil, nil
	}
	adv, err := x.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	docTotal, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	f := &fastSearch{ctx: ctx, r: r, cache: &x.postings, docTotal: docTotal}
	defer f.release()
	nodes := append([]*fnode{plan.must}, plan.not...)
	if plan.filter != nil {
		nodes = append(nodes, plan.filter)
	}
	for _, n := range nodes {
		if err := f.load(n); err != nil {
			if errors.Is(err, errFastUnsupported) {
				return nil, nil
			}
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.norm = 1.0 / math.Sqrt(f.weight(plan.must))
	res := f.eval(plan.must, true)
	if plan.filter != nil {
		res = f.keep(res, f.eval(plan.filter, false))
	}
	if len(plan.not) > 0 {
		sets := make([]slist, len(plan.not))
		for i, n := range plan.not {
			sets[i] = f.eval(n, false)
		}
		res = f.minus(res, sets)
	}
	if f.err != nil {
		return nil, f.err
	}
	table, err := x.facetTables.get(ctx, r)
	if err != nil {
		return nil, err
	}
	out := &fastResult{total: uint64(len(res.docs)), hits: bitsetOf(res.docs), table: table}
	type pageHit struct {
		doc   uint32
		score float64
		id    string
	}
	var page []pageHit
	if byDate {
		// Newest first, then score, then ID, as the date sort of facetbits.go does it.
		rec := &hitRecorder{byDate: true, k: from + size, table: table}
		for i, d := range res.docs {
			rec.addDated(dateHit{doc: d, score: res.val(i)})
		}
		rec.finishDate(r)
		if rec.dateFailed || !rec.dateDone {
			return nil, nil
		}
		for _, h := range rec.sorted[min(from, len(rec.sorted)):] {
			page = append(page, pageHit{h.doc, h.score, h.id})
		}
	} else {
		idx := topK(res, from+size)
		for _, i := range idx[min(from, len(idx)):] {
			page = append(page, pageHit{doc: res.docs[i], score: res.val(i)})
		}
	}
	want := make(map[string]bool, len(fields))
	for _, f := range fields {
		want[f] = true
	}
	stored := x.storedByNumber(r)
	for _, h := range page {
		dm := &search.DocumentMatch{ID: h.id, Score: h.score}
		if stored != nil {
			// One read of the document's stored fields, by number: its ID and the fields;
			// none for a document shown lately (docCache). Pages without snippets (the CSV
			// export's thousands of rows) neither read the cache nor fill it with texts.
			cached := want[fText]
			var sd *storedDoc
			ok := false
			if cached {
				sd, ok = x.docs.get(r, h.doc)
			}
			if !ok {
				keep := isHitField
				if !cached {
					keep = want
				}
				sd = &storedDoc{size: 64}
				err := stored(h.doc, func(name string, typ byte, val []byte, _ []uint64) bool {
					switch {
					case name == "_id":
						sd.id = string(val)
					case typ == 't' && keep[name]:
						sd.vals = append(sd.vals, fieldVal{name, string(val)})
						sd.size += len(name) + len(val) + 32
					}
					return true
				})
				if err != nil {
					return nil, fmt.Errorf("index: fast search: document %d: %w", h.doc, err)
				}
				if sd.id == "" {
					return nil, fmt.Errorf("index: fast search: document %d has no ID", h.doc)
				}
				sd.size += len(sd.id)
				if cached {
					x.docs.put(r, h.doc, sd)
				}
			}
			dm.ID = sd.id
			for _, v := range sd.vals {
				if want[v.name] {
					dm.AddFieldValue(v.name, v.val)
				}
			}
			out.page = append(out.page, dm)
			continue
		}
		if dm.ID == "" {
			if dm.ID, err = x.postings.externalID(r, h.doc); err != nil {
				return nil, fmt.Errorf("index: fast search: external ID of %d: %w", h.doc, err)
			}
		}
		doc, err := r.Document(dm.ID)
		if err != nil {
			return nil, fmt.Errorf("index: fast search: document %s: %w", dm.ID, err)
		}
		if doc == nil {
			return nil, nil // deleted since: let Bleve search
		}
		// The stored fields as Bleve's LoadAndHighlightFields gives them (all text fields).
		doc.VisitFields(func(fl bindex.Field) {
			if tf, ok := fl.(bindex.TextField); ok && want[fl.Name()] {
				dm.AddFieldValue(fl.Name(), tf.Text())
			}
		})
		out.page = append(out.page, dm)
	}
	return out, nil
}

// storedByNumber returns a function that visits the stored fields of a document of snapshot r
// by its number, or nil when r is not a scorch snapshot. r.Document(id) finds the number from
// the ID in the ID dictionary of every segment, and the ID itself is one more read of the
// stored fields: twice the reads for each hit of a page. The numbering is scorch's: segments in
// order, each numbering all its documents (deleted ones too) after the previous segment's. A
// persisted segment's document is read with pread (storedread.go), others through zapx.
func (x *Index) storedByNumber(r bindex.IndexReader) func(doc uint32, visit segment.StoredFieldValueVisitor) error {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	segs := is.Segments()
	offsets := make([]uint64, len(segs))
	files := make([]zapStored, len(segs))
	live := make(map[string]bool, len(segs))
	var running uint64
	for i, sg := range segs {
		offsets[i] = running
		running += uint64(sg.FullSize())
		if z, ok := sg.Segment().(zapStored); ok && z.Path() != "" {
			files[i] = z
			live[z.Path()] = true
		}
	}
	x.storedFiles.keepOnly(live)
	return func(doc uint32, visit segment.StoredFieldValueVisitor) error {
		d := uint64(doc)
		i := sort.Search(len(offsets), func(i int) bool { return offsets[i] > d }) - 1
		if i < 0 || d >= running {
			return fmt.Errorf("document number %d outside the snapshot", doc)
		}
		if z := files[i]; z != nil {
			if sf, err := x.storedFiles.acquire(z.Path()); err == nil {
				err = readStored(sf, z, d-offsets[i], visit)
				x.storedFiles.release(z.Path(), sf)
				if err == nil {
					return nil
				}
			}
		}
		x.docsRead.Add(1) // mapped: see afterSearch
		return segs[i].VisitDocument(d-offsets[i], visit)
	}
}

// topK returns the indexes of the best k entries of l, best first: highest score, then lowest
// document number (Bleve's order for equal scores: the order the hits were found in).
func topK(l slist, k int) []int {
	if k <= 0 || len(l.docs) == 0 {
		return nil
	}
	b := newKBest(k, func(a, b int) bool {
		if sa, sb := l.val(a), l.val(b); sa != sb {
			return sa > sb
		}
		return l.docs[a] < l.docs[b]
	})
	// Once k are kept, an entry must score above the worst kept: the entries come in document
	// order, so one of equal score comes after the worst and is not better.
	worst := math.Inf(-1)
	for i := range l.docs {
		if b.full() && l.val(i) <= worst {
			continue
		}
		b.offer(i)
		if b.full() {
			worst = l.val(b.worst())
		}
	}
	return b.sorted()
}
