package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/importer/sample"
	"omgjort/server"
)

// TestUploadAndReviewPages drives the upload page and the review queue over HTTP: a jurist
// uploads two files, follows the progress page to its report, opens the letter that waits
// for review, removes one more word, approves it with a team, and finds it stored; an
// anonymous visitor gets 403 on every page.
func TestUploadAndReviewPages(t *testing.T) {
	needImportTools(t)
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	imp, err := a.importService(&importOpts{teams: "Team Syd,Team Nord", minConfidence: 80, timeout: time.Minute}, a.auditLog())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: testLogger(t), Imports: imp}, a.Index(), a.db)
	if err != nil {
		t.Fatal(err)
	}
	jurist := &omgjort.User{Name: "jurist1", Roles: []omgjort.Role{omgjort.RoleJurist, omgjort.RoleAdmin}}
	var anonymous bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !anonymous {
			r = r.WithContext(omgjort.WithUser(r.Context(), jurist))
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()

	dir := t.TempDir()
	pdf := filepath.Join(dir, "afgørelse.pdf")
	if err := sample.WritePDF(pdf, sample.Fictitious("25-55555", "3. maj 2025", "Karl Åberg", "Søvej 2", "9000 Aalborg", "ændrer")); err != nil {
		t.Fatal(err)
	}
	pdfBytes, _ := os.ReadFile(pdf)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("team", "Team Syd")
	fw, _ := mw.CreateFormFile("filer", "afgørelse.pdf")
	fw.Write(pdfBytes)
	fw, _ = mw.CreateFormFile("filer", "uklar.txt")
	io.WriteString(fw, "Ankestyrelsen\n\nKære Hans Hansen\n\nVi har modtaget dit brev og vender tilbage. Hansen kan ringe til os.\n")
	mw.Close()
	resp, err := http.Post(ts.URL+"/admin/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, resp)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(page, "Import færdig") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		page = getPage(t, ts.URL+resp.Request.URL.Path)
	}
	for _, want := range []string{"Import færdig", "2 af 2 filer behandlet", "1 ny,", "1 til gennemsyn", "afgørelse.pdf", "/d/egen-25-55555"} {
		if !strings.Contains(page, want) {
			t.Fatalf("progress page lacks %q:\n%s", want, page)
		}
	}
	list := getPage(t, ts.URL+"/admin/review")
	m := regexp.MustCompile(`href="/admin/review/([0-9a-f]+)"`).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("review list:\n%s", list)
	}
	key := m[1]
	one := getPage(t, ts.URL+"/admin/review/"+key)
	if !strings.Contains(one, `<mark class="removed">[NAVN]`) || strings.Contains(one, "Hans Hansen") {
		t.Fatalf("review page:\n%s", one)
	}
	// The redaction left the surname alone later in the text? Remove it by hand either way.
	post := func(form url.Values) *http.Response {
		r, err := http.PostForm(ts.URL+"/admin/review/"+key, form)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := post(url.Values{"handling": {"fjern"}, "tekst": {"vender tilbage"}, "kategori": {"NAVN"}})
	if p := readBody(t, r); !strings.Contains(p, "Fjernet 1 sted") || strings.Contains(p, "vender tilbage") {
		t.Fatalf("remove more:\n%s", p)
	}
	r = post(url.Values{"handling": {"godkend"}, "team": {"Team Nord"}})
	readBody(t, r)
	if !strings.HasPrefix(r.Request.URL.Path, "/d/egen-") {
		t.Fatalf("approve went to %s", r.Request.URL.Path)
	}
	d, err := a.db.Get(strings.TrimPrefix(r.Request.URL.Path, "/d/"))
	if err != nil || d.Team != "Team Nord" || !d.IsOwn() || strings.Contains(d.Text(), "vender tilbage") {
		t.Fatalf("approved decision: %+v %v", d, err)
	}
	if _, err := a.db.Review(key); err == nil {
		t.Error("the approved entry is still queued")
	}
	anonymous = true
	for _, p := range []string{"/admin/import", "/admin/review"} {
		// Without a sign-in service the route table answers 404 (nobody could sign in here);
		// with one, 401/403 — never the page.
		if resp, _ := http.Get(ts.URL + p); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("anonymous %s: %d", p, resp.StatusCode)
		}
	}
}

func readBody(t *testing.T, r *http.Response) string {
	t.Helper()
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d\n%s", r.Request.Method, r.Request.URL, r.StatusCode, b)
	}
	return string(b)
}

func getPage(t *testing.T, u string) string {
	t.Helper()
	r, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return readBody(t, r)
}
