package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// purgeID is the ID of the empty placeholder document Purge adds for the length of a merge.
const purgeID = "\x00purge"

// Purge makes deletions physical. Bleve's scorch only marks a deleted document in its segment
// and keeps its terms, stored fields and doc values in the segment file until that segment is
// merged; a lone segment is never merged. Purge adds an empty placeholder (so there are at least
// two segments), force-merges every segment into one (zap leaves out deleted documents and
// every term left without a posting), deletes the placeholder, and waits until the persister
// has removed the old segment files, so a deleted decision's words are in no file of the index.
// It rewrites the whole index: seconds at 100,000 decisions, meant for deletions, not for
// every write.
func (x *Index) Purge(ctx context.Context) (err error) {
	defer x.epoch.Add(1)
	defer recoverTo(&err, "purge")
	ai, err := x.idx.Advanced()
	if err != nil {
		return fmt.Errorf("index: purge: %w", err)
	}
	sc, ok := ai.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("index: purge: not a scorch index (%T)", ai)
	}
	if err := x.idx.Index(purgeID, map[string]interface{}{}); err != nil {
		return fmt.Errorf("index: purge: placeholder: %w", err)
	}
	for i := 0; ; i++ {
		n, _ := sc.StatsMap()["num_root_filesegments"].(uint64)
		if n <= 1 {
			break
		}
		if i == 50 {
			return fmt.Errorf("index: purge: %d segments left after %d merges", n, i)
		}
		if err := sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
			return fmt.Errorf("index: purge: merge: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index: purge: %w", err)
		}
	}
	if err := x.idx.Delete(purgeID); err != nil {
		return fmt.Errorf("index: purge: placeholder: %w", err)
	}
	// The persister removes segment files no snapshot uses any more in the background.
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := segmentFiles(x.dir)
		if err != nil {
			return fmt.Errorf("index: purge: %w", err)
		}
		if n <= 1 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("index: purge: %d segment files still on disk", n)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("index: purge: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// segmentFiles counts the segment files of the index in dir.
func segmentFiles(dir string) (int, error) {
	ents, err := os.ReadDir(filepath.Join(dir, "store"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".zap") {
			n++
		}
	}
	return n, nil
}
