package index

import (
	"context"
	"errors"
	"fmt"
	"html"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"omgjort"
)

// Paging limits: Bleve holds From+Size hits in memory (bleve#658).
const (
	// DefaultSize is the page size when the request gives none.
	DefaultSize = 20
	// MaxSize is the largest page a request may ask for.
	MaxSize = 100
	// MaxWindow caps From+Size.
	MaxWindow = 10000
)

// Index is the Searcher the server uses.
var _ omgjort.Searcher = (*Index)(nil)

// facetFields are the facets Search always returns: request key → (field, max values).
var facetFields = []struct {
	key, field string
	size       int
}{
	{"law", fLaw, 100},
	{"outcome", fOutcome, 10},
	{"errors", fErrors, 20},
	{"year", fYearKey, 200},
	{"status", fStatus, 5},
	{"authority", fAuthority, 20},
	{"kritik", fKritik, 2},
	{"source", fOwn, 2},
}

// facetTermsMax bounds the values counted in fFacets: the sum of the facets' sizes, so every
// facet can fill its own size.
var facetTermsMax = func() int {
	n := 0
	for _, f := range facetFields {
		n += f.size
	}
	return n
}()

// hitFields are the stored fields a SearchHit is built from, so Search never reads the store.
// The text is read for the snippets only (hitFieldsNoText without them).
var (
	hitFields       = []string{fNumber, fTitle, fPubDate, fStatus, fOutcome, fErrors, fLaw, fSummary, fText}
	hitFieldsNoText = hitFields[:len(hitFields)-1]
)

// Search runs req: the query box text ANDed with the filters, one page of hits with highlighted
// snippets, and facet counts over all hits. A badly written request is a *omgjort.QueryError
// with a Danish message; any other error is the index's fault.
//
// Results are cached per index epoch (see resultCache): a search asked again before the next
// write is answered from memory.
func (x *Index) Search(ctx context.Context, req omgjort.SearchRequest) (*omgjort.SearchResult, error) {
	start := time.Now()
	epoch := x.epoch.Load() // before the search: see resultCache
	r, _, err := x.cache.do(ctx, epoch, cacheKey(req), func() (*omgjort.SearchResult, error) {
		return x.search(ctx, req, epoch)
	})
	if err != nil {
		return nil, err
	}
	return shareResult(r, time.Since(start)), nil
}

// search computes one search (Search without the cache).
func (x *Index) search(ctx context.Context, req omgjort.SearchRequest, epoch uint64) (res *omgjort.SearchResult, err error) {
	defer recoverTo(&err, "search")
	start := time.Now()

	clauses, err := parseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	clauses = x.expandSynonyms(clauses)
	q, scored, err := x.buildQuery(req, clauses)
	if err != nil {
		return nil, err
	}
	size, err := pageSize(req)
	if err != nil {
		return nil, err
	}
	sortBy, err := sortOrder(req.Sort, scored)
	if err != nil {
		return nil, err
	}

	setKey := hitSetKey(req)
	known := x.facetCache.get(epoch, setKey)
	byDate := sortBy[0] == "-"+fPublished
	fields := hitFields
	if req.NoSnippets {
		fields = hitFieldsNoText
	}
	var br *bleve.SearchResult
	if !x.noFast {
		// From the postings of the query's terms (fastscore.go), when it can.
		fr, err := x.searchFast(ctx, q, req.From, size, byDate, fields)
		if err != nil {
			return nil, fmt.Errorf("index: search %q: %w", req.Query, err)
		}
		if fr != nil {
			x.fastRuns.Add(1)
			x.afterSearch()
			br = &bleve.SearchResult{Total: fr.total, Hits: fr.page}
			if known == nil {
				br.Facets = fr.table.counts(fr.hits, facetTermsMax)
			}
		}
	}
	if br == nil && (known == nil || byDate) && !x.noFast {
		// Count the facets from the hit set and sort by date from the snapshot's dates
		// (see facetbits.go); Bleve's own facets and sort when that cannot be done.
		rec := &hitRecorder{Query: q, tables: &x.facetTables, byDate: byDate, k: req.From + size, allIDs: true}
		if byDate {
			br, err = x.searchByDate(ctx, rec, req.From, fields)
		} else {
			sr := bleve.NewSearchRequestOptions(rec, size, req.From, false)
			sr.SortBy(sortBy)
			sr.Fields = fields
			br, err = x.idx.SearchInContext(ctx, sr)
		}
		if err == nil && br != nil && known == nil {
			if rec.err == nil && rec.table != nil {
				br.Facets = rec.table.counts(rec.hits, facetTermsMax)
			} else {
				br = nil
			}
		}
	}
	if err == nil && br == nil {
		sr := bleve.NewSearchRequestOptions(q, size, req.From, false)
		sr.SortBy(sortBy)
		sr.Fields = fields
		if known == nil {
			sr.AddFacet(fFacets, bleve.NewFacetRequest(fFacets, facetTermsMax))
		}
		br, err = x.idx.SearchInContext(ctx, sr)
	}
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", req.Query, err)
	}
	if scored && !req.NoSnippets && len(br.Hits) > 0 {
		if err := x.snippets(markClauses(clauses), br.Hits); err != nil {
			return nil, fmt.Errorf("index: search %q: snippets: %w", req.Query, err)
		}
	}
	for _, h := range br.Hits {
		delete(h.Fields, fText)
	}

	out := &omgjort.SearchResult{
		Total: br.Total,
		Hits:  make([]omgjort.SearchHit, 0, len(br.Hits)),
	}
	if known != nil {
		out.Facets = maps.Clone(known.Facets)
	} else {
		out.Facets = facets(br.Facets)
		x.facetCache.put(epoch, setKey, &omgjort.SearchResult{Total: out.Total, Facets: out.Facets})
	}
	for _, h := range br.Hits {
		out.Hits = append(out.Hits, hit(h))
	}
	out.Took = time.Since(start)
	return out, nil
}

