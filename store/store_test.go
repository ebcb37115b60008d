package store

import (
	"bytes"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

func testDecision(id, hash string) *omgjort.Decision {
	return &omgjort.Decision{
		ID: id, Number: id, Numbers: []string{id}, Title: "Ankestyrelsens principmeddelelse " + id + " om kontanthjælp",
		Status: omgjort.StatusGaeldende, ContentHash: hash,
		Cases: []omgjort.Case{{ID: "1", Text: "Det betyder, at vi stadfæster kommunens afgørelse.", Outcome: omgjort.OutcomeStadfaestet}},
	}
}

func TestPutGetVersionsAndAliases(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	d := testDecision("21-25", "h1")
	raw := &omgjort.RawPage{URL: "http://x/a", Status: 200, Body: []byte("<html>v1</html>"), FetchedAt: time.Now()}
	if ch, err := db.PutDecision(d, raw); err != nil || ch != New {
		t.Fatalf("first put = %v, %v; want new", ch, err)
	}
	if ch, _ := db.PutDecision(testDecision("21-25", "h1"), nil); ch != Unchanged {
		t.Fatalf("same content = %v; want unchanged", ch)
	}
	d2 := testDecision("21-25", "h2")
	d2.Numbers = []string{"21-25", "2-26"}
	raw2 := &omgjort.RawPage{URL: "http://x/a", Status: 200, Body: []byte("<html>v2</html>"), FetchedAt: time.Now().Add(time.Second)}
	if ch, _ := db.PutDecision(d2, raw2); ch != Changed {
		t.Fatalf("changed content = %v; want changed", ch)
	}
	if d2.Version != 2 {
		t.Fatalf("version = %d, want 2", d2.Version)
	}
	got, err := db.Decision("2-26")
	if err != nil || got.ContentHash != "h2" {
		t.Fatalf("alias lookup: %v %+v", err, got)
	}
	vs, err := db.Versions("21-25")
	if err != nil || len(vs) != 1 || vs[0].ContentHash != "h1" {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	r, err := db.RawFor("21-25")
	if err != nil || !bytes.Equal(r.Body, raw2.Body) {
		t.Fatalf("raw for = %v, %v", r, err)
	}
	if n, _ := db.RawCount(); n != 2 {
		t.Fatalf("raw archive holds %d pages, want 2", n)
	}
	// Relabelling keeps the version number and content but stores the labels.
	d3 := testDecision("21-25", "h2")
	d3.RulesVersion = "r2"
	if ch, _ := db.PutDecision(d3, nil); ch != Relabelled || d3.Version != 2 {
		t.Fatalf("relabel = %v v%d", ch, d3.Version)
	}
	if _, err := db.Decision("99-99"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Fatalf("missing decision error = %v", err)
	}
}

func TestAliasNeverShadowsAnotherDecision(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.PutDecision(testDecision("2-26", "a"), nil)
	old := testDecision("21-25", "b")
	old.Numbers = []string{"21-25", "2-26"}
	db.PutDecision(old, nil)
	got, err := db.Decision("2-26")
	if err != nil || got.ID != "2-26" {
		t.Fatalf("2-26 resolved to %+v, %v", got, err)
	}
}

func TestReopenKeepsEverythingAndLockFailsFast(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.PutDecision(testDecision("17-25", "x"), nil)
	run := &omgjort.CrawlRun{Job: "crawl-astdk", Started: time.Now()}
	if err := db.StartRun(run); err != nil {
		t.Fatal(err)
	}
	run.Result = omgjort.RunOK
	run.Fetched = 3
	if err := db.FinishRun(run); err != nil {
		t.Fatal(err)
	}
	if err := db.PutPageState(omgjort.PageState{URL: "http://x/a", ETag: `"e1"`}); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	if _, err := Open(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("second open took %s", el)
	}
	db.Close()

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.Count(); n != 1 {
		t.Fatalf("count after reopen = %d", n)
	}
	runs, err := db.Runs(10)
	if err != nil || len(runs) != 1 || runs[0].Fetched != 3 || runs[0].Result != omgjort.RunOK {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	st, ok, err := db.PageState("http://x/a")
	if err != nil || !ok || st.ETag != `"e1"` {
		t.Fatalf("page state = %+v %v %v", st, ok, err)
	}
	var buf bytes.Buffer
	if n, err := db.Backup(&buf); err != nil || n == 0 {
		t.Fatalf("backup = %d, %v", n, err)
	}
}

// The stamps bucket follows every write (PutDecision, PutDecisions, SaveSet) and is built once
// for a store written before it existed.
func TestStampsBucketAndBatchWrites(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := testDecision("1-20", "h1"), testDecision("2-20", "h2"), testDecision("3-20", "h3")
	a.RulesVersion = "r1"
	chs, err := s.PutDecisions([]*omgjort.Decision{a, b})
	if err != nil || len(chs) != 2 || chs[0] != New || chs[1] != New {
		t.Fatalf("PutDecisions: %v %v", chs, err)
	}
	if _, err := s.SaveSet(Save{Decisions: []*omgjort.Decision{c}}); err != nil {
		t.Fatal(err)
	}
	a2 := testDecision("1-20", "h1b")
	a2.RulesVersion = "r2"
	if ch, err := s.PutDecision(a2, nil); err != nil || ch != Changed {
		t.Fatalf("PutDecision: %v %v", ch, err)
	}
	want := map[string]string{"1-20": "h1b|r2|2", "2-20": "h2||1", "3-20": "h3||1"}
	check := func(when string) {
		t.Helper()
		st, err := s.Stamps()
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != len(want) {
			t.Errorf("%s: stamps %v, want %v", when, st, want)
		}
		for id, w := range want {
			if st[id] != w {
				t.Errorf("%s: stamp of %s %q, want %q", when, id, st[id], w)
			}
		}
	}
	check("after writes")
	if got := omgjort.StampRules(want["1-20"]); got != "r2" {
		t.Errorf("StampRules: %q", got)
	}
	ds, err := s.GetMany([]string{"3-20", "nope", "1-20"})
	if err != nil || len(ds) != 2 || ds[0].ID != "3-20" || ds[1].Version != 2 {
		t.Fatalf("GetMany: %v %v", ds, err)
	}

	// A store from before the bucket: Open builds it from the decisions.
	if err := s.bolt.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketStamps) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("after backfill")
}
