package index_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"omgjort"
)

// search13 runs q with filters and returns the sorted IDs of all hits.
func search13(t *testing.T, x interface {
	Search(context.Context, omgjort.SearchRequest) (*omgjort.SearchResult, error)
}, q string, filters map[string][]string) []string {
	t.Helper()
	res, err := x.Search(context.Background(), omgjort.SearchRequest{Query: q, Filters: filters, Size: 100})
	if err != nil {
		t.Fatalf("%q %v: %v", q, filters, err)
	}
	return sorted(ids(res))
}

// TestSearchByProvisionOfAct: a provision is found by its act, named in the text before or after
// the "§", or by the decision's single law tag for a bare provision of the Paragraf list; by the
// act's short name, long name, abbreviation or genitive; and never by another act's paragraph
// with the same number.
func TestSearchByProvisionOfAct(t *testing.T) {
	a := statDecision("1-25", "2025-01-10", "Sygedagpengeloven", omgjort.OutcomeHjemvist)
	a.Paragraphs = []string{"§ 47, stk. 1", "§ 54, stk. 1"}
	a.Cases[0].Text = "Kommunen skulle have fulgt forvaltningslovens § 19."
	a.Citations = omgjort.CitationsOf(a)
	b := statDecision("2-25", "2025-02-10", "Aktivloven", omgjort.OutcomeStadfaestet)
	b.Paragraphs = []string{"§ 14, stk. 1 og 2"}
	b.Citations = omgjort.CitationsOf(b)
	c := statDecision("3-25", "2025-03-10", "Serviceloven", omgjort.OutcomeAendret)
	c.Cases[0].Text = "Det følger af § 54 i sygedagpengeloven og af servicelovens § 14, at … Se også arbejdsmiljølovens § 5."
	c.Citations = omgjort.CitationsOf(c)
	// Two laws: the bare provision's act is not guessed.
	d := statDecision("4-25", "2025-04-10", "Aktivloven", omgjort.OutcomeAfvist)
	d.Laws = []string{"Aktivloven", "Retssikkerhedsloven"}
	d.Paragraphs = []string{"§ 14"}
	x := openWith(t, a, b, c, d)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{`§:"sygedagpengeloven 54"`, []string{"1-25", "3-25"}},
		{`§:"sdpl § 54"`, []string{"1-25", "3-25"}},
		{`§:"SDPL 54"`, []string{"1-25", "3-25"}},
		{`§:"lov om sygedagpenge § 54, stk. 1"`, []string{"1-25"}},
		{`§:"§ 54 i sygedagpengeloven"`, []string{"1-25", "3-25"}},
		{`§:"sygedagpengelovens § 47"`, []string{"1-25"}},
		{`§:"aktivloven 14"`, []string{"2-25"}},
		{`§:"LAS § 14, stk. 2"`, []string{"2-25"}},
		{`§:"lov om aktiv socialpolitik 14"`, []string{"2-25"}},
		{`§:"serviceloven 14"`, []string{"3-25"}},
		{`§:"fvl 19"`, []string{"1-25"}},
		{`§:sygedagpengeloven`, []string{"1-25", "3-25"}},
		{`§:14`, []string{"2-25", "3-25", "4-25"}},
		{`§:"arbejdsmiljøloven § 5"`, []string{"3-25"}}, // outside omgjort.Acts, but cited
	} {
		if got := search13(t, x, tc.q, nil); !reflect.DeepEqual(got, sorted(tc.want)) {
			t.Errorf("%s: got %v, want %v", tc.q, got, tc.want)
		}
	}
	for _, q := range []string{`§:"fooloven 54"`, `§:"54 fooloven"`} {
		_, err := x.Search(context.Background(), omgjort.SearchRequest{Query: q})
		var qe *omgjort.QueryError
		if !errors.As(err, &qe) || !strings.ContainsAny(qe.Message, "æøå") && !strings.Contains(qe.Message, "Skriv") {
			t.Errorf("%s: want a Danish query error, got %v", q, err)
		}
	}
}

