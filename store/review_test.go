package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"omgjort"
)

func TestReviewQueueSealedOnceAndGone(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const marker = "Zyxwobbel"
	if ok, err := db.PutReview("k1", []byte(`{"text":"`+marker+`"}`)); err != nil || !ok {
		t.Fatalf("put: %v %v", ok, err)
	}
	if ok, _ := db.PutReview("k1", []byte(`{"text":"other"}`)); ok {
		t.Error("a second put of the same key must not replace the entry")
	}
	if n, err := db.SweepKeys(); err != nil || n != 0 {
		t.Fatalf("sweep destroyed %d keys (%v): the review entry's key must stay", n, err)
	}
	if v, err := db.Review("k1"); err != nil || !bytes.Contains(v, []byte(marker)) {
		t.Fatalf("review: %s %v", v, err)
	}
	if err := db.ReplaceReview("k1", []byte(`{"text":"[NAVN]"}`)); err != nil {
		t.Fatal(err)
	}
	n := 0
	db.ForEachReview(func(k string, v []byte) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d entries", n)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "omgjort.db"))
	if bytes.Contains(raw, []byte(marker)) {
		t.Error("the entry is in the bbolt file in clear")
	}
	if err := db.DeleteReview("k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Review("k1"); !errors.Is(err, omgjort.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}
