package digest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/digest/smtptest"
	"omgjort/store"
)

var cph = mustLoc()

func mustLoc() *time.Location {
	l, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	return l
}

// week47 is the digest week of most tests: Monday 16 – Sunday 22 November 2026.
var week47 = omgjort.Week{Year: 2026, Num: 47}

// dec builds a decision published on ymd with one case per (outcome, error types) given.
func dec(id, ymd string, law string, cases ...omgjort.Case) *omgjort.Decision {
	d := &omgjort.Decision{ID: id, Number: id, Title: "Principmeddelelse " + id, URL: "https://www.ast.dk/" + id,
		Source: "astdk", Status: omgjort.StatusGaeldende, Published: ymd, Laws: []string{law}, Cases: cases,
		ContentHash: "h-" + id, FetchedAt: time.Date(2026, 11, 23, 6, 15, 0, 0, cph)}
	d.RollUpCases()
	return d
}

func cs(o omgjort.Outcome, errs ...omgjort.ErrorType) omgjort.Case {
	c := omgjort.Case{ID: "1", Outcome: o, Text: "…",
		OutcomeEvidence: []omgjort.Evidence{{Text: "Ankestyrelsen ophæver kommunens afgørelse."}}}
	for _, e := range errs {
		c.Errors = append(c.Errors, omgjort.ErrorLabel{Type: e, Score: 1,
			Evidence: []omgjort.Evidence{{Text: "Kommunen har ikke " + string(e) + " i sagen, og  det er   en fejl.", Section: "Begrundelse"}}})
	}
	return c
}

