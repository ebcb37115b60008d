package index

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"omgjort"
)

// Index computes the statistics of /stats.
var _ omgjort.StatsSource = (*Index)(nil)

// Facet sizes of the statistics: generous upper bounds on quarters (a century) and law areas,
// so no row is ever cut off.
const (
	statsQuarters = 400
	statsLaws     = 500
)

// Stats counts decisions, rejections and reversals per quarter and per law area, and the error
// types of the reversed ones, with three facet searches over the whole index (all, afvist,
// reversed). Republished Historisk records are left out, so each decision counts once.
func (x *Index) Stats(ctx context.Context) (st *omgjort.Stats, err error) {
	defer recoverTo(&err, "stats")
	counted := term(fCounted, "1")
	reversed := []string{}
	for _, o := range omgjort.Outcomes {
		if o.Reversed() {
			reversed = append(reversed, string(o))
		}
	}
	run := func(q query.Query, withErrors bool) (search.FacetResults, uint64, error) {
		req := bleve.NewSearchRequestOptions(q, 0, 0, false)
		req.AddFacet(fQuarter, bleve.NewFacetRequest(fQuarter, statsQuarters))
		req.AddFacet(fLaw, bleve.NewFacetRequest(fLaw, statsLaws))
		if withErrors {
			n := len(omgjort.ErrorTypes)
			req.AddFacet(fErrQuarter, bleve.NewFacetRequest(fErrQuarter, n*statsQuarters))
			req.AddFacet(fErrLaw, bleve.NewFacetRequest(fErrLaw, n*statsLaws))
		}
		res, err := x.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return res.Facets, res.Total, nil
	}
	all, total, err := run(counted, false)
	if err != nil {
		return nil, fmt.Errorf("index: stats: all: %w", err)
	}
	afv, _, err := run(query.NewConjunctionQuery([]query.Query{counted, term(fOutcome, string(omgjort.OutcomeAfvist))}), false)
	if err != nil {
		return nil, fmt.Errorf("index: stats: afvist: %w", err)
	}
	rev, _, err := run(query.NewConjunctionQuery([]query.Query{counted, anyTerm(fOutcome, reversed)}), true)
	if err != nil {
		return nil, fmt.Errorf("index: stats: reversed: %w", err)
	}

	st = &omgjort.Stats{Decisions: int(total)}
	st.Quarters = statsRows(all[fQuarter], afv[fQuarter], rev[fQuarter], rev[fErrQuarter])
	sort.Slice(st.Quarters, func(i, j int) bool { return quarterLess(st.Quarters[i].Key, st.Quarters[j].Key) })
	st.Laws = statsRows(all[fLaw], afv[fLaw], rev[fLaw], rev[fErrLaw])
	sort.SliceStable(st.Laws, func(i, j int) bool {
		if st.Laws[i].All != st.Laws[j].All {
			return st.Laws[i].All > st.Laws[j].All
		}
		return st.Laws[i].Key < st.Laws[j].Key
	})
	return st, nil
}

// statsRows joins the facet counts of one dimension into rows keyed by its values.
func statsRows(all, afvist, reversed, byError *search.FacetResult) []omgjort.StatsRow {
	rows := map[string]*omgjort.StatsRow{}
	row := func(k string) *omgjort.StatsRow {
		r, ok := rows[k]
		if !ok {
			r = &omgjort.StatsRow{Key: k, ReversedByError: map[omgjort.ErrorType]int{}}
			rows[k] = r
		}
		return r
	}
	each := func(fr *search.FacetResult, fn func(term string, n int)) {
		if fr == nil || fr.Terms == nil {
			return
		}
		for _, t := range fr.Terms.Terms() {
			fn(t.Term, t.Count)
		}
	}
	each(all, func(k string, n int) { row(k).All = n })
	each(afvist, func(k string, n int) { row(k).Afvist = n })
	each(reversed, func(k string, n int) { row(k).Reversed = n })
	each(byError, func(pair string, n int) {
		e, k, ok := strings.Cut(pair, "|")
		if ok {
			row(k).ReversedByError[omgjort.ErrorType(e)] = n
		}
	})
	out := make([]omgjort.StatsRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	return out
}

// quarterLess orders QuarterKeys ("2024-2") in time.
func quarterLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
