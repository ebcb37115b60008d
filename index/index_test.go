package index_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/index"
)

// fixtures are four small decisions written for these tests. What each one contains is chosen
// so that every search below has exactly one right answer:
//   - d1 17-25 (hjemvist, 2025-06-10) says "afgørelsen" but never "afgørelser";
//   - d2 3-24 (stadfæstet, historisk, 2024-02-01) holds "konkret og individuel vurdering",
//     "sanktion" and a <script> tag;
//   - d3 O-26-96, republished as 12-23 (ændret, 2023-09-15), has no holding;
//   - d4 20-25 (afvist, 2025-01-20) holds "individuel ... konkret ... vurdering" out of order.
func fixtures() []*omgjort.Decision {
	d1 := &omgjort.Decision{
		ID: "17-25", Number: "17-25", Numbers: []string{"17-25"},
		Title:      "Ankestyrelsens principmeddelelse 17-25 om sygedagpenge – opfølgning – partshøring",
		Status:     omgjort.StatusGaeldende,
		Published:  "2025-06-10",
		Year:       2025,
		Laws:       []string{"Sygedagpengeloven"},
		Keywords:   []string{"Opfølgning"},
		Paragraphs: []string{"§ 21, stk. 1"},
		Authority:  "Kommunal",
		Holding:    "Kommunen skal partshøre borgeren, før den træffer afgørelsen om ophør af sygedagpenge.",
		Sections: []omgjort.Section{{Heading: "Principmeddelelsen fastslår",
			Text: "Kommunen skal partshøre borgeren, før den træffer afgørelsen om ophør af sygedagpenge."}},
		Cases: []omgjort.Case{{ID: "1", Heading: "Sag nr. 1, j.nr. 24-11111",
			Text: "Du har klaget over X Kommunes afgørelsen om ophør af sygedagpenge. Vi hjemviser sagen. " +
				"Kommunen har ikke partshørt dig, og begrundelsen er mangelfuld."}},
		Outcome: omgjort.OutcomeHjemvist, Errors: []omgjort.ErrorType{omgjort.ErrPartshoering, omgjort.ErrBegrundelse},
		ContentHash: "h1", RulesVersion: "r1", Version: 1,
	}
	d2 := &omgjort.Decision{
		ID: "3-24", Number: "3-24", Numbers: []string{"3-24"},
		Title:      "Ankestyrelsens principmeddelelse 3-24 om kontanthjælp – sanktion – rådighed",
		Status:     omgjort.StatusHistorisk,
		Published:  "2024-02-01",
		Year:       2024,
		Laws:       []string{"Aktivloven"},
		Keywords:   []string{"Kontanthjælp", "Sanktion"},
		Paragraphs: []string{"§ 35", "§ 36"},
		Authority:  "Kommunal",
		Holding:    "Kommunen skal foretage en konkret og individuel vurdering, når ydelsen er < 5.000 kr. & nedsættes.",
		Cases: []omgjort.Case{{ID: "1",
			Text: "Kommunen har vejledt dig for sent. Kommunen må ikke give en sanktion uden en konkret og individuel vurdering. " +
				"Borgeren skrev <script>alert('x')</script> i sin klage. Vi stadfæster afgørelsen."}},
		Outcome: omgjort.OutcomeStadfaestet, Errors: []omgjort.ErrorType{omgjort.ErrVejledning},
		ContentHash: "h2", RulesVersion: "r1", Version: 1,
	}
	d3 := &omgjort.Decision{
		ID: "o-26-96", Number: "O-26-96", Numbers: []string{"O-26-96", "12-23"},
		Title:      "Ankestyrelsens principmeddelelse O-26-96 om fleksjob – løntilskud",
		Status:     omgjort.StatusGaeldende,
		Published:  "2023-09-15",
		Year:       2023,
		Laws:       []string{"Barnets Lov"},
		Keywords:   []string{"Fleksjob"},
		Paragraphs: []string{"§§ 109 og 110"},
		Authority:  "Udbetaling Danmark",
		Cases: []omgjort.Case{{ID: "1",
			Text: "Udbetaling Danmark beregnede tilskuddet forkert. Vi ændrer afgørelse om løntilskud til fleksjob."}},
		Outcome:     omgjort.OutcomeAendret,
		ContentHash: "h3", RulesVersion: "r1", Version: 1,
	}
	d4 := &omgjort.Decision{
		ID: "20-25", Number: "20-25", Numbers: []string{"20-25"},
		Title:      "Ankestyrelsens principmeddelelse 20-25 om boligstøtte – klagefrist",
		Status:     omgjort.StatusGaeldende,
		Published:  "2025-01-20",
		Year:       2025,
		Laws:       []string{"Boligstøtteloven"},
		Keywords:   []string{"Klagefrist"},
		Paragraphs: []string{"§ 60"},
		Authority:  "Udbetaling Danmark",
		Holding:    "En klage, der kommer for sent, afvises.",
		Cases: []omgjort.Case{{ID: "1",
			Text: "Kommunen sendte klagen videre. En individuel klage kræver en konkret frist og en vurdering. Vi afviser klagen."}},
		Outcome:     omgjort.OutcomeAfvist,
		ContentHash: "h4", RulesVersion: "r1", Version: 1,
	}
	return []*omgjort.Decision{d1, d2, d3, d4}
}