func openStore(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func put(t *testing.T, db *store.DB, ds ...*omgjort.Decision) {
	t.Helper()
	for _, d := range ds {
		if _, err := db.PutDecision(d, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func crawlRun(t *testing.T, db *store.DB, result omgjort.RunResult, ended time.Time, newN int, msg string) {
	t.Helper()
	r := &omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: ended.Add(-time.Minute), Result: omgjort.RunRunning}
	if err := db.StartRun(r); err != nil {
		t.Fatal(err)
	}
	r.Ended, r.Result, r.New, r.Error = ended, result, newN, msg
	if err := db.FinishRun(r); err != nil {
		t.Fatal(err)
	}
}

// stored sets when the store first stored d (and when it was fetched).
func stored(d *omgjort.Decision, t time.Time) *omgjort.Decision {
	d.FirstStored, d.Stored, d.FetchedAt = t, t, t
	return d
}

func day(d, h int) time.Time { return time.Date(2026, 11, d, h, 15, 30, 0, cph) }

func TestBuild(t *testing.T) {
	db := openStore(t, t.TempDir())
	// The first run of ast.dk, long ago, stored everything then: a backfill, in no week's list.
	firstRun := &omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: time.Date(2026, 7, 1, 6, 0, 0, 0, cph), Result: omgjort.RunRunning}
	if err := db.StartRun(firstRun); err != nil {
		t.Fatal(err)
	}
	firstRun.Ended, firstRun.Result, firstRun.New = firstRun.Started.Add(time.Hour), omgjort.RunOK, 1
	if err := db.FinishRun(firstRun); err != nil {
		t.Fatal(err)
	}
	put(t, db, stored(dec("1-20", "2020-01-10", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), firstRun.Started.Add(time.Minute)))
	// The digest of week 46 was built Monday 16 November at 07.00.
	w46 := &omgjort.Digest{Week: week47.Add(-1), WeekName: week47.Add(-1).String(), From: day(9, 7), Through: time.Date(2026, 11, 16, 7, 0, 0, 0, cph)}
	if err := db.PutDigest(w46); err != nil {
		t.Fatal(err)
	}
	put(t, db,
		// Stored Monday 16 November at 06.15, before the week-46 digest was built: in that one.
		stored(dec("9-26", "2026-11-13", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), day(16, 6)),
		// Week 47: two reversed with invalidating errors (tie on count → the newer one wins),
		// one reversed without any error label, one upheld, one under another law.
		stored(dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning, omgjort.ErrPartshoering)), day(17, 6)),
		stored(dec("11-26", "2026-11-19", "Aktivloven", cs(omgjort.OutcomeOphaevet, omgjort.ErrBegrundelse, omgjort.ErrSagsoplysning), cs(omgjort.OutcomeStadfaestet)), day(19, 6)),
		stored(dec("12-26", "2026-11-20", "Aktivloven", cs(omgjort.OutcomeAendret)), day(20, 6)),
		stored(dec("13-26", "2026-11-16", "Aktivloven", cs(omgjort.OutcomeStadfaestet, omgjort.ErrVejledning)), day(17, 6)),
		stored(dec("14-26", "2026-11-22", "Sygedagpengeloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrVejledning, omgjort.ErrRetsanvendelse)), day(22, 6)),
		// Published in 2024 but reached us only now (late publication, failed crawls): listed now.
		stored(dec("3-24", "2024-05-02", "Aktivloven", cs(omgjort.OutcomeStadfaestet)), day(18, 6)),
		// Stored Monday 23 November at 06.15, before this digest is built at 07.00: in it.
		stored(dec("20-26", "2026-11-23", "Aktivloven", cs(omgjort.OutcomeStadfaestet)), day(23, 6)),
		// Earlier weeks for the comparison: W45 and W40 (inside 4 and 12 weeks), W30 (outside).
		stored(dec("5-26", "2026-11-03", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), day(3, 6)),
		stored(dec("6-26", "2026-09-29", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), time.Date(2026, 9, 29, 6, 15, 0, 0, cph)),
		stored(dec("7-26", "2026-07-21", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), time.Date(2026, 7, 21, 6, 15, 0, 0, cph)),
	)
	// An older decision that got a new version in week 47.
	put(t, db, stored(dec("2-25", "2025-03-01", "Aktivloven", cs(omgjort.OutcomeStadfaestet)), time.Date(2026, 7, 22, 6, 0, 0, 0, cph)))
	changed := dec("2-25", "2025-03-01", "Aktivloven", cs(omgjort.OutcomeOphaevet, omgjort.ErrPartshoering))
	changed.ContentHash, changed.FetchedAt, changed.Stored = "h-2-25-v2", day(18, 6), day(18, 6)
	put(t, db, changed)
	// A --full run in the week stored three old decisions: summarised, not listed.
	full := &omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: day(19, 10), Result: omgjort.RunRunning, Backfill: true}
	if err := db.StartRun(full); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"1-19", "2-19", "3-19"} {
		put(t, db, stored(dec(id, "2019-02-01", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), day(19, 10).Add(time.Minute)))
	}
	full.Ended, full.Result, full.New = day(19, 11), omgjort.RunOK, 3
	if err := db.FinishRun(full); err != nil {
		t.Fatal(err)
	}
	crawlRun(t, db, omgjort.RunOK, time.Date(2026, 11, 23, 6, 16, 0, 0, cph), 1, "")

	now := time.Date(2026, 11, 23, 7, 0, 0, 0, cph)
	from, through, err := Window(db, week47, now, cph)
	if err != nil || !from.Equal(w46.Through) || !through.Equal(now) {
		t.Fatalf("window %s – %s (%v), want from the week-46 digest's end to now", from, through, err)
	}
	d, err := Build(db, Options{Week: week47, SiteURL: "https://omgjort.example.dk/", Now: now, From: from, Through: through})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(es []omgjort.DigestEntry) string {
		var s []string
		for _, e := range es {
			s = append(s, e.ID)
		}
		return strings.Join(s, " ")
	}
	if got, want := ids(d.New), "20-26 14-26 12-26 11-26 10-26 13-26 3-24"; got != want {
		t.Errorf("new = %q, want %q (newest published first; 3-24 though published in 2024)", got, want)
	}
	if got := ids(d.Changed); got != "2-25" {
		t.Errorf("changed = %q, want 2-25", got)
	}
	if len(d.Backfill) != 1 || d.Backfill[0].Count != 3 || d.Backfill[0].Name != "ast.dk" {
		t.Errorf("backfill = %+v, want 3 from ast.dk", d.Backfill)
	}
	if d.Reversed != 5 {
		t.Errorf("reversed = %d, want 5", d.Reversed)
	}
	if want := "7 nye afgørelser og 1 ændret, heraf 5 omgjorte. Desuden 3 afgørelser fra en indlæsning."; d.Summary() != want {
		t.Errorf("summary %q, want %q", d.Summary(), want)
	}
	if want := "Omgjort uge 47, 2026: 7 nye afgørelser, 1 ændret, 5 omgjorte"; d.Subject != want {
		t.Errorf("subject %q, want %q", d.Subject, want)
	}
	if d.Case == nil || d.Case.ID != "11-26" || d.Case.Invalidating != 2 || len(d.Case.Lines) != 2 {
		t.Fatalf("case of the week = %+v, want 11-26 with 2 listed errors (tie with 10-26 goes to the newer)", d.Case)
	}
	group := map[string][]string{}
	for _, g := range d.Groups {
		for _, l := range g.Lines {
			group[g.Label] = append(group[g.Label], l.ID)
			if l.What == "" || strings.Contains(l.What, "  ") || !strings.HasPrefix(l.URL, "https://omgjort.example.dk/d/") {
				t.Errorf("line %+v: want evidence text (spaces collapsed) and a site link", l)
			}
		}
	}
	if got := strings.Join(group[omgjort.ErrSagsoplysning.Label()], " "); got != "11-26 10-26" {
		t.Errorf("sagsoplysning group = %q", got)
	}
	if got := group["Uden angivet fejltype"]; len(got) != 1 || got[0] != "12-26" {
		t.Errorf("group without error type = %v, want [12-26]", got)
	}
	// The week's column counts exactly the listed lines; the history the stored weeks before.
	for _, c := range d.Counts {
		for _, g := range d.Groups {
			if g.Type == c.Type && len(g.Lines) != c.Week {
				t.Errorf("%s: table says %d, the list has %d lines", c.Label, c.Week, len(g.Lines))
			}
		}
		if c.Type == omgjort.ErrSagsoplysning && (c.Week != 2 || c.Prev4 != 2 || c.Prev12 != 3) {
			t.Errorf("sagsoplysning counts = %+v, want week 2, prev4 2 (5-26, 9-26), prev12 3 (and 6-26)", c)
		}
		if c.Type == omgjort.ErrVejledning && c.Week != 1 {
			t.Errorf("vejledning counted %d, want 1 (13-26 was upheld)", c.Week)
		}
	}
	if len(d.Sources) != 1 || d.Sources[0].Stale || d.Sources[0].Failed || d.Sources[0].New != 7 {
		t.Errorf("sources = %+v, want ast.dk fresh with the 7 new", d.Sources)
	}
	if want := "Kilden ast.dk blev sidst hentet med succes mandag 23. november kl. 06.16. Ugebrevet har 7 nye afgørelser derfra."; d.SourceLines[0] != want {
		t.Errorf("source line = %q, want %q", d.SourceLines[0], want)
	}

	// Stored, the digest keeps its span; the next week's digest starts where it ended, so every
	// decision is in exactly one.
	if err := db.PutDigest(d); err != nil {
		t.Fatal(err)
	}
	put(t, db, stored(dec("21-26", "2026-11-10", "Aktivloven", cs(omgjort.OutcomeStadfaestet)), day(24, 6)))
	later := time.Date(2026, 11, 30, 7, 0, 0, 0, cph)
	if f, th, _ := Window(db, week47, later, cph); !f.Equal(from) || !th.Equal(through) {
		t.Errorf("rebuilding week 47 moved its span to %s – %s", f, th)
	}
	f48, t48, _ := Window(db, week47.Add(1), later, cph)
	d48, err := Build(db, Options{Week: week47.Add(1), Now: later, From: f48, Through: t48})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(d48.New); got != "21-26" {
		t.Errorf("week 48 new = %q, want only 21-26", got)
	}

	// Law filter: only Sygedagpengeloven.
	f, err := Build(db, Options{Week: week47, Laws: []string{"sygedagpenge"}, Now: now, From: from, Through: through})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(f.New); got != "14-26" || len(f.Changed) != 0 || f.Case != nil {
		t.Errorf("filtered: new %q changed %d case %v; want only 14-26 and no case of the week", got, len(f.Changed), f.Case)
	}
	if !strings.HasSuffix(f.Subject, "(sygedagpenge)") {
		t.Errorf("filtered subject %q should name the filter", f.Subject)
	}
}

