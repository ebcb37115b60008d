package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/jobs"
)

// ownLetter is an own decision (Source egen) whose title, text and raw page hold marker.
func ownLetter(id, marker string) (*omgjort.Decision, *omgjort.RawPage) {
	text := "Du har klaget over Aarhus Kommunes afgørelse om " + marker + ".\n\nAnkestyrelsen ændrer kommunens afgørelse. Kommunen har ikke partshørt dig, før den traf afgørelsen."
	d := &omgjort.Decision{ID: id, Number: id, Numbers: []string{id}, Title: "Egen afgørelse om " + marker,
		Source: omgjort.SourceOwn, URL: "egen:" + id, Journal: "24-" + id, Signed: "2018-05-02", Published: "2018-05-02", Year: 2018,
		ContentHash: "h-" + id, Cases: []omgjort.Case{{ID: "1", Text: text}}}
	raw := &omgjort.RawPage{URL: d.URL, Status: 200, ContentType: "text/plain", Body: []byte(text), FetchedAt: time.Now().UTC()}
	return d, raw
}

// grepDir returns the files under dir whose bytes contain marker (as written or lower-cased,
// as the index holds words).
func grepDir(t *testing.T, dir, marker string) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(marker)) || bytes.Contains(b, []byte(strings.ToLower(marker))) {
			hits = append(hits, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// TestDeleteLeavesNoTrace is issue 11 point 5's test: an own decision with a unique marker is
// stored, indexed, corrected, put in a digest and backed up; `omgjort delete` removes it, and
// the marker is in no byte of any file of the data directory — the backup included, where the
// decision is sealed with a key that no longer exists.
func TestDeleteLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	const marker = "Quorvalnik"
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	d, raw := ownLetter("egen-77", marker)
	if _, err := a.Save(d, raw, nil, nil); err != nil {
		t.Fatal(err)
	}
	keep, kraw := ownLetter("egen-78", "Bevarord")
	if _, err := a.Save(keep, kraw, nil, nil); err != nil {
		t.Fatal(err)
	}
	res, err := a.Index().Search(context.Background(), omgjort.SearchRequest{Query: marker, Size: 10, IncludeOwn: true})
	if err != nil || res.Total != 1 {
		t.Fatalf("search for the marker before deletion: %v, %v", res, err)
	}
	if err := a.db.PutDigest(&omgjort.Digest{WeekName: "2026-W10", New: []omgjort.DigestEntry{{ID: d.ID, Title: d.Title}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := jobs.Backup(a.db, filepath.Join(dir, "backups"), 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// Stored and backed up, the own decision's text is sealed: only the index and the digest
	// (which a deletion rewrites) hold it plain.
	for _, h := range grepDir(t, dir, marker) {
		if !strings.Contains(h, string(filepath.Separator)+"index"+string(filepath.Separator)) && !strings.HasSuffix(h, "omgjort.db") {
			t.Errorf("marker stored plain in %s", h)
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"delete", "--data", dir, "--reason", "test", "egen-77"}, &out, &errb); code != 0 {
		t.Fatalf("delete exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Slettet egen-77") || !strings.Contains(out.String(), "nøglen er destrueret") {
		t.Fatalf("delete output: %s", out.String())
	}
	if hits := grepDir(t, dir, marker); len(hits) != 0 {
		t.Fatalf("the deleted decision's marker is still in %v", hits)
	}
	a, err = openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.db.Decision("egen-77"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Fatalf("decision after delete: %v", err)
	}
	if got, err := a.db.Decision("egen-78"); err != nil || got.Title != keep.Title {
		t.Fatalf("the other own decision: %+v, %v", got, err)
	}
	if res, err := a.Index().Search(context.Background(), omgjort.SearchRequest{Query: "Bevarord", Size: 10, IncludeOwn: true}); err != nil || res.Total != 1 {
		t.Fatalf("the other own decision in the index: %v, %v", res, err)
	}
	if n, _ := a.Index().Count(); n != 1 {
		t.Fatalf("index holds %d decisions, want 1", n)
	}
	// Deleting what is not there says so and fails.
	a.Close()
	errb.Reset()
	if code := run(context.Background(), []string{"delete", "--data", dir, "egen-77"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "not found") {
		t.Fatalf("second delete: exit %d, %s", code, errb.String())
	}
}

// TestRetentionDeletesOldOwnDecisions runs the retention job's work: an own decision older
// than the retention goes, a newer one and a published one stay.
func TestRetentionDeletesOldOwnDecisions(t *testing.T) {
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	old, oraw := ownLetter("egen-1", "Gammelord")
	recent, rraw := ownLetter("egen-2", "Nyord")
	recent.Signed = "2025-01-10"
	pub, praw := ownLetter("3-19", "Offentligord")
	pub.Source, pub.URL, praw.URL = "astdk", "https://ast.dk/3-19", "https://ast.dk/3-19"
	for _, x := range []struct {
		d *omgjort.Decision
		r *omgjort.RawPage
	}{{old, oraw}, {recent, rraw}, {pub, praw}} {
		if _, err := a.Save(x.d, x.r, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	ret, err := jobs.ParseRetention("5y")
	if err != nil {
		t.Fatal(err)
	}
	var run omgjort.CrawlRun
	if err := a.expireOwn(context.Background(), ret, time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC), &run); err != nil {
		t.Fatal(err)
	}
	if run.Changed != 1 {
		t.Fatalf("deleted %d, want 1", run.Changed)
	}
	if _, err := a.db.Decision("egen-1"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Fatalf("old own decision: %v", err)
	}
	for _, id := range []string{"egen-2", "3-19"} {
		if _, err := a.db.Decision(id); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
}

// TestRestoreWithKeys: a backup holds own decisions sealed; restored with the keys file they
// read again, restored without it they stay unreadable (and are not indexed).
func TestRestoreWithKeys(t *testing.T) {
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	d, raw := ownLetter("egen-40", "Gendanord")
	if _, err := a.Save(d, raw, nil, nil); err != nil {
		t.Fatal(err)
	}
	file, _, err := jobs.Backup(a.db, filepath.Join(dir, "backups"), 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	var out, errb bytes.Buffer
	with := filepath.Join(t.TempDir(), "med")
	if code := run(context.Background(), []string{"restore", file, "--data", with, "--keys", filepath.Join(dir, "omgjort.keys")}, &out, &errb); code != 0 {
		t.Fatalf("restore with keys: %d %s", code, errb.String())
	}
	without := filepath.Join(t.TempDir(), "uden")
	if code := run(context.Background(), []string{"restore", file, "--data", without}, &out, &errb); code != 0 {
		t.Fatalf("restore without keys: %d %s", code, errb.String())
	}
	for _, c := range []struct {
		dir  string
		want bool
	}{{with, true}, {without, false}} {
		a, err := openApp(c.dir, testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.db.Decision("egen-40")
		res, serr := a.Index().Search(context.Background(), omgjort.SearchRequest{Query: "Gendanord", IncludeOwn: true, Size: 5})
		a.Close()
		if serr != nil {
			t.Fatal(serr)
		}
		if got := err == nil; got != c.want || (res.Total == 1) != c.want {
			t.Fatalf("%s: readable %v (err %v), indexed %d; want %v", c.dir, got, err, res.Total, c.want)
		}
	}
}
