package store

import (
	"net/http"
	"testing"
	"time"

	"omgjort"
)

func TestSaveSetArchivesHeadersAndLinksAtomically(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, b := testDecision("21-25", "h1"), testDecision("2-26", "h2")
	a.Journal, b.Journal = "24-123875", "24–123875"
	a.ReplacedBy, b.Replaces = "2-26", []string{"21-25"}
	raw := &omgjort.RawPage{URL: "https://www.ast.dk/x", Status: 200, Body: []byte("<html>"), FetchedAt: time.Now()}
	page := &omgjort.PageState{URL: raw.URL, DecisionID: "2-26"}
	ch, err := db.SaveSet(Save{Decisions: []*omgjort.Decision{b, a}, Raw: raw, Header: http.Header{"Etag": {`"v1"`}},
		RawFor: "2-26", Links: map[string][]SourceLink{"2-26": {{Source: "astdk", URL: raw.URL}}}, Page: page})
	if err != nil || ch[0] != New || ch[1] != New {
		t.Fatalf("SaveSet: %v %v", ch, err)
	}
	fam, _ := db.ByJournal("24-123875")
	if len(fam) != 2 {
		t.Errorf("ByJournal found %d, want 2 (dash forms alike)", len(fam))
	}
	var got *ArchivedPage
	db.ForEachLatestRaw(func(p *ArchivedPage) error { got = p; return nil })
	if got == nil || got.Header.Get("ETag") != `"v1"` || string(got.Body) != "<html>" {
		t.Errorf("archived page %+v", got)
	}
	if r, err := db.RawFor("2-26"); err != nil || r.URL != raw.URL {
		t.Errorf("RawFor: %v %v", r, err)
	}
	if st, ok, _ := db.PageState(raw.URL); !ok || st.DecisionID != "2-26" {
		t.Errorf("page state %+v", st)
	}
	// A link change alone (same content) is stored in place, not lost as "unchanged".
	a2 := *a
	a2.ReplacedBy = ""
	if c, _ := db.PutDecision(&a2, nil); c != Relabelled {
		t.Errorf("link change: %v, want relabelled", c)
	}
	if d, _ := db.Get("21-25"); d.ReplacedBy != "" || d.Version != 1 {
		t.Errorf("after relink %+v", d)
	}
}

func TestInterruptRuns(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r1 := omgjort.CrawlRun{Job: "crawl-astdk"}
	r2 := omgjort.CrawlRun{Job: "crawl-astdk"}
	db.StartRun(&r1)
	db.StartRun(&r2)
	r2.Result = omgjort.RunOK
	db.FinishRun(&r2)
	n, err := db.InterruptRuns("interrupted")
	if err != nil || n != 1 {
		t.Fatalf("InterruptRuns = %d, %v", n, err)
	}
	runs, _ := db.Runs(2)
	if runs[1].Result != omgjort.RunFailed || runs[1].Error != "interrupted" || runs[1].Ended.IsZero() || runs[0].Result != omgjort.RunOK {
		t.Errorf("runs %+v", runs)
	}
}
