// Package audit keeps Omgjort's audit log: who signed in, who read, searched, exported, imported,
// corrected or deleted which of the municipality's own decisions, who changed users and roles, and
// every refused attempt. Datatilsynet asks for such a log of every use of personal data; a
// municipality's data-protection officer also needs to show that nobody has edited it afterwards.
//
// The log is append-only and hash-chained in the store's bbolt file: each record carries the
// SHA-256 of the previous record's hash and its own canonical form, so changing, inserting or
// removing one breaks the chain at that record (Verify finds it). Old records are pruned after a
// retention period; the pruning writes an anchor (the hash of the last pruned record) that the
// first remaining record links to, so the chain stays verifiable.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// DefaultRetention is how long records are kept when nothing else is configured: six months,
// the common value of Danish public-sector contracts (and the 180 days of KOMBIT's guidance).
const DefaultRetention = 183 * 24 * time.Hour

var (
	bucketLog  = []byte("audit_log")  // big-endian seq → JSON Record
	bucketMeta = []byte("audit_meta") // "head" → JSON link, "anchor" → JSON link
	keyHead    = []byte("head")
	keyAnchor  = []byte("anchor")
)

// Record is one stored entry with its place in the chain.
type Record struct {
	Seq uint64 `json:"seq"`
	// Prev is the hex hash of the record before (or of the prune anchor); empty for the first.
	Prev string `json:"prev"`
	// Hash is hex SHA-256 over Prev and the canonical form of Seq and Entry.
	Hash  string             `json:"hash"`
	Entry omgjort.AuditEntry `json:"entry"`
}

// link is a position in the chain: the head (last record) or the anchor (last pruned record).
type link struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// Log is the audit log in an open bbolt file. It implements omgjort.AuditLogger and is safe
// for concurrent use (bbolt serialises the writers).
type Log struct {
	db  *bolt.DB
	now func() time.Time
	// written and failed count Record calls, for the metrics (a failing audit log must be
	// seen: the request it belonged to went on).
	written, failed atomic.Uint64
}

// Counts returns how many entries were recorded and how many Record calls failed since Open.
func (l *Log) Counts() (written, failed uint64) { return l.written.Load(), l.failed.Load() }

// Open prepares the log's buckets in db (the store's file, see store.DB.Bolt).
func Open(db *bolt.DB) (*Log, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketLog, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	return &Log{db: db, now: time.Now}, nil
}

// SetClock replaces the clock that stamps records without a time (tests of retention).
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// Record appends e to the chain. A zero Time is now; an empty User is the user in ctx, an
// empty Client the client address in ctx (omgjort.WithClient). The
// entry must hold no secret: callers pass what was done, never a password or a token.
func (l *Log) Record(ctx context.Context, e omgjort.AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	if e.User == "" {
		if u := omgjort.UserFrom(ctx); u != nil {
			e.User = u.Name
		}
	}
	if e.Client == "" {
		e.Client = omgjort.ClientFrom(ctx)
	}
	if e.Outcome == "" {
		e.Outcome = omgjort.AuditOK
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		_, err := appendTx(tx, e)
		return err
	})
	if err != nil {
		l.failed.Add(1)
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	l.written.Add(1)
	return nil
}

