package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"omgjort"
)

// Redactor removes personal details from a letter's text. The redact package implements it
// (wired in cmd); the importer only needs this much of it.
type Redactor interface {
	Redact(text string, ocrConfidence float64) Redaction
}

// Removal is one removed detail: its category ("CPR", "NAVN" …) and where its placeholder
// stands in the redacted text, in characters (runes), so the review page can mark it.
type Removal struct {
	Category string `json:"category"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// Redaction is a redacted text with its removals and, when the redaction is uncertain, the
// reasons in Danish (the review page shows them).
type Redaction struct {
	Text     string    `json:"text"`
	Removals []Removal `json:"removals"`
	Reasons  []string  `json:"reasons,omitempty"`
}

// Item is what became of one letter of a file: a decision ready to store, or a review
// entry, or an error of its own.
type Item struct {
	// File is the file's base name; Pages the letter's pages in it.
	File  string
	Pages []int
	// Decision is the redacted, parsed decision (not yet classified); nil on Err.
	Decision *omgjort.Decision
	// Redaction is the letter's redacted text with its removals.
	Redaction Redaction
	// Review lists why a person must look at the letter before it becomes searchable
	// (Danish); empty when it may be stored at once.
	Review []string
	// Key identifies the letter's redacted text (a hash): the review queue's key and the
	// once-only check for letters without a journal number.
	Key string
	Err error
}

// Options are the settings of one import.
type Options struct {
	// Team is the municipal team the letters belong to ("" when not set yet).
	Team string
	// Route is how the letters came in (omgjort.IntakeUpload, IntakeCommand, IntakeDemo); the
	// decision page shows it. Empty is recorded as the command.
	Route string
	// Limits bound each file.
	Limits Limits
	// Redactor redacts every letter before anything else sees its text. Required.
	Redactor Redactor
	// MinConfidence is the OCR confidence below which a letter is always reviewed.
	MinConfidence float64
	// Now stamps the decisions (tests fix it).
	Now func() time.Time
}

// DefaultMinConfidence is the OCR confidence (0–100) below which a letter is reviewed.
const DefaultMinConfidence = 80

// Letters reads a file and returns its letters, each redacted, parsed and built into a
// decision, or with an error of its own. The error return is for the file as a whole (it
// could not be read at all); nothing of it is stored either way.
func Letters(ctx context.Context, path string, opts Options) ([]Item, error) {
	doc, err := Extract(ctx, path, opts.Limits)
	if err != nil {
		return nil, err
	}
	return LettersOf(doc, opts), nil
}

// LettersOf splits an extracted document into letters and builds each.
func LettersOf(doc Document, opts Options) []Item {
	if opts.MinConfidence <= 0 {
		opts.MinConfidence = DefaultMinConfidence
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var items []Item
	for _, l := range Split(doc) {
		items = append(items, build(doc.Name, l, opts))
	}
	return items
}

// build redacts a letter, parses the redacted text and makes the decision.
func build(file string, l Letter, opts Options) Item {
	it := Item{File: file, Pages: l.Pages}
	if opts.Redactor == nil {
		it.Err = fmt.Errorf("no redactor configured")
		return it
	}
	conf := 0.0
	if l.OCR {
		conf = l.Confidence
	}
	it.Redaction = opts.Redactor.Redact(l.Text, conf)
	sum := sha256.Sum256([]byte(it.Redaction.Text))
	it.Key = hex.EncodeToString(sum[:16])
	it.Review = append(it.Review, it.Redaction.Reasons...)
	if l.OCR && l.Confidence < opts.MinConfidence {
		it.Review = appendOnce(it.Review, fmt.Sprintf("Teksten er læst med OCR med lav sikkerhed (%.0f %%).", l.Confidence))
	}
	p, err := Parse(it.Redaction.Text)
	switch {
	case err == ErrNotLetter:
		it.Err = err
		return it
	case err == ErrUnknownLayout:
		it.Review = appendOnce(it.Review, "Brevets opbygning blev ikke genkendt (journalnummer eller dato mangler).")
	}
	it.Decision = Decision(p, it.Redaction.Text, opts.Team, opts.Now())
	it.Decision.Intake = &omgjort.Intake{Route: routeOr(opts.Route), Imported: opts.Now().UTC()}
	if it.Decision.ID == "" {
		it.Decision.ID = "egen-" + it.Key
	}
	return it
}

// routeOr is route, or the command when none is given.
func routeOr(route string) string {
	if route == "" {
		return omgjort.IntakeCommand
	}
	return route
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// IDPrefix starts the ID of every own decision, so it can never collide with a published
// number.
const IDPrefix = "egen-"

// Decision builds the stored record of a redacted, parsed letter: an own decision (Source
// "egen") keyed by its first journal number, one case per journal number, no URL (the
// original is not kept). Labels are the pipeline's to add.
func Decision(p Parsed, redacted, team string, now time.Time) *omgjort.Decision {
	d := &omgjort.Decision{
		Source:     omgjort.SourceOwn,
		Team:       team,
		Signed:     p.Date,
		Journal:    strings.Join(p.Journals, ", "),
		Laws:       []string{},
		Keywords:   []string{},
		Paragraphs: []string{},
		Authority:  p.Municipality,
		Holding:    p.Result,
		// The letter is its case text (headings included); its sections are not stored a
		// second time, or the page and the index would hold the letter twice.
		Sections:  []omgjort.Section{},
		Statistic: p.Statistic,
		FetchedAt: now.UTC(),
	}
	if len(p.Journals) > 0 {
		d.Number = p.Journals[0]
		d.ID = IDPrefix + omgjort.NormalizeNumber(p.Journals[0])
	}
	if p.Law != "" {
		d.Laws = []string{p.Law}
	}
	if len(p.Date) >= 4 {
		d.Year, _ = strconv.Atoi(p.Date[:4])
	}
	title := "Ankestyrelsens afgørelse"
	if p.Municipality != "" {
		title += " af klage over " + p.Municipality + "s afgørelse"
	}
	if p.Subject != "" {
		title += " om " + p.Subject
	}
	d.Title = title
	for i, c := range p.Cases {
		d.Cases = append(d.Cases, omgjort.Case{ID: strconv.Itoa(i + 1), Journal: c.Journal, Text: c.Text})
	}
	if len(d.Cases) == 0 {
		d.Cases = []omgjort.Case{{ID: "1", Text: ReflowText(redacted)}}
	}
	sum := sha256.Sum256([]byte(redacted))
	d.ContentHash = hex.EncodeToString(sum[:])
	return d
}
