package index

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func TestZZExp(t *testing.T) {
	dir := os.Getenv("OMGJORT_BENCH_INDEX")
	if dir == "" {
		t.Skip()
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	tq := func(f, v string, boost float64) query.Query {
		q := query.NewTermQuery(v)
		q.SetField(f)
		q.SetBoost(boost)
		return q
	}
	run := func(name string, q query.Query, score string) {
		var best time.Duration
		var total uint64
		for range 5 {
			sr := bleve.NewSearchRequestOptions(q, 20, 0, false)
			sr.Score = score
			st := time.Now()
			r, err := x.idx.SearchInContext(ctx, sr)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(st); best == 0 || d < best {
				best = d
			}
			total = r.Total
		}
		t.Logf("%-40s %8d hits %8.2f ms", name, total, float64(best.Microseconds())/1000)
	}
	for _, w := range []string{"kommun", "afgør", "oplysning", "sanktion"} {
		run("disj "+w, query.NewDisjunctionQuery([]query.Query{tq(fMeta, w, 2), tq(fText, w, 1)}), "")
		run("text "+w, tq(fText, w, 1), "")
		run("text none "+w, tq(fText, w, 1), "none")
		run("disj none "+w, query.NewDisjunctionQuery([]query.Query{tq(fMeta, w, 2), tq(fText, w, 1)}), "none")
	}
	run("conj disj kommun afgør", query.NewConjunctionQuery([]query.Query{
		query.NewDisjunctionQuery([]query.Query{tq(fMeta, "kommun", 2), tq(fText, "kommun", 1)}),
		query.NewDisjunctionQuery([]query.Query{tq(fMeta, "afgør", 2), tq(fText, "afgør", 1)})}), "")
	run("conj text kommun afgør", query.NewConjunctionQuery([]query.Query{tq(fText, "kommun", 1), tq(fText, "afgør", 1)}), "")
	run("conj text none kommun afgør", query.NewConjunctionQuery([]query.Query{tq(fText, "kommun", 1), tq(fText, "afgør", 1)}), "none")
}
