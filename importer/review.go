package importer

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"omgjort"
)

// ReviewEntry is a letter in the review queue: its redacted text with every removal marked,
// why it is there, and what the import knew (team, file, pages). It is stored (sealed) until a
// jurist approves it — then it becomes an own decision — or rejects it; either way it is
// deleted.
type ReviewEntry struct {
	Key     string    `json:"key"`
	File    string    `json:"file"`
	Pages   []int     `json:"pages"`
	Team    string    `json:"team,omitempty"`
	Created time.Time `json:"created"`
	// Route is how the letter came in (omgjort.Intake), kept for the decision it becomes.
	Route     string    `json:"route,omitempty"`
	Redaction Redaction `json:"redaction"`
	// Reasons are the Danish reasons for review.
	Reasons []string `json:"reasons"`
	// Edits counts the reviewer's extra removals.
	Edits int `json:"edits,omitempty"`
}

// EntryOf makes the review entry of an imported letter.
func EntryOf(it Item, team string, now time.Time) ReviewEntry {
	e := ReviewEntry{Key: it.Key, File: it.File, Pages: it.Pages, Team: team, Created: now.UTC(),
		Redaction: it.Redaction, Reasons: it.Review}
	if it.Decision != nil && it.Decision.Intake != nil {
		e.Route = it.Decision.Intake.Route
	}
	return e
}

// Marshal encodes the entry for the store.
func (e ReviewEntry) Marshal() ([]byte, error) { return json.Marshal(e) }

// UnmarshalEntry decodes a stored entry.
func UnmarshalEntry(b []byte) (ReviewEntry, error) {
	var e ReviewEntry
	err := json.Unmarshal(b, &e)
	return e, err
}

// Remove replaces the characters [start, end) of the redacted text with category's
// placeholder, for a reviewer who finds a detail the redaction missed. Later removals shift;
// removals inside the range are swallowed by the new one.
func (e *ReviewEntry) Remove(start, end int, category string) error {
	if !validCategory(category) {
		return fmt.Errorf("ukendt kategori %q", category)
	}
	runes := []rune(e.Redaction.Text)
	if start < 0 || end > len(runes) || start >= end {
		return fmt.Errorf("markeringen %d–%d ligger uden for teksten", start, end)
	}
	for _, r := range e.Redaction.Removals {
		if start < r.End && r.Start < end && (start > r.Start || end < r.End) {
			return fmt.Errorf("markeringen skærer gennem en fjernet oplysning")
		}
	}
	ph := []rune("[" + category + "]")
	delta := len(ph) - (end - start)
	var rs []Removal
	for _, r := range e.Redaction.Removals {
		switch {
		case r.End <= start:
			rs = append(rs, r)
		case r.Start >= end:
			rs = append(rs, Removal{r.Category, r.Start + delta, r.End + delta})
		}
	}
	rs = append(rs, Removal{category, start, start + len(ph)})
	sort.Slice(rs, func(i, j int) bool { return rs[i].Start < rs[j].Start })
	e.Redaction.Text = string(runes[:start]) + string(ph) + string(runes[end:])
	e.Redaction.Removals = rs
	e.Edits++
	return nil
}

// Categories are the placeholder categories a reviewer may choose when removing more.
var Categories = []string{"NAVN", "CPR", "ADRESSE", "POSTNR", "TELEFON", "EMAIL"}

func validCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Decision builds the own decision of an approved entry from its (edited) redacted text.
func (e ReviewEntry) Decision(now time.Time) *omgjort.Decision {
	p, _ := Parse(e.Redaction.Text)
	d := Decision(p, e.Redaction.Text, e.Team, now)
	if d.ID == "" {
		d.ID = IDPrefix + e.Key
	}
	d.Intake = &omgjort.Intake{Route: routeOr(e.Route), Reviewed: true, Imported: e.Created}
	return d
}
