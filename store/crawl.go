package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// SourceLink is one place a decision was published: ast.dk and retsinformation.dk records of
// the same decision are merged into one Decision, and its links keep both addresses.
type SourceLink struct {
	// Source is "astdk" or "retsinformation".
	Source string `json:"source"`
	// URL is the human address of the publication (the ast.dk page, the ELI address).
	URL string `json:"url"`
}

// Save is a group of writes that must happen together: a fetched page and the decisions it
// changes (the decision itself and the other members of its family), plus where they came
// from. SaveSet writes it in one transaction, so a crash leaves all or nothing of it.
type Save struct {
	// Decisions to store; each is versioned as PutDecision does.
	Decisions []*omgjort.Decision
	// Raw is the fetched page to archive (may be nil), with every response header.
	Raw    *omgjort.RawPage
	Header http.Header
	// RawFor is the ID of the decision Raw was parsed into, "" when Raw is only archived
	// (e.g. a retsinformation copy of a decision whose content comes from ast.dk).
	RawFor string
	// Links adds publication addresses per decision ID.
	Links map[string][]SourceLink
	// Page, when set, is stored as the fetched URL's crawl state in the same transaction.
	Page *omgjort.PageState
}

// SaveSet performs s atomically and returns what happened to each decision, in order.
func (db *DB) SaveSet(s Save) ([]Change, error) {
	changes := make([]Change, len(s.Decisions))
	if err := db.ensureKeys(s.Decisions...); err != nil {
		return nil, fmt.Errorf("store: save: %w", err)
	}
	rawOwner := ""
	for _, d := range s.Decisions {
		if d.ID == s.RawFor {
			rawOwner = ownerOf(d)
		}
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var rawKey []byte
		if s.Raw != nil {
			var err error
			if rawKey, err = db.putRaw(tx, s.Raw, s.Header, rawOwner); err != nil {
				return err
			}
		}
		for i, d := range s.Decisions {
			var key []byte
			if d.ID == s.RawFor {
				key = rawKey
			}
			ch, err := db.putDecisionTx(tx, d, key)
			if err != nil {
				return fmt.Errorf("%s: %w", d.ID, err)
			}
			changes[i] = ch
		}
		src := tx.Bucket(bucketSources)
		for id, links := range s.Links {
			var have []SourceLink
			if v := src.Get([]byte(id)); v != nil {
				if err := json.Unmarshal(v, &have); err != nil {
					return fmt.Errorf("decode sources of %s: %w", id, err)
				}
			}
			for _, l := range links {
				if l.URL != "" && !slices.Contains(have, l) {
					have = append(have, l)
				}
			}
			if err := putJSON(src, []byte(id), have); err != nil {
				return err
			}
		}
		if s.Page != nil {
			return putJSON(tx.Bucket(bucketPages), []byte(s.Page.URL), s.Page)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: save: %w", err)
	}
	return changes, nil
}

// SourceLinks returns every publication address recorded for a decision, in the order they
// were first seen.
func (db *DB) SourceLinks(id string) ([]SourceLink, error) {
	var out []SourceLink
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSources).Get([]byte(id))
		if v == nil {
			return nil
		}
		return json.Unmarshal(v, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("store: sources of %s: %w", id, err)
	}
	return out, nil
}

// ByJournal returns the current decisions with the given journal number (normalised), in ID
// order: the candidates for a decision family.
func (db *DB) ByJournal(journal string) ([]*omgjort.Decision, error) {
	if normJournal(journal) == "" {
		return nil, nil
	}
	prefix := journalKey(journal, "")
	var out []*omgjort.Decision
	err := db.bolt.View(func(tx *bolt.Tx) error {
		decs := tx.Bucket(bucketDecisions)
		c := tx.Bucket(bucketJournals).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			v := decs.Get(k[len(prefix):])
			if v == nil {
				continue
			}
			d := new(omgjort.Decision)
			if err := db.decodeDecision(bucketDecisions, k[len(prefix):], v, d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: by journal %s: %w", journal, err)
	}
	return out, nil
}

// Get returns the decision stored under exactly this ID (no number aliases), or
// omgjort.ErrNotFound.
func (db *DB) Get(id string) (*omgjort.Decision, error) {
	var d *omgjort.Decision
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDecisions).Get([]byte(id))
		if v == nil {
			return omgjort.ErrNotFound
		}
		d = new(omgjort.Decision)
		return db.decodeDecision(bucketDecisions, []byte(id), v, d)
	})
	if err != nil {
		return nil, fmt.Errorf("store: get %s: %w", id, err)
	}
	return d, nil
}

