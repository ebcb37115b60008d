package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"omgjort"
	"omgjort/crawler/replica/retsinfo"
)

// removingSink is a memSink that also hears of removed documents.
type removingSink struct {
	*memSink
	mu      sync.Mutex
	removed map[string]string
}

func (s *removingSink) Removed(_ context.Context, url, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed[url] = reason
	return nil
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkGolden compares got with testdata/name, writing it with -update (or when missing
// and -update is set).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the parser's output; diff it with -update and git diff.\ngot:\n%s", golden, got)
	}
}

func TestParseLexDaniaGolden(t *testing.T) {
	for _, name := range []string{"retsinfo-2024", "retsinfo-2013"} {
		t.Run(name, func(t *testing.T) {
			d, err := ParseRetsinfo("https://www.retsinformation.dk/eli/accn/X/xml", readTestdata(t, name+".xml"))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(d, "", "  ")
			checkGolden(t, name+".golden.json", append(got, '\n'))
			if d.Source != SourceRetsinfo || d.ID != omgjort.NormalizeNumber(d.Number) || len(d.Keywords) == 0 || d.Journal == "" {
				t.Errorf("identity: %+v", d)
			}
			if !strings.HasPrefix(d.URL, "https://www.retsinformation.dk/eli/retsinfo/") {
				t.Errorf("URL %q is not the ELI address", d.URL)
			}
		})
	}
	d, _ := ParseRetsinfo("x", readTestdata(t, "retsinfo-2024.xml"))
	if len(d.Cases) != 2 || d.Cases[0].Journal != "23-61234" || d.Cases[1].ID != "2" ||
		!strings.Contains(d.Cases[0].Text, "om konsekvenserne af udeblivelse") || !strings.Contains(d.Cases[0].Text, "• X Kommune skal behandle din sag igen") {
		t.Errorf("cases of 14-24: %+v", d.Cases)
	}
	if strings.Contains(d.Holding, "konkrete sager") || !strings.Contains(d.Holding, "vejlede om rådighedspligten") {
		t.Errorf("holding %q", d.Holding)
	}
	old, _ := ParseRetsinfo("x", readTestdata(t, "retsinfo-2013.xml"))
	if len(old.Cases) != 1 || !strings.Contains(old.Cases[0].Text, "Vi ændrer således afgørelsen") || old.Status != omgjort.StatusHistorisk || old.Year != 2013 {
		t.Errorf("2013 document: status %s year %d cases %+v", old.Status, old.Year, old.Cases)
	}
	if _, err := ParseRetsinfo("x", readTestdata(t, "retsinfo-anden.xml")); !errors.Is(err, ErrNotOurs) {
		t.Errorf("another authority's KEN: %v, want ErrNotOurs", err)
	}
	if _, err := ParseRetsinfo("x", []byte("<html><body>Vedligeholdelse</body></html>")); err == nil {
		t.Error("an HTML maintenance page parsed as a document")
	}
}

// TestParseLexDaniaReal parses the two real LexDania documents in ../shared.
func TestParseLexDaniaReal(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "retsinformation-real")
	for file, want := range map[string]struct {
		number, journal, signed, published string
		cases                              int
	}{
		"dk-retsinfo-2023-9456-principmeddelelse.lexdania.xml": {"11-23", "22-42452", "2023-06-02", "2023-06-03", 2},
		"dk-retsinfo-2013-9724-principafgoerelse.lexdania.xml": {"64-13", "6400220-12", "2013-04-30", "2014-03-20", 1},
	} {
		body, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseRetsinfo("x", body)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if d.Number != want.number || d.Journal != want.journal || d.Signed != want.signed || d.Published != want.published || len(d.Cases) != want.cases {
			t.Errorf("%s: number %q journal %q signed %q published %q, %d cases; want %+v", file, d.Number, d.Journal, d.Signed, d.Published, len(d.Cases), want)
		}
		if d.Holding == "" || len(d.Sections) < 3 || len(d.Laws) == 0 || !strings.HasPrefix(d.URL, "https://www.retsinformation.dk/eli/retsinfo/") {
			t.Errorf("%s: holding %d bytes, %d sections, laws %q, url %q", file, len(d.Holding), len(d.Sections), d.Laws, d.URL)
		}
		for _, c := range d.Cases {
			if c.Text == "" || strings.HasPrefix(c.Text, "Sag nr.") {
				t.Errorf("%s case %s: text %.60q", file, c.ID, c.Text)
			}
		}
	}
}