// searchByDate runs rec (with byDate) newest first, then by score and ID, as Bleve's sort
// would, without Bleve reading the date and ID of every hit. It returns nil when the facet
// table cannot stand in for Bleve's sort; the caller then searches again the usual way.
func (x *Index) searchByDate(ctx context.Context, rec *hitRecorder, from int, fields []string) (*bleve.SearchResult, error) {
	sr := bleve.NewSearchRequestOptions(rec, 0, 0, false)
	sr.SortBy([]string{"-_score"})
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	if rec.err != nil || rec.dateFailed || !rec.dateDone {
		return nil, nil
	}
	var page []dateHit
	if from < len(rec.sorted) {
		page = rec.sorted[from:]
	}
	out := &bleve.SearchResult{Total: res.Total, Hits: make(search.DocumentMatchCollection, 0, len(page))}
	if len(page) == 0 {
		return out, nil
	}
	ids := make([]string, len(page))
	for i, h := range page {
		ids[i] = h.id
	}
	fr := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	fr.Fields = fields
	fres, err := x.idx.SearchInContext(ctx, fr)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]map[string]interface{}, len(fres.Hits))
	for _, h := range fres.Hits {
		byID[h.ID] = h.Fields
	}
	for _, h := range page {
		f, ok := byID[h.id]
		if !ok {
			return nil, nil // deleted since: search again
		}
		out.Hits = append(out.Hits, &search.DocumentMatch{ID: h.id, Score: h.score, Fields: f})
	}
	return out, nil
}

// releaseAfter is how many postings read from the index files make a search release the files'
// mapped pages (ReleaseMemory), at most once a second: the postings of thirty common words. Read
// once into the postings cache, their pages would otherwise stay in the RSS of serve.
const releaseAfter = 3_000_000

// releaseAfterDocs is how many stored documents read through the memory map make a search
// release the mapped pages of the stored documents (releaseStored). The fast path reads them
// with pread (storedread.go), which maps nothing; a segment not yet on disk, or a record pread
// cannot read, goes through zapx's map. Reading one document there maps the file around it
// (the kernel's fault-around maps up to 64 KB of cached pages at a fault, MADV_RANDOM or not):
// 3,000 distinct searches so left ≈ 180 MB of stored documents mapped; 500 documents are ≈ 30
// MB. A release comes every releaseStoredEvery at most (a full one once a second at most), in
// the background.
const (
	releaseAfterDocs   = 500
	releaseStoredEvery = 50 * time.Millisecond
)

// afterSearch releases mapped pages of the index in the background: all of them when many
// postings have been read since the last release, the stored documents' when many documents.
func (x *Index) afterSearch() {
	all := x.postings.read.Load() >= releaseAfter
	since := time.Duration(time.Now().UnixNano() - x.lastRelease.Load())
	if all && since < time.Second {
		all = false // the stored documents' release may still be due
	}
	if (!all && x.docsRead.Load() < releaseAfterDocs) || since < releaseStoredEvery {
		return
	}
	if !x.releasing.CompareAndSwap(false, true) {
		return
	}
	if all {
		x.postings.read.Store(0)
	}
	x.docsRead.Store(0)
	x.lastRelease.Store(time.Now().UnixNano())
	x.background.Add(1)
	go func() {
		defer x.background.Done()
		defer x.releasing.Store(false)
		// Best effort; serve also releases everything every so often.
		if all {
			_ = x.ReleaseMemory()
		} else {
			_ = x.releaseStored()
		}
	}()
}

