package importer

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// BatchStatus is a snapshot of an upload's import: how far it is, and what became of each file
// so far. File names are the uploaded names (shown to the uploader only).
type BatchStatus struct {
	ID       string
	Files    int
	Done     int
	Finished bool
	// Err is a Danish message when the import stopped before its end.
	Err     string
	Reports []FileReport
	Report  Report
	Started time.Time
}

// Batches keeps the uploads' progress in memory for the progress page (an hour after each
// finishes). Safe for concurrent use.
type Batches struct {
	mu sync.Mutex
	m  map[string]*BatchStatus
}

// NewBatches makes an empty tracker.
func NewBatches() *Batches { return &Batches{m: map[string]*BatchStatus{}} }

// New registers a batch of n files and returns its ID.
func (b *Batches) New(n int) string {
	var raw [12]byte
	rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, v := range b.m {
		if v.Finished && time.Since(v.Started) > time.Hour {
			delete(b.m, k)
		}
	}
	b.m[id] = &BatchStatus{ID: id, Files: n, Started: time.Now()}
	return id
}

// Progress records a finished file.
func (b *Batches) Progress(id string, done int, r FileReport) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.m[id]; s != nil {
		s.Done = done
		s.Reports = append(s.Reports, r)
	}
}

// Finish records the end of a batch.
func (b *Batches) Finish(id string, rep Report, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.m[id]; s != nil {
		s.Finished, s.Report = true, rep
		if err != nil {
			s.Err = "Importen stoppede før tid. Start den igen: breve, der allerede er gemt, gemmes ikke to gange."
		}
	}
}

// Get returns a snapshot of a batch.
func (b *Batches) Get(id string) (BatchStatus, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.m[id]
	if s == nil {
		return BatchStatus{}, false
	}
	c := *s
	c.Reports = append([]FileReport(nil), s.Reports...)
	return c, true
}