func TestFeedWindow(t *testing.T) {
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	for clock, open := range map[string]bool{"02:59": false, "03:00": true, "12:00": true, "23:44": true, "23:45": false, "23:59": false} {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", "2026-03-10 "+clock, cph)
		if FeedOpen(tm.UTC()) != open {
			t.Errorf("FeedOpen(%s Danish time) = %v", clock, !open)
		}
	}
	// 00:30 Danish time on 10 March is still 9 March in UTC: the days follow Danish time.
	tm, _ := time.ParseInLocation("2006-01-02 15:04", "2026-03-10 00:30", cph)
	days := FeedDates(tm.UTC())
	if len(days) != 10 || days[0] != "2026-03-01" || days[9] != "2026-03-10" {
		t.Errorf("FeedDates = %v", days)
	}
}

// retsinfoSite starts the replica with a day of KEN documents, LOV/BEK noise, another
// authority's KEN and a removed document, and a clock at noon on 10 March 2026.
func retsinfoSite(t *testing.T) (*retsinfo.Server, *httptest.Server, time.Time) {
	t.Helper()
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, cph)
	rs := &retsinfo.Server{Now: func() time.Time { return now }, Interval: 40 * time.Millisecond,
		Docs: map[string][]byte{
			"W20240912325": readTestdata(t, "retsinfo-2024.xml"),
			"W20130955525": readTestdata(t, "retsinfo-2013.xml"),
			"W20240900125": readTestdata(t, "retsinfo-anden.xml"),
		},
		Feed: map[string][]retsinfo.Item{
			"2026-03-05": {
				{DocumentID: "1", Accessionsnummer: "A20260000101", Href: retsinfo.Href("A20260000101"), ChangeDate: "2026-03-05T10:00:00", DocumentType: retsinfo.LOV, ReasonForChange: "NewDocument"},
				{DocumentID: "2", Accessionsnummer: "W20240912325", Href: retsinfo.Href("W20240912325"), ChangeDate: "2026-03-05T11:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "NewDocument"},
				{DocumentID: "3", Accessionsnummer: "B20260000202", Href: retsinfo.Href("B20260000202"), ChangeDate: "2026-03-05T12:00:00", DocumentType: retsinfo.BEK, ReasonForChange: "ContentChanged"},
				{DocumentID: "4", Accessionsnummer: "W20240900125", Href: retsinfo.Href("W20240900125"), ChangeDate: "2026-03-05T13:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "NewDocument"},
			},
			"2026-03-07": {
				{DocumentID: "5", Accessionsnummer: "W20130955525", Href: retsinfo.Href("W20130955525"), ChangeDate: "2026-03-07T09:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "MetadataChanged"},
			},
			"2026-03-08": {
				{DocumentID: "6", Accessionsnummer: "W20200000125", Href: retsinfo.Href("W20200000125"), ChangeDate: "2026-03-08T09:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "RemovedDocument"},
			},
			"2026-03-10": {
				{DocumentID: "2", Accessionsnummer: "W20240912325", Href: retsinfo.Href("W20240912325"), ChangeDate: "2026-03-10T08:00:00", DocumentType: retsinfo.KEN, ReasonForChange: "MetadataChanged"},
			},
		}}
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	return rs, srv, now
}

func TestCrawlRetsinfo(t *testing.T) {
	rs, srv, now := retsinfoSite(t)
	sink := &removingSink{memSink: newMemSink(), removed: map[string]string{}}
	cfg := RetsinfoConfig{APIURL: srv.URL, SiteURL: srv.URL, Contact: "test@example.invalid", Now: func() time.Time { return now },
		FeedInterval: 50 * time.Millisecond, Delay: NoDelay, RetryBackoff: time.Millisecond, Logger: quietLogger()}
	ctx := context.Background()
	run, err := CrawlRetsinfo(ctx, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run.Result != omgjort.RunOK || run.Job != "crawl-retsinformation" || run.Source != "retsinformation" {
		t.Fatalf("run %+v", run)
	}
	// Four KEN items; two are Ankestyrelsen's, one is another authority's, one removed.
	if run.Discovered != 4 || run.New != 2 || run.Fetched != 3 || run.Skipped != 2 || run.FetchFailed != 0 || run.ParseFailed != 0 {
		t.Errorf("counts %+v", run)
	}
	if rs.Count("200 /v1/Documents") != 10 || rs.Count("429") != 0 {
		t.Errorf("feed calls: %v", rs.Log)
	}
	for _, noise := range []string{"A20260000101", "B20260000202"} {
		if rs.Count("200 /eli/accn/"+noise) != 0 || rs.Count("404 /eli/accn/"+noise) != 0 {
			t.Errorf("LOV/BEK document %s was fetched", noise)
		}
	}
	if d := sink.decisions["14-24"]; d == nil || d.Source != "retsinformation" || len(d.Cases) != 2 || d.URL != "https://www.retsinformation.dk/eli/retsinfo/2024/9123" {
		t.Errorf("14-24 stored as %+v", d)
	}
	if sink.decisions["31-13"] == nil {
		t.Error("the 2013-format decision was not stored")
	}
	if len(sink.removed) != 1 || !strings.Contains(sink.removed["https://www.retsinformation.dk/eli/accn/W20200000125/xml"], "removed") {
		t.Errorf("removed documents: %v", sink.removed)
	}
	if st, ok := sink.states["https://www.retsinformation.dk/eli/accn/W20240912325/xml"]; !ok || st.ETag == "" {
		t.Errorf("state of the 14-24 document: %+v", st)
	}

	// Second run straight after, with no spacing of our own: only today is read again (the
	// other days were read after they ended); the replica answers 429 with Retry-After: 1,
	// which is honoured; today's item is asked for conditionally and answered 304.
	cfg2 := cfg
	cfg2.FeedInterval = NoDelay
	cfg2.RetryBackoff = 10 * time.Millisecond
	// The replica's limit, widened for this run so that its first feed call always lands inside
	// it however slow the machine (the fetches after run 1's last feed call take well under
	// 400 ms), and narrower than the Retry-After of 1 s that the run must honour.
	rs.Lock()
	rs.Interval = 400 * time.Millisecond
	rs.Unlock()
	start := time.Now()
	run2, err := CrawlRetsinfo(ctx, cfg2, sink)
	if err != nil {
		t.Fatal(err)
	}
	rs.Lock()
	rs.Interval = 40 * time.Millisecond
	rs.Unlock()
	if run2.Result != omgjort.RunOK || run2.NotModified != 1 || run2.Fetched != 0 || run2.FetchFailed != 0 {
		t.Errorf("second run %+v", run2)
	}
	if rs.Count("429") != 1 || rs.Count("200 /v1/Documents") != 11 {
		t.Errorf("want one 429 then today's feed again: %v", rs.Log)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("second run took %v; Retry-After: 1 was not honoured", el)
	}

	// Backfill from a day before the window: reported, and the window is read again in full.
	time.Sleep(60 * time.Millisecond)
	cfg3 := cfg
	cfg3.Since = "2026-02-20"
	run3, err := CrawlRetsinfo(ctx, cfg3, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run3.Fetched != 3 || run3.Unchanged != 2 || run3.NotModified != 0 || len(run3.Errors) != 1 || !strings.Contains(run3.Errors[0].Reason, "only reaches back to 2026-03-01") {
		t.Errorf("backfill run %+v", run3)
	}
}

func TestCrawlRetsinfoRefusals(t *testing.T) {
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	t.Run("closed by our clock", func(t *testing.T) {
		rs, srv, _ := retsinfoSite(t)
		night := time.Date(2026, 3, 10, 2, 30, 0, 0, cph)
		run, err := CrawlRetsinfo(context.Background(), RetsinfoConfig{APIURL: srv.URL, SiteURL: srv.URL, Now: func() time.Time { return night },
			FeedInterval: NoDelay, Logger: quietLogger()}, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "closed") || len(rs.Log) != 0 {
			t.Errorf("run %+v, requests %v", run, rs.Log)
		}
	})
	t.Run("400 for every day", func(t *testing.T) {
		rs, srv, now := retsinfoSite(t)
		rs.Now = func() time.Time { return time.Date(2026, 3, 10, 23, 50, 0, 0, cph) } // the server thinks it is closed
		run, err := CrawlRetsinfo(context.Background(), RetsinfoConfig{APIURL: srv.URL, SiteURL: srv.URL, Now: func() time.Time { return now },
			FeedInterval: 45 * time.Millisecond, Logger: quietLogger(), RetryBackoff: time.Millisecond}, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || run.FetchFailed != 10 || len(run.Errors) != 10 || run.Errors[0].Status != 400 || rs.Count("400") != 10 {
			t.Errorf("run %+v", run)
		}
	})
	t.Run("our clock a day ahead", func(t *testing.T) {
		rs, srv, now := retsinfoSite(t)
		ahead := now.Add(24 * time.Hour)
		sink := newMemSink()
		run, err := CrawlRetsinfo(context.Background(), RetsinfoConfig{APIURL: srv.URL, SiteURL: srv.URL, Now: func() time.Time { return ahead },
			FeedInterval: 45 * time.Millisecond, Delay: NoDelay, Logger: quietLogger(), RetryBackoff: time.Millisecond}, sink)
		if err != nil {
			t.Fatal(err)
		}
		// Tomorrow is refused with 400 and recorded; the rest is read and stored.
		if run.Result != omgjort.RunOK || run.FetchFailed != 1 || run.Errors[0].Status != 400 || !strings.Contains(run.Errors[0].URL, "2026-03-11") || run.New != 2 {
			t.Errorf("run %+v, log %v", run, rs.Log)
		}
		if st, ok := sink.states[run.Errors[0].URL]; ok && st.Lastmod == "complete" {
			t.Error("a refused day was marked as read")
		}
	})
}
