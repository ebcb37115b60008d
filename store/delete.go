package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// Deleted says what Delete removed, so the caller can remove the same decision from the index,
// re-index the family members whose links changed, and write the audit entry.
type Deleted struct {
	// ID is the deleted decision's ID (a number alias given to Delete is resolved).
	ID string
	// Own is true for an own decision: its key was destroyed, so every sealed copy of it (in
	// freed pages of the bbolt file and in backups) is unreadable for good.
	Own bool
	// Versions counts the older versions removed, Raw the archived pages removed.
	Versions, Raw int
	// Digests counts the stored digests it was taken out of (their mailed bodies are dropped).
	Digests int
	// Corrections counts the label corrections removed with it.
	Corrections int
	// Relinked are the family members whose ReplacedBy/Replaces named it and were stored
	// again without it: the index must be given them again.
	Relinked []*omgjort.Decision
	// staleKeys are the keys of the digest copies the deletion replaced.
	staleKeys []string
}

// Delete removes a decision for good: the current record, every older version, the archived
// pages it was parsed from, its number aliases, journal and source entries, its stamp, its label
// corrections, its entries in stored digests (their rendered bodies, which named it, are
// dropped), and the family links that pointed at it. For an own decision the key is destroyed
// after the transaction, so what bbolt leaves in freed pages is unreadable. The crawl state of
// a published decision's page is kept (with its link to the decision removed), so a crawl
// does not fetch an unchanged page again only to restore what was deleted; an own decision's
// page state goes too. id may be any number the decision was published under.
func (s *DB) Delete(id string) (*Deleted, error) {
	d, err := s.Decision(id)
	if err != nil {
		return nil, fmt.Errorf("store: delete %s: %w", id, err)
	}
	del := &Deleted{ID: d.ID, Own: d.IsOwn() || s.keys.has(d.ID)}
	err = s.bolt.Update(func(tx *bolt.Tx) error {
		return s.deleteTx(tx, d, del)
	})
	if err != nil {
		return nil, fmt.Errorf("store: delete %s: %w", d.ID, err)
	}
	if err := s.keys.destroy(append(del.staleKeys, d.ID)...); err != nil {
		return del, fmt.Errorf("store: delete %s: destroy key: %w", d.ID, err)
	}
	return del, nil
}

