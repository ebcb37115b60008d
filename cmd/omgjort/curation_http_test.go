package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"omgjort"
	"omgjort/audit"
	"omgjort/server"
)

// TestCurationRoutes walks the correction, queue and delete routes through the real server over
// a real store and index: refused without the admin token, a bad correction is a Danish 400,
// a good one is stored, the queue lists an unknown outcome, and delete removes the decision.
func TestCurationRoutes(t *testing.T) {
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	d := publishedLetter("9-25")
	if _, err := a.Save(d, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	unknown := publishedLetter("8-25")
	unknown.Cases[0].Text = "Dette er en tekst uden noget udfald overhovedet."
	unknown.ContentHash = "h-unknown"
	if _, err := a.Save(unknown, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: testLogger(t), AdminToken: "hemmelig", Curation: newCuration(a, a.auditLog())}, a.Index(), a.db)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	do := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	stored, _ := a.db.Get("9-25")
	text := stored.Cases[0].Text
	ev := charRange(t, text, "Kommunen har heller ikke forklaret, hvilke regler afgørelsen bygger på.")
	good := `{"case":"1","kind":"error","action":"add","error_type":"begrundelse","evidence":[{"start":` +
		strconv.Itoa(ev.Start) + `,"end":` + strconv.Itoa(ev.End) + `}],"reason":"reglerne er ikke forklaret"}`

	if code, _ := do("POST", "/api/decisions/9-25/corrections", "", good); code != http.StatusUnauthorized {
		t.Fatalf("correction without a token: %d", code)
	}
	if code, _ := do("POST", "/api/decisions/9-25/corrections", "forkert", good); code != http.StatusUnauthorized {
		t.Fatalf("correction with a wrong token: %d", code)
	}
	code, body := do("POST", "/api/decisions/9-25/corrections", "hemmelig", `{"case":"1","kind":"error","action":"add","error_type":"begrundelse","reason":"x"}`)
	if code != http.StatusBadRequest || !strings.Contains(body, "markér") {
		t.Fatalf("correction without evidence: %d %s", code, body)
	}
	if code, body := do("POST", "/api/decisions/9-25/corrections", "hemmelig", `{"bogus":1}`); code != http.StatusBadRequest {
		t.Fatalf("unknown field: %d %s", code, body)
	}
	if code, _ := do("POST", "/api/decisions/findes-ikke/corrections", "hemmelig", good); code != http.StatusNotFound {
		t.Fatalf("correction of a missing decision: %d", code)
	}
	code, body = do("POST", "/api/decisions/9-25/corrections", "hemmelig", good)
	if code != http.StatusOK {
		t.Fatalf("correction: %d %s", code, body)
	}
	var ans struct {
		Case omgjort.Case `json:"case"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range ans.Case.Errors {
		found = found || (e.Type == omgjort.ErrBegrundelse && e.Correction != nil && e.Correction.User == "admin-token")
	}
	if !found {
		t.Fatalf("answer without the corrected label: %s", body)
	}

	code, body = do("GET", "/d/9-25", "", "")
	if code != http.StatusOK || !strings.Contains(body, `<span class="tag tag-corrected">rettet af jurist</span>`) {
		t.Fatalf("decision page without the jurist's mark: %d", code)
	}
	if code, _ := do("GET", "/api/queue", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("queue without a token: %d", code)
	}
	if code, _ := do("GET", "/api/queue?n=0", "hemmelig", ""); code != http.StatusBadRequest {
		t.Fatalf("queue with n=0: %d", code)
	}
	code, body = do("GET", "/api/queue", "hemmelig", "")
	if code != http.StatusOK || !strings.Contains(body, `"decision_id":"8-25"`) || !strings.Contains(body, "udfaldet er ukendt") {
		t.Fatalf("queue: %d %s", code, body)
	}
	code, body = do("GET", "/rettelser", "hemmelig", "")
	if code != http.StatusOK || !strings.Contains(body, `lang="da"`) || !strings.Contains(body, "/d/8-25#sag-1") {
		t.Fatalf("queue page: %d %s", code, body)
	}

	if code, _ := do("POST", "/admin/decisions/9-25/delete", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("delete without a token: %d", code)
	}
	if code, body := do("POST", "/admin/decisions/9-25/delete", "hemmelig", ""); code != http.StatusOK {
		t.Fatalf("delete: %d %s", code, body)
	}
	if _, err := a.db.Get("9-25"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if code, _ := do("POST", "/admin/decisions/9-25/delete", "hemmelig", ""); code != http.StatusNotFound {
		t.Fatalf("second delete: %d", code)
	}
	if code, _ := do("GET", "/api/decisions/9-25", "", ""); code != http.StatusNotFound {
		t.Fatalf("deleted decision still served: %d", code)
	}
	// The deletion over HTTP is in the hash-chained audit log with who and from where.
	l, err := audit.Open(a.db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	recs, err := l.List(audit.Filter{DecisionID: "9-25", Action: omgjort.AuditDelete})
	if err != nil || len(recs) == 0 || recs[0].Entry.Client != "127.0.0.1" || recs[0].Entry.User == "" {
		t.Fatalf("audit of the deletion: %+v, %v", recs, err)
	}
}
