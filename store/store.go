// Package store keeps Omgjort's source of truth in one bbolt file: the decisions and their older
// versions, the raw pages they were parsed from, the crawler's per-URL state and the run records.
// The search index is derived from it and can always be rebuilt from it.
package store

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"omgjort"
)

// FileName is the name of the bbolt file inside the data directory.
const FileName = "omgjort.db"

// ErrLocked is returned by Open when another process holds the data directory.
var ErrLocked = errors.New("the data directory is in use by another omgjort process")

var (
	bucketDecisions = []byte("decisions") // id → JSON Decision (current version)
	bucketVersions  = []byte("versions")  // id 0x00 big-endian version → JSON Decision (older versions)
	bucketNumbers   = []byte("numbers")   // normalised number → decision id
	bucketDecRaw    = []byte("decraw")    // id → key in raw of the page the current version came from
	bucketRaw       = []byte("raw")       // url 0x00 RFC3339Nano → gzip JSON RawPage
	bucketPages     = []byte("pages")     // url → JSON PageState
	bucketRuns      = []byte("runs")      // big-endian id → JSON CrawlRun
	bucketMeta      = []byte("meta")
	bucketJournals  = []byte("journals") // normalised journal 0x00 id → nothing (decision families)
	bucketSources   = []byte("sources")  // id → JSON []SourceLink (every source a decision came from)
	// bucketStamps holds id → Decision.Stamp() of every current decision, kept in the same
	// transaction as the decision, so start-up checks (index reconcile, stale rules) read a few
	// MB instead of decoding (and paging in) every decision.
	bucketStamps = []byte("stamps")

	allBuckets = [][]byte{bucketDecisions, bucketVersions, bucketNumbers, bucketDecRaw, bucketRaw,
		bucketPages, bucketRuns, bucketMeta, bucketJournals, bucketSources, bucketStamps}
)

// schemaVersion is bumped when the layout of the buckets changes incompatibly.
const schemaVersion = "1"

// OpenTimeout is how long Open waits for another process to release the data directory.
const OpenTimeout = 2 * time.Second

// DB is an open store. It is safe for concurrent use.
type DB struct {
	bolt *bolt.DB
	path string
	// keys holds the key of every own decision (crypt.go), outside the bbolt file.
	keys *keyring
}

// Open opens (creating when needed) the store in the data directory dir. When another process
// holds it, Open fails with ErrLocked after OpenTimeout instead of waiting for ever.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: create data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	b, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        OpenTimeout,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: false,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: %w (no lock within %s)", path, ErrLocked, OpenTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		backfillJournals := tx.Bucket(bucketJournals) == nil
		backfillStamps := tx.Bucket(bucketStamps) == nil
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if backfillJournals {
			// A store written before decision families existed: index its journals once.
			if err := tx.Bucket(bucketDecisions).ForEach(func(k, v []byte) error {
				var d omgjort.Decision
				if err := json.Unmarshal(v, &d); err != nil {
					return fmt.Errorf("decode %s: %w", k, err)
				}
				if normJournal(d.Journal) == "" {
					return nil
				}
				return tx.Bucket(bucketJournals).Put(journalKey(d.Journal, d.ID), nil)
			}); err != nil {
				return err
			}
		}
		if backfillStamps {
			// A store written before the stamps bucket existed: build it once.
			st := tx.Bucket(bucketStamps)
			if err := tx.Bucket(bucketDecisions).ForEach(func(k, v []byte) error {
				var d omgjort.Decision
				if err := json.Unmarshal(v, &d); err != nil {
					return fmt.Errorf("decode %s: %w", k, err)
				}
				return st.Put([]byte(d.ID), []byte(d.Stamp()))
			}); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get([]byte("schema")); v != nil && string(v) != schemaVersion {
			return fmt.Errorf("schema version %s, this program needs %s", v, schemaVersion)
		}
		return meta.Put([]byte("schema"), []byte(schemaVersion))
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("store: init %s: %w", path, err)
	}
	keys, err := openKeyring(filepath.Join(dir, KeysFileName))
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	db := &DB{bolt: b, path: path, keys: keys}
	// A key whose decision is gone (a crash between a deletion and its key's destruction) must
	// not outlive it: it would open the deleted decision's copies in freed pages and backups.
	if _, err := db.SweepKeys(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the bbolt file.
func (s *DB) Close() error {
	if err := s.bolt.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// Path is the bbolt file's path.
func (s *DB) Path() string { return s.path }

// Change says what PutDecision did.
type Change int

// The results of PutDecision.
const (
	// Unchanged: the stored version has the same content and labels; nothing was written.
	Unchanged Change = iota
	// New: the decision was not stored before.
	New
	// Changed: the content changed; the old version was kept and a new version stored.
	Changed
	// Relabelled: same content, new classification (e.g. after a rules change); stored in place.
	Relabelled
)

func (c Change) String() string {
	switch c {
	case New:
		return "new"
	case Changed:
		return "changed"
	case Relabelled:
		return "relabelled"
	}
	return "unchanged"
}

// PutDecision stores d as the current version of decision d.ID, together with the raw page it was
// parsed from (raw may be nil, e.g. when reclassifying). A content change keeps the old version
// in the version history; d.Version is set accordingly. Every number in d.Numbers becomes an
// alias that Decision resolves.
func (s *DB) PutDecision(d *omgjort.Decision, raw *omgjort.RawPage) (Change, error) {
	if d == nil || d.ID == "" {
		return Unchanged, errors.New("store: put decision: empty id")
	}
	var change Change
	if err := s.ensureKeys(d); err != nil {
		return Unchanged, fmt.Errorf("store: put %s: %w", d.ID, err)
	}
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		var rawKey []byte
		if raw != nil {
			var err error
			if rawKey, err = s.putRaw(tx, raw, nil, ownerOf(d)); err != nil {
				return err
			}
		}
		var err error
		change, err = s.putDecisionTx(tx, d, rawKey)
		return err
	})
	if err != nil {
		return Unchanged, fmt.Errorf("store: put %s: %w", d.ID, err)
	}
	return change, nil
}

