package ingest

import (
	"testing"

	"omgjort"
	"omgjort/classify"
	"omgjort/index"
	"omgjort/store"
)

func open(t *testing.T) *Pipeline {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	idx, err := index.Open(IndexDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	cls, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	return New(db, idx, cls, nil)
}

func own(id, signed, hash, team, text string) *omgjort.Decision {
	return &omgjort.Decision{ID: id, Number: id, Source: omgjort.SourceOwn, Signed: signed, ContentHash: hash, Team: team,
		Title: "Egen afgørelse", Cases: []omgjort.Case{{ID: "1", Text: text}}}
}

func TestSaveOwnOnceOnly(t *testing.T) {
	p := open(t)
	const text = "Du har klaget over Aarhus Kommunes afgørelse. Vi ændrer kommunens afgørelse."
	steps := []struct {
		d    *omgjort.Decision
		want OwnChange
	}{
		{own("egen-25-1", "2025-03-03", "h1", "Team Syd", text), OwnNew},
		{own("egen-25-1", "2025-03-03", "h1", "", text), OwnDuplicate},                                  // imported again
		{own("egen-25-1", "2025-03-03", "h1b", "", text+" Ny OCR."), OwnDuplicate},                      // same j.nr. and date, read a little differently
		{own("egen-25-1", "2025-04-01", "h2", "", "Vi stadfæster kommunens afgørelse."), OwnNewVersion}, // a corrected letter
		{own("egen-25-1", "2025-04-01", "h2", "", "Vi stadfæster kommunens afgørelse."), OwnDuplicate},
	}
	for i, s := range steps {
		got, err := p.SaveOwn(s.d)
		if err != nil || got != s.want {
			t.Fatalf("step %d: %v %v, want %v", i, got, err, s.want)
		}
	}
	d, err := p.db.Get("egen-25-1")
	if err != nil || d.Version != 2 || d.Team != "Team Syd" || d.Outcome != omgjort.OutcomeStadfaestet || d.RulesVersion == "" {
		t.Fatalf("stored: %+v %v", d, err)
	}
	if c, _ := p.Index().Count(); c != 1 {
		t.Errorf("index holds %d", c)
	}
	if err := p.SetTeam("egen-25-1", "Team Nord"); err != nil {
		t.Fatal(err)
	}
	if d, _ := p.db.Get("egen-25-1"); d.Team != "Team Nord" || d.Version != 2 {
		t.Errorf("team later: %q version %d", d.Team, d.Version)
	}
	// A published decision is never overwritten or re-teamed through the own-decision path.
	pub := &omgjort.Decision{ID: "egen-25-9", Number: "egen-25-9", Source: "astdk", ContentHash: "x", Cases: []omgjort.Case{{ID: "1", Text: text}}}
	if _, err := p.db.PutDecision(pub, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SaveOwn(own("egen-25-9", "2025-01-01", "y", "", text)); err == nil {
		t.Error("an own decision replaced a published one")
	}
	if err := p.SetTeam("egen-25-9", "Team Syd"); err == nil {
		t.Error("a published decision got a team")
	}
	if _, err := p.SaveOwn(&omgjort.Decision{ID: "x", Source: "astdk"}); err == nil {
		t.Error("SaveOwn took a published decision")
	}
}
