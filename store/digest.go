package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// bucketDigests holds the digests as built and rendered: week 0x00 law filter → JSON Digest.
// The key sorts by week, and the digest for every law area has an empty filter.
var bucketDigests = []byte("digests")

// digestKey is the key of a week's digest for the given law filter (empty: every area).
func digestKey(week string, laws []string) []byte {
	norm := make([]string, 0, len(laws))
	for _, l := range laws {
		norm = append(norm, strings.ToLower(strings.TrimSpace(l)))
	}
	norm = omgjort.SortStrings(norm)
	return []byte(week + "\x00" + strings.Join(norm, "|"))
}

// PutDigest stores a built (and usually rendered) digest, replacing the one for the same week
// and law filter, so a rebuilt digest supersedes the earlier one.
func (s *DB) PutDigest(d *omgjort.Digest) error {
	if d == nil || d.WeekName == "" {
		return fmt.Errorf("store: put digest: no week")
	}
	var stale []string
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketDigests)
		if err != nil {
			return err
		}
		stale, err = s.putDigestTx(b, digestKey(d.WeekName, d.Laws), d)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put digest %s: %w", d.WeekName, err)
	}
	if err := s.keys.destroy(stale...); err != nil {
		return fmt.Errorf("store: put digest %s: %w", d.WeekName, err)
	}
	return nil
}

// digestOwnerPrefix starts the keyring owner names of digests that list own decisions (no
// decision ID starts with a NUL byte).
const digestOwnerPrefix = "\x00digest\x00"

// putDigestTx stores d under key. A digest that lists an own decision names it (title,
// evidence), so it is sealed like the decision, with a fresh key each time it is written; the
// keys of the value it replaces are returned, to destroy once the transaction has committed,
// so a replaced copy (in a freed page or a backup) is unreadable.
func (s *DB) putDigestTx(b *bolt.Bucket, key []byte, d *omgjort.Digest) (stale []string, err error) {
	if old := b.Get(key); old != nil && sealed(old) {
		if o, _, err := sealOwner(old); err == nil {
			stale = append(stale, o)
		}
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	if s.digestListsOwn(d) {
		nonce := make([]byte, 8)
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		owner := digestOwnerPrefix + hex.EncodeToString(nonce)
		if err := s.keys.ensure(owner); err != nil {
			return nil, err
		}
		if data, err = s.keys.seal(owner, where(bucketDigests, key), data); err != nil {
			return nil, err
		}
	}
	return stale, b.Put(key, data)
}

// digestListsOwn reports whether d names an own decision (one with a key).
func (s *DB) digestListsOwn(d *omgjort.Digest) bool {
	ids := make([]string, 0, len(d.New)+len(d.Changed))
	for _, e := range d.New {
		ids = append(ids, e.ID)
	}
	for _, e := range d.Changed {
		ids = append(ids, e.ID)
	}
	for _, g := range d.Groups {
		for _, l := range g.Lines {
			ids = append(ids, l.ID)
		}
	}
	if d.Case != nil {
		ids = append(ids, d.Case.ID)
	}
	for _, id := range ids {
		if s.keys.has(id) {
			return true
		}
	}
	return false
}

// DigestFor returns the stored digest of the week for the law filter, or omgjort.ErrNotFound.
func (s *DB) DigestFor(week omgjort.Week, laws []string) (*omgjort.Digest, error) {
	var d *omgjort.Digest
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDigests)
		if b == nil {
			return omgjort.ErrNotFound
		}
		v := b.Get(digestKey(week.String(), laws))
		if v == nil {
			return omgjort.ErrNotFound
		}
		d = new(omgjort.Digest)
		return s.decodeDigest(digestKey(week.String(), laws), v, d)
	})
	if err != nil {
		return nil, fmt.Errorf("store: digest %s: %w", week, err)
	}
	return d, nil
}

// Digest returns the stored digest of the week for every law area; it implements part of
// omgjort.DigestReader.
func (s *DB) Digest(week omgjort.Week) (*omgjort.Digest, error) { return s.DigestFor(week, nil) }

// Digests returns the stored digests for every law area, newest week first, without their
// rendered bodies; it implements part of omgjort.DigestReader.
func (s *DB) Digests() ([]omgjort.Digest, error) {
	var out []omgjort.Digest
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDigests)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if !strings.HasSuffix(string(k), "\x00") {
				continue // a digest for some law areas only
			}
			var d omgjort.Digest
			if err := s.decodeDigest(k, v, &d); errors.Is(err, ErrKeyDestroyed) {
				continue
			} else if err != nil {
				return err
			}
			d.Rendered = nil
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: digests: %w", err)
	}
	return out, nil
}

func (s *DB) decodeDigest(key, v []byte, d *omgjort.Digest) error {
	v, err := s.keys.open(where(bucketDigests, key), v)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(v, d); err != nil {
		return err
	}
	w, err := omgjort.ParseWeek(d.WeekName)
	if err != nil {
		return err
	}
	d.Week = w
	return nil
}