// openFilled opens a fresh index in a temp dir with the fixtures in it.
func openFilled(t testing.TB) (*index.Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	x, err := index.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if err := x.Put(fixtures()...); err != nil {
		t.Fatalf("Put: %v", err)
	}
	return x, dir
}

func search(t *testing.T, x *index.Index, req omgjort.SearchRequest) *omgjort.SearchResult {
	t.Helper()
	res, err := x.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}

func fv(v string, n int) omgjort.FacetValue { return omgjort.FacetValue{Value: v, Count: n} }

func ids(res *omgjort.SearchResult) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestSearchQueries(t *testing.T) {
	x, _ := openFilled(t)
	tests := []struct {
		name, q string
		want    []string // any order
	}{
		{"stemming: plural finds the definite form", "afgørelser", []string{"17-25", "3-24", "o-26-96"}},
		{"all words must match", "sygedagpenge partshøre", []string{"17-25"}},
		{"no document has both words", "sygedagpenge boligstøtte", nil},
		{"stop words are ignored", "sygedagpenge og om", []string{"17-25"}},
		{"phrase in order", `"konkret og individuel vurdering"`, []string{"3-24"}},
		{"same words without quotes", "konkret individuel vurdering", []string{"3-24", "20-25"}},
		{"one quoted word is the word", `"sanktion"`, []string{"3-24"}},
		{"år: a year no decision has", "sanktion år:1990", nil},
		{"plus is must", "+sanktion kommunen", []string{"3-24"}},
		{"minus excludes", "kommunen -sanktion", []string{"17-25", "20-25"}},
		{"minus phrase excludes", `kommunen -"konkret og individuel"`, []string{"17-25", "20-25"}},
		{"only a negation lists the rest", "-kommunen", []string{"o-26-96"}},
		{"bare number", "17-25", []string{"17-25"}},
		{"bare legacy number, any case", "o-26-96", []string{"o-26-96"}},
		{"lov: one word", "lov:sygedagpengeloven", []string{"17-25"}},
		{"lov: phrase", `lov:"Barnets Lov"`, []string{"o-26-96"}},
		{"lov: part of the name", "lov:barnets", []string{"o-26-96"}},
		{"udfald: slug", "udfald:hjemvist", []string{"17-25"}},
		{"udfald: Danish name", "udfald:Ændret", []string{"o-26-96"}},
		{"udfald: Danish name lower case", "udfald:stadfæstet", []string{"3-24"}},
		{"udfald: omgjort", "udfald:omgjort", []string{"17-25", "o-26-96"}},
		{"udfald: negated", "-udfald:hjemvist", []string{"3-24", "o-26-96", "20-25"}},
		{"fejl: Danish word", "fejl:partshøring", []string{"17-25"}},
		{"fejl: slug", "fejl:vejledning", []string{"3-24"}},
		{"fejl: UI name", `fejl:"Mangelfuld begrundelse"`, []string{"17-25"}},
		{"§: number", "§:35", []string{"3-24"}},
		{"§: inside §§", "§:110", []string{"o-26-96"}},
		{"§: phrase", `§:"21, stk. 1"`, []string{"17-25"}},
		{"år: one year", "år:2025", []string{"17-25", "20-25"}},
		{"år: range", "år:2024..2025", []string{"17-25", "3-24", "20-25"}},
		{"år: at least", "år:>=2024", []string{"17-25", "3-24", "20-25"}},
		{"år: after", "år:>2024", []string{"17-25", "20-25"}},
		{"år: before", "år:<2024", []string{"o-26-96"}},
		{"år: open range", "år:..2023", []string{"o-26-96"}},
		{"nr: number", "nr:17-25", []string{"17-25"}},
		{"nr: legacy number", "nr:O-26-96", []string{"o-26-96"}},
		{"nr: republished number", "nr:12-23", []string{"o-26-96"}},
		{"nr: en dash", "nr:17–25", []string{"17-25"}},
		{"status:", "status:historisk", []string{"3-24"}},
		{"emne:", "emne:fleksjob", []string{"o-26-96"}},
		{"titel:", "titel:boligstøtte", []string{"20-25"}},
		{"field name in capitals", "UDFALD:afvist", []string{"20-25"}},
		{"words and fields together", "kommunen år:2025 -udfald:afvist", []string{"17-25"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := search(t, x, omgjort.SearchRequest{Query: tc.q})
			got := sorted(ids(res))
			want := sorted(tc.want)
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("query %q: got %v, want %v", tc.q, got, want)
			}
			if res.Total != uint64(len(tc.want)) {
				t.Errorf("query %q: total %d, want %d", tc.q, res.Total, len(tc.want))
			}
		})
	}
}

