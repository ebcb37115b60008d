package index_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"omgjort"
	"omgjort/classify"
	"omgjort/crawler"
	"omgjort/crawler/replica"
	"omgjort/index"
)

// synthCorpus parses n synthetic decision pages (the generator behind `omgjort gen`) with the
// crawler's parser and labels them with the classifier, as a crawl would.
func synthCorpus(t testing.TB, n int) []*omgjort.Decision {
	t.Helper()
	cls, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*omgjort.Decision, 0, n)
	for i := range n {
		url, body, err := replica.SyntheticPage(i)
		if err != nil {
			t.Fatal(err)
		}
		d, err := crawler.ParseDetail(url, body)
		if err != nil {
			t.Fatalf("synthetic page %d: %v", i, err)
		}
		cls.Classify(d)
		d.Citations = omgjort.CitationsOf(d)
		out = append(out, d)
	}
	return out
}

// TestFastScoreMatchesBleve compares the fast relevance path with Bleve's own search on a
// synthetic corpus written in several batches, with deletions and updates (so the snapshot has
// several segments and gaps in its document numbers): for every search the total, the facets,
// the page's hits in order and their scores must be Bleve's.
func TestFastScoreMatchesBleve(t *testing.T) {
	ds := synthCorpus(t, 1200)
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	x.SetCacheSize(0)
	for i := 0; i < len(ds); i += 300 {
		if err := x.Put(ds[i:min(i+300, len(ds))]...); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < len(ds); i += 17 {
		if err := x.Delete(ds[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	for i := 5; i < len(ds); i += 23 {
		d := *ds[i]
		d.Title += " ændret sanktion"
		d.ContentHash += "x"
		if err := x.Put(&d); err != nil {
			t.Fatal(err)
		}
	}

	queries := []string{
		"kommunen", "afgørelsen", "kontanthjælp", "sanktion", "partshøring", "sygedagpenge fleksjob",
		"kommunen afgørelsen", "kommunen afgørelsen oplysninger", `"konkret vurdering"`,
		`"lægelige oplysninger"`, `kommunen "rimelig grund"`, "kontanthjælp -sanktion",
		"kommunen -afgørelsen", "boligstøtte lov:boligstøtteloven", "fleksjob udfald:hjemvist",
		"partshøring fejl:partshøring", "kommunen udfald:omgjort", "status:gældende vejledning",
		"emne:fleksjob", "titel:sanktion", "§:19", "kommunen §:19", "+kommunen +sanktion",
		"kommunen kommunen", "17-25", "nr:17-25 kommunen", "citerer:43-19", "aktivloven sygedagpengeloven",
		"kommunen år:2020..2024", "sanktion år:>=2022", "kommunen -år:2019", "partshøring år:1990", `"sanktion"`, `kommunen "afgørelsen"`,
		// Issue 13: thesaurus, stem exceptions, provisions by act, kritik, date ranges.
		"sdp", "LAS", "lov om aktiv socialpolitik", "læge", `§:"aktivloven 14"`, "kommunen kritik:ja",
		"kommunen dato:2020-01-01..2023-06-30", `"varigt nedsat arbejdsevne"`, `kommunen "lægelige oplysninger i sagen"`,
	}
	filters := []map[string][]string{nil, {"outcome": {"hjemvist", "aendret"}}, {"errors": {"partshoering"}, "status": {"gaeldende"}}}
	ctx := context.Background()
	checked, fast := 0, 0
	for _, q := range queries {
		for fi, f := range filters {
			for _, page := range [][3]int{{0, 20}, {20, 20}, {0, 100}, {200, 10}, {0, 20, 1}, {40, 20, 1}} {
				req := omgjort.SearchRequest{Query: q, Filters: f, From: page[0], Size: page[1]}
				if page[2] == 1 {
					req.Sort = "date"
				}
				name := fmt.Sprintf("%s/filter%d/from%d/size%d/%s", q, fi, page[0], page[1], req.Sort)
				index.SetFast(x, false)
				want, err := x.Search(ctx, req)
				if err != nil {
					t.Fatalf("%s: bleve: %v", name, err)
				}
				index.SetFast(x, true)
				before := index.FastRuns(x)
				got, err := x.Search(ctx, req)
				if err != nil {
					t.Fatalf("%s: fast: %v", name, err)
				}
				if got.Total != want.Total {
					t.Errorf("%s: total %d, Bleve %d", name, got.Total, want.Total)
					continue
				}
				if !reflect.DeepEqual(got.Facets, want.Facets) {
					t.Errorf("%s: facets differ:\n fast  %v\n bleve %v", name, got.Facets, want.Facets)
				}
				if len(got.Hits) != len(want.Hits) {
					t.Errorf("%s: %d hits, Bleve %d", name, len(got.Hits), len(want.Hits))
					continue
				}
				// Hits of equal score are in document-number order, which a background merge
				// of the index may change between the two searches: compare the scores in
				// order, and the IDs of each run of equal scores that the page holds whole.
				for i := range got.Hits {
					g, w := got.Hits[i], want.Hits[i]
					if math.Abs(g.Score-w.Score) > 1e-12*math.Abs(w.Score) {
						t.Errorf("%s: hit %d is %s (%.17g), Bleve %s (%.17g)", name, i, g.ID, g.Score, w.ID, w.Score)
						break
					}
				}
				gotRuns, wantRuns := tieRuns(got.Hits, req.Sort == "date"), tieRuns(want.Hits, req.Sort == "date")
				for i := range min(len(gotRuns), len(wantRuns)) - 1 { // the last run may be cut
					if !reflect.DeepEqual(gotRuns[i], wantRuns[i]) {
						t.Errorf("%s: hits differ:\n fast  %v\n bleve %v", name, gotRuns[i], wantRuns[i])
						break
					}
				}
				if index.FastRuns(x) > before {
					fast++
				}
				if want.Total > 0 {
					checked++
				}
			}
		}
	}
	// Every query above is one the fast path takes.
	if total := len(queries) * len(filters) * 6; fast != total {
		t.Errorf("the fast path answered %d of %d searches", fast, total)
	}
	if checked < 150 {
		t.Errorf("only %d searches with hits compared; the corpus or the queries no longer exercise the fast path", checked)
	}
}

// tieRuns splits hits into runs of equal score (of equal date and score when byDate), each the
// hits themselves sorted by ID.
func tieRuns(hits []omgjort.SearchHit, byDate bool) [][]omgjort.SearchHit {
	var out [][]omgjort.SearchHit
	for i, h := range hits {
		if i == 0 || h.Score != hits[i-1].Score || (byDate && h.Published != hits[i-1].Published) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], h)
	}
	for _, r := range out {
		slices.SortFunc(r, func(a, b omgjort.SearchHit) int { return strings.Compare(a.ID, b.ID) })
	}
	return out
}
