package officialstats_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"omgjort"
	"omgjort/officialstats"
)

// nationalFile writes a Talportal export of every municipality with subjects × years rows each.
func nationalFile(subjects, years int) []byte {
	var b bytes.Buffer
	b.WriteString("Kommune;Lovgivning;Sagsemne;periode;Antal sager i alt;Stadfæstelse;Ændring/Ophævelse;Hjemvisning;Afvisning/Henvisning\n")
	for y := 0; y < years; y++ {
		for i, m := range officialstats.Municipalities {
			for s := 0; s < subjects; s++ {
				n := 20 + (i*7+s*3+y)%50
				fmt.Fprintf(&b, "%s;Lov %d;Emne %d;%d;%d;%d;%d;%d;%d\n", m.Name, s%6, s, 2014+y, n, n-9, 3, 4, 2)
			}
		}
	}
	return b.Bytes()
}

// BenchmarkComparisonNational: /stats's official section over a national file (98
// municipalities × 60 subjects × 10 years = 58,800 rows) and a store of 20,000 published
// decisions and 200 own ones, as every request after the first computes it (the official part
// cached until the next import; the own decisions read each time).
func BenchmarkComparisonNational(b *testing.B) { benchComparison(b, false) }

// BenchmarkComparisonNationalCold is the first request after a start or an import.
func BenchmarkComparisonNationalCold(b *testing.B) { benchComparison(b, true) }

func benchComparison(b *testing.B, cold bool) {
	db := openDB(b)
	svc := officialstats.New(db)
	ctx := context.Background()
	if _, err := svc.Import(ctx, "national.csv", nationalFile(60, 10), "Aarhus"); err != nil {
		b.Fatal(err)
	}
	var ds []*omgjort.Decision
	for i := 0; i < 20200; i++ {
		d := &omgjort.Decision{ID: fmt.Sprintf("%d-20", i), Number: fmt.Sprintf("%d-20", i), Source: "astdk", ContentHash: fmt.Sprint(i),
			Laws: []string{"Lov 1"}, Signed: "2020-05-01", Sections: []omgjort.Section{{Heading: "Afgørelse", Text: string(bytes.Repeat([]byte("Ankestyrelsen har vurderet sagen. "), 300))}},
			Cases: []omgjort.Case{{ID: "1", Outcome: omgjort.OutcomeHjemvist}}}
		if i >= 20000 {
			d.Source = omgjort.SourceOwn
		}
		d.RollUpCases()
		ds = append(ds, d)
	}
	if _, err := db.PutDecisions(ds); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Comparison(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if cold {
			svc = officialstats.New(db)
		}
		c, err := svc.Comparison(ctx)
		if err != nil || len(c.Rows) == 0 || c.OwnDecisions != 200 {
			b.Fatalf("%v %d %d", err, len(c.Rows), c.OwnDecisions)
		}
	}
}
