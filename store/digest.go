package store

import (
	"encoding/json"
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
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketDigests)
		if err != nil {
			return err
		}
		return putJSON(b, digestKey(d.WeekName, d.Laws), d)
	})
	if err != nil {
		return fmt.Errorf("store: put digest %s: %w", d.WeekName, err)
	}
	return nil
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
		return decodeDigest(v, d)
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
			if err := decodeDigest(v, &d); err != nil {
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

func decodeDigest(v []byte, d *omgjort.Digest) error {
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