// putDecisionTx stores d inside tx (see PutDecision); rawKey, when set, is the archived raw
// page the decision was parsed from.
func (s *DB) putDecisionTx(tx *bolt.Tx, d *omgjort.Decision, rawKey []byte) (Change, error) {
	if d == nil || d.ID == "" {
		return Unchanged, errors.New("empty id")
	}
	decs := tx.Bucket(bucketDecisions)
	var old *omgjort.Decision
	if v := decs.Get([]byte(d.ID)); v != nil {
		old = new(omgjort.Decision)
		if err := s.decodeDecision(bucketDecisions, []byte(d.ID), v, old); err != nil {
			return Unchanged, fmt.Errorf("decode stored %s: %w", d.ID, err)
		}
	}
	var change Change
	switch {
	case old == nil:
		change = New
		d.Version = 1
	case old.ContentHash != d.ContentHash:
		change = Changed
		d.Version = old.Version + 1
		if err := s.putDecisionValue(tx, bucketVersions, versionKey(old.ID, old.Version), old); err != nil {
			return Unchanged, err
		}
	case !sameStored(old, d):
		// Same content, but labels, links, numbers or sources differ: stored in place.
		change = Relabelled
		d.Version = old.Version
		if err := recordRelabelTx(tx, old, d); err != nil {
			return Unchanged, err
		}
	default:
		change = Unchanged
		d.Version = old.Version
	}
	if rawKey != nil {
		if err := tx.Bucket(bucketDecRaw).Put([]byte(d.ID), rawKey); err != nil {
			return Unchanged, err
		}
	}
	stamp := []byte(d.Stamp())
	if st := tx.Bucket(bucketStamps); !bytes.Equal(st.Get([]byte(d.ID)), stamp) {
		if err := st.Put([]byte(d.ID), stamp); err != nil {
			return Unchanged, err
		}
	}
	if change == Unchanged {
		return change, nil
	}
	if err := s.putDecisionValue(tx, bucketDecisions, []byte(d.ID), d); err != nil {
		return Unchanged, err
	}
	js := tx.Bucket(bucketJournals)
	if old != nil && old.Journal != d.Journal {
		if err := js.Delete(journalKey(old.Journal, old.ID)); err != nil {
			return Unchanged, err
		}
	}
	if normJournal(d.Journal) != "" {
		if err := js.Put(journalKey(d.Journal, d.ID), nil); err != nil {
			return Unchanged, err
		}
	}
	nums := tx.Bucket(bucketNumbers)
	for _, n := range append([]string{d.Number, d.ID}, d.Numbers...) {
		k := []byte(omgjort.NormalizeNumber(n))
		if len(k) == 0 {
			continue
		}
		// A number that is itself a stored decision's own ID keeps pointing at it.
		if string(k) != d.ID && decs.Get(k) != nil {
			continue
		}
		// A number already pointing at the Gældende member of a family keeps doing so.
		if cur := nums.Get(k); cur != nil && string(cur) != d.ID && d.ReplacedBy == string(cur) {
			continue
		}
		if err := nums.Put(k, []byte(d.ID)); err != nil {
			return Unchanged, err
		}
	}
	return change, nil
}

