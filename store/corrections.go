package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

var (
	// bucketCorrections holds the jurists' label corrections: id 0x00 big-endian seq → JSON
	// omgjort.Correction (sealed with the decision's key for an own decision). Nothing is
	// overwritten: a later correction of the same label supersedes an earlier one.
	bucketCorrections = []byte("corrections")
	// bucketRelabels holds, per decision, the labels a new rules version replaced: id → JSON
	// Relabel, so the correction queue can list labels a rules change moved.
	bucketRelabels = []byte("relabels")
)

// PutCorrection stores c as the decision's next correction (c.Seq and, when zero, c.Time are
// set). The caller has checked it (omgjort.Correction.Check) and relabels the decision after.
func (s *DB) PutCorrection(c *omgjort.Correction) error {
	if c.DecisionID == "" {
		return fmt.Errorf("store: put correction: no decision")
	}
	if c.Time.IsZero() {
		c.Time = time.Now().UTC()
	}
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketDecisions).Get([]byte(c.DecisionID)) == nil {
			return omgjort.ErrNotFound
		}
		b, err := tx.CreateBucketIfNotExists(bucketCorrections)
		if err != nil {
			return err
		}
		prefix := append([]byte(c.DecisionID), 0)
		c.Seq = 1
		cur := b.Cursor()
		// The last key with the prefix: seek past it and step back.
		k, _ := cur.Seek(append(bytes.Clone(prefix), 0xff))
		if k == nil {
			k, _ = cur.Last()
		} else {
			k, _ = cur.Prev()
		}
		if k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8 {
			c.Seq = binary.BigEndian.Uint64(k[len(prefix):]) + 1
		}
		key := binary.BigEndian.AppendUint64(prefix, c.Seq)
		data, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if s.keys.has(c.DecisionID) {
			if data, err = s.keys.seal(c.DecisionID, where(bucketCorrections, key), data); err != nil {
				return err
			}
		}
		return b.Put(key, data)
	})
	if err != nil {
		return fmt.Errorf("store: put correction of %s: %w", c.DecisionID, err)
	}
	return nil
}

// Corrections returns every correction of a decision, oldest first.
func (s *DB) Corrections(id string) ([]omgjort.Correction, error) {
	var out []omgjort.Correction
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCorrections)
		if b == nil {
			return nil
		}
		prefix := append([]byte(id), 0)
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			cr, err := s.decodeCorrection(k, v)
			if err != nil {
				return err
			}
			out = append(out, cr)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: corrections of %s: %w", id, err)
	}
	return out, nil
}

// ForEachCorrected calls fn with every corrected decision's ID and its corrections (oldest
// first), in ID order.
func (s *DB) ForEachCorrected(fn func(id string, cs []omgjort.Correction) error) error {
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCorrections)
		if b == nil {
			return nil
		}
		var cur string
		var cs []omgjort.Correction
		err := b.ForEach(func(k, v []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				return nil
			}
			id := string(k[:i])
			if id != cur && len(cs) > 0 {
				if err := fn(cur, cs); err != nil {
					return err
				}
				cs = nil
			}
			cur = id
			c, err := s.decodeCorrection(k, v)
			if err != nil {
				return err
			}
			cs = append(cs, c)
			return nil
		})
		if err != nil || len(cs) == 0 {
			return err
		}
		return fn(cur, cs)
	})
	if err != nil {
		return fmt.Errorf("store: corrections: %w", err)
	}
	return nil
}

func (s *DB) decodeCorrection(k, v []byte) (omgjort.Correction, error) {
	var c omgjort.Correction
	plain, err := s.keys.open(where(bucketCorrections, k), v)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(plain, &c); err != nil {
		return c, fmt.Errorf("decode correction %q: %w", k, err)
	}
	return c, nil
}

// deleteCorrectionsTx removes every correction (and recorded relabelling) of decision id.
func deleteCorrectionsTx(tx *bolt.Tx, id string) (int, error) {
	if rb := tx.Bucket(bucketRelabels); rb != nil {
		if err := rb.Delete([]byte(id)); err != nil {
			return 0, err
		}
	}
	b := tx.Bucket(bucketCorrections)
	if b == nil {
		return 0, nil
	}
	prefix := append([]byte(id), 0)
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// Relabel records how a rules change moved a decision's labels: the roll-up before and after,
// and the rules versions. The correction queue lists such decisions.
type Relabel struct {
	FromRules   string              `json:"from_rules"`
	ToRules     string              `json:"to_rules"`
	FromOutcome omgjort.Outcome     `json:"from_outcome"`
	ToOutcome   omgjort.Outcome     `json:"to_outcome"`
	FromErrors  []omgjort.ErrorType `json:"from_errors"`
	ToErrors    []omgjort.ErrorType `json:"to_errors"`
}

// recordRelabelTx notes in the relabels bucket that a rules change moved d's labels (old is
// the stored version before), and forgets an earlier note once the labels agree again.
func recordRelabelTx(tx *bolt.Tx, old, d *omgjort.Decision) error {
	b, err := tx.CreateBucketIfNotExists(bucketRelabels)
	if err != nil {
		return err
	}
	if old.RulesVersion == d.RulesVersion || old.RulesVersion == "" {
		return nil
	}
	if old.Outcome == d.Outcome && fmt.Sprint(old.Errors) == fmt.Sprint(d.Errors) {
		return nil
	}
	if d.IsOwn() {
		return nil // labels of own decisions are not kept outside their sealed record
	}
	return putJSON(b, []byte(d.ID), Relabel{FromRules: old.RulesVersion, ToRules: d.RulesVersion,
		FromOutcome: old.Outcome, ToOutcome: d.Outcome, FromErrors: old.Errors, ToErrors: d.Errors})
}

// Relabels returns the decisions whose labels a rules change moved, by ID.
func (s *DB) Relabels() (map[string]Relabel, error) {
	out := map[string]Relabel{}
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRelabels)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r Relabel
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out[string(k)] = r
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: relabels: %w", err)
	}
	return out, nil
}
