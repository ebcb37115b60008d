package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// The official statistics (issue 14): the imports, their rows, and which municipality is ours.
var (
	bucketOfficialImports = []byte("official_imports") // import id → JSON OfficialImport
	bucketOfficialRows    = []byte("official_rows")    // import id 0x00 big-endian seq → JSON OfficialRow
	bucketOfficialMeta    = []byte("official_meta")    // "ours" → municipality code
)

// OfficialImports returns every stored statistics import, oldest first.
func (s *DB) OfficialImports() ([]omgjort.OfficialImport, error) {
	var out []omgjort.OfficialImport
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOfficialImports)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var imp omgjort.OfficialImport
			if err := json.Unmarshal(v, &imp); err != nil {
				return fmt.Errorf("decode import %s: %w", k, err)
			}
			out = append(out, imp)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: official imports: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Imported.Before(out[j].Imported) })
	return out, nil
}

// OfficialRows returns the rows of every stored import.
func (s *DB) OfficialRows() ([]omgjort.OfficialRow, error) {
	var out []omgjort.OfficialRow
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOfficialRows)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r omgjort.OfficialRow
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode row %q: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: official rows: %w", err)
	}
	return out, nil
}

// ReplaceOfficial stores one import with its rows and removes the imports it replaces (their
// rows too), and sets our municipality when ours is not empty, all in one transaction: a failed
// import leaves the earlier figures exactly as they were.
func (s *DB) ReplaceOfficial(imp omgjort.OfficialImport, rows []omgjort.OfficialRow, replace []string, ours string) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		ib, err := tx.CreateBucketIfNotExists(bucketOfficialImports)
		if err != nil {
			return err
		}
		rb, err := tx.CreateBucketIfNotExists(bucketOfficialRows)
		if err != nil {
			return err
		}
		mb, err := tx.CreateBucketIfNotExists(bucketOfficialMeta)
		if err != nil {
			return err
		}
		for _, id := range append(replace, imp.ID) {
			if err := ib.Delete([]byte(id)); err != nil {
				return err
			}
			prefix := append([]byte(id), 0)
			c := rb.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
				if err := rb.Delete(k); err != nil {
					return err
				}
			}
		}
		for i, r := range rows {
			r.Import = imp.ID
			key := binary.BigEndian.AppendUint32(append([]byte(imp.ID), 0), uint32(i))
			if err := putJSON(rb, key, r); err != nil {
				return err
			}
		}
		if err := putJSON(ib, []byte(imp.ID), imp); err != nil {
			return err
		}
		if ours != "" {
			return mb.Put([]byte("ours"), []byte(ours))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: import %s: %w", imp.File, err)
	}
	return nil
}

// OurMunicipality returns the code of the municipality the statistics compare, "" when none
// was chosen.
func (s *DB) OurMunicipality() (string, error) {
	var code string
	err := s.bolt.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketOfficialMeta); b != nil {
			code = string(b.Get([]byte("ours")))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: our municipality: %w", err)
	}
	return code, nil
}

// SetOurMunicipality records which municipality is ours (its code).
func (s *DB) SetOurMunicipality(code string) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketOfficialMeta)
		if err != nil {
			return err
		}
		return b.Put([]byte("ours"), []byte(code))
	})
	if err != nil {
		return fmt.Errorf("store: set our municipality: %w", err)
	}
	return nil
}

// ForEachFromSource calls fn for every current decision whose Source is source. It looks at
// the stored bytes before decoding, so a scan for the few decisions of one source (the
// municipality's own letters) does not decode every published one.
func (s *DB) ForEachFromSource(source string, fn func(d *omgjort.Decision) error) error {
	needle := []byte(`"source":` + string(mustJSON(source)))
	err := s.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDecisions).ForEach(func(k, v []byte) error {
			// Own decisions are sealed at rest: their source is only known once opened.
			if !sealed(v) && !bytes.Contains(v, needle) {
				return nil
			}
			d := new(omgjort.Decision)
			if err := s.decodeDecision(bucketDecisions, k, v, d); errors.Is(err, ErrKeyDestroyed) {
				return nil
			} else if err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			if d.Source != source {
				return nil
			}
			return fn(d)
		})
	})
	if err != nil {
		return fmt.Errorf("store: decisions from %s: %w", source, err)
	}
	return nil
}

func mustJSON(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}
