package index

import (
	"container/list"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"omgjort"
)

// DefaultCacheSize is how many search results an Index keeps (least recently used out).
// A result page with facets is a few KB to a few tens of KB, so the default costs at most a
// few tens of MB.
const DefaultCacheSize = 1024

// resultCache keeps whole search results (hits of the page, facets, total) keyed by the
// normalised request and the index epoch. The epoch moves on every write (Put, Delete), so a
// cached result never outlives the index content it was computed from; on a search site the
// index changes only when a crawl or a re-classification writes, and the same searches
// (a law, "kontanthjælp", page 2 of a common search) come back all day. Concurrent identical
// searches are computed once.
type resultCache struct {
	mu       sync.Mutex
	max      int
	epoch    uint64
	ll       *list.List // of *cacheEntry, most recently used first
	byKey    map[string]*list.Element
	inflight map[string]*flight
	hits     uint64
	misses   uint64
}

type cacheEntry struct {
	key string
	res *omgjort.SearchResult
}

type flight struct {
	done chan struct{}
	res  *omgjort.SearchResult
	err  error
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, ll: list.New(), byKey: map[string]*list.Element{}, inflight: map[string]*flight{}}
}

// resetLocked drops everything cached for an older epoch.
func (c *resultCache) resetLocked(epoch uint64) {
	if epoch != c.epoch {
		c.epoch = epoch
		c.ll.Init()
		clear(c.byKey)
		clear(c.inflight)
	}
}

// do returns the cached result of key at epoch, or computes it with fn (once for all callers
// asking for the same key at the same time) and caches it when fn succeeds.
func (c *resultCache) do(ctx context.Context, epoch uint64, key string, fn func() (*omgjort.SearchResult, error)) (*omgjort.SearchResult, bool, error) {
	if c == nil || c.max <= 0 {
		res, err := fn()
		return res, false, err
	}
	c.mu.Lock()
	c.resetLocked(epoch)
	if el, ok := c.byKey[key]; ok {
		c.ll.MoveToFront(el)
		c.hits++
		res := el.Value.(*cacheEntry).res
		c.mu.Unlock()
		return res, true, nil
	}
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil {
				c.mu.Lock()
				c.hits++
				c.mu.Unlock()
				return f.res, true, nil
			}
			// The leader failed (e.g. its client went away): search on our own.
			res, err := fn()
			return res, false, err
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	c.misses++
	c.mu.Unlock()

	f.res, f.err = fn()
	close(f.done)

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight[key] == f {
		delete(c.inflight, key)
	}
	if f.err == nil && c.epoch == epoch {
		if el, ok := c.byKey[key]; ok {
			c.ll.Remove(el)
		}
		c.byKey[key] = c.ll.PushFront(&cacheEntry{key: key, res: f.res})
		for c.ll.Len() > c.max {
			last := c.ll.Back()
			c.ll.Remove(last)
			delete(c.byKey, last.Value.(*cacheEntry).key)
		}
	}
	return f.res, false, f.err
}

// get returns the result cached under key at epoch, or nil (for caches used without do).
func (c *resultCache) get(epoch uint64, key string) *omgjort.SearchResult {
	if c == nil || c.max <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked(epoch)
	if el, ok := c.byKey[key]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry).res
	}
	return nil
}

// put caches res under key at epoch (for caches used without do).
func (c *resultCache) put(epoch uint64, key string, res *omgjort.SearchResult) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked(epoch)
	if el, ok := c.byKey[key]; ok {
		c.ll.Remove(el)
	}
	c.byKey[key] = c.ll.PushFront(&cacheEntry{key: key, res: res})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.byKey, last.Value.(*cacheEntry).key)
	}
}

// stats returns the cache's hit and miss counts.
func (c *resultCache) stats() (hits, misses uint64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// cacheKey normalises a request: the query box with runs of spaces collapsed, sort, paging and
// the filters in a fixed order (filters are ANDed, so their order does not matter).
func cacheKey(req omgjort.SearchRequest) string {
	return strings.ToLower(strings.TrimSpace(req.Sort)) + "\x00" + strconv.Itoa(req.From) + "\x00" +
		strconv.Itoa(req.Size) + "\x00" + strconv.FormatBool(req.NoSnippets) + "\x00" + hitSetKey(req)
}

// hitSetKey normalises what decides the set of hits, and so the total and the facets: the
// query box and the filters, not the sort or the page.
func hitSetKey(req omgjort.SearchRequest) string {
	var b strings.Builder
	b.WriteString(strings.Join(strings.Fields(req.Query), " "))
	if req.IncludeOwn {
		// Own decisions change the hit set: never share a result between the two audiences.
		b.WriteString("\x00+own")
	}
	for _, k := range slices.Sorted(maps.Keys(req.Filters)) {
		vs := make([]string, 0, len(req.Filters[k]))
		for _, v := range req.Filters[k] {
			if strings.TrimSpace(v) != "" {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		slices.Sort(vs)
		vs = slices.Compact(vs)
		b.WriteByte(0)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strings.Join(vs, "\x01"))
	}
	return b.String()
}

// shareResult returns a copy of a cached result that the caller may change at the top level
// (the hits slice, the facets map, Took) without touching the cached one.
func shareResult(r *omgjort.SearchResult, took time.Duration) *omgjort.SearchResult {
	out := *r
	out.Hits = slices.Clone(r.Hits)
	out.Facets = maps.Clone(r.Facets)
	out.Took = took
	return &out
}