func (s *DB) deleteTx(tx *bolt.Tx, d *omgjort.Decision, del *Deleted) error {
	id := []byte(d.ID)
	urls := map[string]bool{}
	if d.URL != "" {
		urls[d.URL] = true
	}
	// Older versions (their URLs too).
	vb := tx.Bucket(bucketVersions)
	prefix := append(bytes.Clone(id), 0)
	var vkeys [][]byte
	c := vb.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var old omgjort.Decision
		if err := s.decodeDecision(bucketVersions, k, v, &old); err == nil && old.URL != "" {
			urls[old.URL] = true
		}
		vkeys = append(vkeys, bytes.Clone(k))
	}
	for _, k := range vkeys {
		if err := vb.Delete(k); err != nil {
			return err
		}
	}
	del.Versions = len(vkeys)
	// Where it was published and which raw page it came from.
	if v := tx.Bucket(bucketSources).Get(id); v != nil {
		var links []SourceLink
		if err := json.Unmarshal(v, &links); err == nil {
			for _, l := range links {
				urls[l.URL] = true
			}
		}
	}
	if rk := tx.Bucket(bucketDecRaw).Get(id); rk != nil {
		if i := bytes.IndexByte(rk, 0); i > 0 {
			urls[string(rk[:i])] = true
		}
	}
	// Raw pages of those URLs: only pages parsed into this decision are taken; a page that
	// another stored decision came from stays.
	otherRaw := map[string]bool{}
	if err := tx.Bucket(bucketDecRaw).ForEach(func(k, v []byte) error {
		if !bytes.Equal(k, id) {
			if i := bytes.IndexByte(v, 0); i > 0 {
				otherRaw[string(v[:i])] = true
			}
		}
		return nil
	}); err != nil {
		return err
	}
	rb := tx.Bucket(bucketRaw)
	for u := range urls {
		if otherRaw[u] {
			continue
		}
		p := append([]byte(u), 0)
		var rkeys [][]byte
		rc := rb.Cursor()
		for k, _ := rc.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = rc.Next() {
			rkeys = append(rkeys, bytes.Clone(k))
		}
		for _, k := range rkeys {
			if err := rb.Delete(k); err != nil {
				return err
			}
		}
		del.Raw += len(rkeys)
	}
	// Crawl state: an own decision's goes, a published page's keeps its fetch state only.
	pb := tx.Bucket(bucketPages)
	for u := range urls {
		v := pb.Get([]byte(u))
		if v == nil {
			continue
		}
		var st omgjort.PageState
		if err := json.Unmarshal(v, &st); err != nil || st.DecisionID != d.ID {
			continue
		}
		if del.Own {
			if err := pb.Delete([]byte(u)); err != nil {
				return err
			}
			continue
		}
		st.DecisionID = ""
		if err := putJSON(pb, []byte(u), st); err != nil {
			return err
		}
	}
	// Number aliases pointing at it.
	nb := tx.Bucket(bucketNumbers)
	var nkeys [][]byte
	if err := nb.ForEach(func(k, v []byte) error {
		if bytes.Equal(v, id) {
			nkeys = append(nkeys, bytes.Clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range nkeys {
		if err := nb.Delete(k); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketDecisions, bucketDecRaw, bucketSources, bucketStamps} {
		if err := tx.Bucket(b).Delete(id); err != nil {
			return err
		}
	}
	if normJournal(d.Journal) != "" {
		if err := tx.Bucket(bucketJournals).Delete(journalKey(d.Journal, d.ID)); err != nil {
			return err
		}
	}
	// Family members linked to it.
	decs := tx.Bucket(bucketDecisions)
	var members []*omgjort.Decision
	for _, mid := range append(slices.Clone(d.Replaces), d.ReplacedBy) {
		if mid == "" || mid == d.ID {
			continue
		}
		v := decs.Get([]byte(mid))
		if v == nil {
			continue
		}
		m := new(omgjort.Decision)
		if err := s.decodeDecision(bucketDecisions, []byte(mid), v, m); err != nil {
			return err
		}
		members = append(members, m)
	}
	for _, m := range members {
		changed := false
		if m.ReplacedBy == d.ID {
			m.ReplacedBy, changed = "", true
		}
		if i := slices.Index(m.Replaces, d.ID); i >= 0 {
			m.Replaces, changed = slices.Delete(slices.Clone(m.Replaces), i, i+1), true
		}
		if !changed {
			continue
		}
		if err := s.putDecisionValue(tx, bucketDecisions, []byte(m.ID), m); err != nil {
			return err
		}
		del.Relinked = append(del.Relinked, m)
	}
	n, err := deleteCorrectionsTx(tx, d.ID)
	if err != nil {
		return err
	}
	del.Corrections = n
	del.Digests, del.staleKeys, err = s.dropFromDigestsTx(tx, d.ID)
	return err
}

// dropFromDigestsTx takes decision id out of every stored digest that lists it and drops
// those digests' rendered bodies (which name it); it returns how many digests changed.
func (s *DB) dropFromDigestsTx(tx *bolt.Tx, id string) (int, []string, error) {
	b := tx.Bucket(bucketDigests)
	if b == nil {
		return 0, nil, nil
	}
	type upd struct {
		k []byte
		d *omgjort.Digest
	}
	var ups []upd
	err := b.ForEach(func(k, v []byte) error {
		var dg omgjort.Digest
		if err := s.decodeDigest(k, v, &dg); errors.Is(err, ErrKeyDestroyed) {
			return nil
		} else if err != nil {
			return fmt.Errorf("decode digest %q: %w", k, err)
		}
		if !digestDrop(&dg, id) {
			return nil
		}
		ups = append(ups, upd{bytes.Clone(k), &dg})
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	var stale []string
	for _, u := range ups {
		st, err := s.putDigestTx(b, u.k, u.d)
		if err != nil {
			return 0, nil, err
		}
		stale = append(stale, st...)
	}
	return len(ups), stale, nil
}

// digestDrop removes id's entries from dg and reports whether it listed id.
func digestDrop(dg *omgjort.Digest, id string) bool {
	hit := false
	keepEntry := func(e omgjort.DigestEntry) bool {
		if e.ID == id {
			hit = true
			return false
		}
		return true
	}
	dg.New = slices.DeleteFunc(dg.New, func(e omgjort.DigestEntry) bool { return !keepEntry(e) })
	dg.Changed = slices.DeleteFunc(dg.Changed, func(e omgjort.DigestEntry) bool { return !keepEntry(e) })
	for i := range dg.Groups {
		dg.Groups[i].Lines = slices.DeleteFunc(dg.Groups[i].Lines, func(l omgjort.DigestLine) bool { return !keepEntry(l.DigestEntry) })
	}
	dg.Groups = slices.DeleteFunc(dg.Groups, func(g omgjort.DigestGroup) bool { return len(g.Lines) == 0 })
	if dg.Case != nil && dg.Case.ID == id {
		dg.Case, hit = nil, true
	}
	if hit {
		dg.Rendered = nil
	}
	return hit
}

// Expired returns the IDs of the own decisions whose decision date (Signed, else Published)
// is before cutoff (YYYY-MM-DD), for the retention rule. A decision with neither date is taken
// by when it was fetched or imported.
func (s *DB) Expired(cutoff string) ([]string, error) {
	var out []string
	for _, owner := range s.keys.owners() {
		d, err := s.Get(owner)
		if errors.Is(err, omgjort.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !d.IsOwn() {
			continue
		}
		date := d.Signed
		if date == "" {
			date = d.Published
		}
		if date == "" && !d.FetchedAt.IsZero() {
			date = d.FetchedAt.UTC().Format("2006-01-02")
		}
		if date != "" && date < cutoff {
			out = append(out, d.ID)
		}
	}
	return out, nil
}

// SweepKeys destroys the keys whose decision no longer exists (a crash between a deletion's
// transaction and its key's destruction, or a key made for a write that failed) and the keys of
// digests that no stored digest is sealed with. Keys of other owners (names with a ":", such
// as the import review queue's) are left to the package that made them. It returns how many it
// destroyed.
func (s *DB) SweepKeys() (int, error) {
	var gone []string
	err := s.bolt.View(func(tx *bolt.Tx) error {
		decs := tx.Bucket(bucketDecisions)
		used := map[string]bool{}
		if b := tx.Bucket(bucketDigests); b != nil {
			if err := b.ForEach(func(_, v []byte) error {
				if sealed(v) {
					if o, _, err := sealOwner(v); err == nil {
						used[o] = true
					}
				}
				return nil
			}); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketReview); b != nil {
			// The review queue's entries are sealed with keys of their own (review.go).
			if err := b.ForEach(func(k, _ []byte) error {
				used[reviewOwner(string(k))] = true
				return nil
			}); err != nil {
				return err
			}
		}
		for _, o := range s.keys.owners() {
			switch {
			case strings.HasPrefix(o, digestOwnerPrefix):
				if !used[o] {
					gone = append(gone, o)
				}
			case strings.HasPrefix(o, "\x00") || strings.Contains(o, ":"):
				// A namespaced owner of another package (e.g. "review:…"): its own to destroy.
			case decs.Get([]byte(o)) == nil:
				gone = append(gone, o)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: sweep keys: %w", err)
	}
	if err := s.keys.destroy(gone...); err != nil {
		return 0, fmt.Errorf("store: sweep keys: %w", err)
	}
	return len(gone), nil
}

// Compact rewrites the bbolt file of the data directory dir into a fresh file holding only
// live data, so nothing a deletion freed (a digest that named a deleted decision, a journal
// number) survives in the file. The store must be closed (the command-line delete runs it
// after closing). The copy is synced and renamed over the original.
func Compact(dir string) (before, after int64, err error) {
	path := filepath.Join(dir, FileName)
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	src, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: OpenTimeout, ReadOnly: true})
	if err != nil {
		return 0, 0, fmt.Errorf("store: compact: open %s: %w", path, err)
	}
	tmp := path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: OpenTimeout})
	if err != nil {
		src.Close()
		return 0, 0, fmt.Errorf("store: compact: create %s: %w", tmp, err)
	}
	err = bolt.Compact(dst, src, 64<<20)
	err = errors.Join(err, dst.Sync(), dst.Close(), src.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, 0, fmt.Errorf("store: compact %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	nfi, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	return fi.Size(), nfi.Size(), nil
}
