package index_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"omgjort"
	"omgjort/index"
)

// statDecision is a small decision for the citation and statistics tests.
func statDecision(num, published, law string, out omgjort.Outcome, errs ...omgjort.ErrorType) *omgjort.Decision {
	return &omgjort.Decision{
		ID: omgjort.NormalizeNumber(num), Number: num, Numbers: []string{num},
		Title: "Principmeddelelse " + num, Status: omgjort.StatusGaeldende, Published: published,
		Laws: []string{law}, Outcome: out, Errors: errs,
		Cases: []omgjort.Case{{ID: "1", Text: "Vi har behandlet sagen."}},
	}
}

func openWith(t *testing.T, ds ...*omgjort.Decision) *index.Index {
	t.Helper()
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if err := x.Put(ds...); err != nil {
		t.Fatalf("Put: %v", err)
	}
	return x
}

func TestCitationsAreSearchable(t *testing.T) {
	a := statDecision("10-25", "2025-03-01", "Aktivloven", omgjort.OutcomeHjemvist)
	a.Cases[0].Text = "Kommunen skulle have partshørt dig efter forvaltningslovens § 19, stk. 1. Se principmeddelelse 43-19 og O-26-96."
	a.Citations = omgjort.CitationsOf(a)
	b := statDecision("11-25", "2025-04-01", "Serviceloven", omgjort.OutcomeStadfaestet)
	b.Cases[0].Text = "Efter servicelovens § 110 kan kommunen opkræve betaling. Vi henviser til principmeddelelse 10-25."
	b.Citations = omgjort.CitationsOf(b)
	c := statDecision("43-19", "2019-11-01", "Serviceloven", omgjort.OutcomeAendret)
	x := openWith(t, a, b, c)

	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"citerer:43-19", []string{"10-25"}},
		{"citerer:o-26-96", []string{"10-25"}},
		{"citerer:10-25", []string{"11-25"}},
		{"§:19", []string{"10-25"}},
		{`§:"forvaltningsloven 19"`, []string{"10-25"}},
		{`§:"forvaltningslovens § 19, stk. 1"`, []string{"10-25"}},
		{"§:110", []string{"11-25"}},
		{"§:serviceloven", []string{"11-25"}},
		{"citerer:99-99", nil},
	} {
		res, err := x.Search(context.Background(), omgjort.SearchRequest{Query: tc.q})
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if got := ids(res); !reflect.DeepEqual(sorted(got), sorted(tc.want)) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: got %v, want %v", tc.q, got, tc.want)
		}
	}
	if _, err := x.Search(context.Background(), omgjort.SearchRequest{Query: "citerer:"}); err == nil {
		t.Error("citerer: without a value was accepted")
	}
}

func TestStats(t *testing.T) {
	ds := []*omgjort.Decision{
		statDecision("1-24", "2024-01-10", "Aktivloven", omgjort.OutcomeHjemvist, omgjort.ErrPartshoering, omgjort.ErrBegrundelse),
		statDecision("2-24", "2024-02-10", "Aktivloven", omgjort.OutcomeAendret, omgjort.ErrPartshoering),
		statDecision("3-24", "2024-03-10", "Aktivloven", omgjort.OutcomeStadfaestet, omgjort.ErrBegrundelse), // criticised, upheld
		statDecision("4-24", "2024-03-20", "Serviceloven", omgjort.OutcomeAfvist),
		statDecision("5-24", "2024-05-01", "Serviceloven", omgjort.OutcomeOphaevet, omgjort.ErrKompetence),
		statDecision("6-24", "2024-06-01", "Serviceloven", omgjort.OutcomeStadfaestet),
		statDecision("7-24", "", "Serviceloven", omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning), // no date: laws only
	}
	// A Historisk record republished as 1-24 is the same decision: not counted again.
	old := statDecision("20-23", "2023-12-01", "Aktivloven", omgjort.OutcomeHjemvist, omgjort.ErrPartshoering)
	old.Status, old.ReplacedBy = omgjort.StatusHistorisk, "1-24"
	ds = append(ds, old)
	x := openWith(t, ds...)

	st, err := x.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if st.Decisions != 7 {
		t.Errorf("Decisions = %d, want 7 (the republished record left out)", st.Decisions)
	}
	row := func(k string, all, afv, rev int, errs map[omgjort.ErrorType]int) omgjort.StatsRow {
		if errs == nil {
			errs = map[omgjort.ErrorType]int{}
		}
		return omgjort.StatsRow{Key: k, All: all, Afvist: afv, Reversed: rev, ReversedByError: errs}
	}
	wantQ := []omgjort.StatsRow{
		row("2024-1", 4, 1, 2, map[omgjort.ErrorType]int{omgjort.ErrPartshoering: 2, omgjort.ErrBegrundelse: 1}),
		row("2024-2", 2, 0, 1, map[omgjort.ErrorType]int{omgjort.ErrKompetence: 1}),
	}
	if !reflect.DeepEqual(st.Quarters, wantQ) {
		t.Errorf("Quarters =\n%+v\nwant\n%+v", st.Quarters, wantQ)
	}
	wantL := []omgjort.StatsRow{
		row("Serviceloven", 4, 1, 2, map[omgjort.ErrorType]int{omgjort.ErrKompetence: 1, omgjort.ErrSagsoplysning: 1}),
		row("Aktivloven", 3, 0, 2, map[omgjort.ErrorType]int{omgjort.ErrPartshoering: 2, omgjort.ErrBegrundelse: 1}),
	}
	if !reflect.DeepEqual(st.Laws, wantL) {
		t.Errorf("Laws =\n%+v\nwant\n%+v", st.Laws, wantL)
	}
	// omgørelsesprocent = reversed / (all − afvist): 2 / (4 − 1).
	if pct, ok := st.Quarters[0].Rate(); !ok || fmt.Sprintf("%.1f", pct) != "66.7" {
		t.Errorf("rate 2024-1 = %v %v, want 66.7", pct, ok)
	}
}

func TestStatsEmptyIndex(t *testing.T) {
	x := openWith(t)
	st, err := x.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if st.Decisions != 0 || len(st.Quarters) != 0 || len(st.Laws) != 0 {
		t.Errorf("Stats on empty index = %+v", st)
	}
}