// RecordAll appends es to the chain in one transaction (omgjort.AuditBatch), each entry
// completed as Record completes it: all are recorded or none.
func (l *Log) RecordAll(ctx context.Context, es []omgjort.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	now := l.now()
	user, client := "", omgjort.ClientFrom(ctx)
	if u := omgjort.UserFrom(ctx); u != nil {
		user = u.Name
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		for _, e := range es {
			if e.Time.IsZero() {
				e.Time = now
			}
			if e.User == "" {
				e.User = user
			}
			if e.Client == "" {
				e.Client = client
			}
			if e.Outcome == "" {
				e.Outcome = omgjort.AuditOK
			}
			if _, err := appendTx(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.failed.Add(uint64(len(es)))
		return fmt.Errorf("audit: record %d entries: %w", len(es), err)
	}
	l.written.Add(uint64(len(es)))
	return nil
}

// normalize makes an entry's time canonical (UTC, microseconds), so its JSON form, and so its
// hash, is the same after a round trip through the store.
func normalize(e *omgjort.AuditEntry) {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
}

// hashOf is the chain hash of a record: SHA-256 over the previous hash, a newline, and the
// JSON of seq and entry (encoding/json writes struct fields in declaration order, so the form
// is canonical for a given program version).
func hashOf(prev string, seq uint64, e omgjort.AuditEntry) (string, error) {
	canon, err := json.Marshal(struct {
		Seq   uint64             `json:"seq"`
		Entry omgjort.AuditEntry `json:"entry"`
	}{seq, e})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func getLink(b *bolt.Bucket, key []byte) (link, bool, error) {
	v := b.Get(key)
	if v == nil {
		return link{}, false, nil
	}
	var l link
	if err := json.Unmarshal(v, &l); err != nil {
		return link{}, false, fmt.Errorf("decode %s: %w", key, err)
	}
	return l, true, nil
}

func putLink(b *bolt.Bucket, key []byte, l link) error {
	v, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return b.Put(key, v)
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// appendTx appends e after the current head inside tx.
func appendTx(tx *bolt.Tx, e omgjort.AuditEntry) (Record, error) {
	meta, lb := tx.Bucket(bucketMeta), tx.Bucket(bucketLog)
	if meta == nil || lb == nil {
		return Record{}, errors.New("audit buckets missing (audit.Open not called)")
	}
	head, ok, err := getLink(meta, keyHead)
	if err != nil {
		return Record{}, err
	}
	if !ok {
		// A log without a head may still have been pruned empty: continue after the anchor.
		if head, _, err = getLink(meta, keyAnchor); err != nil {
			return Record{}, err
		}
	}
	normalize(&e)
	r := Record{Seq: head.Seq + 1, Prev: head.Hash, Entry: e}
	if r.Hash, err = hashOf(r.Prev, r.Seq, e); err != nil {
		return Record{}, err
	}
	v, err := json.Marshal(r)
	if err != nil {
		return Record{}, err
	}
	if err := lb.Put(seqKey(r.Seq), v); err != nil {
		return Record{}, err
	}
	return r, putLink(meta, keyHead, link{Seq: r.Seq, Hash: r.Hash})
}

// BrokenError names the first record at which the chain does not hold.
type BrokenError struct {
	Seq    uint64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", e.Seq, e.Reason)
}

// anchorDetail is how a prune record states its anchor, so Verify can check the stored anchor
// against the chain itself (an anchor moved by hand no longer matches the last prune record).
func anchorDetail(a link) string { return "anchor=" + strconv.FormatUint(a.Seq, 10) + ":" + a.Hash }

func parseAnchor(detail string) (link, bool) {
	i := strings.LastIndex(detail, "anchor=")
	if i < 0 {
		return link{}, false
	}
	seq, hash, ok := strings.Cut(detail[i+len("anchor="):], ":")
	if !ok {
		return link{}, false
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return link{}, false
	}
	return link{Seq: n, Hash: strings.TrimSpace(hash)}, true
}

// Verify walks the whole chain and returns the number of records checked, or a *BrokenError
// naming the first record that was changed, inserted, or follows a removed one.
func (l *Log) Verify() (int, error) {
	n := 0
	err := l.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = verifyTx(tx)
		return err
	})
	return n, err
}

func verifyTx(tx *bolt.Tx) (int, error) {
	meta, lb := tx.Bucket(bucketMeta), tx.Bucket(bucketLog)
	if meta == nil || lb == nil {
		return 0, nil // no log yet: nothing to break
	}
	anchor, _, err := getLink(meta, keyAnchor)
	if err != nil {
		return 0, &BrokenError{Seq: 0, Reason: err.Error()}
	}
	head, hasHead, err := getLink(meta, keyHead)
	if err != nil {
		return 0, &BrokenError{Seq: 0, Reason: err.Error()}
	}
	want := link{Seq: anchor.Seq, Hash: anchor.Hash}
	var lastPrune *link
	n := 0
	c := lb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		seq := binary.BigEndian.Uint64(k)
		var r Record
		if err := json.Unmarshal(v, &r); err != nil {
			return n, &BrokenError{Seq: seq, Reason: "entry cannot be read: " + err.Error()}
		}
		if r.Seq != seq {
			return n, &BrokenError{Seq: seq, Reason: fmt.Sprintf("entry says it is number %d", r.Seq)}
		}
		if seq != want.Seq+1 {
			return n, &BrokenError{Seq: seq, Reason: fmt.Sprintf("entry %d is missing", want.Seq+1)}
		}
		if r.Prev != want.Hash {
			return n, &BrokenError{Seq: seq, Reason: "the link to the previous entry does not match"}
		}
		h, err := hashOf(r.Prev, r.Seq, r.Entry)
		if err != nil {
			return n, &BrokenError{Seq: seq, Reason: err.Error()}
		}
		if h != r.Hash {
			return n, &BrokenError{Seq: seq, Reason: "the entry was changed after it was written"}
		}
		if r.Entry.Action == omgjort.AuditPrune {
			if a, ok := parseAnchor(r.Entry.Detail); ok {
				lastPrune = &a
			}
		}
		want = link{Seq: seq, Hash: h}
		n++
	}
	if hasHead && head != want {
		return n, &BrokenError{Seq: head.Seq, Reason: fmt.Sprintf("the log ends at entry %d but its head is entry %d (entries removed from the end)", want.Seq, head.Seq)}
	}
	if !hasHead && n > 0 {
		return n, &BrokenError{Seq: want.Seq, Reason: "the log has entries but no head"}
	}
	if anchor.Seq > 0 && (lastPrune == nil || *lastPrune != anchor) {
		return n, &BrokenError{Seq: anchor.Seq + 1, Reason: "the prune anchor does not match the last prune entry (entries removed from the start)"}
	}
	return n, nil
}

// Prune removes the records older than before (the retention rule) and appends a prune record
// that states the new anchor, all in one transaction. It returns how many records it removed.
// The newest record is never removed, so the head always exists.
func (l *Log) Prune(ctx context.Context, before time.Time) (int, error) {
	removed := 0
	err := l.db.Update(func(tx *bolt.Tx) error {
		meta, lb := tx.Bucket(bucketMeta), tx.Bucket(bucketLog)
		head, _, err := getLink(meta, keyHead)
		if err != nil {
			return err
		}
		var anchor link
		var dels [][]byte
		c := lb.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if r.Seq >= head.Seq || !r.Entry.Time.Before(before) {
				break
			}
			anchor = link{Seq: r.Seq, Hash: r.Hash}
			dels = append(dels, append([]byte(nil), k...))
		}
		if len(dels) == 0 {
			return nil
		}
		for _, k := range dels {
			if err := lb.Delete(k); err != nil {
				return err
			}
		}
		if err := putLink(meta, keyAnchor, anchor); err != nil {
			return err
		}
		removed = len(dels)
		_, err = appendTx(tx, omgjort.AuditEntry{Time: l.now(), User: "system", Action: omgjort.AuditPrune,
			Outcome: omgjort.AuditPruned, Detail: fmt.Sprintf("%d poster ældre end %s slettet; %s",
				len(dels), before.UTC().Format(time.RFC3339), anchorDetail(anchor))})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("audit: prune: %w", err)
	}
	return removed, nil
}

// Filter selects records for the audit page, the export and access requests.
type Filter struct {
	User       string
	DecisionID string
	Action     string
	// From and To bound the time (To exclusive); zero means open.
	From, To time.Time
	// Limit caps the number of records (newest first in List); 0 is no cap.
	Limit int
}

func (f Filter) match(r *Record) bool {
	e := &r.Entry
	switch {
	case f.User != "" && !strings.EqualFold(e.User, f.User):
		return false
	case f.DecisionID != "" && e.DecisionID != f.DecisionID:
		return false
	case f.Action != "" && e.Action != f.Action:
		return false
	case !f.From.IsZero() && e.Time.Before(f.From):
		return false
	case !f.To.IsZero() && !e.Time.Before(f.To):
		return false
	}
	return true
}

// List returns the records that match f, newest first.
func (l *Log) List(f Filter) ([]Record, error) {
	var out []Record
	err := l.db.View(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLog)
		if lb == nil {
			return nil
		}
		c := lb.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if !f.match(&r) {
				continue
			}
			out = append(out, r)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}

// ReadersOf lists who has read the decision with the given ID, newest first: the answer to a
// citizen who asks who has looked at their case.
func (l *Log) ReadersOf(decisionID string) ([]Record, error) {
	return l.List(Filter{DecisionID: decisionID, Action: omgjort.AuditReadOwn})
}

// Export writes the records that match f as JSON Lines, oldest first, for the data-protection
// officer or an access request. It returns how many it wrote.
func (l *Log) Export(w io.Writer, f Filter) (int, error) {
	limit := f.Limit
	f.Limit = 0
	recs, err := l.List(f)
	if err != nil {
		return 0, err
	}
	enc := json.NewEncoder(w)
	n := 0
	for i := len(recs) - 1; i >= 0; i-- {
		if limit > 0 && n >= limit {
			break
		}
		if err := enc.Encode(recs[i]); err != nil {
			return n, fmt.Errorf("audit: export: %w", err)
		}
		n++
	}
	return n, nil
}
