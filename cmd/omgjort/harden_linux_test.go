package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"omgjort"
)

// TestServeSurvivesAFullDisk: inside serve, a write to the search index fails as on a full disk
// (every file write past 4 KiB fails with EFBIG, which works on any Linux machine). serve keeps
// answering searches from the last good snapshot, reports the failure on /status, in /metrics
// and the log, and once space returns repairs the index from the store.
func TestServeSurvivesAFullDisk(t *testing.T) {
	if inOwnProcess(t) {
		return
	}
	dir := crawledDir(t)
	logs := &syncBuffer{}
	a, err := openApp(dir, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	o := serveOptions{crawlSpec: "off", retsinfoSpec: "off", digestSpec: "off", backupSpec: "off", maintainEvery: 100 * time.Millisecond}
	base, _, _ := serving(t, a, o)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, before := get("/api/search?q=kommunen")
	if code != 200 {
		t.Fatalf("search before: %d", code)
	}

	// A decision reaches the store; then the disk fills up before the index is written.
	var d *omgjort.Decision
	if err := a.db.ForEach(func(x *omgjort.Decision) error {
		if d == nil {
			d = x
		}
		return nil
	}); err != nil || d == nil {
		t.Fatal(err)
	}
	d.ID, d.Number, d.Numbers, d.Title = "99-26", "99-26", []string{"99-26"}, "Principmeddelelse 99-26 om kommunens pligt"
	if _, err := a.db.PutDecision(d, &omgjort.RawPage{URL: "https://www.ast.dk/x/99-26", Status: 200, Body: []byte("x"), Hash: "99-26", FetchedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old)
	lim := old
	lim.Cur = 4096
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	restored := false
	restore := func() {
		if !restored {
			restored = true
			syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
		}
	}
	defer restore()
	if err := a.Index().Put(d); err == nil {
		t.Fatal("an index write past the limit succeeded")
	}
	for range 10 {
		if code, body := get("/api/search?q=kommunen"); code != 200 || total(body) != total(before) {
			t.Fatalf("search while the disk is full: %d %.300s", code, body)
		}
	}
	if _, body := get("/status"); !strings.Contains(body, "Søgeindekset kunne ikke skrive til disken") {
		t.Error("/status does not report the failed index write")
	}
	if _, body := get("/metrics"); !strings.Contains(body, "omgjort_index_degraded 1") || !strings.Contains(body, "omgjort_index_write_failures_total ") ||
		strings.Contains(body, "omgjort_index_write_failures_total 0") {
		t.Error("/metrics does not report the failed index write")
	}

	// Space returns: the index is repaired from the store, with the decision it missed.
	restore()
	deadline := time.Now().Add(10 * time.Second)
	for a.Index().Health().Degraded && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if a.Index().Health().Degraded {
		t.Fatalf("the index was not repaired: %+v", a.Index().Health())
	}
	if code, body := get("/api/decisions/99-26"); code != 200 {
		t.Errorf("decision page: %d %s", code, body)
	}
	if _, body := get("/api/search?q=99-26"); !strings.Contains(body, `"99-26"`) {
		t.Errorf("the missed decision is not searchable after the repair: %.300s", body)
	}
	if _, body := get("/metrics"); !strings.Contains(body, "omgjort_index_degraded 0") {
		t.Error("/metrics still reports the index degraded")
	}
	if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "search index could not be written") || !strings.Contains(l, "repaired from the store") {
		t.Errorf("log: %s", l)
	}
}

// total is the "total" of a JSON search answer.
func total(body string) int {
	var r struct{ Total int }
	_ = json.Unmarshal([]byte(body), &r)
	return r.Total
}

// inOwnProcess runs the calling test again in a child process and reports true when this is
// the parent (the child's result is the test's result). The test lowers RLIMIT_FSIZE, which
// holds for the whole process: in the child nothing else runs, and no file of go test's own
// (the test log it keeps for caching) is written while the limit holds.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv("OMGJORT_FSIZE_CHILD") == t.Name() {
		return false
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "OMGJORT_FSIZE_CHILD="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in its own process: %v\n%s", t.Name(), err, out)
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Skipf("%s", out)
	}
	return true
}
