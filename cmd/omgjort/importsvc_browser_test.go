package main

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"omgjort"
	"omgjort/audit"
	"omgjort/auth"
	"omgjort/importer/sample"
	"omgjort/server"
)

// TestUploadAndReviewInBrowser signs a jurist in with headless chromium, uploads two files on
// the upload page, waits on the progress page (it reloads itself) for the report, opens the
// letter waiting for review, removes one more word and approves it — with the sign-in,
// CSRF and audit of the real server. Every form field has a label, and the pages fit 390 px.
func TestUploadAndReviewInBrowser(t *testing.T) {
	needImportTools(t)
	chrome := ""
	for _, name := range []string{"/usr/bin/chromium", "chromium", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium, and CI=true (.ci/run installs it)")
		}
		t.Skip("browser test skipped: apt-get install -y chromium")
	}
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	svc, err := auth.Open(a.db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	svc.SetParams(auth.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32})
	const pw = "en lang og hemmelig adgangskode"
	if err := svc.AddUser("jurist1", pw, []omgjort.Role{omgjort.RoleJurist, omgjort.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	alog, err := audit.Open(a.db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	imp, err := a.importService(&importOpts{teams: "Team Syd,Team Nord", minConfidence: 80, timeout: time.Minute}, alog)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: testLogger(t), Auth: svc, Audit: alog, Imports: imp}, a.Index(), a.db)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	dir := t.TempDir()
	pdf, txt := filepath.Join(dir, "afgørelse.pdf"), filepath.Join(dir, "uklar.txt")
	if err := sample.WritePDF(pdf, sample.Fictitious("25-66666", "3. maj 2025", "Karl Åberg", "Søvej 2", "9000 Aalborg", "ændrer")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(txt, []byte("Ankestyrelsen\n\nKære Hans Hansen\n\nVi har modtaget dit brev og vender tilbage.\n"), 0o600)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(390, 900))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	do := func(what string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, acts...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	// Every visible form field has a label, and nothing is wider than a 390 px screen.
	checkPage := func(name string) {
		t.Helper()
		unlabelled, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => !(e.labels && e.labels.length)).map(e => e.name)`))
		if err != nil {
			t.Fatal(err)
		}
		wide, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > 392`))
		if err != nil {
			t.Fatal(err)
		}
		if len(unlabelled) > 0 || wide {
			t.Errorf("%s: fields without a label %v, wider than 390 px %v", name, unlabelled, wide)
		}
	}
	do("sign in", chromedp.EmulateViewport(390, 900), chromedp.Navigate(ts.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "jurist1"), chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.Submit(chromedp.CSS("#password")))
	for i := 0; i < 100; i++ { // until the sign-in's redirect has landed
		if loc, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.readyState + location.pathname`)); err == nil && loc != "complete/signin" && strings.HasPrefix(loc, "complete") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	do("upload page", chromedp.Navigate(ts.URL+"/admin/import"), chromedp.WaitVisible(chromedp.CSS("#filer")))
	checkPage("upload page")
	do("upload", chromedp.SetUploadFiles(chromedp.CSS("#filer"), []string{pdf, txt}),
		chromedp.SetValue(chromedp.CSS("#team"), "Team Syd"), chromedp.Submit(chromedp.CSS("#filer")))
	var report string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		report, _ = chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
		if strings.Contains(report, "Import færdig") {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	for _, want := range []string{"Import færdig", "2 af 2 filer behandlet", "afgørelse.pdf", "gemt", "venter på gennemsyn"} {
		if !strings.Contains(report, want) {
			t.Fatalf("progress page lacks %q:\n%s", want, report)
		}
	}
	do("review list", chromedp.Navigate(ts.URL+"/admin/review"), chromedp.Click(chromedp.CSS(`td a[href^="/admin/review/"]`)),
		chromedp.WaitVisible(chromedp.CSS(".review-text")))
	checkPage("review page")
	marks, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('.review-text mark.removed').length`))
	if got := text(".review-text"); err != nil || marks == 0 || strings.Contains(got, "Hans Hansen") {
		t.Fatalf("review text (%d marks, %v): %s", marks, err, got)
	}
	do("remove more", chromedp.SendKeys(chromedp.CSS("#tekst-felt"), "vender tilbage"), chromedp.Submit(chromedp.CSS("#tekst-felt")),
		chromedp.WaitVisible(chromedp.CSS("p[role=status]")))
	if got := text(".review-text"); strings.Contains(got, "vender tilbage") {
		t.Fatalf("after remove more: %s", got)
	}
	do("approve", chromedp.SetValue(chromedp.CSS("select#team"), "Team Nord"), chromedp.Submit(chromedp.CSS("select#team")),
		chromedp.WaitVisible(chromedp.CSS("article.decision")))
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/d/egen-") {
		t.Fatalf("approve went to %s (%v)", loc, err)
	}
	id := loc[strings.Index(loc, "/d/")+3:]
	if d, err := a.db.Get(id); err != nil || d.Team != "Team Nord" || strings.Contains(d.Text(), "vender tilbage") {
		t.Fatalf("approved: %+v %v", d, err)
	}
}
