package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/alerts"
	"omgjort/auth"
	"omgjort/digest"
	"omgjort/digest/smtptest"
)

// TestServeAlertJobs runs serve with the scheduler: the daily alerts job mails a user's daily
// saved search once, and the digest job gives a user with a weekly saved search (not on
// --digest-to) the digest with the alert section.
func TestServeAlertJobs(t *testing.T) {
	smtpSrv, err := smtptest.Start("omgjort", "pw")
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	users, err := auth.Open(a.db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	users.SetParams(auth.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32})
	for _, n := range []string{"daglig@kommune.dk", "ugentlig@kommune.dk"} {
		if err := users.AddUser(n, "korrekt hest batteri", []omgjort.Role{omgjort.RoleJurist}); err != nil {
			t.Fatal(err)
		}
	}
	al, err := a.openAlerts(mailFlags{}, "https://omgjort.kommune.dk", nil, users, omgjort.NopAudit{})
	if err != nil {
		t.Fatal(err)
	}
	for n, f := range map[string]alerts.Frequency{"daglig@kommune.dk": alerts.Daily, "ugentlig@kommune.dk": alerts.Weekly} {
		ctx := omgjort.WithUser(context.Background(), &omgjort.User{Name: n, Roles: []omgjort.Role{omgjort.RoleJurist}})
		if _, err := al.Save(ctx, "Sygedagpenge", "q=sygedagpenge", string(f)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(10 * time.Millisecond) // the decision is stored after the searches were saved
	d := &omgjort.Decision{ID: "92-26", Number: "92-26", Title: "Om sygedagpenge og hjemvisning", Published: "2026-03-02",
		Laws: []string{"Sygedagpengeloven"}, ContentHash: "c",
		Cases: []omgjort.Case{{ID: "1", Outcome: omgjort.OutcomeHjemvist, Text: "Vi hjemviser sagen om sygedagpenge."}}}
	d.RollUpCases()
	if _, err := a.db.PutDecision(d, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Index().Put(d); err != nil {
		t.Fatal(err)
	}
	o := serveOptions{adminToken: testAdminToken, crawlSpec: "off", retsinfoSpec: "off", digestSpec: defaultDigestSpec,
		alertsSpec: defaultAlertsSpec, backupSpec: "off", shutdownTimeout: 10 * time.Second}
	o.mail = mailFlags{smtp: smtpSrv.Addr, user: "omgjort", from: "omgjort@kommune.dk", tls: digest.TLSStartTLS,
		timeout: 5 * time.Second, siteURL: "https://omgjort.kommune.dk"}
	o.mailer, err = digest.NewSMTP(digest.SMTPConfig{Addr: smtpSrv.Addr, User: "omgjort", Password: "pw", TLS: digest.TLSStartTLS,
		TLSConfig: &tls.Config{RootCAs: smtpSrv.RootCAs}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	base, sched, _ := serving(t, a, o)
	for i, job := range []string{"alerts", "alerts", "digest"} {
		if code, body := post(t, base+"/admin/run/"+job, testAdminToken); code != http.StatusAccepted {
			t.Fatalf("run %s: %d %s", job, code, body)
		}
		n := 1
		if i == 1 {
			n = 2
		}
		if runs := waitRuns(t, a, job, n); runs[0].Result != omgjort.RunOK {
			t.Fatalf("%s run: %+v", job, runs[0])
		}
		_ = sched.Wait(context.Background())
	}
	daily := smtpSrv.To("daglig@kommune.dk")
	if len(daily) != 1 || !strings.Contains(string(daily[0].Data), "92-26") || daily[0].Header.Get("List-Unsubscribe") == "" {
		t.Errorf("daily user: %d mails", len(daily))
	}
	weekly := smtpSrv.To("ugentlig@kommune.dk")
	if len(weekly) != 1 || !strings.Contains(string(weekly[0].Data), "GEMTE S") || !strings.Contains(string(weekly[0].Data), "92-26") {
		t.Errorf("weekly user: %d digests", len(weekly))
	}
	if body := get(t, base+"/status", http.StatusOK); !strings.Contains(body, "Besked om gemte søgninger") || !strings.Contains(body, defaultAlertsSpec) {
		t.Error("/status does not list the alerts job")
	}
}