func TestDanishAgreementEverywhere(t *testing.T) {
	db := openStore(t, t.TempDir())
	crawlRun(t, db, omgjort.RunOK, day(10, 6), 0, "") // the first run
	crawlRun(t, db, omgjort.RunOK, day(17, 6), 1, "")
	put(t, db, stored(dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), day(17, 6).Add(-30*time.Second)))
	d, err := Build(db, Options{Week: week47, Now: day(23, 7)})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRenderer(cph)
	out, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{d.Subject, out.Text, out.HTML} {
		flat := strings.Join(strings.Fields(body), " ")
		for _, bad := range []string{"1 nye", "1 omgjorte", "0 ny ", "1 ændrede", "0 nye afgørelser derfra"} {
			if strings.Contains(flat, bad) {
				t.Errorf("%q in %.200s…", bad, flat)
			}
		}
	}
	for _, want := range []string{"1 ny afgørelse, heraf 1 omgjort.", "Ugebrevet har 1 ny afgørelse derfra.", "med 1 fejl af de typer"} {
		if !strings.Contains(strings.Join(strings.Fields(out.Text), " "), want) {
			t.Errorf("text lacks %q:\n%s", want, out.Text)
		}
	}
	if d.Subject != "Omgjort uge 47, 2026: 1 ny afgørelse, 1 omgjort" {
		t.Errorf("subject %q", d.Subject)
	}
	// Over real SMTP: the subject and both bodies arrive as rendered.
	srv := startSMTP(t)
	dv := &Deliverer{Log: db, Mailer: mailer(t, srv, srv.RootCAs), Backoff: time.Millisecond}
	one := []omgjort.Recipient{{Email: "leder@kommune.dk"}}
	if _, err := dv.Deliver(t.Context(), week47, "omgjort@kommune.dk", one, func(omgjort.Recipient) (*Message, error) {
		return &Message{Subject: d.Subject, Date: time.Now(), HTML: out.HTML, Text: out.Text}, nil
	}); err != nil {
		t.Fatal(err)
	}
	got := srv.To("leder@kommune.dk")
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(got[0].Header.Get("Subject"))
	if err != nil || subj != d.Subject {
		t.Errorf("received subject %q (%v), want %q", subj, err, d.Subject)
	}
	parts := mailParts(t, got[0])
	if !strings.Contains(strings.Join(strings.Fields(parts["text/plain"]), " "), "1 ny afgørelse, heraf 1 omgjort.") ||
		!strings.Contains(parts["text/html"], "1 ny afgørelse, heraf 1 omgjort.") {
		t.Errorf("received bodies lack the summary:\n%s", parts["text/plain"])
	}

	// An empty week: a short mail that says so, nothing else.
	crawlRun(t, db, omgjort.RunOK, day(29, 6), 0, "")
	e, err := Build(db, Options{Week: week47.Add(1), Now: time.Date(2026, 11, 30, 7, 0, 0, 0, cph), From: day(23, 7)})
	if err != nil {
		t.Fatal(err)
	}
	eo, _ := r.Render(e)
	if !e.Empty() || e.Subject != "Omgjort uge 48, 2026: ingen nye afgørelser" || !strings.Contains(eo.Text, "Ingen nye afgørelser i ugen.") ||
		strings.Contains(eo.Text, "OMGJORTE AFGØRELSER") || strings.Contains(eo.HTML, "Ugens sag") {
		t.Errorf("empty week: %q\n%s", e.Subject, eo.Text)
	}
}

