package digest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
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

func TestBuild(t *testing.T) {
	db := openStore(t, t.TempDir())
	put(t, db,
		// Week 47: two reversed with invalidating errors (tie on count → the newer one wins),
		// one reversed without any error label, one upheld, one under another law.
		dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning, omgjort.ErrPartshoering)),
		dec("11-26", "2026-11-19", "Aktivloven", cs(omgjort.OutcomeOphaevet, omgjort.ErrBegrundelse, omgjort.ErrSagsoplysning), cs(omgjort.OutcomeStadfaestet)),
		dec("12-26", "2026-11-20", "Aktivloven", cs(omgjort.OutcomeAendret)),
		dec("13-26", "2026-11-16", "Aktivloven", cs(omgjort.OutcomeStadfaestet, omgjort.ErrVejledning)),
		dec("14-26", "2026-11-22", "Sygedagpengeloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrVejledning, omgjort.ErrRetsanvendelse)),
		// Earlier weeks for the comparison: W45 and W40 (inside 4 and 12 weeks), W30 (outside).
		dec("5-26", "2026-11-03", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)),
		dec("6-26", "2026-09-29", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)),
		dec("7-26", "2026-07-21", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)),
		// Next week: not in this digest.
		dec("20-26", "2026-11-24", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)),
	)
	// An older decision that got a new version in week 47.
	old := dec("2-25", "2025-03-01", "Aktivloven", cs(omgjort.OutcomeStadfaestet))
	put(t, db, old)
	changed := dec("2-25", "2025-03-01", "Aktivloven", cs(omgjort.OutcomeOphaevet, omgjort.ErrPartshoering))
	changed.ContentHash, changed.FetchedAt = "h-2-25-v2", time.Date(2026, 11, 18, 6, 15, 0, 0, cph)
	put(t, db, changed)
	crawlRun(t, db, omgjort.RunOK, time.Date(2026, 11, 23, 6, 16, 0, 0, cph), 0, "")

	now := time.Date(2026, 11, 23, 7, 0, 0, 0, cph)
	d, err := Build(db, Options{Week: week47, SiteURL: "https://omgjort.example.dk/", Now: now})
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
	if got, want := ids(d.New), "14-26 12-26 11-26 10-26 13-26"; got != want {
		t.Errorf("new = %q, want %q (newest first)", got, want)
	}
	if got := ids(d.Changed); got != "2-25" {
		t.Errorf("changed = %q, want 2-25", got)
	}
	if d.Reversed != 5 {
		t.Errorf("reversed = %d, want 5", d.Reversed)
	}
	if d.Case == nil || d.Case.ID != "11-26" || d.Case.Invalidating != 2 {
		t.Fatalf("case of the week = %+v, want 11-26 with 2 (tie with 10-26 goes to the newer)", d.Case)
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
	if _, ok := group[omgjort.ErrVejledning.Label()]; !ok {
		t.Errorf("vejledning group missing (14-26 is reversed with it)")
	}
	for _, c := range d.Counts {
		if c.Type == omgjort.ErrSagsoplysning && (c.Week != 2 || c.Prev4 != 1 || c.Prev12 != 2) {
			t.Errorf("sagsoplysning counts = %+v, want week 2, prev4 1, prev12 2", c)
		}
		if c.Type == omgjort.ErrVejledning && c.Week != 1 {
			t.Errorf("vejledning counted %d, want 1 (13-26 was upheld)", c.Week)
		}
	}
	if len(d.Sources) != 1 || d.Sources[0].Stale || d.Sources[0].Failed {
		t.Errorf("sources = %+v, want ast.dk fresh", d.Sources)
	}
	line := FreshnessLine(d.Sources[0], week47, cph)
	if want := "Kilden ast.dk blev tjekket mandag 23. november kl. 06.16 — kørslerne i uge 47 hentede 0 nye afgørelser."; line != want {
		t.Errorf("freshness line = %q, want %q", line, want)
	}

	// Law filter: only Sygedagpengeloven.
	f, err := Build(db, Options{Week: week47, Laws: []string{"sygedagpenge"}, Now: now})
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

func TestStaleAndFailedSource(t *testing.T) {
	db := openStore(t, t.TempDir())
	crawlRun(t, db, omgjort.RunOK, time.Date(2026, 11, 10, 6, 15, 0, 0, cph), 3, "")
	crawlRun(t, db, omgjort.RunFailed, time.Date(2026, 11, 22, 6, 15, 0, 0, cph), 0, "sitemap gav 503")
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
		if !strings.Contains(body, "Ingen vellykket kørsel i over 8 dage") || !strings.Contains(body, "sitemap gav 503") {
			t.Errorf("body lacks the stale/failed warning:\n%s", body)
		}
	}
	if !strings.Contains(out.HTML, "#b91c1c") {
		t.Errorf("warning in the HTML is not red")
	}
}

func TestRenderReadsWellInMailClients(t *testing.T) {
	db := openStore(t, t.TempDir())
	put(t, db, dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning)))
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

// TestOwnDecisionsNotInDigest: the municipality's own decisions never reach the digest, which
// is mailed and public at /digests.
func TestOwnDecisionsNotInDigest(t *testing.T) {
	db := openStore(t, t.TempDir())
	pub := dec("10-26", "2026-11-17", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning))
	own := dec("E-26-1", "2026-11-18", "Aktivloven", cs(omgjort.OutcomeHjemvist, omgjort.ErrSagsoplysning))
	own.Source = omgjort.SourceOwn
	put(t, db, pub, own)
	d, err := Build(db, Options{Week: week47, Now: time.Date(2026, 11, 23, 7, 0, 0, 0, cph)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	if !strings.Contains(string(b), "10-26") || strings.Contains(string(b), "E-26-1") {
		t.Fatalf("digest = %s", b)
	}
}
