package index

import (
	"container/list"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"
)

// docCacheBudget bounds the memory of the stored fields kept by docCache: ≈ 1,500 decisions of
// ≈ 5 KB. The hits of common searches come back page after page (the best decisions on
// "kommunen" or a law), and reading one from the index decompresses it and maps its pages of
// the segment file again after each release of the stored documents (afterSearch).
const docCacheBudget = 8 << 20

// storedDoc is what a result page needs of one document: its ID and its stored text fields
// among hitFields, in the order the index gave them (several values of a field in order).
type storedDoc struct {
	id   string
	vals []fieldVal
	size int
}

type fieldVal struct{ name, val string }

// isHitField reports whether a stored field is one of hitFields.
var isHitField = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range hitFields {
		m[f] = true
	}
	return m
}()

// docCache keeps the stored fields of documents shown, by document number, for the latest
// snapshot only (numbers are per snapshot), least recently used first out beyond the budget.
type docCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader // identity only
	m     map[uint32]*list.Element
	lru   list.List // of *docEntry, most recent first
	bytes int
	max   int // 0: docCacheBudget
}

type docEntry struct {
	doc uint32
	d   *storedDoc
}

// reset starts over when r is another snapshot than the cache's. c.mu must be held.
func (c *docCache) reset(r bindex.IndexReader) {
	if c.snap != r || c.m == nil {
		c.snap, c.m, c.bytes = r, map[uint32]*list.Element{}, 0
		c.lru.Init()
	}
}

// get returns the kept fields of document doc of snapshot r.
func (c *docCache) get(r bindex.IndexReader, doc uint32) (*storedDoc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset(r)
	el, ok := c.m[doc]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*docEntry).d, true
}

// put keeps d as document doc of snapshot r.
func (c *docCache) put(r bindex.IndexReader, doc uint32, d *storedDoc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset(r)
	if _, ok := c.m[doc]; ok {
		return
	}
	max := c.max
	if max <= 0 {
		max = docCacheBudget
	}
	c.m[doc] = c.lru.PushFront(&docEntry{doc, d})
	c.bytes += d.size
	for c.bytes > max && c.lru.Len() > 1 {
		last := c.lru.Back()
		e := last.Value.(*docEntry)
		c.lru.Remove(last)
		delete(c.m, e.doc)
		c.bytes -= e.d.size
	}
}