// snippets sets the snippet of each hit: the passage of its text (loaded with the hit's fields)
// with the most query words, marked (snippet.go).
func (x *Index) snippets(clauses []clause, hits search.DocumentMatchCollection) error {
	an := x.idx.Mapping().AnalyzerNamed(danishAnalyzer)
	if an == nil {
		return errors.New("analyzer da missing from the index mapping")
	}
	m := newMarker(an, clauses)
	if m == nil {
		return nil
	}
	for _, h := range hits {
		if text, ok := h.Fields[fText].(string); ok {
			if sn := m.snippet(text); sn != "" {
				h.Fragments = search.FieldFragmentMap{fText: {sn}}
			}
		}
	}
	return nil
}

// buildQuery combines the parsed query box (clauses of req.Query) and the filters. scored reports
// whether the query box had anything to rank by; without it the hits are listed newest first.
func (x *Index) buildQuery(req omgjort.SearchRequest, clauses []clause) (q query.Query, scored bool, err error) {
	m := x.idx.Mapping()
	b := builder{da: m.AnalyzerNamed(danishAnalyzer), plain: m.AnalyzerNamed(plainAnalyzer), actCited: x.actCited}
	if b.da == nil || b.plain == nil {
		return nil, false, errors.New("index: search: analyzers missing from the index mapping")
	}
	for _, c := range clauses {
		if c.field == "year" && b.years == nil {
			if b.years, err = x.years(); err != nil {
				return nil, false, err
			}
		}
		if f := map[string]string{"date": fDay, "signed": fSignedDay}[c.field]; f != "" {
			if b.days == nil {
				b.days = map[string][]string{}
			}
			if _, ok := b.days[f]; !ok {
				if b.days[f], err = x.terms(f); err != nil {
					return nil, false, err
				}
			}
		}
	}
	// Words and query-box fields are scored; år: and the facet filters only narrow the hits
	// (a year or a law is no reason to rank one decision above another).
	var must, mustNot, filter []query.Query
	for _, c := range clauses {
		cq, err := b.clauseQuery(c)
		if err != nil {
			return nil, false, err
		}
		switch {
		case cq == nil:
		case c.occur == occurMustNot:
			mustNot = append(mustNot, cq)
		case c.field == "year" || c.field == "date" || c.field == "signed" || c.field == "kritik" || c.field == "ugyldig":
			filter = append(filter, cq)
		default:
			must = append(must, cq)
		}
	}
	scored = len(must) > 0

	keys := make([]string, 0, len(req.Filters))
	for k := range req.Filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		// Several values of one facet are alternatives (hjemvist or ændret); facets are ANDed.
		var alts []query.Query
		for _, v := range req.Filters[k] {
			if strings.TrimSpace(v) == "" {
				continue
			}
			fq, err := filterQuery(k, v)
			if err != nil {
				return nil, false, err
			}
			alts = append(alts, fq)
		}
		switch len(alts) {
		case 0:
		case 1:
			filter = append(filter, alts[0])
		default:
			filter = append(filter, query.NewDisjunctionQuery(alts))
		}
	}
	if len(must) == 0 {
		must = append(must, query.NewMatchAllQuery())
	}
	if !req.IncludeOwn {
		mustNot = append(mustNot, term(fOwn, "1"))
	}
	bq := query.NewBooleanQuery(must, nil, mustNot)
	if len(filter) > 0 {
		bq.AddFilter(query.NewConjunctionQuery(filter))
	}
	return bq, scored, nil
}

// terms returns the terms of a keyword field, in order.
func (x *Index) terms(field string) ([]string, error) {
	var out []string
	dict, err := x.idx.FieldDict(field)
	if err := eachTerm(dict, err, func(de *bindex.DictEntry) { out = append(out, de.Term) }); err != nil {
		return nil, fmt.Errorf("index: terms of %s: %w", field, err)
	}
	return out, nil
}

// actCited reports whether a decision cites a provision of act (a name outside omgjort.Acts).
func (x *Index) actCited(act string) bool {
	ai, err := x.idx.Advanced()
	if err != nil {
		return false
	}
	r, err := ai.Reader()
	if err != nil {
		return false
	}
	defer r.Close()
	n, err := docFreq(context.Background(), r, fProvisions, act+"|")
	return err == nil && n > 0
}

// expandSynonyms applies the legal thesaurus (thesaurus.go) to the query's clauses.
func (x *Index) expandSynonyms(cs []clause) []clause {
	an := x.idx.Mapping().AnalyzerNamed(danishAnalyzer)
	if an == nil {
		return cs
	}
	x.thesOnce.Do(func() { x.thes = newThesaurus(an) })
	return x.thes.expand(an, cs)
}

// years returns the years of the decisions in the index, from the year terms.
func (x *Index) years() ([]int, error) {
	var out []int
	dict, err := x.idx.FieldDict(fYearKey)
	if err := eachTerm(dict, err, func(de *bindex.DictEntry) {
		if y, err := strconv.Atoi(de.Term); err == nil {
			out = append(out, y)
		}
	}); err != nil {
		return nil, fmt.Errorf("index: years: %w", err)
	}
	return out, nil
}

