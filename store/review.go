package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// bucketReview holds the review queue of imported own letters whose redaction is uncertain:
// key (a hash of the redacted text) → the importer's entry as JSON, sealed with a key of its
// own (owner "review:"+key), so approving or rejecting an entry destroys what it held.
var bucketReview = []byte("review")

func reviewOwner(key string) string { return "review:" + key }

// PutReview adds an entry to the review queue unless one with this key is there already (an
// import run again), and reports whether it added it. The value is sealed like an own decision.
func (s *DB) PutReview(key string, value []byte) (bool, error) {
	if key == "" {
		return false, fmt.Errorf("store: put review: empty key")
	}
	if _, err := s.Review(key); err == nil {
		return false, nil
	}
	return true, s.putReview(key, value)
}

// ReplaceReview stores a reviewer's edit of an entry.
func (s *DB) ReplaceReview(key string, value []byte) error {
	if _, err := s.Review(key); err != nil {
		return err
	}
	return s.putReview(key, value)
}

func (s *DB) putReview(key string, value []byte) error {
	o := reviewOwner(key)
	if err := s.keys.ensure(o); err != nil {
		return fmt.Errorf("store: put review: %w", err)
	}
	sealedVal, err := s.keys.seal(o, where(bucketReview, []byte(key)), value)
	if err != nil {
		return fmt.Errorf("store: put review: %w", err)
	}
	return s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketReview)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), sealedVal)
	})
}

// Review returns the entry with key, or omgjort.ErrNotFound.
func (s *DB) Review(key string) ([]byte, error) {
	var out []byte
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReview)
		if b == nil {
			return omgjort.ErrNotFound
		}
		v := b.Get([]byte(key))
		if v == nil {
			return omgjort.ErrNotFound
		}
		plain, err := s.keys.open(where(bucketReview, []byte(key)), v)
		if err != nil {
			return fmt.Errorf("%w: %w", omgjort.ErrNotFound, err)
		}
		out = plain
		return nil
	})
	return out, err
}

// ForEachReview calls fn with every entry of the queue in key order; entries whose key was
// destroyed are skipped.
func (s *DB) ForEachReview(fn func(key string, value []byte) error) error {
	return s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReview)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			plain, err := s.keys.open(where(bucketReview, k), v)
			if err != nil {
				return nil
			}
			return fn(string(k), plain)
		})
	})
}

// DeleteReview removes an entry (approved and stored as a decision, or rejected) and destroys
// its key, so what it held is unreadable in any copy of the file.
func (s *DB) DeleteReview(key string) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReview)
		if b == nil {
			return nil
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("store: delete review: %w", err)
	}
	return s.keys.destroy(reviewOwner(key))
}
