package main

import (
	"fmt"
	"time"

	"omgjort"
)

// demoOwnDecisions are two made-up decisions of a fictitious municipality, so the demo shows
// what own decisions look like: refused to anonymous visitors, readable after signing in,
// every read in the audit log. They are invented for the demo (no real citizen, no real case),
// and the importer of issue 12 replaces this with real letters.
func demoOwnDecisions() []*omgjort.Decision {
	mk := func(id, title, published, law, team, text string) *omgjort.Decision {
		return &omgjort.Decision{ID: id, Number: id, Numbers: []string{id}, Title: title,
			Source: omgjort.SourceOwn, Team: team, Intake: &omgjort.Intake{Route: omgjort.IntakeDemo, Imported: time.Now().UTC()}, Status: omgjort.StatusGaeldende, Published: published,
			Year: 2026, Laws: []string{law}, Authority: "Kommunal", Journal: id,
			Cases:     []omgjort.Case{{ID: "1", Heading: "Demoafgørelse (opdigtet)", Text: text}},
			FetchedAt: time.Now().UTC(), Version: 1}
	}
	return []*omgjort.Decision{
		mk("DEMO-26-00001", "Demo: egen afgørelse om sygedagpenge – opfølgning", "2026-02-03", "Sygedagpengeloven", "Team Sygedagpenge",
			"Du har klaget over Demo Kommunes afgørelse om ophør af sygedagpenge.\n\n"+
				"Vi hjemviser sagen til kommunen.\n\n"+
				"Kommunen har ikke partshørt dig, før kommunen traf afgørelse, og begrundelsen er mangelfuld.\n\n"+
				"Denne afgørelse er opdigtet til demonstrationen af Omgjort."),
		mk("DEMO-26-00002", "Demo: egen afgørelse om kontanthjælp – sanktion", "2026-03-10", "Aktivloven", "Team Kontanthjælp",
			"Du har klaget over Demo Kommunes afgørelse om sanktion.\n\n"+
				"Vi stadfæster kommunens afgørelse.\n\n"+
				"Denne afgørelse er opdigtet til demonstrationen af Omgjort."),
	}
}

// addDemoOwn classifies, stores and indexes the demo's own decisions.
func (a *app) addDemoOwn() (int, error) {
	ds := demoOwnDecisions()
	for _, d := range ds {
		a.Enrich(d)
	}
	if _, err := a.db.PutDecisions(ds); err != nil {
		return 0, fmt.Errorf("demo: store own decisions: %w", err)
	}
	if err := a.Index().Put(ds...); err != nil {
		return 0, fmt.Errorf("demo: index own decisions: %w", err)
	}
	return len(ds), nil
}