func TestStemmingFixtureIsHonest(t *testing.T) {
	d1 := fixtures()[0]
	all := d1.Title + d1.Text() + d1.Holding
	if strings.Contains(all, "afgørelser") || !strings.Contains(all, "afgørelsen") {
		t.Fatal("d1 must contain afgørelsen and never afgørelser, or the stemming test proves nothing")
	}
}

func TestSearchHitFields(t *testing.T) {
	x, _ := openFilled(t)
	res := search(t, x, omgjort.SearchRequest{Query: "nr:17-25"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits: %v", ids(res))
	}
	h := res.Hits[0]
	d := fixtures()[0]
	if h.Number != d.Number || h.Title != d.Title || h.Published != d.Published || h.Status != d.Status || h.Outcome != d.Outcome {
		t.Errorf("hit %+v does not carry the decision's metadata", h)
	}
	if !slices.Equal(h.Errors, d.Errors) {
		t.Errorf("errors %v, want %v", h.Errors, d.Errors)
	}
	if !slices.Equal(h.Laws, d.Laws) {
		t.Errorf("laws %v, want %v", h.Laws, d.Laws)
	}
	if res.Took <= 0 {
		t.Errorf("Took not set: %v", res.Took)
	}
	// A bare number ranks the decision with that number first among others that match words.
	res = search(t, x, omgjort.SearchRequest{Query: "17-25"})
	if len(res.Hits) == 0 || res.Hits[0].ID != "17-25" {
		t.Errorf("bare number: %v", ids(res))
	}
}

func TestFiltersAndFacets(t *testing.T) {
	x, _ := openFilled(t)

	res := search(t, x, omgjort.SearchRequest{Filters: map[string][]string{"status": {"gaeldende"}}})
	if got, want := sorted(ids(res)), []string{"17-25", "20-25", "o-26-96"}; !slices.Equal(got, want) {
		t.Fatalf("status filter: got %v, want %v", got, want)
	}
	wantFacets := map[string][]omgjort.FacetValue{
		"outcome":   {fv("aendret", 1), fv("afvist", 1), fv("hjemvist", 1)},
		"authority": {fv("Udbetaling Danmark", 2), fv("Kommunal", 1)},
		"year":      {fv("2025", 2), fv("2023", 1)},
		"status":    {fv("gaeldende", 3)},
		"errors":    {fv("begrundelse", 1), fv("partshoering", 1)},
		"law":       {fv("Barnets Lov", 1), fv("Boligstøtteloven", 1), fv("Sygedagpengeloven", 1)},
	}
	for k, want := range wantFacets {
		if got := res.Facets[k]; !slices.Equal(got, want) {
			t.Errorf("facet %s: got %v, want %v", k, got, want)
		}
	}

	// Filters AND with each other and with the query; facets cover all hits, not just the page.
	res = search(t, x, omgjort.SearchRequest{
		Query:   "kommunen",
		Filters: map[string][]string{"authority": {"Kommunal"}, "year": {"2024"}},
	})
	if got := ids(res); !slices.Equal(got, []string{"3-24"}) {
		t.Errorf("query + two filters: %v", got)
	}
	res = search(t, x, omgjort.SearchRequest{Query: "kommunen", Size: 1})
	if res.Total != 3 || len(res.Hits) != 1 {
		t.Fatalf("total %d hits %d, want 3 and 1", res.Total, len(res.Hits))
	}
	sum := 0
	for _, v := range res.Facets["outcome"] {
		sum += v.Count
	}
	if sum != 3 {
		t.Errorf("outcome facet over a 1-hit page sums to %d, want 3 (the whole hit set)", sum)
	}
	// Every facet is present even when nothing matches.
	res = search(t, x, omgjort.SearchRequest{Query: "kommunen", Filters: map[string][]string{"law": {"Ukendt lov"}}})
	if res.Total != 0 {
		t.Errorf("unknown law filter: %v", ids(res))
	}
	for _, k := range []string{"law", "outcome", "errors", "year", "status", "authority"} {
		if v, ok := res.Facets[k]; !ok || v == nil {
			t.Errorf("facet %s missing from an empty result", k)
		}
	}
	// Two values for one filter must both match (errors is multi-valued).
	res = search(t, x, omgjort.SearchRequest{Filters: map[string][]string{"errors": {"partshoering", "begrundelse"}}})
	if got := ids(res); !slices.Equal(got, []string{"17-25"}) {
		t.Errorf("two errors filters: %v", got)
	}
	// Filter values may be Danish names, like the query box.
	res = search(t, x, omgjort.SearchRequest{Filters: map[string][]string{"outcome": {"Ændret"}}})
	if got := ids(res); !slices.Equal(got, []string{"o-26-96"}) {
		t.Errorf("outcome filter by name: %v", got)
	}
}

func TestSort(t *testing.T) {
	x, _ := openFilled(t)
	newestFirst := []string{"17-25", "20-25", "3-24", "o-26-96"}
	if got := ids(search(t, x, omgjort.SearchRequest{})); !slices.Equal(got, newestFirst) {
		t.Errorf("empty query: got %v, want newest first %v", got, newestFirst)
	}
	if got := ids(search(t, x, omgjort.SearchRequest{Query: "kommunen", Sort: "date"})); !slices.Equal(got, []string{"17-25", "20-25", "3-24"}) {
		t.Errorf("sort=date: got %v", got)
	}
	// Relevance: the decision about sanktion in title, keywords and text beats none here, so use
	// a word that is in one title and in other texts.
	res := search(t, x, omgjort.SearchRequest{Query: "fleksjob"})
	if got := ids(res); len(got) == 0 || got[0] != "o-26-96" {
		t.Errorf("relevance: %v", got)
	}
	// Paging walks the same order.
	p1 := ids(search(t, x, omgjort.SearchRequest{Size: 2}))
	p2 := ids(search(t, x, omgjort.SearchRequest{Size: 2, From: 2}))
	if got := append(p1, p2...); !slices.Equal(got, newestFirst) {
		t.Errorf("paging: %v", got)
	}
}

func TestHighlight(t *testing.T) {
	x, _ := openFilled(t)
	res := search(t, x, omgjort.SearchRequest{Query: "alert sanktion"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits: %v", ids(res))
	}
	sn := strings.Join(res.Hits[0].Snippets, " ")
	if !strings.Contains(sn, "<mark>") {
		t.Errorf("snippet has no <mark>: %q", sn)
	}
	if strings.Contains(sn, "<script>") || !strings.Contains(sn, "&lt;script&gt;") {
		t.Errorf("snippet does not escape markup from the text: %q", sn)
	}
	withoutMarks := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(sn)
	if strings.ContainsAny(withoutMarks, "<>") {
		t.Errorf("snippet has markup other than <mark>: %q", sn)
	}

	// No query words: the snippet is the start of the holding, escaped.
	res = search(t, x, omgjort.SearchRequest{Query: "nr:3-24"})
	if len(res.Hits) != 1 || len(res.Hits[0].Snippets) != 1 {
		t.Fatalf("nr:3-24: %+v", res.Hits)
	}
	sn = res.Hits[0].Snippets[0]
	if !strings.HasPrefix(sn, "Kommunen skal foretage") || !strings.Contains(sn, "&lt; 5.000 kr. &amp; nedsættes") {
		t.Errorf("holding snippet: %q", sn)
	}
	// Without a holding, the start of the text.
	res = search(t, x, omgjort.SearchRequest{Query: "nr:O-26-96"})
	if len(res.Hits) != 1 || len(res.Hits[0].Snippets) != 1 || !strings.HasPrefix(res.Hits[0].Snippets[0], "Udbetaling Danmark beregnede") {
		t.Errorf("text snippet: %+v", res.Hits)
	}
}

func TestQueryErrors(t *testing.T) {
	x, _ := openFilled(t)
	tests := []struct {
		name string
		req  omgjort.SearchRequest
		want string // part of the Danish message
	}{
		{"unclosed quote", omgjort.SearchRequest{Query: `"konkret vurdering`}, "citationstegn, der ikke er lukket"},
		{"unclosed quote after a word", omgjort.SearchRequest{Query: `sanktion "konkret`}, "Tilføj det afsluttende"},
		{"lone plus", omgjort.SearchRequest{Query: "+"}, `"+"`},
		{"plus at the end", omgjort.SearchRequest{Query: "kommunen +"}, "står lige foran et ord"},
		{"lone minus", omgjort.SearchRequest{Query: "sygedagpenge - ophør"}, `"-"`},
		{"double operator", omgjort.SearchRequest{Query: "+-kommunen"}, "fjern det"},
		{"unknown field", omgjort.SearchRequest{Query: "foo:bar"}, `Søgefeltet "foo:" findes ikke`},
		{"år: not a year", omgjort.SearchRequest{Query: "år:abc"}, "ikke et gyldigt år"},
		{"år: reversed range", omgjort.SearchRequest{Query: "år:2025..2020"}, "ikke et gyldigt år"},
		{"år: bad bound", omgjort.SearchRequest{Query: "år:>=x"}, "ikke et gyldigt år"},
		{"field without value", omgjort.SearchRequest{Query: "lov: aktivloven"}, "mangler en værdi"},
		{"field with empty phrase", omgjort.SearchRequest{Query: `lov:""`}, "mangler en værdi"},
		{"field with stop words only", omgjort.SearchRequest{Query: "lov:og"}, "ingen ord"},
		{"unknown outcome", omgjort.SearchRequest{Query: "udfald:godkendt"}, "Udfaldet"},
		{"unknown error type", omgjort.SearchRequest{Query: "fejl:slåfejl"}, "Fejltypen"},
		{"unknown status", omgjort.SearchRequest{Query: "status:aktiv"}, "status:gældende"},
		{"too long", omgjort.SearchRequest{Query: strings.Repeat("a ", 600)}, "for lang"},
		{"page too big", omgjort.SearchRequest{Size: 101}, "højst vises 100"},
		{"window too deep", omgjort.SearchRequest{From: 9950, Size: 100}, "højst bladres"},
		{"negative from", omgjort.SearchRequest{From: -1}, "ugyldigt"},
		{"unknown sort", omgjort.SearchRequest{Sort: "titel"}, "Sorteringen"},
		{"unknown filter", omgjort.SearchRequest{Filters: map[string][]string{"farve": {"rød"}}}, "Filteret"},
		{"bad year filter", omgjort.SearchRequest{Filters: map[string][]string{"year": {"sidste år"}}}, "Årstallet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := x.Search(context.Background(), tc.req)
			var qe *omgjort.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("got result %v, error %v; want *omgjort.QueryError", res, err)
			}
			if !strings.Contains(qe.Message, tc.want) {
				t.Errorf("message %q does not contain %q", qe.Message, tc.want)
			}
			if qe.Err == nil {
				t.Errorf("QueryError without an underlying cause for the log")
			}
		})
	}
}