// sameStored reports whether two versions with the same content hash are stored alike: the
// same labels, links, numbers and sources (fetch time and version aside).
func sameStored(a, b *omgjort.Decision) bool {
	x, y := *a, *b
	x.FetchedAt, y.FetchedAt = time.Time{}, time.Time{}
	x.Version, y.Version = 0, 0
	jx, _ := json.Marshal(&x)
	jy, _ := json.Marshal(&y)
	return bytes.Equal(jx, jy)
}

// PutDecisions stores many decisions as PutDecision does (without raw pages), in one
// transaction: one fsync for the lot, for bulk loads and re-labelling. It returns what happened
// to each decision, in order.
func (s *DB) PutDecisions(ds []*omgjort.Decision) ([]Change, error) {
	changes := make([]Change, len(ds))
	if err := s.ensureKeys(ds...); err != nil {
		return nil, fmt.Errorf("store: put decisions: %w", err)
	}
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		for i, d := range ds {
			ch, err := s.putDecisionTx(tx, d, nil)
			if err != nil {
				return fmt.Errorf("%s: %w", d.ID, err)
			}
			changes[i] = ch
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: put decisions: %w", err)
	}
	return changes, nil
}

// Stamps returns Decision.Stamp() of every current decision by ID, read from the stamps bucket
// alone (no decision is decoded).
func (s *DB) Stamps() (map[string]string, error) {
	out := map[string]string{}
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStamps)
		out = make(map[string]string, b.Stats().KeyN)
		return b.ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: stamps: %w", err)
	}
	return out, nil
}

// GetMany returns the current decisions stored under exactly these IDs (no number aliases), in
// one read transaction; IDs not stored are skipped.
func (s *DB) GetMany(ids []string) ([]*omgjort.Decision, error) {
	out := make([]*omgjort.Decision, 0, len(ids))
	err := s.bolt.View(func(tx *bolt.Tx) error {
		decs := tx.Bucket(bucketDecisions)
		for _, id := range ids {
			v := decs.Get([]byte(id))
			if v == nil {
				continue
			}
			d := new(omgjort.Decision)
			if err := s.decodeDecision(bucketDecisions, []byte(id), v, d); errors.Is(err, ErrKeyDestroyed) {
				continue
			} else if err != nil {
				return fmt.Errorf("decode %s: %w", id, err)
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: get many: %w", err)
	}
	return out, nil
}

// Decision returns the current version of the decision with the given ID or any number it was
// published under, or omgjort.ErrNotFound.
func (s *DB) Decision(id string) (*omgjort.Decision, error) {
	key := []byte(omgjort.NormalizeNumber(id))
	var d *omgjort.Decision
	err := s.bolt.View(func(tx *bolt.Tx) error {
		decs := tx.Bucket(bucketDecisions)
		k := key
		v := decs.Get(k)
		if v == nil {
			if alias := tx.Bucket(bucketNumbers).Get(key); alias != nil {
				k, v = alias, decs.Get(alias)
			}
		}
		if v == nil {
			return omgjort.ErrNotFound
		}
		d = new(omgjort.Decision)
		return s.decodeDecision(bucketDecisions, k, v, d)
	})
	if err != nil {
		return nil, fmt.Errorf("store: get %s: %w", id, err)
	}
	return d, nil
}

// Versions returns the older versions of a decision, oldest first (the current one is not
// included).
func (s *DB) Versions(id string) ([]omgjort.Decision, error) {
	var out []omgjort.Decision
	prefix := append([]byte(id), 0)
	err := s.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketVersions).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var d omgjort.Decision
			if err := s.decodeDecision(bucketVersions, k, v, &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: versions %s: %w", id, err)
	}
	return out, nil
}

// ForEach calls fn for every current decision in ID order. fn must not write to the store.
func (s *DB) ForEach(fn func(d *omgjort.Decision) error) error {
	err := s.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDecisions).ForEach(func(k, v []byte) error {
			d := new(omgjort.Decision)
			if err := s.decodeDecision(bucketDecisions, k, v, d); errors.Is(err, ErrKeyDestroyed) {
				return nil
			} else if err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			return fn(d)
		})
	})
	if err != nil {
		return fmt.Errorf("store: for each: %w", err)
	}
	return nil
}

// Count returns the number of stored decisions.
func (s *DB) Count() (int, error) {
	var n int
	err := s.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDecisions).Stats().KeyN
		return nil
	})
	return n, err
}