func TestStaleAndFailedSource(t *testing.T) {
	db := openStore(t, t.TempDir())
	crawlRun(t, db, omgjort.RunOK, time.Date(2026, 11, 10, 6, 15, 0, 0, cph), 3, "")
	crawlRun(t, db, omgjort.RunFailed, time.Date(2026, 11, 22, 6, 15, 0, 0, cph), 0, "Get \"http://10.1.2.3/sitemap.xml\": dial tcp 10.1.2.3:80: connect: network is unreachable")
	d, err := Build(db, Options{Week: week47, Now: time.Date(2026, 11, 23, 7, 0, 0, 0, cph)})
	if err != nil {
		t.Fatal(err)
	}
	s := d.Sources[0]
	if !s.Stale || !s.Failed || d.Healthy() {
		t.Fatalf("source = %+v: want stale (13 days) and failed", s)
	}
	if !strings.HasPrefix(d.Subject, "ADVARSEL") {
		t.Errorf("subject %q must warn first", d.Subject)
	}
	r, err := NewRenderer(cph)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{out.HTML, out.Text} {
		body = strings.Join(strings.Fields(body), " ")
		if !strings.Contains(body, "Ingen vellykket hentning i 13 dage") || !strings.Contains(body, "Den seneste hentning mislykkedes") {
			t.Errorf("body lacks the stale/failed warning:\n%s", body)
		}
		if strings.Contains(body, "10.1.2.3") || strings.Contains(body, "dial tcp") {
			t.Errorf("the raw error (an internal address) is in the digest:\n%s", body)
		}
	}
	if !strings.Contains(out.HTML, "#b91c1c") {
		t.Errorf("warning in the HTML is not red")
	}
	// A source that never succeeded says so, and is not "stale for over 8 days".
	fresh := openStore(t, t.TempDir())
	crawlRun(t, fresh, omgjort.RunFailed, time.Date(2026, 11, 23, 6, 15, 0, 0, cph), 0, "nede")
	n, _ := Build(fresh, Options{Week: week47, Now: time.Date(2026, 11, 23, 6, 15, 16, 0, cph)})
	if !strings.Contains(n.SourceLines[0], "endnu ikke hentet med succes") || strings.Contains(n.SourceLines[0], "dage") {
		t.Errorf("never succeeded: %q", n.SourceLines[0])
	}
}

