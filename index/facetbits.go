package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Facet counting without Bleve's facets. Bleve counts a terms facet by reading the doc values
// of every hit (one compressed chunk decoded per hit), which for a common word (40 % of the
// corpus) was a third of a search's CPU. Instead, per index snapshot, facetTable holds one
// bitset of internal document numbers per fFacets term, read once from the postings; a search
// gives its hits as a bitset (from the fast path, fastscore.go, or recorded by hitRecorder,
// wrapping the query's searcher) and each facet value's count is a popcount of an intersection.
//
// Internal document numbers are only meaningful within one snapshot (a merge renumbers them),
// so the table is rebuilt whenever the search runs on another snapshot than the table's.

// bitset is a set of document numbers, one bit each: at 100,000 decisions 12.5 KB, and the
// count of a facet value among the hits is a popcount over 1,600 words, whatever the number
// of hits (roaring bitmaps of sparse facet values made that a merge of two sorted arrays).
type bitset []uint64

func (b *bitset) add(d uint32) {
	w := int(d >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (d & 63)
}

// docs returns the documents of the set in order (n is a capacity hint).
func (b bitset) docs(n int) []uint32 {
	out := make([]uint32, 0, n)
	for i, w := range b {
		for w != 0 {
			out = append(out, uint32(i<<6+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return out
}

// andCount is the number of documents in both sets.
func (b bitset) andCount(o bitset) int {
	n := 0
	o = o[:min(len(o), len(b))]
	for i, w := range o {
		n += bits.OnesCount64(w & b[i])
	}
	return n
}

// bitsetOf is the set of sorted document numbers.
func bitsetOf(docs []uint32) bitset {
	if len(docs) == 0 {
		return bitset{}
	}
	b := make(bitset, int(docs[len(docs)-1]>>6)+1)
	for _, d := range docs {
		b[d>>6] |= 1 << (d & 63)
	}
	return b
}

// facetTable is the fFacets postings of one snapshot.
type facetTable struct {
	snap  bindex.IndexReader // identity only: the snapshot the table was read from
	terms []string           // "key NUL value", sorted
	bits  []bitset
	// pub is the fPublished value (Unix ns) of each document number, noPub where it has none.
	pub []int64
	// pubOK is false when pub cannot stand in for Bleve's date sort.
	pubOK bool
}

const noPub = math.MinInt64

// facetTables keeps the table of the latest snapshot searched.
type facetTables struct {
	mu  sync.Mutex
	cur *facetTable
}

// get returns the table of snapshot r, reading it when the kept one is of another snapshot. r
// must stay open during the call.
func (t *facetTables) get(ctx context.Context, r bindex.IndexReader) (*facetTable, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != nil && t.cur.snap == r {
		return t.cur, nil
	}
	tbl, err := readFacetTable(ctx, r)
	if err != nil {
		return nil, err
	}
	t.cur = tbl
	return tbl, nil
}

func readFacetTable(ctx context.Context, r bindex.IndexReader) (_ *facetTable, err error) {
	tbl := &facetTable{snap: r}
	var terms []string
	dict, err := r.FieldDict(fFacets)
	if err := eachTerm(dict, err, func(de *bindex.DictEntry) { terms = append(terms, de.Term) }); err != nil {
		return nil, err
	}
	sort.Strings(terms)
	for _, term := range terms {
		var b bitset
		if _, err := eachPosting(ctx, r, fFacets, term, false, func(doc uint32, _ *bindex.TermFieldDoc) error {
			b.add(doc)
			return nil
		}); err != nil {
			return nil, err
		}
		if len(b) == 0 {
			continue // every document with the term is deleted
		}
		tbl.terms = append(tbl.terms, term)
		tbl.bits = append(tbl.bits, b)
	}
	if err := tbl.readPublished(ctx, r); err != nil {
		return nil, err
	}
	return tbl, nil
}

// readPublished reads the full-precision terms of fPublished (a date field indexes each value
// at several precisions) into tbl.pub.
func (tbl *facetTable) readPublished(ctx context.Context, r bindex.IndexReader) error {
	// Full precision: the terms of shift 0.
	var terms []string
	dict, err := r.FieldDictPrefix(fPublished, []byte{numeric.ShiftStartInt64})
	if err := eachTerm(dict, err, func(de *bindex.DictEntry) {
		if shift, err := numeric.PrefixCoded(de.Term).Shift(); err == nil && shift == 0 {
			terms = append(terms, de.Term)
		}
	}); err != nil {
		return err
	}
	tbl.pubOK = true
	// errTwoDates stops the reading: a document with two dates leaves the sort to Bleve.
	errTwoDates := errors.New("two dates")
	for _, term := range terms {
		v, err := numeric.PrefixCoded(term).Int64()
		if err != nil {
			return err
		}
		_, err = eachPosting(ctx, r, fPublished, term, false, func(doc uint32, _ *bindex.TermFieldDoc) error {
			for uint32(len(tbl.pub)) <= doc {
				tbl.pub = append(tbl.pub, noPub)
			}
			if tbl.pub[doc] != noPub {
				return errTwoDates
			}
			tbl.pub[doc] = v
			return nil
		})
		if errors.Is(err, errTwoDates) {
			tbl.pub, tbl.pubOK = nil, false
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (tbl *facetTable) published(doc uint32) int64 {
	if int(doc) < len(tbl.pub) {
		return tbl.pub[doc]
	}
	return noPub
}

// counts returns the fFacets counts of the hits as Bleve's terms facet would: the values with
// at least one hit, by count (then term), cut to size.
func (tbl *facetTable) counts(hits bitset, size int) search.FacetResults {
	terms := &search.TermFacets{}
	total := 0
	for i, b := range tbl.bits {
		if n := hits.andCount(b); n > 0 {
			terms.Add(&search.TermFacet{Term: tbl.terms[i], Count: n})
			total += n
		}
	}
	sort.Sort(terms)
	if size < terms.Len() {
		terms.TrimToTopN(size)
	}
	return search.FacetResults{fFacets: &search.FacetResult{Field: fFacets, Total: total, Terms: terms}}
}

// hitRecorder is a query that matches what its inner query matches and records the internal
// document numbers of the hits, and the facet table of the snapshot searched.
type hitRecorder struct {
	query.Query
	tables *facetTables
	hits   bitset
	table  *facetTable
	err    error

	// Date sort (byDate): the best k hits by date, score and ID end up in sorted, unless
	// dateFailed.
	byDate     bool
	k          int
	dated      []dateHit       // candidates (see addDated)
	best       *kBest[dateHit] // the best k so far
	sorted     []dateHit
	allIDs     bool // sorted gets every hit's ID, not only those of tied hits
	dateFailed bool
	dateDone   bool
}

func (h *hitRecorder) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s, err := h.Query.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	h.table, h.err = h.tables.get(ctx, r)
	if h.err != nil {
		h.dateFailed = true
		// Facets are then computed from Bleve's own facet request (see search).
		return s, nil
	}
	h.hits = bitset{}
	return &recordingSearcher{Searcher: s, rec: h}, nil
}

type recordingSearcher struct {
	search.Searcher
	rec  *hitRecorder
	done bool
}

func (s *recordingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	if dm != nil {
		s.add(dm)
	} else if err == nil && s.rec.byDate && !s.done {
		// The last hit: the reader is still open for the external IDs.
		s.done = true
		s.rec.finishDate(ctx.IndexReader)
	}
	return dm, err
}

func (s *recordingSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if dm != nil {
		s.add(dm)
	}
	return dm, err
}

func (s *recordingSearcher) add(dm *search.DocumentMatch) {
	n := dm.IndexInternalID.Value()
	if n > math.MaxUint32 {
		s.rec.err = errors.New("index: facet counting: document number over 32 bits")
		return
	}
	s.rec.hits.add(uint32(n))
	if s.rec.byDate {
		s.rec.addDated(dateHit{doc: uint32(n), score: dm.Score})
	}
}

// Date sort. Bleve sorts by date, score and ID by reading the date's doc values and the
// external ID of every hit (for a common word, three quarters of a search). With the dates of
// the snapshot in facetTable.pub, the recorder keeps the document number and score of every
// hit, picks the best k by date and score itself, and reads external IDs only for those (and
// for hits tied with the k-th, which the ID orders), giving exactly Bleve's order.

type dateHit struct {
	doc   uint32
	pub   int64
	score float64
	id    string
}

// before orders by date, newest first, then score, highest first (not the ID).
func (a *dateHit) before(b *dateHit) int {
	switch {
	case a.pub != b.pub:
		if a.pub > b.pub {
			return -1
		}
		return 1
	case a.score != b.score:
		if a.score > b.score {
			return -1
		}
		return 1
	}
	return 0
}

// addDated keeps a hit that may be among the best k or tied with the k-th: better than or as
// good as the worst of the best k seen so far (kept in the heap h.best). A hit worse than that
// is worse than the final k-th, as the k-th seen so far only gets better.
func (h *hitRecorder) addDated(it dateHit) {
	if h.dateFailed || h.table == nil || !h.table.pubOK {
		h.dateFailed = true
		return
	}
	it.pub = h.table.published(it.doc)
	if it.pub == noPub {
		h.dateFailed = true
		return
	}
	if h.best == nil {
		h.best = newKBest(h.k, func(a, b dateHit) bool { return a.before(&b) < 0 })
	}
	if !h.best.full() {
		h.best.push(it)
		h.dated = append(h.dated, it)
		return
	}
	worst := h.best.worst()
	c := it.before(&worst)
	if c > 0 {
		return
	}
	h.dated = append(h.dated, it)
	if c < 0 {
		h.best.replaceWorst(it)
	}
}

// finishDate picks the first k hits by date, score and ID into h.sorted, or sets h.dateFailed
// when the table cannot order them as Bleve would.
func (h *hitRecorder) finishDate(r bindex.IndexReader) {
	if h.table == nil || !h.table.pubOK {
		h.dateFailed = true
		return
	}
	if h.dateFailed {
		return
	}
	items := h.dated
	k := h.k
	var sel []dateHit
	if len(items) <= k {
		sel = items
	} else {
		best := bestK(len(items), k, func(i, j int) bool { return items[i].before(&items[j]) < 0 })
		hp := make([]dateHit, len(best))
		for i, j := range best {
			hp[i] = items[j]
		}
		// Hits tied with the k-th on date and score are ordered by ID: take the right ones.
		bound := hp[len(hp)-1]
		tiedIn := 0
		for i := range hp {
			if hp[i].before(&bound) == 0 {
				tiedIn++
			}
		}
		var tied []dateHit
		for i := range items {
			if items[i].before(&bound) == 0 {
				tied = append(tied, items[i])
			}
		}
		sel = hp
		if len(tied) > tiedIn {
			sel = make([]dateHit, 0, k)
			for i := range hp {
				if hp[i].before(&bound) != 0 {
					sel = append(sel, hp[i])
				}
			}
			if !h.loadIDs(r, tied) {
				return
			}
			slices.SortFunc(tied, func(a, b dateHit) int { return strings.Compare(a.id, b.id) })
			sel = append(sel, tied[:tiedIn]...)
		}
	}
	sel = slices.Clone(sel)
	slices.SortFunc(sel, func(a, b dateHit) int { return a.before(&b) })
	// The ID orders hits of equal date and score: read the IDs of those runs only, unless the
	// caller needs every ID (Bleve's search by ID for the page's fields).
	for i := 0; i < len(sel); {
		j := i + 1
		for j < len(sel) && sel[j].before(&sel[i]) == 0 {
			j++
		}
		if j-i > 1 || h.allIDs {
			run := sel[i:j]
			if !h.loadIDs(r, run) {
				return
			}
			slices.SortFunc(run, func(a, b dateHit) int { return strings.Compare(a.id, b.id) })
		}
		i = j
	}
	h.sorted = sel
	h.dateDone = true
}

// loadIDs sets the external IDs of hs (those still without one).
func (h *hitRecorder) loadIDs(r bindex.IndexReader, hs []dateHit) bool {
	iid := make(bindex.IndexInternalID, 8)
	for i := range hs {
		if hs[i].id != "" {
			continue
		}
		iid.SetValue(uint64(hs[i].doc))
		id, err := r.ExternalID(iid)
		if err != nil || id == "" {
			h.dateFailed = true
			return false
		}
		hs[i].id = id
	}
	return true
}

// Warm reads the facet table of the index's current snapshot, so that the first search after
// opening does not pay for it (≈ 140 ms at 100,000 decisions), and the postings of the words
// in a tenth or more of the decisions (warmPostings). Searches on a later snapshot read their
// own as before.
func (x *Index) Warm(ctx context.Context) error {
	adv, err := x.idx.Advanced()
	if err != nil {
		return fmt.Errorf("index: warm: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("index: warm: %w", err)
	}
	defer r.Close()
	if _, err := x.facetTables.get(ctx, r); err != nil {
		return fmt.Errorf("index: warm: %w", err)
	}
	if err := x.warmPostings(ctx, r); err != nil {
		return fmt.Errorf("index: warm: %w", err)
	}
	return nil
}

// warmPostings reads into the postings cache the text and meta postings of the most common
// words (in a tenth of the decisions or more), up to half the cache: reading one costs up to
// 5 ms, and these are the words of most searches.
func (x *Index) warmPostings(ctx context.Context, r bindex.IndexReader) error {
	docTotal, err := r.DocCount()
	if err != nil || docTotal == 0 {
		return err
	}
	type common struct {
		term  string
		count uint64
	}
	var terms []common
	dict, err := r.FieldDict(fText)
	if err := eachTerm(dict, err, func(de *bindex.DictEntry) {
		if de.Count*10 >= docTotal {
			terms = append(terms, common{de.Term, de.Count})
		}
	}); err != nil {
		return err
	}
	slices.SortFunc(terms, func(a, b common) int { return cmp.Compare(b.count, a.count) })
	budget := fastBudget / 2
	for _, t := range terms {
		if budget <= 0 || ctx.Err() != nil {
			break
		}
		for _, f := range []string{fText, fMeta} {
			p, err := x.postings.get(ctx, r, docTotal, f, t.term)
			if err != nil {
				return err
			}
			budget -= p.size()
		}
	}
	return nil
}
