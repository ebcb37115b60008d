package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"omgjort"
	"omgjort/crawler/replica"
	"omgjort/index"
)

// TestCrashChild is the subprocess of TestCrashSafety: it runs `omgjort crawl` against the
// URL it is given and is killed with SIGKILL somewhere along the way.
func TestCrashChild(t *testing.T) {
	dir, site := os.Getenv("OMGJORT_CRASH_DIR"), os.Getenv("OMGJORT_CRASH_SITE")
	if dir == "" || site == "" {
		t.Skip("only runs as the subprocess of TestCrashSafety")
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"crawl", "--data", dir, "--base-url", site, "--delay", "0", "--timeout", "10s"}, &out, &errb)
	if code != 0 {
		t.Fatalf("crawl exit %d: %s %s", code, out.String(), errb.String())
	}
}

// TestCrashSafety kills a crawling process with SIGKILL at several points (after 3, 10, 8
// and 6 detail pages of successive runs over a slow replica, at varying moments of
// fetching, storing and indexing),
// checks after each kill that the store holds only complete decisions, then lets a last run
// finish and checks that nothing is lost, nothing is duplicated, the interrupted runs are
// marked as such, and the index is reconciled with the store.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test skipped in -short mode")
	}
	expected, err := replica.Expected()
	if err != nil {
		t.Fatal(err)
	}
	var details atomic.Int64
	h := replica.Handler()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Count(r.URL.Path, "/") == 4 && strings.HasPrefix(r.URL.Path, "/for-myndigheder/principmeddelelser/") {
			details.Add(1)
			time.Sleep(25 * time.Millisecond) // slow enough to kill mid-crawl
		}
		h.ServeHTTP(w, r)
	}))
	defer site.Close()
	dir := t.TempDir()

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "OMGJORT_CRASH_DIR="+dir, "OMGJORT_CRASH_SITE="+site.URL, "OMGJORT_LOG_LEVEL=ERROR")
		return cmd
	}
	kills := 0
	for _, at := range []int64{3, 10, 8, 6} {
		details.Store(0)
		cmd := child()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for details.Load() < at && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		// Vary the moment within the page's handling: fetching, parsing, storing, indexing.
		time.Sleep(time.Duration(at%7) * 4 * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		cmd.Wait()
		checkStoreComplete(t, dir, at)
	}
	if kills < 3 {
		t.Fatalf("only %d of 4 subprocesses were killed mid-crawl", kills)
	}

	// The last run is not killed: it must finish the work.
	cmd := child()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("final crawl: %v\n%s", err, out)
	}
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n, _ := a.db.Count()
	if n != len(expected) {
		t.Errorf("after the crashes and a final run: %d decisions, want %d", n, len(expected))
	}
	for _, e := range expected {
		d, err := a.db.Get(e.ID)
		if err != nil {
			t.Errorf("decision %s lost: %v", e.ID, err)
			continue
		}
		if len(d.Cases) != len(e.Cases) || d.Version != 1 {
			t.Errorf("decision %s: %d cases (want %d), version %d (want 1: nothing stored twice)", e.ID, len(d.Cases), len(e.Cases), d.Version)
		}
		if _, err := a.db.RawFor(e.ID); err != nil {
			t.Errorf("decision %s has no raw page: %v", e.ID, err)
		}
	}
	stamps, err := a.Index().Stamps()
	if err != nil {
		t.Fatal(err)
	}
	if len(stamps) != n {
		t.Errorf("index holds %d documents, store %d", len(stamps), n)
	}
	a.db.ForEach(func(d *omgjort.Decision) error {
		if stamps[d.ID] != index.Stamp(d) {
			t.Errorf("index entry of %s is stale", d.ID)
		}
		return nil
	})
	runs, _ := a.db.Runs(20)
	interrupted, ok := 0, 0
	for _, r := range runs {
		switch {
		case r.Result == omgjort.RunRunning:
			t.Errorf("run %d still marked running", r.ID)
		case r.Result == omgjort.RunFailed && strings.HasPrefix(r.Error, "afbrudt:"):
			interrupted++
		case r.Result == omgjort.RunOK:
			ok++
		}
	}
	if interrupted < kills || ok < 1 {
		t.Errorf("runs: %d interrupted (want %d), %d ok: %+v", interrupted, kills, ok, runs)
	}
}

// checkStoreComplete opens the store after a kill: it must open, and every decision in it
// must be whole (identity, text, cases, hash and the raw page it came from).
func checkStoreComplete(t *testing.T, dir string, at int64) {
	t.Helper()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatalf("after a kill at page %d the data directory does not open: %v", at, err)
	}
	defer a.Close()
	n := 0
	err = a.db.ForEach(func(d *omgjort.Decision) error {
		n++
		if d.ID == "" || d.Number == "" || d.Title == "" || d.ContentHash == "" || len(d.Cases)+len(d.Sections) == 0 || d.Version < 1 {
			t.Errorf("after a kill at page %d: half-written decision %+v", at, d)
		}
		if _, err := a.db.RawFor(d.ID); err != nil {
			t.Errorf("after a kill at page %d: decision %s without its raw page: %v", at, d.ID, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := a.Index().Count(); int(c) != n {
		t.Errorf("after a kill at page %d and reopening: index %d, store %d (not reconciled)", at, c, n)
	}
	t.Logf("killed after %d detail requests: %d decisions stored, all complete", at, n)
}

// TestOpenMarksInterruptedRunsFailed checks that a run a dead process left "running" is shown
// as failed, in Danish, as soon as the data directory is opened again.
func TestOpenMarksInterruptedRunsFailed(t *testing.T) {
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	r := &omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: time.Now().Add(-time.Hour)}
	if err := a.db.StartRun(r); err != nil {
		t.Fatal(err)
	}
	a.Close()
	a, err = openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	runs, _ := a.db.Runs(1)
	if runs[0].Result != omgjort.RunFailed || runs[0].Error != interruptedRun || runs[0].Ended.IsZero() {
		t.Errorf("interrupted run = %+v", runs[0])
	}
}