func TestLenientInput(t *testing.T) {
	x, _ := openFilled(t)
	// These look odd but are not errors: a colon in a phrase, stray symbols, an empty phrase, a
	// query of stop words only (lists everything), a colon after a non-letter.
	for _, q := range []string{`"kl. 10:30"`, "sanktion!", `""`, "og om at", "10:30", "(kommunen)", "§ 35"} {
		if _, err := x.Search(context.Background(), omgjort.SearchRequest{Query: q}); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	res := search(t, x, omgjort.SearchRequest{Query: "og om at"})
	if res.Total != 4 {
		t.Errorf("stop words only: total %d, want all 4", res.Total)
	}
}

func TestMinimalDecision(t *testing.T) {
	x, _ := openFilled(t)
	if err := x.Put(&omgjort.Decision{ID: "1-99", Number: "1-99"}); err != nil {
		t.Fatalf("Put minimal decision: %v", err)
	}
	res := search(t, x, omgjort.SearchRequest{Query: "nr:1-99"})
	if len(res.Hits) != 1 || res.Hits[0].Outcome != omgjort.OutcomeUkendt || res.Hits[0].Published != "" {
		t.Fatalf("minimal decision hit: %+v", res.Hits)
	}
	if h := res.Hits[0]; h.Errors == nil || h.Laws == nil || h.Snippets == nil {
		t.Errorf("nil slices in hit (they would be JSON null): %+v", h)
	}
	// Without a date it sorts after every dated decision.
	all := ids(search(t, x, omgjort.SearchRequest{}))
	if len(all) != 5 || all[4] != "1-99" {
		t.Errorf("undated decision not last: %v", all)
	}
}

func TestSearchCancelled(t *testing.T) {
	x, _ := openFilled(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := x.Search(ctx, omgjort.SearchRequest{Query: "kommunen"})
	var qe *omgjort.QueryError
	if err == nil || errors.As(err, &qe) {
		t.Errorf("cancelled search: got %v, want a non-query error", err)
	}
}

func TestReopenKeepsDocuments(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Put(fixtures()...); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	x, err = index.Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer x.Close()
	if n, err := x.Count(); err != nil || n != 4 {
		t.Fatalf("count after reopen: %d, %v", n, err)
	}
	res := search(t, x, omgjort.SearchRequest{Query: "afgørelser"})
	if res.Total != 3 {
		t.Errorf("search after reopen: %v", ids(res))
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	x, dir := openFilled(t)
	_ = x
	start := time.Now()
	y, err := index.Open(dir)
	took := time.Since(start)
	if err == nil {
		y.Close()
		t.Fatal("second Open of an open index succeeded")
	}
	if !errors.Is(err, index.ErrLocked) || errors.Is(err, index.ErrRebuild) {
		t.Errorf("second Open: %v; want ErrLocked and not ErrRebuild", err)
	}
	if took > 5*time.Second {
		t.Errorf("second Open took %v", took)
	}
}

func TestCorruptIndexNeedsRebuild(t *testing.T) {
	x, dir := openFilled(t)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := index.Open(dir)
	if !errors.Is(err, index.ErrRebuild) {
		t.Fatalf("open corrupt index: %v; want ErrRebuild", err)
	}
	if err := index.Destroy(dir); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	y, err := index.Open(dir)
	if err != nil {
		t.Fatalf("open after Destroy: %v", err)
	}
	defer y.Close()
	if n, _ := y.Count(); n != 0 {
		t.Errorf("rebuilt index has %d docs", n)
	}
}

func TestOpenForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "omgjort.db"), []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Open(dir); !errors.Is(err, index.ErrRebuild) {
		t.Errorf("open a non-index directory: %v; want ErrRebuild", err)
	}
	if err := index.Destroy(dir); err == nil {
		t.Error("Destroy removed a directory that is not an index")
	}
	if _, err := os.Stat(filepath.Join(dir, "omgjort.db")); err != nil {
		t.Errorf("foreign file gone: %v", err)
	}
	// An empty directory is fine: the index is created in it.
	empty := t.TempDir()
	x, err := index.Open(empty)
	if err != nil {
		t.Fatalf("open empty dir: %v", err)
	}
	x.Close()
}

func TestStampsFollowPutAndDelete(t *testing.T) {
	x, _ := openFilled(t)
	fx := fixtures()
	st, err := x.Stamps()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != len(fx) {
		t.Fatalf("stamps: %v", st)
	}
	for _, d := range fx {
		if st[d.ID] != index.Stamp(d) {
			t.Errorf("stamp of %s: %q, want %q", d.ID, st[d.ID], index.Stamp(d))
		}
	}

	d := fx[0]
	d.Version, d.RulesVersion, d.Outcome = 2, "r2", omgjort.OutcomeOphaevet
	if err := x.Put(d); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(fx[1].ID, "no-such-id"); err != nil {
		t.Fatal(err)
	}
	st, err = x.Stamps()
	if err != nil {
		t.Fatal(err)
	}
	if st[d.ID] != index.Stamp(d) || !strings.Contains(st[d.ID], "r2") {
		t.Errorf("stamp after re-Put: %q, want %q", st[d.ID], index.Stamp(d))
	}
	if _, ok := st[fx[1].ID]; ok {
		t.Errorf("deleted %s still has a stamp", fx[1].ID)
	}
	if n, _ := x.Count(); n != 3 || len(st) != 3 {
		t.Errorf("count %d, stamps %d; want 3", n, len(st))
	}
	// The re-Put replaced the document: the old outcome is gone from search.
	if res := search(t, x, omgjort.SearchRequest{Query: "udfald:hjemvist"}); res.Total != 0 {
		t.Errorf("old outcome still indexed: %v", ids(res))
	}
	if res := search(t, x, omgjort.SearchRequest{Query: "udfald:ophævet"}); !slices.Equal(ids(res), []string{d.ID}) {
		t.Errorf("new outcome: %v", ids(res))
	}
	if err := x.Put(&omgjort.Decision{}); err == nil {
		t.Error("Put of a decision without ID succeeded")
	}
}

func TestManyDocumentsBatchedAndPagedStamps(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 1,200 decisions")
	}
	dir := filepath.Join(t.TempDir(), "index")
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ds := generate(1200)
	if err := x.Put(ds...); err != nil {
		t.Fatal(err)
	}
	st, err := x.Stamps()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1200 {
		t.Errorf("stamps: %d, want 1200 (paging over 1,000)", len(st))
	}
	if st[ds[1199].ID] != index.Stamp(ds[1199]) {
		t.Errorf("last stamp wrong: %q", st[ds[1199].ID])
	}
	res := search(t, x, omgjort.SearchRequest{Query: "kommunen", From: 9900, Size: 100})
	if res.Total == 0 || len(res.Hits) != 0 {
		t.Errorf("deep page: total %d, hits %d", res.Total, len(res.Hits))
	}
}

