package alerts

import (
	"context"
	"crypto/tls"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/audit"
	"omgjort/auth"
	"omgjort/digest"
	"omgjort/digest/smtptest"
	"omgjort/index"
	"omgjort/store"
)

const pw = "korrekt hest batteri"

// fixture is the service over a real store, index, user store, audit log and SMTP server.
type fixture struct {
	t     testing.TB
	db    *store.DB
	idx   *index.Index
	users *auth.Service
	log   *audit.Log
	smtp  *smtptest.Server
	s     *Service
	clock time.Time
	n     int
}

// t0 is a Tuesday morning in Copenhagen; the fixture's clock starts there.
var t0 = time.Date(2026, 3, 10, 7, 0, 0, 0, mustLoc("Europe/Copenhagen"))

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	users, err := auth.Open(db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	users.SetParams(auth.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32})
	alog, err := audit.Open(db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := smtptest.Start("omgjort", "smtp-hemmelighed")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	mailer, err := digest.NewSMTP(digest.SMTPConfig{Addr: srv.Addr, User: srv.User, Password: srv.Password, TLS: digest.TLSStartTLS,
		TLSConfig: &tls.Config{RootCAs: srv.RootCAs, MinVersion: tls.VersionTLS12}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	key, err := LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, idx: idx, users: users, log: alog, smtp: srv, clock: t0}
	f.s, err = Open(db.Bolt(), Config{Search: idx, Decisions: db, Users: users, Audit: alog, Key: key,
		SiteURL: "https://omgjort.kommune.dk", From: "omgjort@kommune.dk", Mailer: mailer, Attempts: 3, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f.s.SetClock(func() time.Time { return f.clock })
	return f
}

// add stores and indexes a decision first stored at the fixture's clock plus offset.
func (f *fixture) add(text string, own bool, offset time.Duration) *omgjort.Decision {
	f.t.Helper()
	f.n++
	num := "26-" + string(rune('0'+f.n/10)) + string(rune('0'+f.n%10))
	d := &omgjort.Decision{ID: num, Number: num, Numbers: []string{num}, Title: "Afgørelse om " + text + " nr. " + num,
		Source: "astdk", Status: omgjort.StatusGaeldende, Published: "2026-03-0" + string(rune('0'+f.n%9+1)), Year: 2026,
		Laws: []string{"Sygedagpengeloven"}, FirstStored: f.clock.Add(offset).UTC(),
		Cases: []omgjort.Case{{ID: "1", Text: "Vi hjemviser sagen om " + text + " til kommunen.", Outcome: omgjort.OutcomeHjemvist}}}
	if own {
		d.ID, d.Source, d.Title = "E-"+num, omgjort.SourceOwn, "Egen afgørelse med hemmelig titel "+num
	}
	d.RollUpCases()
	if _, err := f.db.PutDecisions([]*omgjort.Decision{d}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.idx.Put(d); err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) user(name string, role omgjort.Role, email string) context.Context {
	f.t.Helper()
	if err := f.users.AddUser(name, pw, []omgjort.Role{role}); err != nil {
		f.t.Fatal(err)
	}
	if email != "" {
		if err := f.s.SetEmail(name, email); err != nil {
			f.t.Fatal(err)
		}
	}
	return omgjort.WithUser(context.Background(), &omgjort.User{Name: name, Roles: []omgjort.Role{role}})
}

func (f *fixture) save(ctx context.Context, name, query string, freq Frequency) Alert {
	f.t.Helper()
	a, err := f.s.Save(ctx, name, query, string(freq))
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *fixture) run() Report {
	f.t.Helper()
	rep, err := f.s.RunDaily(context.Background())
	if err != nil {
		f.t.Fatalf("daily run: %v (%+v)", err, rep)
	}
	return rep
}

func body(m smtptest.Message) string { return string(m.Data) }

func TestSaveListRenameDeleteAndBadInput(t *testing.T) {
	f := newFixture(t)
	f.add("sygedagpenge", false, -time.Hour)
	ctx := f.user("jurist@kommune.dk", omgjort.RoleJurist, "")
	other := f.user("anden", omgjort.RoleJurist, "")
	for _, c := range []struct{ name, query, freq, want string }{
		{"  ", "q=sygedagpenge", "daglig", "Giv søgningen et navn"},
		{"Syge", "q=sygedagpenge", "hver time", "Vælg, hvor ofte"},
		{"Syge", "q=%22sygedagpenge", "daglig", "citationstegn"},
		{"Syge", "q=lovx:abc", "daglig", "findes ikke"},
		{"Syge", "side=2", "daglig", "ingen søgning at gemme"},
		{"Syge", "q=x&fra=31-01-2024", "daglig", "ÅÅÅÅ-MM-DD"},
	} {
		_, err := f.s.Save(ctx, c.name, c.query, c.freq)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Message, c.want) {
			t.Errorf("Save(%q, %q, %q) = %v, want a Danish message with %q", c.name, c.query, c.freq, err, c.want)
		}
	}
	a := f.save(ctx, "  Sygedagpenge   og   hjemvisning ", "udfald=hjemvist&q=sygedagpenge&side=3&sort=date&lov=B&lov=A&lov=A", Daily)
	if a.Name != "Sygedagpenge og hjemvisning" || a.Query != "lov=A&lov=B&q=sygedagpenge&udfald=hjemvist" {
		t.Errorf("saved %+v", a)
	}
	b := f.save(ctx, "Aktivloven", "q=aktivloven", Never)
	list, err := f.s.List("JURIST@kommune.dk")
	if err != nil || len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if mine, _ := f.s.List("anden"); len(mine) != 0 {
		t.Errorf("another user sees %d alerts", len(mine))
	}
	if _, err := f.s.Rename("anden", a.ID, "Stjålet"); !errors.Is(err, ErrNotFound) {
		t.Errorf("rename by another user: %v", err)
	}
	if err := f.s.Delete("anden", a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete by another user: %v", err)
	}
	if _, err := f.s.Rename("jurist@kommune.dk", a.ID, ""); err == nil {
		t.Error("empty rename accepted")
	}
	if got, err := f.s.Rename("jurist@kommune.dk", a.ID, "Syge"); err != nil || got.Name != "Syge" {
		t.Errorf("rename: %+v %v", got, err)
	}
	if got, err := f.s.SetFrequency("jurist@kommune.dk", a.ID, "ugentlig"); err != nil || got.Freq != Weekly {
		t.Errorf("frequency: %+v %v", got, err)
	}
	if _, err := f.s.SetFrequency("jurist@kommune.dk", a.ID, "aldrig"); err == nil {
		t.Error("unknown frequency accepted")
	}
	if err := f.s.Delete("jurist@kommune.dk", b.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.Get("jurist@kommune.dk", a.ID); err != nil || got.Name != "Syge" || got.Freq != Weekly || got.Query != a.Query {
		t.Errorf("round trip: %+v %v", got, err)
	}
	if _, err := f.s.Get("jurist@kommune.dk", b.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted alert: %v", err)
	}
	// The mail address: the user name when it is one, else what the user gives.
	if e, _ := f.s.Email("jurist@kommune.dk"); e != "jurist@kommune.dk" {
		t.Errorf("email from the user name = %q", e)
	}
	if e, _ := f.s.Email("anden"); e != "" {
		t.Errorf("email of a plain user name = %q", e)
	}
	if err := f.s.SetEmail("anden", "ikke en adresse"); err == nil {
		t.Error("bad address accepted")
	}
	_ = other
}

func TestUnsubscribeToken(t *testing.T) {
	f := newFixture(t)
	ctx := f.user("u", omgjort.RoleLaeser, "u@kommune.dk")
	a := f.save(ctx, "A", "q=a", Daily)
	b := f.save(ctx, "B", "q=b", Weekly)
	tok := f.s.Token(a.ID, b.ID)
	if strings.Contains(tok, "u@") || strings.Contains(tok, "kommune") {
		t.Fatalf("token names the user: %s", tok)
	}
	for _, bad := range []string{"", tok + "x", a.ID + "." + strings.SplitN(tok, ".", 2)[1], strings.Replace(tok, a.ID, b.ID, 1), "zz.zz"} {
		if _, err := f.s.Unsubscribe(bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("token %q accepted: %v", bad, err)
		}
	}
	other, _ := LoadKey(t.TempDir())
	s2, _ := Open(f.db.Bolt(), Config{Key: other})
	if _, err := f.s.Unsubscribe(s2.Token(a.ID)); !errors.Is(err, ErrBadToken) {
		t.Errorf("token of another key accepted: %v", err)
	}
	got, err := f.s.Unsubscribe(tok)
	if err != nil || len(got) != 2 {
		t.Fatalf("unsubscribe: %+v %v", got, err)
	}
	for _, id := range []string{a.ID, b.ID} {
		if x, _ := f.s.Get("u", id); x.Freq != Never {
			t.Errorf("alert %s still %s", id, x.Freq)
		}
	}
}

// TestDailyAlertOverSMTP: the daily mail lists only decisions new to the alert, counts own
// decisions without describing them, sends nothing more the same day, the next day only what
// came since, and nothing own once the user lost the role.
func TestDailyAlertOverSMTP(t *testing.T) {
	f := newFixture(t)
	old := f.add("sygedagpenge", false, -time.Hour)
	ctx := f.user("jurist", omgjort.RoleJurist, "jurist@kommune.dk")
	a := f.save(ctx, "Sygedagpenge", "q=sygedagpenge", Daily)
	f.save(ctx, "Kun ugentlig", "q=sygedagpenge", Weekly)
	pub := f.add("sygedagpenge", false, time.Hour)
	other := f.add("kontanthjælp", false, time.Hour)
	own := f.add("sygedagpenge", true, time.Hour)
	f.clock = t0.Add(2 * time.Hour)

	rep := f.run()
	msgs := f.smtp.To("jurist@kommune.dk")
	if rep.Sent != 1 || len(msgs) != 1 {
		t.Fatalf("first run: %+v, %d mails", rep, len(msgs))
	}
	m := body(msgs[0])
	if subj := msgs[0].Header.Get("Subject"); !strings.Contains(mimeDecode(subj), "2 nye afgørelser matcher «Sygedagpenge»") {
		t.Errorf("subject %q", mimeDecode(subj))
	}
	text := plain(m)
	for _, want := range []string{pub.Number, "https://omgjort.kommune.dk/d/" + pub.ID, "1 ny egen afgørelse matcher «Sygedagpenge» – log ind for at se den", "/afmeld/"} {
		if !strings.Contains(text, want) {
			t.Errorf("mail lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{old.Number + ":", other.Number, own.Title, "hemmelig", own.ID} {
		if strings.Contains(text, not) {
			t.Errorf("mail has %q:\n%s", not, text)
		}
	}
	lu := msgs[0].Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<https://omgjort.kommune.dk/afmeld/"+a.ID+".") || msgs[0].Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe %q", lu)
	}
	recs, _ := f.log.List(audit.Filter{Action: omgjort.AuditAlert})
	if len(recs) != 1 || recs[0].Entry.DecisionID != own.ID || recs[0].Entry.User != "jurist" {
		t.Errorf("audit of the own decision: %+v", recs)
	}

	// Later the same day: a new decision, but at most one mail a day.
	later := f.add("sygedagpenge", false, 2*time.Hour)
	f.clock = t0.Add(5 * time.Hour)
	if rep := f.run(); rep.Sent != 0 || len(f.smtp.To("jurist@kommune.dk")) != 1 {
		t.Fatalf("second run the same day sent: %+v", rep)
	}

	// The next day: only what is new since the last mail.
	f.clock = t0.Add(24 * time.Hour)
	if rep := f.run(); rep.Sent != 1 {
		t.Fatalf("next day: %+v", rep)
	}
	msgs = f.smtp.To("jurist@kommune.dk")
	text = plain(body(msgs[1]))
	if !strings.Contains(text, later.Number) || strings.Contains(text, pub.Number) || strings.Contains(text, "egen afgørelse") {
		t.Errorf("next day's mail:\n%s", text)
	}
	if s := mimeDecode(msgs[1].Header.Get("Subject")); !strings.Contains(s, "1 ny afgørelse matcher") {
		t.Errorf("subject %q", s)
	}
	if msgs[0].MessageID() == msgs[1].MessageID() {
		t.Error("two days share a Message-ID")
	}

	// The user loses the right to read own decisions: a new own one is not even counted.
	if err := f.users.SetRoles("jurist", []omgjort.Role{omgjort.RoleLaeser}); err != nil {
		t.Fatal(err)
	}
	f.add("sygedagpenge", true, time.Hour)
	pub2 := f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(48 * time.Hour)
	f.run()
	msgs = f.smtp.To("jurist@kommune.dk")
	if len(msgs) != 3 {
		t.Fatalf("third day: %d mails", len(msgs))
	}
	if text = plain(body(msgs[2])); !strings.Contains(text, pub2.Number) || strings.Contains(text, "egen") {
		t.Errorf("mail after losing the role:\n%s", text)
	}
	// A removed user gets nothing at all.
	if err := f.users.RemoveUser("jurist"); err != nil {
		t.Fatal(err)
	}
	f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(72 * time.Hour)
	f.run()
	if n := len(f.smtp.To("jurist@kommune.dk")); n != 3 {
		t.Errorf("a removed user got mail: %d", n)
	}
	if got, _ := f.s.Get("jurist", a.ID); got.Sent != 4 || got.LastSent.IsZero() {
		t.Errorf("alert after the runs: %+v", got)
	}
}

// TestCrashAndResume: a delivery that fails for one user leaves the others sent and is sent
// exactly once by the rerun; a crash before the SMTP transaction sends once on resume; a
// crash after the server accepted resends the same message (same Message-ID) once, the
// at-least-once window, and never lists its decisions again.
func TestCrashAndResume(t *testing.T) {
	f := newFixture(t)
	c1 := f.user("en", omgjort.RoleJurist, "en@kommune.dk")
	c2 := f.user("to", omgjort.RoleJurist, "to@kommune.dk")
	f.save(c1, "Syge", "q=sygedagpenge", Daily)
	f.save(c2, "Syge", "q=sygedagpenge", Daily)
	d1 := f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(2 * time.Hour)

	f.smtp.Refuse("to@kommune.dk", 451, 451, 451)
	rep, err := f.s.RunDaily(context.Background())
	if err == nil || rep.Sent != 1 || rep.Failed != 1 || len(rep.Errors) != 1 {
		t.Fatalf("run with a refusing server: %+v %v", rep, err)
	}
	if len(f.smtp.To("en@kommune.dk")) != 1 || len(f.smtp.To("to@kommune.dk")) != 0 {
		t.Fatal("wrong mails after the failing run")
	}
	d2 := f.add("sygedagpenge", false, 3*time.Hour)
	f.clock = t0.Add(4 * time.Hour)
	f.run()
	to := f.smtp.To("to@kommune.dk")
	if len(f.smtp.To("en@kommune.dk")) != 1 || len(to) != 1 {
		t.Fatalf("after the rerun: en %d, to %d mails", len(f.smtp.To("en@kommune.dk")), len(to))
	}
	// The rerun sends what was planned: d1, not d2 (which waits for tomorrow).
	if text := plain(body(to[0])); !strings.Contains(text, d1.Number) || strings.Contains(text, d2.Number) {
		t.Errorf("resent mail:\n%s", text)
	}
	f.run()
	if len(f.smtp.Messages()) != 2 {
		t.Fatalf("a third run sent more: %d", len(f.smtp.Messages()))
	}

	// Next day: "en" crashes before the SMTP transaction, "to" after the server accepted.
	f.clock = t0.Add(24 * time.Hour)
	crash := errors.New("simulated crash")
	f.s.hook = func(stage, owner string) error {
		if (owner == "en" && stage == "sending") || (owner == "to" && stage == "handed-over") {
			return crash
		}
		return nil
	}
	if _, err := f.s.RunDaily(context.Background()); !errors.Is(err, crash) {
		t.Fatalf("crashed run: %v", err)
	}
	if len(f.smtp.To("en@kommune.dk")) != 1 || len(f.smtp.To("to@kommune.dk")) != 2 {
		t.Fatal("unexpected mails during the crashed run")
	}
	f.s.hook = nil
	f.clock = t0.Add(25 * time.Hour)
	f.run()
	en, to := f.smtp.To("en@kommune.dk"), f.smtp.To("to@kommune.dk")
	if len(en) != 2 || len(to) != 3 {
		t.Fatalf("after resuming: en %d, to %d", len(en), len(to))
	}
	if to[1].MessageID() != to[2].MessageID() {
		t.Errorf("the resent message has a new Message-ID: %s vs %s", to[1].MessageID(), to[2].MessageID())
	}
	for _, m := range []smtptest.Message{en[1], to[2]} {
		if text := plain(body(m)); !strings.Contains(text, d2.Number) || strings.Contains(text, d1.Number) {
			t.Errorf("day-two mail:\n%s", text)
		}
	}
	f.run()
	f.clock = t0.Add(48 * time.Hour)
	f.run()
	if n := len(f.smtp.Messages()); n != 5 {
		t.Errorf("%d mails in all, want 5 (nothing new on day three)", n)
	}
}

// TestWeeklySectionInDigest: a weekly alert goes into its user's digest mail as its own
// section, is committed with the digest's send, and is not repeated next week.
func TestWeeklySectionInDigest(t *testing.T) {
	f := newFixture(t)
	ctx := f.user("teamleder", omgjort.RoleTeamleder, "tl@kommune.dk")
	f.save(ctx, "Syge ugentligt", "q=sygedagpenge", Weekly)
	f.save(ctx, "Dagligt", "q=sygedagpenge", Daily)
	d1 := f.add("sygedagpenge", false, time.Hour)
	own := f.add("sygedagpenge", true, time.Hour)
	f.clock = t0.Add(6 * 24 * time.Hour)

	rcpts, err := f.s.WeeklyRecipients()
	if err != nil || len(rcpts) != 1 || rcpts[0] != "tl@kommune.dk" {
		t.Fatalf("weekly recipients %v %v", rcpts, err)
	}
	r, err := digest.NewRenderer(nil)
	if err != nil {
		t.Fatal(err)
	}
	mailer, _ := f.s.cfg.Mailer.(*digest.SMTP)
	send := func(week omgjort.Week) []smtptest.Message {
		t.Helper()
		d, err := digest.Build(f.db, digest.Options{Week: week, Now: f.clock, SiteURL: "https://omgjort.kommune.dk"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Render(d); err != nil {
			t.Fatal(err)
		}
		dv := &digest.Deliverer{Log: f.s.DigestLog(f.db), Mailer: mailer, Attempts: 1}
		_, err = dv.Deliver(context.Background(), week, "omgjort@kommune.dk", []omgjort.Recipient{{Email: "tl@kommune.dk"}},
			func(rc omgjort.Recipient) (*digest.Message, error) {
				return f.s.DigestMessage(context.Background(), week, rc.Email, d, r)
			})
		if err != nil {
			t.Fatal(err)
		}
		return f.smtp.To("tl@kommune.dk")
	}
	week := omgjort.WeekOf(t0)
	msgs := send(week)
	if len(msgs) != 1 {
		t.Fatalf("%d digest mails", len(msgs))
	}
	text := plain(body(msgs[0]))
	for _, want := range []string{"DINE GEMTE SØGNINGER", "«Syge ugentligt» (2 nye afgørelser)", d1.Number, "1 ny egen afgørelse matcher «Syge ugentligt»", "UGE "} {
		if !strings.Contains(strings.ToUpper(text), strings.ToUpper(want)) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, own.Title) || msgs[0].Header.Get("List-Unsubscribe") == "" || msgs[0].Header.Get("X-Omgjort-Week") != week.String() {
		t.Errorf("digest headers or own text wrong: %v", msgs[0].Header)
	}
	// The stored digest (shown on /digests) has no alert section.
	if stored, err := f.db.DigestFor(week, nil); err == nil && strings.Contains(stored.Rendered.Text, "GEMTE SØGNINGER") {
		t.Error("the shared digest holds a user's alerts")
	}
	if recs, _ := f.log.List(audit.Filter{Action: omgjort.AuditAlert}); len(recs) != 1 || recs[0].Entry.DecisionID != own.ID {
		t.Errorf("audit: %+v", recs)
	}
	// The same week again: skipped. Next week: the section has nothing old.
	if msgs = send(week); len(msgs) != 1 {
		t.Fatalf("rerun of the week sent again: %d", len(msgs))
	}
	d2 := f.add("sygedagpenge", false, time.Hour)
	f.clock = f.clock.Add(7 * 24 * time.Hour)
	msgs = send(week.Add(1))
	if len(msgs) != 2 {
		t.Fatalf("next week: %d", len(msgs))
	}
	if text = plain(body(msgs[1])); !strings.Contains(text, d2.Number) || strings.Contains(text, d1.Number+":") {
		t.Errorf("next week's section:\n%s", text)
	}
	// The daily alert of the same user is independent of the digest: it still mails d1 and d2.
	f.run()
	if daily := f.smtp.To("tl@kommune.dk"); len(daily) != 3 || !strings.Contains(plain(body(daily[2])), d1.Number) {
		t.Errorf("daily mail after the digests: %d", len(daily))
	}
}

// TestFailingAlertRecorded: a saved search the index can no longer run is recorded on the
// alert (for its owner and the admin) and in the run's errors; the user's other alerts are
// still mailed.
func TestFailingAlertRecorded(t *testing.T) {
	f := newFixture(t)
	ctx := f.user("jurist", omgjort.RoleJurist, "jurist@kommune.dk")
	broken := f.save(ctx, "Gammel syntaks", "q=sygedagpenge", Daily)
	f.save(ctx, "Fungerer", "q=sygedagpenge", Daily)
	// A query saved by an older version whose syntax the index no longer accepts.
	if _, err := f.s.update("", broken.ID, func(a *Alert) error { a.Query = "q=%22sygedagpenge"; return nil }); err != nil {
		t.Fatal(err)
	}
	d := f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(2 * time.Hour)
	rep, err := f.s.RunDaily(context.Background())
	if err == nil || !strings.Contains(err.Error(), "alert:"+broken.ID) || len(rep.Errors) != 1 || rep.Sent != 1 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	got, _ := f.s.Get("jurist", broken.ID)
	if !strings.Contains(got.LastError, "kan ikke længere køres") || !strings.Contains(got.LastError, "citationstegn") || got.LastErrorAt.IsZero() {
		t.Errorf("recorded error %q", got.LastError)
	}
	msgs := f.smtp.To("jurist@kommune.dk")
	if len(msgs) != 1 || !strings.Contains(plain(body(msgs[0])), d.Number) || strings.Contains(plain(body(msgs[0])), "Gammel syntaks") {
		t.Errorf("the working alert's mail: %d", len(msgs))
	}
}

// TestRetryHonoursUnsubscribeAndRoles: a planned mail that failed is trimmed before it is
// retried: a search unsubscribed meanwhile is left out (nothing left: nothing sent), and own
// decisions are left out once the user lost the role.
func TestRetryHonoursUnsubscribeAndRoles(t *testing.T) {
	f := newFixture(t)
	c1 := f.user("en", omgjort.RoleJurist, "en@kommune.dk")
	c2 := f.user("to", omgjort.RoleJurist, "to@kommune.dk")
	a1 := f.save(c1, "Syge", "q=sygedagpenge", Daily)
	f.save(c2, "Syge", "q=sygedagpenge", Daily)
	f.add("sygedagpenge", true, time.Hour)
	pub := f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(2 * time.Hour)
	f.smtp.Refuse("en@kommune.dk", 451, 451, 451)
	f.smtp.Refuse("to@kommune.dk", 451, 451, 451)
	if rep, err := f.s.RunDaily(context.Background()); err == nil || rep.Failed != 2 {
		t.Fatalf("failing run: %+v %v", rep, err)
	}
	if _, err := f.s.Unsubscribe(f.s.Token(a1.ID)); err != nil {
		t.Fatal(err)
	}
	if err := f.users.SetRoles("to", []omgjort.Role{omgjort.RoleLaeser}); err != nil {
		t.Fatal(err)
	}
	f.clock = t0.Add(3 * time.Hour)
	rep := f.run()
	if n := len(f.smtp.To("en@kommune.dk")); n != 0 || rep.Sent != 1 {
		t.Errorf("unsubscribed user got %d mails (%+v)", n, rep)
	}
	to := f.smtp.To("to@kommune.dk")
	if len(to) != 1 {
		t.Fatalf("retry: %d mails", len(to))
	}
	if text := plain(body(to[0])); !strings.Contains(text, pub.Number) || strings.Contains(text, "egen afgørelse") {
		t.Errorf("retried mail after losing the role:\n%s", text)
	}
	if s := mimeDecode(to[0].Header.Get("Subject")); !strings.Contains(s, "1 ny afgørelse matcher «Syge»") {
		t.Errorf("subject %q", s)
	}
}

// TestWeeklySectionSurvivesAFailedDigest: when the digest to a weekly user is refused, the
// section is not marked sent; the rerun sends the digest with the same section once, and next
// week's section does not repeat it.
func TestWeeklySectionSurvivesAFailedDigest(t *testing.T) {
	f := newFixture(t)
	ctx := f.user("tl", omgjort.RoleTeamleder, "tl@kommune.dk")
	f.save(ctx, "Syge", "q=sygedagpenge", Weekly)
	d1 := f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(6 * 24 * time.Hour)
	r, _ := digest.NewRenderer(nil)
	week := omgjort.WeekOf(t0)
	deliver := func(w omgjort.Week) error {
		d, err := digest.Build(f.db, digest.Options{Week: w, Now: f.clock})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Render(d); err != nil {
			t.Fatal(err)
		}
		dv := &digest.Deliverer{Log: f.s.DigestLog(f.db), Mailer: f.s.cfg.Mailer, Attempts: 1}
		_, err = dv.Deliver(context.Background(), w, "omgjort@kommune.dk", []omgjort.Recipient{{Email: "tl@kommune.dk"}},
			func(rc omgjort.Recipient) (*digest.Message, error) {
				return f.s.DigestMessage(context.Background(), w, rc.Email, d, r)
			})
		return err
	}
	f.smtp.Refuse("tl@kommune.dk", 451)
	if err := deliver(week); err == nil {
		t.Fatal("refused digest reported no error")
	}
	d2 := f.add("sygedagpenge", false, time.Hour) // stored after the section was planned
	if err := deliver(week); err != nil {
		t.Fatal(err)
	}
	msgs := f.smtp.To("tl@kommune.dk")
	if len(msgs) != 1 {
		t.Fatalf("%d digests", len(msgs))
	}
	if text := plain(body(msgs[0])); !strings.Contains(text, d1.Number) || strings.Contains(text, d2.Number) {
		t.Errorf("resent section:\n%s", text)
	}
	f.clock = f.clock.Add(7 * 24 * time.Hour)
	if err := deliver(week.Add(1)); err != nil {
		t.Fatal(err)
	}
	msgs = f.smtp.To("tl@kommune.dk")
	if text := plain(body(msgs[1])); !strings.Contains(text, d2.Number) || strings.Contains(text, d1.Number+":") {
		t.Errorf("next week's section:\n%s", text)
	}
}

// TestOneMailForAllDailySearches: a user's daily searches share one mail; a decision that
// two of them find counts once in the subject and is listed under each.
func TestOneMailForAllDailySearches(t *testing.T) {
	f := newFixture(t)
	ctx := f.user("jurist", omgjort.RoleJurist, "jurist@kommune.dk")
	f.save(ctx, "Syge", "q=sygedagpenge", Daily)
	f.save(ctx, "Hjemvist", "q=kommunen&udfald=hjemvist", Daily)
	d := f.add("sygedagpenge", false, time.Hour)
	f.clock = t0.Add(2 * time.Hour)
	f.run()
	msgs := f.smtp.To("jurist@kommune.dk")
	if len(msgs) != 1 {
		t.Fatalf("%d mails", len(msgs))
	}
	if s := mimeDecode(msgs[0].Header.Get("Subject")); s != "Omgjort: 1 ny afgørelse matcher dine gemte søgninger" {
		t.Errorf("subject %q", s)
	}
	text := plain(body(msgs[0]))
	if strings.Count(text, "(1 ny afgørelse)") != 4 || strings.Count(text, d.Number+":") != 2 || !strings.Contains(text, "gemt søgningerne") {
		t.Errorf("mail:\n%s", text)
	}
}
