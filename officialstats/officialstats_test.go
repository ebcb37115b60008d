package officialstats_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"omgjort"
	"omgjort/officialstats"
	"omgjort/store"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAll98Municipalities(t *testing.T) {
	if n := len(officialstats.Municipalities); n != 98 {
		t.Fatalf("%d municipalities, want 98", n)
	}
	codes, names := map[string]bool{}, map[string]bool{}
	for _, m := range officialstats.Municipalities {
		if len(m.Code) != 3 || codes[m.Code] || names[m.Name] {
			t.Errorf("bad or duplicate municipality %+v", m)
		}
		codes[m.Code], names[m.Name] = true, true
		if got, _, _, ok := officialstats.Match(m.Name + " Kommune"); !ok || got != m {
			t.Errorf("Match(%q Kommune) = %+v %v", m.Name, got, ok)
		}
	}
	for in, want := range map[string]string{"Århus": "751", "Aarhus Kommune": "751", "AARHUS": "751", "Ålborg": "851",
		"Aalborg": "851", "Høje Taastrup": "169", "Lyngby-Taarbæk Kommune": "173", "Nordfyn": "480", "Københavns Kommune": "101",
		"Bornholms Regionskommune": "400", "Taarnby": "185", "751": "751"} {
		if m, _, _, ok := officialstats.Match(in); !ok || m.Code != want {
			t.Errorf("Match(%q) = %+v %v, want %s", in, m, ok, want)
		}
	}
	if _, country, _, ok := officialstats.Match("Hele landet"); !ok || !country {
		t.Error("Hele landet is the country")
	}
	if _, _, other, ok := officialstats.Match("Region Midtjylland"); ok || !other {
		t.Error("a region is neither a municipality nor an error")
	}
	if _, _, _, ok := officialstats.Match("Århuus"); ok {
		t.Error("Århuus matched")
	}
	if s := officialstats.Suggest("Århuus"); s != "Aarhus" {
		t.Errorf("Suggest(Århuus) = %q", s)
	}
}

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{{0, 10, 0, 27.75}, {5, 10, 23.66, 76.34}, {24, 129, 12.83, 26.19}, {10, 10, 72.25, 100}} {
		lo, hi, ok := omgjort.Wilson95(c.k, c.n)
		if !ok || math.Abs(lo-c.lo) > 0.01 || math.Abs(hi-c.hi) > 0.01 {
			t.Errorf("Wilson95(%d, %d) = %.2f–%.2f, want %.2f–%.2f", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
	if _, _, ok := omgjort.Wilson95(0, 0); ok {
		t.Error("no interval over nothing")
	}
	a, b := omgjort.Estimate(30, 100), omgjort.Estimate(25, 100)
	if v := omgjort.Verdict(a, b); v != "ingen sikker forskel" {
		t.Errorf("30/100 vs 25/100: %q (the intervals overlap)", v)
	}
	if v := omgjort.Verdict(omgjort.Estimate(300, 1000), omgjort.Estimate(200, 1000)); v != "højere" {
		t.Errorf("300/1000 vs 200/1000: %q", v)
	}
	if !omgjort.Estimate(3, 9).Small || omgjort.Estimate(3, 10).Small {
		t.Error("n < 10 is small")
	}
}

func TestParseTalportalLatin1(t *testing.T) {
	p, err := officialstats.Parse(fixture(t, "talportal_2022_2023.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Dataset != officialstats.DatasetTalportal || strings.Join(p.Periods, ",") != "2022,2023" {
		t.Fatalf("dataset %q periods %v", p.Dataset, p.Periods)
	}
	if p.Municipalities != 16 || p.Skipped != 2 {
		t.Errorf("municipalities %d skipped %d, want 16 and the 2 region rows", p.Municipalities, p.Skipped)
	}
	var aarhus *omgjort.OfficialRow
	for i, r := range p.Rows {
		if r.Code == "751" && r.Subject == "Sygedagpenge - ophør" && r.Period == "2022" {
			aarhus = &p.Rows[i]
		}
	}
	// "Århus";"Sygedagpengeloven";"Sygedagpenge - ophør";"2022";93;56;8;20;9;33,3
	if aarhus == nil || aarhus.Kommune != "Aarhus" || aarhus.Total != 93 || aarhus.Stadfaestet != 56 ||
		aarhus.AendretOphaevet != 8 || aarhus.Hjemvist != 20 || aarhus.Afvist != 9 || !aarhus.HasRate || aarhus.PublishedRate != 33.3 {
		t.Fatalf("Århus row: %+v", aarhus)
	}
	if aarhus.Examined() != 84 || aarhus.Reversed() != 28 {
		t.Errorf("examined %d reversed %d", aarhus.Examined(), aarhus.Reversed())
	}
}

func TestParseAnkeast(t *testing.T) {
	p, err := officialstats.Parse(fixture(t, "ankeast1_2023.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Dataset != officialstats.DatasetAnkeast || strings.Join(p.Periods, ",") != "2023" || p.Municipalities != 3 {
		t.Fatalf("%+v", p)
	}
	for _, r := range p.Rows {
		if r.Code == "751" && r.Subject == "" {
			if r.Law != "Lov om sygedagpenge" || r.Stadfaestet != 120 || r.AendretOphaevet != 30 || r.Hjemvist != 30 || r.Afvist != 30 || r.Total != 210 {
				t.Errorf("Aarhus law row %+v", r)
			}
			return
		}
	}
	t.Fatal("no Aarhus law row")
}

func TestBadFilesNameTheLine(t *testing.T) {
	for _, c := range []struct {
		file string
		line int
		want string
	}{
		{"talportal_forkert_raekke.csv", 9, "felter"},
		{"talportal_blandet_tegnkodning.csv", 6, "UTF-8"},
		{"talportal_windows1252.csv", 7, "0x96"},
		{"talportal_forkert_kommune.csv", 4, "mente du Aarhus"},
		{"ukendt_format.csv", 1, "ukendt format"},
	} {
		_, err := officialstats.Parse(fixture(t, c.file))
		var ie *omgjort.ImportError
		if !errors.As(err, &ie) {
			t.Errorf("%s: %v, want an ImportError", c.file, err)
			continue
		}
		if ie.Line != c.line || !strings.Contains(ie.Message, c.want) {
			t.Errorf("%s: %q, want line %d and %q", c.file, err, c.line, c.want)
		}
	}
	if _, err := officialstats.Parse([]byte("\xff\xfeK\x00o\x00")); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16: %v", err)
	}
}

func TestImportReplaceOverlapAndNothingHalf(t *testing.T) {
	db := openDB(t)
	svc := officialstats.New(db)
	ctx := context.Background()
	if _, err := svc.Import(ctx, "a.csv", fixture(t, "talportal_2022_2023.csv"), ""); err == nil || !strings.Contains(err.Error(), "--kommune") {
		t.Fatalf("no municipality: %v", err)
	}
	if _, err := svc.Import(ctx, "a.csv", fixture(t, "talportal_2022_2023.csv"), "Aarhuus"); err == nil || !strings.Contains(err.Error(), "mente du Aarhus") {
		t.Fatalf("wrong municipality: %v", err)
	}
	first, err := svc.Import(ctx, "talportal_2022_2023.csv", fixture(t, "talportal_2022_2023.csv"), "Århus")
	if err != nil {
		t.Fatal(err)
	}
	rowsBefore, _ := db.OfficialRows()
	if len(rowsBefore) != first.Rows || first.Rows == 0 {
		t.Fatalf("%d rows stored, import says %d", len(rowsBefore), first.Rows)
	}
	before, _ := svc.Comparison(ctx)
	// Bad files and an overlapping period change nothing.
	for _, f := range []string{"talportal_forkert_raekke.csv", "talportal_blandet_tegnkodning.csv", "talportal_forkert_kommune.csv", "ukendt_format.csv", "talportal_2023_2024.csv"} {
		_, err := svc.Import(ctx, f, fixture(t, f), "")
		if err == nil {
			t.Errorf("%s imported", f)
		}
		if f == "talportal_2023_2024.csv" && (!strings.Contains(err.Error(), "2023") || !strings.Contains(err.Error(), "talportal_2022_2023.csv")) {
			t.Errorf("overlap message %q should name the period and the earlier file", err)
		}
		rows, _ := db.OfficialRows()
		imps, _ := db.OfficialImports()
		if len(rows) != len(rowsBefore) || len(imps) != 1 {
			t.Fatalf("after %s: %d rows, %d imports – half imported", f, len(rows), len(imps))
		}
	}
	// A revised file replaces its periods.
	rev, err := svc.Import(ctx, "revideret.csv", fixture(t, "talportal_2022_2023_revideret.csv"), "")
	if err != nil {
		t.Fatal(err)
	}
	imps, _ := db.OfficialImports()
	if len(imps) != 1 || imps[0].ID != rev.ID || len(rev.Replaced) != 1 || rev.Replaced[0] != first.ID {
		t.Fatalf("imports after revision: %+v", imps)
	}
	rows, _ := db.OfficialRows()
	if len(rows) != rev.Rows {
		t.Fatalf("%d rows after revision, want %d", len(rows), rev.Rows)
	}
	after, _ := svc.Comparison(ctx)
	if len(after.Rows) != len(before.Rows) || after.Rows[0].Ours.K == before.Rows[0].Ours.K {
		t.Errorf("the revision (one more ændret per row) did not change the figures: %+v vs %+v", before.Rows[0], after.Rows[0])
	}
	// Another dataset never collides with the Talportal periods.
	if _, err := svc.Import(ctx, "ankeast1_2023.csv", fixture(t, "ankeast1_2023.csv"), ""); err != nil {
		t.Fatal(err)
	}
}

func TestComparison(t *testing.T) {
	db := openDB(t)
	svc := officialstats.New(db)
	ctx := context.Background()
	if _, err := svc.Import(ctx, "t.csv", fixture(t, "talportal_2022_2023.csv"), "Aarhus"); err != nil {
		t.Fatal(err)
	}
	// One own letter, reversed, about sygedagpenge in 2023.
	own := &omgjort.Decision{ID: "egen-1", Number: "egen-1", Title: "Egen afgørelse", Source: "egen", Signed: "2023-05-02",
		Laws: []string{"Sygedagpengeloven"}, Cases: []omgjort.Case{{ID: "1", Outcome: omgjort.OutcomeHjemvist,
			Errors: []omgjort.ErrorLabel{{Type: omgjort.ErrPartshoering}}}}}
	own.RollUpCases()
	if _, err := db.PutDecision(own, nil); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Comparison(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.OursCode != "751" || c.OursName != "Aarhus" || len(c.Rows) != 4 {
		t.Fatalf("ours %s %s, %d rows, want 2 laws × 2 years", c.OursCode, c.OursName, len(c.Rows))
	}
	if c.OwnDecisions != 1 || c.OwnReversed != 1 || c.OwnByError[omgjort.ErrPartshoering] != 1 {
		t.Errorf("own: %d %d %v", c.OwnDecisions, c.OwnReversed, c.OwnByError)
	}
	rows, _ := db.OfficialRows()
	for _, r := range c.Rows {
		// Recompute ours and the country (sum of all municipalities) from the stored rows.
		var k, n, ck, cn, decided int
		for _, x := range rows {
			if x.Law != r.Law || x.Period != r.Period {
				continue
			}
			ck, cn = ck+x.Reversed(), cn+x.Examined()
			if x.Code == "751" {
				k, n, decided = k+x.Reversed(), n+x.Examined(), decided+x.Total
			}
		}
		if r.Ours.K != k || r.Ours.N != n || r.Country.K != ck || r.Country.N != cn || r.Decided != decided {
			t.Errorf("%s %s: ours %d/%d country %d/%d decided %d, want %d/%d %d/%d %d", r.Law, r.Period, r.Ours.K, r.Ours.N, r.Country.K, r.Country.N, r.Decided, k, n, ck, cn, decided)
		}
		if r.Similar.N == 0 || r.Similar.N >= r.Country.N {
			t.Errorf("%s %s: similar n %d", r.Law, r.Period, r.Similar.N)
		}
		want := omgjort.Verdict(r.Ours, r.Country)
		if r.VsCountry != want || want == "" {
			t.Errorf("verdict %q want %q", r.VsCountry, want)
		}
		if r.Law == "Sygedagpengeloven" && r.Period == "2023" && r.OwnImported != 1 {
			t.Errorf("coverage: %d own decisions for sygedagpenge 2023, want 1", r.OwnImported)
		}
		if r.Period == "2022" && r.OwnImported != 0 {
			t.Errorf("coverage 2022: %d", r.OwnImported)
		}
	}
	sim := c.Similar["2023"]
	if len(sim) != 10 {
		t.Fatalf("similar: %v", sim)
	}
	for _, n := range sim {
		if n == "Aarhus" || n == "Læsø" {
			t.Errorf("similar to Aarhus (the largest) holds %s", n)
		}
	}
}
