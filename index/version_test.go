package index

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestMappingVersionMismatch checks that an index built by another mapping version is refused
// with ErrRebuild, since Bleve would otherwise search it with its old mapping.
func TestMappingVersionMismatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.idx.SetInternal([]byte(versionKey), []byte("0")); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrRebuild) {
		t.Fatalf("open with an old mapping version: %v; want ErrRebuild", err)
	}
	// Open released the index again: after Destroy it can be created anew.
	if err := Destroy(dir); err != nil {
		t.Fatal(err)
	}
	y, err := Open(dir)
	if err != nil {
		t.Fatalf("open after Destroy: %v", err)
	}
	y.Close()
}
