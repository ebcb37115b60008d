package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/audit"
)

// TestExportOwnDecisionsOnlyAsAllowedUserAndAudited: `omgjort export` leaves own decisions out
// unless --own names a local account allowed to read them; then each exported own decision is
// in the audit log as a read by that account, beside one export entry.
func TestExportOwnDecisionsOnlyAsAllowedUserAndAudited(t *testing.T) {
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := a.addDemoOwn(); err != nil || n != 2 {
		t.Fatalf("own decisions: %d %v", n, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	pw := "en lang nok adgangskode\n"
	for name, role := range map[string]string{"sofie": "sagsbehandler", "lars": "laeser"} {
		if code, _, errs := cli(t, pw, "user", "add", "--data", dir, "--role", role, name); code != 0 {
			t.Fatalf("user add %s: %s", name, errs)
		}
	}
	code, out, errs := cli(t, "", "export", "--data", dir)
	if code != 0 || strings.Contains(out, "DEMO-26-00001") || !strings.Contains(errs, "2 own decision(s) left out") {
		t.Fatalf("export without --own: %d, own decisions in it %v, stderr %q", code, strings.Contains(out, "DEMO-26"), errs)
	}
	for _, bad := range [][]string{{"--own"}, {"--own", "--user", "lars"}, {"--own", "--user", "ukendt"}} {
		code, out, errs := cli(t, "", append([]string{"export", "--data", dir}, bad...)...)
		if code != 2 || strings.Contains(out, "DEMO-26") {
			t.Errorf("export %v: %d (%s), want exit 2 and no own decision", bad, code, strings.TrimSpace(errs))
		}
	}
	for _, format := range []string{"jsonl", "csv"} {
		code, out, errs = cli(t, "", "export", "--data", dir, "--own", "--user", "sofie", "--format", format)
		if code != 0 || !strings.Contains(out, "DEMO-26-00001") || !strings.Contains(out, "DEMO-26-00002") {
			t.Fatalf("export --own as sagsbehandler (%s): %d %s", format, code, errs)
		}
	}
	a, err = openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	alog, err := audit.Open(a.db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	reads, err := alog.ReadersOf("DEMO-26-00002")
	if err != nil || len(reads) != 2 || reads[0].Entry.User != "sofie" || reads[0].Entry.Detail != "udtræk (omgjort export)" {
		t.Errorf("reads of DEMO-26-00002: %+v %v; want two exports by sofie", reads, err)
	}
	exports, err := alog.List(audit.Filter{Action: omgjort.AuditExport, User: "sofie"})
	if err != nil || len(exports) != 2 || exports[0].Entry.Detail != "2 egne afgørelser" {
		t.Errorf("export entries: %+v %v", exports, err)
	}
	if others, _ := alog.List(audit.Filter{User: "lars"}); len(others) != 0 {
		t.Errorf("a refused export left entries: %+v", others)
	}
	if n, err := alog.Verify(); err != nil || n == 0 {
		t.Errorf("audit chain: %d %v", n, err)
	}
}

// TestCorrectionsExportOwnAudited: `corrections export --own` needs a local account allowed to
// read own decisions and records a read of each own decision it writes out.
func TestCorrectionsExportOwnAudited(t *testing.T) {
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.addDemoOwn(); err != nil {
		t.Fatal(err)
	}
	d, err := a.db.Get("DEMO-26-00001")
	if err != nil {
		t.Fatal(err)
	}
	c := omgjort.Correction{DecisionID: d.ID, CaseID: d.Cases[0].ID, Kind: omgjort.CorrectOutcome,
		Action: omgjort.CorrectionConfirm, Outcome: d.Cases[0].Outcome, User: "jurist", Reason: "rigtigt", Time: time.Now().UTC()}
	if _, err := a.Correct(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	a.Close()
	pw := "en lang nok adgangskode\n"
	for name, role := range map[string]string{"sofie": "sagsbehandler", "lars": "laeser"} {
		if code, _, errs := cli(t, pw, "user", "add", "--data", dir, "--role", role, name); code != 0 {
			t.Fatalf("user add %s: %s", name, errs)
		}
	}
	for _, bad := range [][]string{{"--own"}, {"--own", "--user", "lars"}} {
		out := t.TempDir()
		if code, _, _ := cli(t, "", append([]string{"corrections", "export", "--data", dir, "--out", out}, bad...)...); code != 2 {
			t.Errorf("corrections export %v: %d, want 2", bad, code)
		}
		if files, _ := os.ReadDir(out); len(files) != 0 {
			t.Errorf("corrections export %v wrote %d files", bad, len(files))
		}
	}
	out := t.TempDir()
	if code, stdout, errs := cli(t, "", "corrections", "export", "--data", dir, "--out", out, "--own", "--user", "sofie"); code != 0 || !strings.Contains(stdout, "1 rettede sager") {
		t.Fatalf("corrections export --own: %d %s %s", code, stdout, errs)
	}
	a, err = openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	alog, _ := audit.Open(a.db.Bolt())
	reads, err := alog.ReadersOf("DEMO-26-00001")
	if err != nil || len(reads) != 1 || reads[0].Entry.User != "sofie" || reads[0].Entry.Detail != "udtræk (corrections export)" {
		t.Errorf("reads: %+v %v", reads, err)
	}
}
