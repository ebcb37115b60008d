package index_test

import (
	"path/filepath"
	"testing"
	"time"

	"omgjort/index"
)

// TestStoredReadMatchesZap reads every stored document of an index written in batches, with
// updates, through pread (storedread.go) and through zapx's own reader: the same fields, types,
// values and array positions in the same order.
func TestStoredReadMatchesZap(t *testing.T) {
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ds := synthCorpus(t, 200)
	for i := 0; i < len(ds); i += 50 {
		if err := x.Put(ds[i : i+50]...); err != nil {
			t.Fatal(err)
		}
	}
	ds[3].Title = "Ny titel"
	if err := x.Put(ds[3]); err != nil {
		t.Fatal(err)
	}
	// Bleve persists its segments in the background: compare once they are all on disk.
	n := 0
	for range 200 {
		if n, err = index.CompareStored(x); err != nil {
			t.Fatal(err)
		}
		if n >= len(ds) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n < len(ds) {
		t.Fatalf("compared %d documents in persisted segments, want at least %d", n, len(ds))
	}
}