// RawFor returns the raw page the current version of decision id was parsed from.
func (s *DB) RawFor(id string) (*omgjort.RawPage, error) {
	var raw *omgjort.RawPage
	err := s.bolt.View(func(tx *bolt.Tx) error {
		key := tx.Bucket(bucketDecRaw).Get([]byte(id))
		if key == nil {
			return omgjort.ErrNotFound
		}
		v := tx.Bucket(bucketRaw).Get(key)
		if v == nil {
			return omgjort.ErrNotFound
		}
		a, err := s.decodeArchived(key, v)
		if err != nil {
			return err
		}
		raw = &a.RawPage
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: raw for %s: %w", id, err)
	}
	return raw, nil
}

// PutRaw archives a fetched page on its own, e.g. a page that failed to parse, so that nothing
// fetched is lost.
func (s *DB) PutRaw(raw *omgjort.RawPage) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		_, err := s.putRaw(tx, raw, nil, "")
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put raw %s: %w", raw.URL, err)
	}
	return nil
}

// RawCount returns the number of archived raw pages.
func (s *DB) RawCount() (int, error) {
	var n int
	err := s.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketRaw).Stats().KeyN
		return nil
	})
	return n, err
}

// archived is how a raw page is kept: the page and every response header, gzipped JSON.
type archived struct {
	omgjort.RawPage
	Header http.Header `json:"header,omitempty"`
}

// putRaw archives raw; owner, when set, is the own decision it belongs to, whose key seals it.
func (s *DB) putRaw(tx *bolt.Tx, raw *omgjort.RawPage, header http.Header, owner string) ([]byte, error) {
	key := append([]byte(raw.URL), 0)
	key = append(key, raw.FetchedAt.UTC().Format(time.RFC3339Nano)...)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(archived{RawPage: *raw, Header: header}); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	v := buf.Bytes()
	if owner != "" {
		var err error
		if v, err = s.keys.seal(owner, where(bucketRaw, key), v); err != nil {
			return nil, err
		}
	}
	return key, tx.Bucket(bucketRaw).Put(key, v)
}

// decodeArchived reads the raw page stored under key (sealed or not).
func (s *DB) decodeArchived(key, v []byte) (*archived, error) {
	v, err := s.keys.open(where(bucketRaw, key), v)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(v))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	a := new(archived)
	if err := json.NewDecoder(zr).Decode(a); err != nil {
		return nil, err
	}
	return a, nil
}

// PageState returns what the crawler knows of url; it implements omgjort.CrawlState.
func (s *DB) PageState(url string) (omgjort.PageState, bool, error) {
	var st omgjort.PageState
	var ok bool
	err := s.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPages).Get([]byte(url))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &st)
	})
	if err != nil {
		return st, false, fmt.Errorf("store: page state %s: %w", url, err)
	}
	return st, ok, nil
}

// PutPageState records what the crawler knows of a URL.
func (s *DB) PutPageState(st omgjort.PageState) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketPages), []byte(st.URL), st)
	})
	if err != nil {
		return fmt.Errorf("store: put page state %s: %w", st.URL, err)
	}
	return nil
}

// StartRun records the start of a run and assigns its ID.
func (s *DB) StartRun(r *omgjort.CrawlRun) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRuns)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		if r.Result == "" {
			r.Result = omgjort.RunRunning
		}
		return putJSON(b, u64(id), r)
	})
	if err != nil {
		return fmt.Errorf("store: start run %s: %w", r.Job, err)
	}
	return nil
}

// FinishRun stores the final state of a run started with StartRun.
func (s *DB) FinishRun(r *omgjort.CrawlRun) error {
	if r.ID == 0 {
		return fmt.Errorf("store: finish run %s: run was not started", r.Job)
	}
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketRuns), u64(r.ID), r)
	})
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", r.ID, err)
	}
	return nil
}

// Runs returns the newest n run records, newest first; it implements part of
// omgjort.DecisionReader.
func (s *DB) Runs(n int) ([]omgjort.CrawlRun, error) {
	var out []omgjort.CrawlRun
	err := s.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRuns).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var r omgjort.CrawlRun
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return out, nil
}

// Backup writes a consistent copy of the whole database to w while readers and writers go on.
func (s *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func versionKey(id string, version int) []byte {
	k := append([]byte(id), 0)
	return binary.BigEndian.AppendUint32(k, uint32(version))
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// Bolt returns the open bbolt file, for packages that keep their own buckets in it (auth's
// users and sessions, audit's log) under the same single-process lock and in the same backups.
// They must not touch the store's buckets.
func (s *DB) Bolt() *bolt.DB { return s.bolt }
