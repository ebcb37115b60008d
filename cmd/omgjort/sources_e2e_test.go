package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
	"omgjort/crawler/replica/retsinfo"
)

// crawledApp crawls the embedded replica into a fresh data directory.
func crawledApp(t *testing.T) (*app, string, *httptest.Server) {
	t.Helper()
	site := httptest.NewServer(replica.Handler())
	t.Cleanup(site.Close)
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	run, err := a.crawl(context.Background(), crawler.Config{BaseURL: site.URL, Delay: crawler.NoDelay, Timeout: 10 * time.Second})
	if err != nil || run.Result != omgjort.RunOK {
		t.Fatalf("crawl: %v %+v", err, run)
	}
	return a, dir, site
}

// TestDecisionFamilies checks that republished decisions (same journal number, the note
// naming both numbers) are linked: the Gældende one primary, the Historisk one kept, marked
// and pointing to it, and both numbers on both.
func TestDecisionFamilies(t *testing.T) {
	a, _, _ := crawledApp(t)
	defer a.Close()
	expected, _ := replica.Expected()
	byID := map[string]replica.ExpectedDecision{}
	for _, e := range expected {
		byID[e.ID] = e
	}
	families := 0
	for _, e := range expected {
		if len(e.Numbers) < 2 {
			continue
		}
		d, err := a.db.Get(e.ID)
		if err != nil {
			t.Fatal(err)
		}
		other := omgjort.NormalizeNumber(e.Numbers[1])
		if !reflect.DeepEqual(d.Numbers, e.Numbers) {
			t.Errorf("%s numbers %q, want %q", e.ID, d.Numbers, e.Numbers)
		}
		switch d.Status {
		case omgjort.StatusHistorisk:
			families++
			if d.ReplacedBy != other || len(d.Replaces) != 0 {
				t.Errorf("historisk %s: replaced_by %q replaces %q; want replaced_by %q", e.ID, d.ReplacedBy, d.Replaces, other)
			}
		case omgjort.StatusGaeldende:
			if d.ReplacedBy != "" || !reflect.DeepEqual(d.Replaces, []string{other}) {
				t.Errorf("gældende %s: replaced_by %q replaces %q; want replaces [%s]", e.ID, d.ReplacedBy, d.Replaces, other)
			}
		}
		// Every number resolves; the historic number still opens the historic record.
		if got, err := a.db.Decision(e.Number); err != nil || got.ID != e.ID {
			t.Errorf("Decision(%q) = %v, %v", e.Number, got, err)
		}
	}
	if families == 0 {
		t.Fatal("the replica has no republished decision to check")
	}
	// A Historisk decision without a republication is not linked to anything.
	for _, e := range expected {
		if e.Status == "historisk" && len(e.Numbers) == 1 {
			d, _ := a.db.Get(e.ID)
			if d.ReplacedBy != "" || len(d.Replaces) != 0 {
				t.Errorf("lone historisk %s linked: %q %q", e.ID, d.ReplacedBy, d.Replaces)
			}
		}
	}
}

// TestRetsinfoMergesWithAstdk publishes on a retsinformation replica one decision that
// ast.dk has (same number and journal number) and one it has not: the first merges into the
// ast.dk record, the second is stored as a retsinformation decision.
func TestRetsinfoMergesWithAstdk(t *testing.T) {
	a, _, _ := crawledApp(t)
	defer a.Close()
	expected, _ := replica.Expected()
	var e replica.ExpectedDecision
	for _, x := range expected {
		if x.Status == "gaeldende" && x.Journal != "" && x.Signed != "" && len(x.Cases) > 0 {
			e = x
			break
		}
	}
	before, err := a.db.Get(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	own, err := os.ReadFile(filepath.Join("..", "..", "crawler", "testdata", "retsinfo-2024.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, cph)
	rs := &retsinfo.Server{Now: func() time.Time { return now }, Interval: time.Millisecond,
		Docs: map[string][]byte{
			"W20260911125": retsinfo.Doc("W20260911125", e.Title, e.Journal, e.Signed, e.Published, []string{"Sag nr. 1, j.nr. " + e.Journal + "\nDet betyder, at vi stadfæster kommunens afgørelse."}),
			"W20240912325": own,
		},
		Feed: map[string][]retsinfo.Item{"2026-03-09": {
			{DocumentID: "1", Accessionsnummer: "W20260911125", Href: retsinfo.Href("W20260911125"), ChangeDate: "2026-03-09T10:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "NewDocument"},
			{DocumentID: "2", Accessionsnummer: "W20240912325", Href: retsinfo.Href("W20240912325"), ChangeDate: "2026-03-09T11:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "NewDocument"},
		}}}
	srv := httptest.NewServer(rs)
	defer srv.Close()
	run, err := a.crawlRetsinfo(context.Background(), crawler.RetsinfoConfig{APIURL: srv.URL, SiteURL: srv.URL, Now: func() time.Time { return now },
		FeedInterval: 5 * time.Millisecond, Delay: crawler.NoDelay})
	if err != nil || run.Result != omgjort.RunOK || run.Job != "crawl-retsinformation" || run.ID == 0 {
		t.Fatalf("retsinformation crawl: %v %+v", err, run)
	}
	merged, err := a.db.Get(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Source != "astdk+retsinformation" || merged.URL != before.URL || len(merged.Cases) != len(before.Cases) || merged.ContentHash != before.ContentHash {
		t.Errorf("merged %s: source %q url %q, %d cases; want ast.dk's content with both sources", e.ID, merged.Source, merged.URL, len(merged.Cases))
	}
	links, _ := a.db.SourceLinks(e.ID)
	if len(links) != 2 || links[0].Source != "astdk" || links[1].Source != "retsinformation" || !strings.Contains(links[1].URL, "/eli/retsinfo/") {
		t.Errorf("source links of %s: %+v", e.ID, links)
	}
	n, _ := a.db.Count()
	if n != len(expected)+1 {
		t.Errorf("%d decisions after the merge, want %d (one new, none duplicated)", n, len(expected)+1)
	}
	if d, err := a.db.Get("14-24"); err != nil || d.Source != "retsinformation" {
		t.Errorf("retsinformation-only decision: %+v %v", d, err)
	}
	if ix, _ := a.Index().Count(); int(ix) != n {
		t.Errorf("index %d, store %d", ix, n)
	}
}

// TestReparseFromArchive rebuilds the decisions from the raw archive with the site gone: a
// record damaged in the store comes back as parsed, and nothing else changes.
func TestReparseFromArchive(t *testing.T) {
	a, dir, site := crawledApp(t)
	expected, _ := replica.Expected()
	id := expected[0].ID
	d, _ := a.db.Get(id)
	want := d.Title
	d.Title, d.ContentHash = "ødelagt", "x"
	if _, err := a.db.PutDecision(d, nil); err != nil {
		t.Fatal(err)
	}
	a.Close()
	site.Close() // no network from here on

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"reparse", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("reparse exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "genopbygget") || !strings.Contains(out.String(), "kunne ikke læses") {
		t.Errorf("summary %q", out.String())
	}
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	got, _ := a.db.Get(id)
	if got.Title != want {
		t.Errorf("reparse left title %q, want %q", got.Title, want)
	}
	if n, _ := a.db.Count(); n != len(expected) {
		t.Errorf("%d decisions after reparse, want %d", n, len(expected))
	}
	runs, _ := a.db.Runs(1)
	if len(runs) != 1 || runs[0].Job != "reparse" || runs[0].Result != omgjort.RunOK || runs[0].Fetched != len(expected) || runs[0].ParseFailed != 0 {
		t.Errorf("reparse run %+v", runs)
	}
}
