package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"omgjort"
)

// ownDecision is an own decision whose title, text and raw page carry marker.
func ownDecision(id, hash, marker string) (*omgjort.Decision, *omgjort.RawPage) {
	d := testDecision(id, hash)
	d.Source = omgjort.SourceOwn
	d.Journal = "24-" + id
	d.URL = "egen:" + id
	d.Signed = "2019-03-01"
	d.Title = "Egen afgørelse om " + marker
	d.Cases[0].Text = "Borgeren klagede over " + marker + ". Vi stadfæster kommunens afgørelse."
	raw := &omgjort.RawPage{URL: d.URL, Status: 200, Body: []byte("brev om " + marker), FetchedAt: time.Now()}
	return d, raw
}

// dirContains reports which files under dir contain marker in their bytes.
func dirContains(t *testing.T, dir, marker string) []string {
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
		if bytes.Contains(b, []byte(marker)) {
			hits = append(hits, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestOwnDecisionSealedAtRest(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "Zxqvorblat"
	d, raw := ownDecision("egen-1", "h1", marker)
	if _, err := db.PutDecision(d, raw); err != nil {
		t.Fatal(err)
	}
	d2, raw2 := ownDecision("egen-1", "h2", marker+"to")
	raw2.FetchedAt = raw.FetchedAt.Add(time.Second)
	if _, err := db.SaveSet(Save{Decisions: []*omgjort.Decision{d2}, Raw: raw2, RawFor: d2.ID}); err != nil {
		t.Fatal(err)
	}
	pub := testDecision("21-25", "p1")
	pub.Title = "Offentlig " + marker + "pub"
	if _, err := db.PutDecision(pub, nil); err != nil {
		t.Fatal(err)
	}
	// Read back transparently.
	got, err := db.Decision("egen-1")
	if err != nil || got.Title != d2.Title || got.Version != 2 {
		t.Fatalf("decision = %+v, %v", got, err)
	}
	vs, err := db.Versions("egen-1")
	if err != nil || len(vs) != 1 || vs[0].Title != d.Title {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	r, err := db.RawFor("egen-1")
	if err != nil || !bytes.Equal(r.Body, raw2.Body) {
		t.Fatalf("raw = %+v, %v", r, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The published decision is stored plain, the own one nowhere.
	if hits := dirContains(t, dir, marker+"pub"); len(hits) != 1 {
		t.Fatalf("the published decision's title should be in the bbolt file: %v", hits)
	}
	if hits := dirContains(t, dir, "Borgeren klagede"); len(hits) != 0 {
		t.Fatalf("own decision text stored plain in %v", hits)
	}
	// Reopened: the keys file opens them again.
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.Get("egen-1"); err != nil || got.Title != d2.Title {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
}

func TestDeleteRemovesEverything(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "Plimgrottvask"
	d, raw := ownDecision("egen-2", "h1", marker)
	d.Numbers = []string{"egen-2", "E-2"}
	if _, err := db.PutDecision(d, raw); err != nil {
		t.Fatal(err)
	}
	d2, raw2 := ownDecision("egen-2", "h2", marker)
	raw2.FetchedAt = raw.FetchedAt.Add(time.Second)
	if _, err := db.PutDecision(d2, raw2); err != nil {
		t.Fatal(err)
	}
	other, oraw := ownDecision("egen-3", "h1", "Andetord")
	if _, err := db.PutDecision(other, oraw); err != nil {
		t.Fatal(err)
	}
	c := &omgjort.Correction{DecisionID: "egen-2", CaseID: "1", Kind: omgjort.CorrectOutcome,
		Action: omgjort.CorrectionConfirm, Outcome: omgjort.OutcomeStadfaestet, Reason: "ses af " + marker, User: "jurist1"}
	if err := db.PutCorrection(c); err != nil {
		t.Fatal(err)
	}
	if err := db.PutDigest(&omgjort.Digest{WeekName: "2026-W10", New: []omgjort.DigestEntry{{ID: "egen-2", Title: "x"}, {ID: "egen-3"}},
		Rendered: &omgjort.RenderedDigest{HTML: "<p>x</p>"}}); err != nil {
		t.Fatal(err)
	}

	del, err := db.Delete("E-2") // by an alias number
	if err != nil {
		t.Fatal(err)
	}
	if del.ID != "egen-2" || !del.Own || del.Versions != 1 || del.Raw != 2 || del.Corrections != 1 || del.Digests != 1 {
		t.Fatalf("deleted = %+v", del)
	}
	for _, id := range []string{"egen-2", "E-2"} {
		if _, err := db.Decision(id); !errors.Is(err, omgjort.ErrNotFound) {
			t.Fatalf("Decision(%s) after delete: %v", id, err)
		}
	}
	if vs, _ := db.Versions("egen-2"); len(vs) != 0 {
		t.Fatalf("versions left: %d", len(vs))
	}
	if _, err := db.RawFor("egen-2"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Fatalf("raw left: %v", err)
	}
	if cs, _ := db.Corrections("egen-2"); len(cs) != 0 {
		t.Fatalf("corrections left: %d", len(cs))
	}
	if st, _ := db.Stamps(); st["egen-2"] != "" || st["egen-3"] == "" {
		t.Fatalf("stamps = %v", st)
	}
	dg, err := db.DigestFor(omgjort.Week{Year: 2026, Num: 10}, nil)
	if err != nil || len(dg.New) != 1 || dg.New[0].ID != "egen-3" || dg.Rendered != nil {
		t.Fatalf("digest = %+v, %v", dg, err)
	}
	if got, err := db.Get("egen-3"); err != nil || got.Title != other.Title {
		t.Fatalf("the other own decision: %+v, %v", got, err)
	}
	if _, err := db.Delete("egen-2"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Compact(dir); err != nil {
		t.Fatal(err)
	}
	if hits := dirContains(t, dir, marker); len(hits) != 0 {
		t.Fatalf("marker still in %v", hits)
	}
	if hits := dirContains(t, dir, "Andetord"); len(hits) != 0 {
		t.Fatalf("an own decision is stored plain in %v", hits)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.Get("egen-3"); err != nil || got.Title != other.Title {
		t.Fatalf("after compaction: %+v, %v", got, err)
	}
}

func TestSealedValueBoundToPlace(t *testing.T) {
	k, err := openKeyring(filepath.Join(t.TempDir(), KeysFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := k.ensure("a"); err != nil {
		t.Fatal(err)
	}
	v, err := k.seal("a", []byte("decisions\x00a"), []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(v, []byte("secret")) {
		t.Fatal("plain text in sealed value")
	}
	if p, err := k.open([]byte("decisions\x00a"), v); err != nil || string(p) != "secret" {
		t.Fatalf("open = %q, %v", p, err)
	}
	if _, err := k.open([]byte("decisions\x00b"), v); err == nil {
		t.Fatal("a value moved to another key opened")
	}
	if err := k.destroy("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.open([]byte("decisions\x00a"), v); !errors.Is(err, ErrKeyDestroyed) {
		t.Fatalf("after destroy: %v", err)
	}
}

// TestOpenSweepsKeysOfDeletedDecisions: a key left by a crash between a deletion's transaction
// and the key's destruction is destroyed when the store opens; live keys stay.
func TestOpenSweepsKeysOfDeletedDecisions(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	d, raw := ownDecision("egen-5", "h1", "Levende")
	if _, err := db.PutDecision(d, raw); err != nil {
		t.Fatal(err)
	}
	if err := db.PutDigest(&omgjort.Digest{WeekName: "2026-W11", New: []omgjort.DigestEntry{{ID: "egen-5"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.keys.ensure("review:abc", "\x00digest\x00stale"); err != nil {
		t.Fatal(err)
	}
	if err := db.keys.ensure("egen-ghost"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.keys.has("egen-ghost") {
		t.Fatal("the key of a decision that is gone survived opening")
	}
	if db.keys.has("\x00digest\x00stale") || !db.keys.has("review:abc") {
		t.Fatal("an unused digest key survived, or another package's key was destroyed")
	}
	if got, err := db.Get("egen-5"); err != nil || got.Title != d.Title {
		t.Fatalf("live own decision after the sweep: %v", err)
	}
	if dg, err := db.DigestFor(omgjort.Week{Year: 2026, Num: 11}, nil); err != nil || len(dg.New) != 1 {
		t.Fatalf("sealed digest after the sweep: %+v, %v", dg, err)
	}
}
