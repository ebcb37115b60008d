package ingest

import (
	"errors"
	"fmt"

	"omgjort"
	"omgjort/store"
)

// OwnChange is what SaveOwn did with an own decision.
type OwnChange int

// The results of SaveOwn.
const (
	// OwnNew: the letter was stored for the first time.
	OwnNew OwnChange = iota
	// OwnNewVersion: a corrected letter for a stored journal number (another date or text
	// with another date) was stored as a new version of it.
	OwnNewVersion
	// OwnDuplicate: the same letter (same journal number and date, or the same redacted text)
	// is stored already; nothing changed except, possibly, a team that was not set.
	OwnDuplicate
)

// String names the change for reports and logs.
func (c OwnChange) String() string {
	switch c {
	case OwnNew:
		return "new"
	case OwnNewVersion:
		return "new-version"
	}
	return "duplicate"
}

// SaveOwn stores one of the municipality's own decisions (Source "egen"), already redacted:
// it is classified like a published one, stored (one transaction) and indexed. Once only:
// the same journal number with the same date, or the same redacted text, is a duplicate and
// stores nothing; the same journal number with another date is a corrected letter and becomes
// a new version. A crash between store and index is repaired by Reconcile.
func (p *Pipeline) SaveOwn(d *omgjort.Decision) (OwnChange, error) {
	if !d.IsOwn() || d.ID == "" {
		return OwnDuplicate, fmt.Errorf("save own: %q is not an own decision with an ID", d.ID)
	}
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	old, err := p.db.Get(d.ID)
	switch {
	case errors.Is(err, omgjort.ErrNotFound):
		old = nil
	case err != nil:
		return OwnDuplicate, fmt.Errorf("save own %s: %w", d.ID, err)
	case !old.IsOwn():
		return OwnDuplicate, fmt.Errorf("save own %s: the ID belongs to a published decision", d.ID)
	}
	if old != nil && (old.ContentHash == d.ContentHash || (old.Signed != "" && old.Signed == d.Signed)) {
		if d.Team == "" || d.Team == old.Team {
			return OwnDuplicate, nil
		}
		old.Team = d.Team // a team given now for a letter imported without one
		d = old
	} else {
		if old != nil && d.Team == "" {
			d.Team = old.Team // a corrected letter stays with its team
		}
		p.Enrich(d)
	}
	ch, err := p.db.PutDecision(d, nil)
	if err != nil {
		return OwnDuplicate, fmt.Errorf("save own %s: %w", d.ID, err)
	}
	if ch != store.Unchanged {
		if err := p.idx.Put(d); err != nil {
			return OwnDuplicate, fmt.Errorf("save own %s: index: %w", d.ID, err)
		}
	}
	switch {
	case old == nil:
		return OwnNew, nil
	case ch == store.Changed:
		return OwnNewVersion, nil
	}
	return OwnDuplicate, nil
}

// SetTeam sets the team of a stored own decision (team per letter, set at import or later).
func (p *Pipeline) SetTeam(id, team string) error {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	d, err := p.db.Get(id)
	if err != nil {
		return err
	}
	if !d.IsOwn() {
		return fmt.Errorf("set team: %s is not an own decision", id)
	}
	if d.Team == team {
		return nil
	}
	d.Team = team
	if _, err := p.db.PutDecision(d, nil); err != nil {
		return err
	}
	return p.idx.Put(d)
}