func TestRenderReadsWellInMailClients(t *testing.T) {
	db := openStore(t, t.TempDir())
	put(t, db, stored(dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)), day(17, 6)))
	d, err := Build(db, Options{Week: week47, SiteURL: "https://omgjort.example.dk", Now: time.Date(2026, 11, 23, 7, 0, 0, 0, cph)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(cph)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<link", "<img", "<script", "<style", "url("} {
		if strings.Contains(out.HTML, bad) {
			t.Errorf("HTML body contains %q: mail clients strip or block it", bad)
		}
	}
	for _, want := range []string{`lang="da"`, `style="`, "Ugens sag", "Utilstrækkelig sagsoplysning", `href="https://omgjort.example.dk/d/10-26"`} {
		if !strings.Contains(out.HTML, want) {
			t.Errorf("HTML body lacks %q", want)
		}
	}
	for _, want := range []string{"UGENS SAG", "10-26 (Hjemvist): Kommunen har ikke sagsoplysning i sagen, og det er en fejl.", "https://omgjort.example.dk/d/10-26", "Kilden ast.dk"} {
		if !strings.Contains(strings.Join(strings.Fields(out.Text), " "), want) {
			t.Errorf("text body lacks %q:\n%s", want, out.Text)
		}
	}
	for _, l := range strings.Split(out.Text, "\n") {
		if len([]rune(l)) > 76 && !strings.Contains(l, "://") {
			t.Errorf("text line longer than 76 characters: %q", l)
		}
	}
}

// mailParts decodes a received multipart/alternative message into its bodies by media type.
func mailParts(t *testing.T, m smtptest.Message) map[string]string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		mt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		var r io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(p)
		} else if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		b, _ := io.ReadAll(r)
		out[mt] = string(b)
	}
	return out
}

// TestConfigErrorsFailAtOnce: a server without STARTTLS, or a refused login, is a settings
// problem: one attempt, a clear message, the other recipients not tried, nothing permanent.
func TestConfigErrorsFailAtOnce(t *testing.T) {
	plain, err := smtptest.StartWithoutTLS("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	good := startSMTP(t)
	wrongPass, err := NewSMTP(SMTPConfig{Addr: good.Addr, User: good.User, Password: "forkert", TLS: TLSStartTLS,
		TLSConfig: &tls.Config{RootCAs: good.RootCAs, MinVersion: tls.VersionTLS12}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		mailer *SMTP
		want   string
	}{
		{"no STARTTLS", mailer(t, plain, good.RootCAs), "tilbyder ikke STARTTLS"},
		{"login refused", wrongPass, "afviste login"},
	} {
		db := openStore(t, t.TempDir())
		dv := &Deliverer{Log: db, Mailer: c.mailer, Attempts: 4, Backoff: time.Hour}
		rep, err := dv.Deliver(t.Context(), week47, "omgjort@kommune.dk", rcpts, compose)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a ConfigError saying %q", c.name, err, c.want)
			continue
		}
		if len(rep.Results) != 1 || rep.Results[0].Send.Attempts != 1 || rep.Results[0].Send.Permanent {
			t.Errorf("%s: %+v, want one recipient tried once, not marked permanent", c.name, rep.Results)
		}
	}
	if n := len(plain.Messages()) + len(good.Messages()); n != 0 {
		t.Errorf("%d messages accepted", n)
	}
}

// mailer returns an SMTP mailer for the test server with STARTTLS and AUTH.
func mailer(t *testing.T, srv *smtptest.Server, pool *x509.CertPool) *SMTP {
	t.Helper()
	m, err := NewSMTP(SMTPConfig{Addr: srv.Addr, User: srv.User, Password: srv.Password, TLS: TLSStartTLS,
		TLSConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func startSMTP(t *testing.T) *smtptest.Server {
	t.Helper()
	srv, err := smtptest.Start("digest", "hemmeligt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func compose(r omgjort.Recipient) (*Message, error) {
	return &Message{Subject: "Omgjort uge 47", Date: time.Now(), HTML: "<p>Hej " + r.Email + "</p>", Text: "Hej " + r.Email}, nil
}

var rcpts = []omgjort.Recipient{{Email: "a@kommune.dk"}, {Email: "b@kommune.dk"}, {Email: "c@kommune.dk"}}

// assertOnce checks that every recipient got exactly one message, with the stable Message-ID.
func assertOnce(t *testing.T, srv *smtptest.Server, from string) {
	t.Helper()
	for _, r := range rcpts {
		got := srv.To(r.Email)
		if len(got) != 1 {
			t.Errorf("%s received %d messages, want exactly 1", r.Email, len(got))
			continue
		}
		if want := "<" + MessageID(week47, r.Email, from) + ">"; got[0].MessageID() != want {
			t.Errorf("%s: Message-ID %q, want %q", r.Email, got[0].MessageID(), want)
		}
		if !got[0].TLS || got[0].User != "digest" {
			t.Errorf("%s: delivered without STARTTLS or AUTH", r.Email)
		}
	}
}

func TestDeliverMultipartOverSTARTTLSAndAuth(t *testing.T) {
	srv := startSMTP(t)
	db := openStore(t, t.TempDir())
	put(t, db, dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)))
	d, err := Build(db, Options{Week: week47, Now: time.Date(2026, 11, 23, 7, 0, 0, 0, cph)})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRenderer(cph)
	out, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	dv := &Deliverer{Log: db, Mailer: mailer(t, srv, srv.RootCAs)}
	rep, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts[:1], func(omgjort.Recipient) (*Message, error) {
		return &Message{Subject: d.Subject, Date: time.Now(), HTML: out.HTML, Text: out.Text}, nil
	})
	if err != nil || rep.Sent != 1 {
		t.Fatalf("deliver: %+v, %v", rep, err)
	}
	m := srv.Messages()[0]
	subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subj != d.Subject {
		t.Errorf("subject %q, want %q", subj, d.Subject)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v), want multipart/alternative", mt, err)
	}
	msg, _ := mail.ReadMessage(strings.NewReader(string(m.Data)))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, pt)
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v, want text/plain then text/html", types)
	}
}

