package ingest

import (
	"context"
	"fmt"

	"omgjort/store"
)

// Delete removes a decision from the store and the index, re-indexes the family members that
// named it, and force-merges the index so the deleted decision's words leave the index files.
// It holds the family lock, so no crawl or import links a family with the decision meanwhile.
func (p *Pipeline) Delete(ctx context.Context, id string) (*store.Deleted, error) {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	del, err := p.db.Delete(id)
	if err != nil {
		return del, err
	}
	if err := p.idx.Delete(del.ID); err != nil {
		return del, fmt.Errorf("ingest: delete %s from the index: %w", del.ID, err)
	}
	if len(del.Relinked) > 0 {
		if err := p.idx.Put(del.Relinked...); err != nil {
			return del, fmt.Errorf("ingest: re-index the family of %s: %w", del.ID, err)
		}
	}
	if err := p.idx.Purge(ctx); err != nil {
		return del, fmt.Errorf("ingest: purge %s from the index files: %w", del.ID, err)
	}
	p.log.Info("decision deleted", "id", del.ID, "own", del.Own, "versions", del.Versions,
		"raw_pages", del.Raw, "digests", del.Digests, "corrections", del.Corrections)
	return del, nil
}
