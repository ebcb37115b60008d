package index_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"omgjort"
	"omgjort/index"
)

// TestPurgeLeavesNoTrace deletes a decision whose text holds a unique word and checks that,
// after Purge, the word is in no file of the index, while the other decisions are still found.
func TestPurgeLeavesNoTrace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	const marker = "Vrumpelskaft"
	fx := fixtures()
	// Several batches, so there are several segments; the own decision sits in one with others.
	if err := x.Put(fx[:2]...); err != nil {
		t.Fatal(err)
	}
	own := &omgjort.Decision{ID: "egen-9", Number: "egen-9", Title: "Egen afgørelse " + marker,
		Source: omgjort.SourceOwn, Published: "2024-01-01",
		Cases: []omgjort.Case{{ID: "1", Text: "Borgeren " + marker + " klagede. Vi stadfæster afgørelsen.", Outcome: omgjort.OutcomeStadfaestet}}}
	if err := x.Put(own, fx[2]); err != nil {
		t.Fatal(err)
	}
	if err := x.Put(fx[3]); err != nil {
		t.Fatal(err)
	}
	if res := search(t, x, omgjort.SearchRequest{Query: marker, IncludeOwn: true}); res.Total != 1 {
		t.Fatalf("marker found %d times before deletion", res.Total)
	}
	if err := x.Delete("egen-9"); err != nil {
		t.Fatal(err)
	}
	if err := x.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(marker)) || bytes.Contains(b, []byte("vrumpelskaft")) {
			t.Errorf("the deleted decision's word is still in %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Count(); err != nil || n != uint64(len(fx)) {
		t.Fatalf("count after purge = %d, %v; want %d", n, err, len(fx))
	}
	if res := search(t, x, omgjort.SearchRequest{Query: "sygedagpenge"}); res.Total == 0 {
		t.Fatal("the other decisions are gone")
	}
	st, err := x.Stamps()
	if err != nil || len(st) != len(fx) {
		t.Fatalf("stamps = %v, %v", st, err)
	}
}