func TestDeliverExactlyOnceOnRerun(t *testing.T) {
	srv := startSMTP(t)
	db := openStore(t, t.TempDir())
	dv := &Deliverer{Log: db, Mailer: mailer(t, srv, srv.RootCAs)}
	for i := 0; i < 3; i++ {
		rep, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts, compose)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if i == 0 && rep.Sent != 3 || i > 0 && (rep.Sent != 0 || rep.Skipped != 3) {
			t.Errorf("run %d: %+v", i, rep)
		}
	}
	assertOnce(t, srv, "omgjort@kommune.dk")
	// Another week is another digest.
	if rep, err := dv.Deliver(context.Background(), week47.Add(1), "omgjort@kommune.dk", rcpts[:1], compose); err != nil || rep.Sent != 1 {
		t.Errorf("next week: %+v %v", rep, err)
	}
}

func TestTransientRetriedPermanentRecorded(t *testing.T) {
	srv := startSMTP(t)
	srv.Refuse("a@kommune.dk", 451, 421)
	srv.Refuse("b@kommune.dk", 550)
	db := openStore(t, t.TempDir())
	dv := &Deliverer{Log: db, Mailer: mailer(t, srv, srv.RootCAs), Backoff: 10 * time.Millisecond}
	rep, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts, compose)
	if err == nil || !strings.Contains(err.Error(), "b@kommune.dk") {
		t.Errorf("want an error naming b, got %v", err)
	}
	if rep.Sent != 2 || rep.Failed != 1 {
		t.Errorf("report %+v, want 2 sent, 1 failed", rep)
	}
	if got := len(srv.To("a@kommune.dk")); got != 1 {
		t.Errorf("a got %d after two transient refusals, want 1", got)
	}
	sends, _ := db.Sends(week47)
	for _, s := range sends {
		switch s.Recipient {
		case "a@kommune.dk":
			if s.State != omgjort.SendSent || s.Attempts != 3 {
				t.Errorf("a: %+v, want sent after 3 attempts", s)
			}
		case "b@kommune.dk":
			if s.State != omgjort.SendFailed || !s.Permanent || !strings.Contains(s.Error, "550") {
				t.Errorf("b: %+v, want permanent failure with the 550", s)
			}
		}
	}
	// A re-run neither retries the permanent refusal nor resends to the others.
	rep, _ = dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts, compose)
	if rep.Sent != 0 || rep.Skipped != 2 || len(srv.Messages()) != 2 {
		t.Errorf("re-run: %+v with %d messages on the server", rep, len(srv.Messages()))
	}
}

func TestTransientExhaustedIsRetriedNextRun(t *testing.T) {
	srv := startSMTP(t)
	srv.Refuse("a@kommune.dk", 451, 451)
	db := openStore(t, t.TempDir())
	dv := &Deliverer{Log: db, Mailer: mailer(t, srv, srv.RootCAs), Attempts: 2, Backoff: time.Millisecond}
	if _, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts[:1], compose); err == nil {
		t.Fatal("want an error after two transient refusals")
	}
	if rep, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts[:1], compose); err != nil || rep.Sent != 1 {
		t.Fatalf("next run: %+v %v", rep, err)
	}
	if len(srv.To("a@kommune.dk")) != 1 {
		t.Error("want exactly one message")
	}
}

// The crash tests run delivery in a child process (this test binary) that exits hard at a
// chosen point, as a killed process would, then resume in this process against the same bbolt
// file and the same SMTP server, and count what each recipient received.

const helperEnv = "OMGJORT_DIGEST_CRASH_HELPER"

func TestCrashHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("helper process for the crash tests")
	}
	dir, addr, crashAt := os.Getenv("CRASH_DIR"), os.Getenv("CRASH_SMTP"), os.Getenv("CRASH_AT")
	pem, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewSMTP(SMTPConfig{Addr: addr, User: "digest", Password: "hemmeligt", TLSConfig: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	dv := &Deliverer{Log: db, Mailer: m, hook: func(stage, rcpt string) {
		if stage+":"+rcpt == crashAt {
			os.Exit(3) // no deferred cleanup, no bbolt close: like a kill
		}
	}}
	_, err = dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts, compose)
	t.Fatalf("helper did not crash at %s (err %v)", crashAt, err)
}

func crashAndResume(t *testing.T, crashAt string) *smtptest.Server {
	t.Helper()
	srv := startSMTP(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), srv.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "CRASH_DIR="+dir, "CRASH_SMTP="+srv.Addr, "CRASH_AT="+crashAt)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("helper should exit 3 at %s, got %v:\n%s", crashAt, err, out)
	}
	db := openStore(t, dir)
	dv := &Deliverer{Log: db, Mailer: mailer(t, srv, srv.RootCAs)}
	if _, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts, compose); err != nil {
		t.Fatalf("resume after crash at %s: %v", crashAt, err)
	}
	// And once more, as a restart would.
	if rep, err := dv.Deliver(context.Background(), week47, "omgjort@kommune.dk", rcpts, compose); err != nil || rep.Sent != 0 {
		t.Fatalf("second resume: %+v %v", rep, err)
	}
	return srv
}

func TestCrashBetweenRecipients(t *testing.T) {
	for _, at := range []string{
		"recorded:a@kommune.dk", // a sent and recorded, b not begun
		"begun:b@kommune.dk",    // b's intent recorded, nothing sent
		"sending:b@kommune.dk",  // b marked sending, SMTP transaction not started
	} {
		t.Run(at, func(t *testing.T) {
			srv := crashAndResume(t, at)
			assertOnce(t, srv, "omgjort@kommune.dk")
		})
	}
}

// TestCrashAfterAcceptance covers the window that no client can close: the server accepted DATA
// and the process died before recording it. The documented choice is to resend with the same
// Message-ID, so nobody misses the digest and the duplicate is recognisable.
func TestCrashAfterAcceptance(t *testing.T) {
	srv := crashAndResume(t, "handed-over:b@kommune.dk")
	got := srv.To("b@kommune.dk")
	if len(got) != 2 || got[0].MessageID() != got[1].MessageID() {
		t.Fatalf("b: %d messages; want the resend to carry the same Message-ID", len(got))
	}
	for _, r := range []string{"a@kommune.dk", "c@kommune.dk"} {
		if n := len(srv.To(r)); n != 1 {
			t.Errorf("%s received %d, want 1", r, n)
		}
	}
}

