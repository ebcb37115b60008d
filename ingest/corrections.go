package ingest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"omgjort"
)

// applyCorrections lays the jurists' stored corrections over the labels the classifier just
// set (omgjort.ApplyCorrections), so a correction survives every reclassify and rules change.
// A store error leaves the automatic labels and is logged: the decision is still stored.
func (p *Pipeline) applyCorrections(d *omgjort.Decision) {
	cs, err := p.db.Corrections(d.ID)
	if err != nil {
		p.log.Error("could not read the corrections of a decision; its automatic labels are stored", "id", d.ID, "error", err)
		return
	}
	omgjort.ApplyCorrections(d, cs)
}

// Correct stores a jurist's correction of one label and relabels the decision with it: the
// decision is classified again from its text, every correction is applied, and it is stored and
// indexed, so search, facets, /stats, the digest, the export and the API all show the corrected
// label at once. c.User and c.Time are the caller's; the message of a *omgjort.QueryError
// (a correction that does not fit the decision) is Danish, for the jurist.
func (p *Pipeline) Correct(ctx context.Context, c omgjort.Correction) (*omgjort.Decision, error) {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	d, err := p.db.Decision(c.DecisionID)
	if err != nil {
		return nil, err
	}
	c.DecisionID = d.ID
	if err := c.Check(d); err != nil {
		return nil, &omgjort.QueryError{Message: err.Error()}
	}
	if c.Time.IsZero() {
		c.Time = time.Now().UTC()
	}
	if err := p.db.PutCorrection(&c); err != nil {
		return nil, err
	}
	p.Enrich(d)
	if _, err := p.db.PutDecision(d, nil); err != nil {
		return nil, fmt.Errorf("ingest: relabel %s after a correction: %w", d.ID, err)
	}
	if err := p.idx.Put(d); err != nil {
		return nil, fmt.Errorf("ingest: index %s after a correction: %w", d.ID, err)
	}
	return d, ctx.Err()
}

// lowScore is the label score under which the queue asks a jurist to look (until the classifier
// gives calibrated confidences, its evidence score is the measure).
const lowScore = 0.6

// Queue lists the labels most worth a jurist's check, the most pressing first, at most n: an
// unknown outcome, signals that disagree (reversed without an error type, upheld with one), a
// label a new rules version changed, and labels with a low score. Corrected labels are left
// out. withOwn includes the municipality's own decisions.
func (p *Pipeline) Queue(_ context.Context, n int, withOwn bool) ([]omgjort.QueueItem, error) {
	relabels, err := p.db.Relabels()
	if err != nil {
		return nil, err
	}
	var out []omgjort.QueueItem
	err = p.db.ForEach(func(d *omgjort.Decision) error {
		if d.IsOwn() && !withOwn {
			return nil
		}
		var note string
		if r, ok := relabels[d.ID]; ok && r.ToRules == d.RulesVersion {
			note = fmt.Sprintf("ændret af regelversion %s (før: %s)", r.ToRules, r.FromOutcome.Label())
		}
		out = append(out, omgjort.CheckWorthy(d, note, lowScore)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority > out[j].Priority
		}
		if out[i].DecisionID != out[j].DecisionID {
			return out[i].DecisionID > out[j].DecisionID // newer numbers first
		}
		return out[i].CaseID < out[j].CaseID
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// ForEachCorrected passes every corrected decision with its corrections, for the export in the
// evaluation format.
func (p *Pipeline) ForEachCorrected(fn func(d *omgjort.Decision, cs []omgjort.Correction) error) error {
	return p.db.ForEachCorrected(func(id string, cs []omgjort.Correction) error {
		d, err := p.db.Get(id)
		if errors.Is(err, omgjort.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(d, cs)
	})
}