// TestPerCaseOutcomesKritikDates: udfald: and the outcome facet count each case's outcome;
// kritik:, ugyldig:, dato: and afgørelsesdato: filter; several values of one facet are
// alternatives.
func TestPerCaseOutcomesKritikDates(t *testing.T) {
	mixed := statDecision("1-24", "2024-02-01", "Aktivloven", omgjort.OutcomeHjemvist)
	mixed.Cases = []omgjort.Case{{ID: "1", Text: "a", Outcome: omgjort.OutcomeHjemvist}, {ID: "2", Text: "b", Outcome: omgjort.OutcomeAfvist, Kritik: true}}
	mixed.RollUpCases()
	mixed.Signed = "2023-12-20"
	plain := statDecision("2-24", "2024-07-01", "Aktivloven", omgjort.OutcomeStadfaestet)
	plain.Cases[0].Outcome = omgjort.OutcomeStadfaestet
	plain.Signed = "2024-06-15"
	other := statDecision("3-24", "2024-09-01", "Serviceloven", omgjort.OutcomeAendret)
	other.Cases[0].Outcome = omgjort.OutcomeAendret
	x := openWith(t, mixed, plain, other)
	for _, tc := range []struct {
		q       string
		filters map[string][]string
		want    []string
	}{
		{"udfald:afvist", nil, []string{"1-24"}},
		{"udfald:hjemvist", nil, []string{"1-24"}},
		{"", map[string][]string{"outcome": {"afvist"}}, []string{"1-24"}},
		{"", map[string][]string{"outcome": {"afvist", "aendret"}}, []string{"1-24", "3-24"}},
		{"", map[string][]string{"outcome": {"afvist", "aendret"}, "law": {"Aktivloven"}}, []string{"1-24"}},
		{"kritik:ja", nil, []string{"1-24"}},
		{"kritik:nej", nil, []string{"2-24", "3-24"}},
		{"", map[string][]string{"kritik": {"ja"}}, []string{"1-24"}},
		{"dato:2024-01-01..2024-06-30", nil, []string{"1-24"}},
		{"dato:2024-07", nil, []string{"2-24"}},
		{"dato:2024-07-01..", nil, []string{"2-24", "3-24"}},
		{"dato:..2024-07-01", nil, []string{"1-24", "2-24"}},
		{"dato:2024", nil, []string{"1-24", "2-24", "3-24"}},
		{"afgørelsesdato:2023", nil, []string{"1-24"}},
		{"afgørelsesdato:2024-01-01..2024-06-30", nil, []string{"2-24"}},
		{"dato:2030", nil, nil},
	} {
		if got := search13(t, x, tc.q, tc.filters); !reflect.DeepEqual(got, sorted(tc.want)) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%q %v: got %v, want %v", tc.q, tc.filters, got, tc.want)
		}
	}
	res, err := x.Search(context.Background(), omgjort.SearchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range res.Facets["outcome"] {
		counts[f.Value] = f.Count
	}
	if want := map[string]int{"hjemvist": 1, "afvist": 1, "stadfaestet": 1, "aendret": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("outcome facet %v, want %v (each case's outcome)", counts, want)
	}
	if res.Hits[len(res.Hits)-1].Outcome != omgjort.OutcomeHjemvist {
		t.Errorf("the mixed decision's hit shows %q, want its roll-up hjemvist", res.Hits[len(res.Hits)-1].Outcome)
	}
	for _, q := range []string{"dato:2024-13-01", "dato:2024-06-30..2024-01-01", "dato:..", "kritik:måske", "afgørelsesdato:igår"} {
		_, err := x.Search(context.Background(), omgjort.SearchRequest{Query: q})
		var qe *omgjort.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: want a query error, got %v", q, err)
		}
	}
}

// TestThesaurusAndStemExceptions: "læge" no longer finds "lægger"; the thesaurus finds
// decisions by an act's abbreviation or long name and by staff shorthand.
func TestThesaurusAndStemExceptions(t *testing.T) {
	doctor := statDecision("1-23", "2023-01-01", "Sygedagpengeloven", omgjort.OutcomeHjemvist)
	doctor.Cases[0].Text = "Lægen har vurderet, at du er uarbejdsdygtig. Du modtager sygedagpenge."
	lay := statDecision("2-23", "2023-02-01", "Aktivloven", omgjort.OutcomeStadfaestet)
	lay.Cases[0].Text = "Vi lægger vægt på, at kommunen har partshørt dig efter aktivlovens regler om kontanthjælp."
	x := openWith(t, doctor, lay)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"læge", []string{"1-23"}},
		{"lægger", []string{"2-23"}},
		{"sdp", []string{"1-23"}},
		{"LAS", []string{"2-23"}},
		{"lov om aktiv socialpolitik", []string{"2-23"}},
		{`"lov om aktiv socialpolitik"`, []string{"2-23"}},
		{"høring", []string{"2-23"}},
		{"hjælp efter aktivloven", []string{"2-23"}},
		{"sdp -læge", nil},
	} {
		if got := search13(t, x, tc.q, nil); !reflect.DeepEqual(got, sorted(tc.want)) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: got %v, want %v", tc.q, got, tc.want)
		}
	}
	res, err := x.Search(context.Background(), omgjort.SearchRequest{Query: "LAS"})
	if err != nil || len(res.Hits) != 1 || len(res.Hits[0].Snippets) == 0 || !strings.Contains(res.Hits[0].Snippets[0], "<mark>aktivlovens</mark>") {
		t.Errorf("LAS: the snippet should mark the act's name: %+v %v", res, err)
	}
}

// TestSuggestFromTheIndexTerms: a misspelt word is replaced by the nearest word of the index, as
// the decisions write it; known words and a query without near words get no suggestion.
func TestSuggestFromTheIndexTerms(t *testing.T) {
	a := statDecision("1-23", "2023-01-01", "Sygedagpengeloven", omgjort.OutcomeHjemvist)
	a.Cases[0].Text = "Efter sygedagpengeloven har kommunen pligt til opfølgning. Sygedagpengeloven gælder også her, jf. sygedagpengelovens § 7."
	own := statDecision("E-1", "2023-02-01", "Aktivloven", omgjort.OutcomeStadfaestet)
	own.Source = omgjort.SourceOwn
	own.Cases[0].Text = "Borgeren bor på Kirkegårdsstræde i byen."
	x := openWith(t, a, own)
	for q, want := range map[string]string{
		"kirkegardsstræde":          "", // only in an own decision: never suggested
		"sygedagpengelovn":          "sygedagpengeloven",
		"kommunen sygedagpengelovn": "kommunen sygedagpengeloven",
		"opfølgnng lov:aktivloven":  "opfølgning lov:aktivloven",
		"sygedagpengeloven":         "",
		"xqzvwkjh":                  "",
	} {
		got, err := x.Suggest(context.Background(), q)
		if err != nil || got != want {
			t.Errorf("Suggest(%q) = %q, %v; want %q", q, got, err, want)
		}
	}
	// The same word in a published decision is suggested.
	pub := statDecision("2-23", "2023-03-01", "Aktivloven", omgjort.OutcomeStadfaestet)
	pub.Cases[0].Text = own.Cases[0].Text
	if err := x.Put(pub); err != nil {
		t.Fatal(err)
	}
	if got, err := x.Suggest(context.Background(), "kirkegardsstræde"); err != nil || got != "kirkegårdsstræde" {
		t.Errorf("Suggest of a published word = %q, %v", got, err)
	}
}
