package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// errNoID is Put's refusal of a decision without an ID: bad input, not a failed write.
var errNoID = errors.New("decision without ID")

// Health is how the index's writes stand, for /status, /metrics and the log.
type Health struct {
	// Degraded is set from a failed write (a full disk: Bleve could not persist a segment)
	// until Repaired is called after the index was brought level with the store again.
	// Meanwhile searches answer from the last snapshot that reached the disk.
	Degraded bool
	// Failures counts failed writes since Open.
	Failures uint64
	// LastError and LastFailure describe the newest failed write.
	LastError   string
	LastFailure time.Time
}

// Health reports the index's write health.
func (x *Index) Health() Health {
	x.health.mu.Lock()
	defer x.health.mu.Unlock()
	return x.health.Health
}

// Repaired clears Degraded; the caller has made the index hold the store's decisions again
// (the app's reconcile), so nothing is missing any more.
func (x *Index) Repaired() {
	x.health.mu.Lock()
	defer x.health.mu.Unlock()
	x.health.Degraded = false
}

type healthState struct {
	mu sync.Mutex
	Health
}

// afterWrite runs after every Put and Delete. A failed write can leave Bleve's in-memory
// snapshot holding a segment that was closed when its persisting failed (a full disk), and
// every later search of that snapshot panics. So the index is reopened from disk — the last
// snapshot that was persisted — and marked degraded; what the failed writes carried is
// indexed again from the store by the caller's repair.
func (x *Index) afterWrite(err *error) {
	if *err == nil || errors.Is(*err, errNoID) {
		return
	}
	x.health.mu.Lock()
	x.health.Degraded = true
	x.health.Failures++
	x.health.LastError = (*err).Error()
	x.health.LastFailure = time.Now().UTC()
	x.health.mu.Unlock()
	if rerr := x.idx.(*liveIndex).reopen(x.dir); rerr != nil {
		*err = fmt.Errorf("%w; reopening the index from disk also failed: %v", *err, rerr)
	}
}

// liveIndex is the Bleve index behind an Index, replaceable while the program runs: every
// call holds a read lock, a reopen the write lock, so no call runs on an index being closed.
// Readers and snapshots taken before a reopen keep their segments (Bleve counts references).
type liveIndex struct {
	mu     sync.RWMutex
	i      bleve.Index
	cfg    map[string]interface{}
	closed bool
}

// reopen closes the Bleve index and opens it again from dir.
func (l *liveIndex) reopen(dir string) (err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	func() {
		defer func() { _ = recover() }() // a damaged in-memory state may panic on close
		_ = l.i.Close()
	}()
	i, err := openBleve(dir, l.cfg)
	if err != nil {
		// Nothing to search: keep the closed index, whose calls fail with an error.
		return fmt.Errorf("index: reopen %s: %w", dir, err)
	}
	l.i = i
	return nil
}

func (l *liveIndex) Index(id string, data interface{}) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Index(id, data)
}

func (l *liveIndex) Delete(id string) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Delete(id)
}

func (l *liveIndex) NewBatch() *bleve.Batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.NewBatch()
}

func (l *liveIndex) Batch(b *bleve.Batch) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Batch(b)
}

func (l *liveIndex) Document(id string) (bindex.Document, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Document(id)
}

func (l *liveIndex) DocCount() (uint64, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.DocCount()
}

func (l *liveIndex) Search(req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Search(req)
}

func (l *liveIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.SearchInContext(ctx, req)
}

func (l *liveIndex) Fields() ([]string, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Fields()
}

func (l *liveIndex) FieldDict(field string) (bindex.FieldDict, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.FieldDict(field)
}

func (l *liveIndex) FieldDictRange(field string, start, end []byte) (bindex.FieldDict, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.FieldDictRange(field, start, end)
}

func (l *liveIndex) FieldDictPrefix(field string, prefix []byte) (bindex.FieldDict, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.FieldDictPrefix(field, prefix)
}

func (l *liveIndex) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return l.i.Close()
}

func (l *liveIndex) Mapping() mapping.IndexMapping {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Mapping()
}

func (l *liveIndex) Stats() *bleve.IndexStat {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Stats()
}

func (l *liveIndex) StatsMap() map[string]interface{} {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.StatsMap()
}

func (l *liveIndex) GetInternal(key []byte) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.GetInternal(key)
}

func (l *liveIndex) SetInternal(key, val []byte) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.SetInternal(key, val)
}

func (l *liveIndex) DeleteInternal(key []byte) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.DeleteInternal(key)
}

func (l *liveIndex) Name() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Name()
}

func (l *liveIndex) SetName(name string) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	l.i.SetName(name)
}

func (l *liveIndex) Advanced() (bindex.Index, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.i.Advanced()
}