func TestParseWeekAndMessageID(t *testing.T) {
	w, err := omgjort.ParseWeek("2026-w47")
	if err != nil || w != week47 {
		t.Fatalf("ParseWeek = %v %v", w, err)
	}
	if s := w.Start(cph); s.Format(time.DateOnly) != "2026-11-16" || s.Weekday() != time.Monday {
		t.Errorf("start %v", s)
	}
	for _, bad := range []string{"2026-47", "2026-W54", "2025-W53", "uge 47"} {
		if _, err := omgjort.ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
	if _, err := omgjort.ParseWeek("2026-W53"); err != nil {
		t.Errorf("2026 has 53 ISO weeks: %v", err)
	}
	if MessageID(week47, "A@Kommune.dk", "x@omgjort.dk") != MessageID(week47, "a@kommune.dk", "x@omgjort.dk") {
		t.Error("Message-ID must not depend on the address's case")
	}
	rs, err := omgjort.ParseRecipients("a@x.dk, b@y.dk=Aktivloven|Sygedagpengeloven")
	if err != nil || len(rs) != 2 || fmt.Sprint(rs[1].Laws) != "[Aktivloven Sygedagpengeloven]" {
		t.Errorf("ParseRecipients = %+v %v", rs, err)
	}
	if _, err := omgjort.ParseRecipients("a@x.dk,a@x.dk"); err == nil {
		t.Error("duplicate recipient accepted")
	}
}

// TestOwnDecisionsOnlyCounted: the municipality's own letters are counted, never listed, in the
// digest (it is mailed and public).
func TestOwnDecisionsOnlyCounted(t *testing.T) {
	db := openStore(t, t.TempDir())
	own := stored(dec("egen-1", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrPartshoering)), day(17, 9))
	own.Source, own.Title = omgjort.SourceOwn, "Afgørelse om Jens Hansen"
	put(t, db, own, stored(dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeStadfaestet)), day(17, 6)))
	d, err := Build(db, Options{Week: week47, Now: day(23, 7)})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRenderer(cph)
	out, _ := r.Render(d)
	if d.OwnNew != 1 || len(d.New) != 1 || d.Reversed != 0 || strings.Contains(out.Text+out.HTML, "Jens Hansen") || strings.Contains(out.Text, "egen-1") {
		t.Errorf("own decision listed: %+v\n%s", d, out.Text)
	}
	if !strings.Contains(d.Summary(), "1 egen afgørelse blev importeret") {
		t.Errorf("summary %q", d.Summary())
	}
	// Under their own heading, counted apart from the published ones: the reversal and its
	// error type, and nothing of the published decision.
	if d.OwnDecided != 1 || d.OwnReversed != 1 || len(d.OwnErrors) != 1 || d.OwnErrors[0].Type != omgjort.ErrPartshoering {
		t.Errorf("own counts: decided %d reversed %d errors %+v", d.OwnDecided, d.OwnReversed, d.OwnErrors)
	}
	for _, body := range []string{out.Text, out.HTML} {
		flat := strings.Join(strings.Fields(body), " ")
		if !strings.Contains(strings.ToLower(flat), "jeres egne omgjorte afgørelser") || !strings.Contains(flat, "1 egen afgørelse fra Ankestyrelsen blev importeret i perioden, og 1 blev omgjort (100 % af 1 behandlet). Fejltyper i de omgjorte: manglende partshøring 1.") {
			t.Errorf("own section missing or wrong:\n%s", body)
		}
	}
	// A week with no own letters has no such section.
	put(t, db, stored(dec("11-26", "2026-11-25", "Aktivloven", cs(omgjort.OutcomeAendret, omgjort.ErrBegrundelse)), day(25, 6)))
	d2, err := Build(db, Options{Week: omgjort.Week{Year: 2026, Num: 48}, Now: day(30, 7)})
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := r.Render(d2)
	if d2.OwnNew != 0 || strings.Contains(out2.Text+out2.HTML, "Jeres egne") {
		t.Errorf("own section in a week without own letters: %+v", d2)
	}
	// A week with own letters and nothing published to list still has the section.
	own3 := stored(dec("egen-3", "2026-12-01", "Aktivloven", cs(omgjort.OutcomeStadfaestet)), day(31, 9))
	own3.Source = omgjort.SourceOwn
	put(t, db, own3)
	d3, err := Build(db, Options{Week: omgjort.Week{Year: 2026, Num: 49}, Now: day(37, 7)})
	if err != nil {
		t.Fatal(err)
	}
	out3, _ := r.Render(d3)
	if d3.Listed() || d3.OwnNew != 1 || !strings.Contains(out3.Text, "JERES EGNE OMGJORTE AFGØRELSER") || !strings.Contains(out3.HTML, "Jeres egne omgjorte afgørelser") {
		t.Errorf("own section missing in a week with nothing else to list: listed %v own %d\n%s", d3.Listed(), d3.OwnNew, out3.Text)
	}
}

// TestDigestMarksOutcomesToCheck: a decision whose outcome is below omgjort.ConfidentAt and
// unjudged says "bør tjekkes" in both bodies; a sure one does not (issue 10, point 4).
func TestDigestMarksOutcomesToCheck(t *testing.T) {
	db := openStore(t, t.TempDir())
	unsure := cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)
	unsure.OutcomeConfidence = 0.79
	sure := cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)
	sure.OutcomeConfidence = 0.95
	put(t, db, stored(dec("10-26", "2026-11-17", "Aktivloven", unsure), day(17, 6)), stored(dec("11-26", "2026-11-18", "Aktivloven", sure), day(18, 6)))
	d, err := Build(db, Options{Week: week47, SiteURL: "https://omgjort.example.dk", Now: time.Date(2026, 11, 23, 7, 0, 0, 0, cph)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(cph)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for name, items := range map[string][]string{"text": strings.Split(strings.Join(strings.Fields(out.Text), " "), " - "), "html": strings.Split(out.HTML, "<li")} {
		unsureMarked, sureMarked := 0, 0
		for _, it := range items {
			switch {
			case strings.Contains(it, "10-26") && strings.Contains(it, "Hjemvist (bør tjekkes)"):
				unsureMarked++
			case strings.Contains(it, "11-26") && strings.Contains(it, "bør tjekkes"):
				sureMarked++
			}
		}
		if unsureMarked == 0 || sureMarked > 0 {
			t.Errorf("%s body: the unsure outcome marked %d times, the sure one %d times (want > 0 and 0):\n%s", name, unsureMarked, sureMarked, strings.Join(items, "\n"))
		}
	}
}