func pageSize(req omgjort.SearchRequest) (int, error) {
	size := req.Size
	if size == 0 {
		size = DefaultSize
	}
	switch {
	case size < 0 || req.From < 0:
		return 0, queryError("Sidetallet eller antallet af resultater pr. side er ugyldigt.", fmt.Errorf("negative from %d or size %d", req.From, req.Size))
	case size > MaxSize:
		return 0, queryError(fmt.Sprintf("Der kan højst vises %d resultater pr. side.", MaxSize), fmt.Errorf("size %d over %d", size, MaxSize))
	case req.From+size > MaxWindow:
		return 0, queryError(fmt.Sprintf("Der kan højst bladres %d resultater frem. Gør søgningen mere præcis med flere ord eller filtre.", MaxWindow),
			fmt.Errorf("from+size %d over %d", req.From+size, MaxWindow))
	}
	return size, nil
}

// sortOrder gives Bleve's sort for the request. Without query words there is no relevance, so
// the hits are newest first whatever was asked.
func sortOrder(s string, scored bool) ([]string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "relevance", "relevans":
		if scored {
			// Score alone: a tie-breaker (date, ID) makes Bleve read doc values for every hit,
			// which cost a third of a search (BenchmarkSearchData); ties keep index order.
			return []string{"-_score"}, nil
		}
	case "date", "dato":
	default:
		return nil, queryError(fmt.Sprintf("Sorteringen %q findes ikke. Brug relevans eller dato.", s), fmt.Errorf("unknown sort %q", s))
	}
	return []string{"-" + fPublished, "-_score", "_id"}, nil
}

// facets splits the counts of fFacets ("key NUL value") into the six facets, each sorted
// (years newest first, the others by count, then value) and cut to its size.
func facets(fr search.FacetResults) map[string][]omgjort.FacetValue {
	out := make(map[string][]omgjort.FacetValue, len(facetFields))
	for _, f := range facetFields {
		out[f.key] = []omgjort.FacetValue{}
	}
	if r := fr[fFacets]; r != nil && r.Terms != nil {
		for _, t := range r.Terms.Terms() {
			key, val, ok := strings.Cut(t.Term, "\x00")
			if vals, known := out[key]; ok && known {
				out[key] = append(vals, omgjort.FacetValue{Value: val, Count: t.Count})
			}
		}
	}
	for _, f := range facetFields {
		vals := out[f.key]
		sort.SliceStable(vals, func(i, j int) bool {
			if vals[i].Count != vals[j].Count {
				return vals[i].Count > vals[j].Count
			}
			return vals[i].Value < vals[j].Value
		})
		if len(vals) > f.size {
			vals = vals[:f.size]
		}
		if f.key == "year" {
			// Years read best in time order, newest first.
			sort.Slice(vals, func(i, j int) bool { return vals[i].Value > vals[j].Value })
		}
		out[f.key] = vals
	}
	return out
}

func hit(h *search.DocumentMatch) omgjort.SearchHit {
	errs := strs(h.Fields[fErrors])
	out := omgjort.SearchHit{
		ID:        h.ID,
		Number:    str(h.Fields[fNumber]),
		Title:     str(h.Fields[fTitle]),
		Published: str(h.Fields[fPubDate]),
		Status:    omgjort.Status(str(h.Fields[fStatus])),
		Outcome:   omgjort.Outcome(str(h.Fields[fOutcome])),
		Errors:    make([]omgjort.ErrorType, 0, len(errs)),
		Laws:      strs(h.Fields[fLaw]),
		Score:     h.Score,
	}
	// Without a match in the text Bleve still returns its first 200 characters, unmarked; the
	// holding says more, so only fragments with a match count.
	for _, f := range h.Fragments[fText] {
		if strings.Contains(f, "<mark>") {
			out.Snippets = append(out.Snippets, f)
		}
	}
	for _, e := range errs {
		out.Errors = append(out.Errors, omgjort.ErrorType(e))
	}
	if len(out.Snippets) == 0 {
		if s := str(h.Fields[fSummary]); s != "" {
			out.Snippets = []string{html.EscapeString(s)}
		}
	}
	if out.Snippets == nil {
		out.Snippets = []string{}
	}
	return out
}

// str reads a single stored value.
func str(v interface{}) string {
	switch t := v.(type) {
	case string:
		return t
	case []interface{}:
		if len(t) > 0 {
			s, _ := t[0].(string)
			return s
		}
	}
	return ""
}

// strs reads a stored value that may hold one or many strings.
func strs(v interface{}) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []interface{}:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// truncate shortens s to about n characters, at a word boundary when there is one, with "…".
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:–-") + " …"
}