// generate builds n varied decisions from a small Danish vocabulary.
func generate(n int) []*omgjort.Decision {
	words := strings.Fields("kommunen borgeren afgørelsen sygedagpenge kontanthjælp fleksjob ressourceforløb " +
		"partshøring begrundelse vejledning sanktion rådighed lægeerklæring arbejdsevne revalidering " +
		"ledighedsydelse boligstøtte tilbagebetaling opfølgning jobcenter helhedsvurdering")
	laws := []string{"Sygedagpengeloven", "Aktivloven", "Beskæftigelsesloven", "Boligstøtteloven", "Barnets Lov"}
	out := make([]*omgjort.Decision, 0, n)
	for i := range n {
		var b strings.Builder
		for j := range 300 {
			b.WriteString(words[(i*7+j*j+j*3)%len(words)])
			if j%12 == 11 {
				b.WriteString(". ")
			} else {
				b.WriteString(" ")
			}
		}
		year := 2015 + i%11
		num := fmt.Sprintf("%d-%02d", i+1, year%100)
		o := omgjort.Outcomes[i%len(omgjort.Outcomes)]
		out = append(out, &omgjort.Decision{
			ID: num, Number: num, Numbers: []string{num},
			Title:       fmt.Sprintf("Ankestyrelsens principmeddelelse %s om %s – %s", num, words[i%len(words)], words[(i+5)%len(words)]),
			Status:      []omgjort.Status{omgjort.StatusGaeldende, omgjort.StatusHistorisk}[i%2],
			Published:   fmt.Sprintf("%d-%02d-%02d", year, 1+i%12, 1+i%28),
			Year:        year,
			Laws:        []string{laws[i%len(laws)]},
			Keywords:    []string{words[(i+3)%len(words)]},
			Paragraphs:  []string{fmt.Sprintf("§ %d, stk. %d", 10+i%90, 1+i%3)},
			Authority:   []string{"Kommunal", "Udbetaling Danmark"}[i%2],
			Holding:     "Kommunen skal " + words[(i+1)%len(words)] + " før afgørelsen.",
			Cases:       []omgjort.Case{{ID: "1", Text: b.String()}},
			Outcome:     o,
			Errors:      []omgjort.ErrorType{omgjort.ErrorTypes[i%len(omgjort.ErrorTypes)]},
			ContentHash: fmt.Sprintf("h%d", i), RulesVersion: "r1", Version: 1,
		})
	}
	return out
}