// InterruptRuns marks every run still recorded as running as failed with reason, and returns
// how many there were. It is called when the data directory is opened: the store is locked
// to one process, so such a run belongs to a process that died (a crash, SIGKILL).
func (db *DB) InterruptRuns(reason string) (int, error) {
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRuns)
		type upd struct {
			k []byte
			r omgjort.CrawlRun
		}
		var ups []upd
		err := b.ForEach(func(k, v []byte) error {
			var r omgjort.CrawlRun
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.Result == omgjort.RunRunning {
				r.Result = omgjort.RunFailed
				r.Error = reason
				if r.Ended.IsZero() {
					r.Ended = time.Now().UTC()
				}
				ups = append(ups, upd{append([]byte(nil), k...), r})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, u := range ups {
			if err := putJSON(b, u.k, u.r); err != nil {
				return err
			}
		}
		n = len(ups)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: interrupt runs: %w", err)
	}
	return n, nil
}

// ArchivedPage is a raw page from the archive with every response header it came with.
type ArchivedPage struct {
	omgjort.RawPage
	Header http.Header
}

// ForEachLatestRaw calls fn with the newest archived fetch of every URL, in URL order, so a
// parser fix can rebuild every record without the network. fn must not write to the store.
func (db *DB) ForEachLatestRaw(fn func(p *ArchivedPage) error) error {
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRaw).Cursor()
		var pendURL, pendKey []byte
		var pend []byte
		flush := func() error {
			if pend == nil {
				return nil
			}
			a, err := db.decodeArchived(pendKey, pend)
			if errors.Is(err, ErrKeyDestroyed) {
				return nil // a deleted own decision's page, unreadable for good
			}
			if err != nil {
				return fmt.Errorf("decode raw %s: %w", pendURL, err)
			}
			return fn(&ArchivedPage{RawPage: a.RawPage, Header: a.Header})
		}
		for k, v := c.First(); k != nil; k, v = c.Next() {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				continue
			}
			if pend != nil && !bytes.Equal(pendURL, k[:i]) {
				if err := flush(); err != nil {
					return err
				}
			}
			// Keys sort by URL then RFC 3339 time, so the last one of a URL is its newest.
			pendURL, pendKey, pend = append(pendURL[:0], k[:i]...), append(pendKey[:0], k...), v
		}
		return flush()
	})
	if err != nil {
		return fmt.Errorf("store: raw archive: %w", err)
	}
	return nil
}

// RawVersions returns every archived fetch of url, oldest first.
func (db *DB) RawVersions(url string) ([]ArchivedPage, error) {
	var out []ArchivedPage
	prefix := append([]byte(url), 0)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRaw).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			a, err := db.decodeArchived(k, v)
			if errors.Is(err, ErrKeyDestroyed) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, ArchivedPage{RawPage: a.RawPage, Header: a.Header})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: raw versions of %s: %w", url, err)
	}
	return out, nil
}

// normJournal makes journal numbers comparable: "24-123875", " 24–123875 " alike.
func normJournal(j string) string {
	j = strings.TrimSpace(strings.ReplaceAll(j, "–", "-"))
	return strings.ToLower(strings.Join(strings.Fields(j), ""))
}

func journalKey(journal, id string) []byte {
	k := append([]byte(normJournal(journal)), 0)
	return append(k, id...)
}
