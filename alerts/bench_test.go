package alerts

import (
	"context"
	"fmt"
	"testing"
	"time"

	"omgjort"
)

// BenchmarkPlanDaily measures what the daily run does per user: read the decisions stored
// since the oldest saved search (a store of 2,000 decisions, 100 of them new) and find those
// new to each of the user's 5 searches (one search per new decision and saved search, plus
// one probe per search), with the index's result cache off.
func BenchmarkPlanDaily(b *testing.B) {
	f := newFixture(b)
	var ds []*omgjort.Decision
	words := []string{"sygedagpenge", "kontanthjælp", "fleksjob", "ressourceforløb", "boligstøtte"}
	for i := range 2000 {
		num := fmt.Sprintf("%d-%d", 10+i/900, i%900+1)
		first := t0.Add(-time.Hour)
		if i%100 < 5 {
			first = t0.Add(time.Hour)
		}
		d := &omgjort.Decision{ID: num, Number: num, Numbers: []string{num}, Title: "Afgørelse " + num, Source: "astdk",
			Status: omgjort.StatusGaeldende, Published: "2026-03-01", Year: 2026, Laws: []string{"Sygedagpengeloven"}, FirstStored: first.UTC(),
			Cases: []omgjort.Case{{ID: "1", Text: "Vi hjemviser sagen om " + words[i%len(words)] + " til kommunen.", Outcome: omgjort.OutcomeHjemvist}}}
		d.RollUpCases()
		ds = append(ds, d)
	}
	if _, err := f.db.PutDecisions(ds); err != nil {
		b.Fatal(err)
	}
	if err := f.idx.Put(ds...); err != nil {
		b.Fatal(err)
	}
	ctx := f.user("jurist", omgjort.RoleJurist, "jurist@kommune.dk")
	var list []Alert
	for _, w := range words {
		list = append(list, f.save(ctx, w, "q="+w, Daily))
	}
	u := omgjort.UserFrom(ctx)
	// A daily run's searches are new to the index's result cache (the decisions changed
	// since yesterday): measure them computed, not cached.
	f.idx.SetCacheSize(0)
	b.ResetTimer()
	for b.Loop() {
		cands, err := f.s.candidates(t0)
		if err != nil {
			b.Fatal(err)
		}
		items, bad, err := f.s.plan(context.Background(), u, list, cands)
		if err != nil || len(bad) > 0 || len(items) != 5 || items[0].count() != 20 {
			b.Fatalf("plan: %d items, %v, %v", len(items), bad, err)
		}
	}
}