// realRecord is the subset of a record in ../shared/corpus/astdk-real used here.
type realRecord struct {
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Date      string   `json:"date"`
	Number    string   `json:"decision_number"`
	Paragraph string   `json:"paragraph"`
	Status    string   `json:"status"`
	Year      int      `json:"year"`
	Tags      []string `json:"categories"`
}

// TestRealCorpus indexes the real decisions when the shared corpus is present and checks that
// each one is found by its number and by a word of its title, and that Danish text highlights.
func TestRealCorpus(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	repoRoot := filepath.Dir(filepath.Dir(file))
	files, _ := filepath.Glob(filepath.Join(repoRoot, "..", "shared", "corpus", "astdk-real", "*.json"))
	if len(files) == 0 {
		t.Skip("no ../shared/corpus/astdk-real: the real corpus is not on this machine")
	}
	var ds []*omgjort.Decision
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r realRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		st := omgjort.StatusGaeldende
		if r.Status == "Historisk" {
			st = omgjort.StatusHistorisk
		}
		var laws []string
		if len(r.Tags) > 0 {
			laws = r.Tags[:1]
		}
		ds = append(ds, &omgjort.Decision{
			ID: omgjort.NormalizeNumber(r.Number), Number: r.Number, Numbers: []string{r.Number},
			Title: r.Title, Status: st, Published: r.Date, Year: r.Year, Laws: laws,
			Paragraphs: []string{r.Paragraph},
			Cases:      []omgjort.Case{{ID: "1", Text: r.Text}},
			Outcome:    omgjort.OutcomeUkendt,
		})
	}
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.Put(ds...); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		res := search(t, x, omgjort.SearchRequest{Query: d.Number})
		if len(res.Hits) == 0 || res.Hits[0].ID != d.ID {
			t.Errorf("bare number %s: top hits %v", d.Number, ids(res))
		}
		res = search(t, x, omgjort.SearchRequest{Query: "nr:" + d.Number})
		if !slices.Equal(ids(res), []string{d.ID}) {
			t.Errorf("nr:%s: %v", d.Number, ids(res))
		}
	}
	res := search(t, x, omgjort.SearchRequest{Query: "afgørelser"})
	if res.Total == 0 {
		t.Fatal("no real decision matches afgørelser")
	}
	if sn := strings.Join(res.Hits[0].Snippets, " "); !strings.Contains(sn, "<mark>") {
		t.Errorf("no highlight in real text: %q", sn)
	}
}

func BenchmarkSearch(b *testing.B) {
	x, err := index.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	if err := x.Put(generate(2000)...); err != nil {
		b.Fatal(err)
	}
	reqs := []omgjort.SearchRequest{
		{Query: "kommunen afgørelsen"},
		{Query: `"partshøring begrundelse" -sanktion`, Filters: map[string][]string{"status": {"gaeldende"}}},
		{Query: "lov:aktivloven år:2020..2024 udfald:omgjort"},
		{},
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := x.Search(ctx, reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// A decision given twice to one Put, in different batches, ends up indexed as its later
// version (batches of distinct decisions are committed concurrently, these may not be).
func TestPutSameDecisionTwiceKeepsTheLater(t *testing.T) {
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ds := generate(1200)
	first, later := *ds[0], *ds[0]
	first.Title, later.Title = "Første udgave om kvotering", "Sidste udgave om brobygning"
	first.ContentHash, later.ContentHash = "first", "later"
	batch := append([]*omgjort.Decision{&first}, ds[1:]...)
	batch = append(batch, &later)
	if err := x.Put(batch...); err != nil {
		t.Fatal(err)
	}
	if res := search(t, x, omgjort.SearchRequest{Query: "titel:brobygning"}); !slices.Equal(ids(res), []string{later.ID}) {
		t.Errorf("titel:brobygning: %v", ids(res))
	}
	if res := search(t, x, omgjort.SearchRequest{Query: "titel:kvotering"}); len(res.Hits) != 0 {
		t.Errorf("titel:kvotering still finds %v", ids(res))
	}
	if n, err := x.Count(); err != nil || n != 1200 {
		t.Errorf("count %d, %v", n, err)
	}
}
