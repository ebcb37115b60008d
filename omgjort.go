// Package omgjort holds the domain of Omgjort: published decisions of Ankestyrelsen, their
// concrete cases, the labels the classifier puts on them, crawl runs, and the small interfaces
// through which the adapter packages (crawler, store, classify, index, server) meet. It imports
// nothing of this module, so every other package can depend on it.
package omgjort

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Version is the program version, shown in the User-Agent and by `omgjort version`.
var Version = "0.1.0"

// Outcome is what Ankestyrelsen did with the first instance's decision in one case. The string
// values are the slugs of labels.md and appear in JSON, URLs and facets.
type Outcome string

// The outcome slugs of labels.md, plus OutcomeUkendt for a case with no outcome formula.
const (
	OutcomeStadfaestet Outcome = "stadfaestet"
	OutcomeAendret     Outcome = "aendret"
	OutcomeOphaevet    Outcome = "ophaevet"
	OutcomeHjemvist    Outcome = "hjemvist"
	OutcomeAfvist      Outcome = "afvist"
	OutcomeUkendt      Outcome = "ukendt"
)

// Outcomes lists every outcome in display order, so facets and statistics show them alike.
var Outcomes = []Outcome{OutcomeStadfaestet, OutcomeAendret, OutcomeOphaevet, OutcomeHjemvist, OutcomeAfvist, OutcomeUkendt}

// Label is the Danish display name of the outcome.
func (o Outcome) Label() string {
	switch o {
	case OutcomeStadfaestet:
		return "Stadfæstet"
	case OutcomeAendret:
		return "Ændret"
	case OutcomeOphaevet:
		return "Ophævet"
	case OutcomeHjemvist:
		return "Hjemvist"
	case OutcomeAfvist:
		return "Afvist"
	case OutcomeUkendt, "":
		return "Ukendt"
	}
	return string(o)
}

// Valid reports whether o is one of the known slugs.
func (o Outcome) Valid() bool {
	for _, x := range Outcomes {
		if x == o {
			return true
		}
	}
	return false
}

// Reversed reports whether the outcome counts as omgjort in Ankestyrelsen's statistics.
func (o Outcome) Reversed() bool {
	return o == OutcomeAendret || o == OutcomeOphaevet || o == OutcomeHjemvist
}

// rank orders outcomes by how far-reaching they are for the first instance (labels.md roll-up).
func (o Outcome) rank() int {
	switch o {
	case OutcomeHjemvist:
		return 5
	case OutcomeOphaevet:
		return 4
	case OutcomeAendret:
		return 3
	case OutcomeStadfaestet:
		return 2
	case OutcomeAfvist:
		return 1
	}
	return 0
}

// RollUp returns the most far-reaching of the given case outcomes and whether the known
// outcomes differ. Cases with OutcomeUkendt do not make a decision mixed; a decision whose
// cases are all unknown (or that has none) is OutcomeUkendt.
func RollUp(outcomes []Outcome) (Outcome, bool) {
	best := OutcomeUkendt
	seen := map[Outcome]bool{}
	for _, o := range outcomes {
		if o == OutcomeUkendt || o == "" {
			continue
		}
		seen[o] = true
		if o.rank() > best.rank() {
			best = o
		}
	}
	return best, len(seen) > 1
}

// ErrorType is a kind of error the first instance made, in Ankestyrelsen's own terms. The string
// values are the slugs of labels.md.
type ErrorType string

// The error-type slugs of labels.md.
const (
	ErrSagsoplysning    ErrorType = "sagsoplysning"
	ErrBegrundelse      ErrorType = "begrundelse"
	ErrPartshoering     ErrorType = "partshoering"
	ErrVejledning       ErrorType = "vejledning"
	ErrKonkretVurdering ErrorType = "konkret_vurdering"
	ErrRetsanvendelse   ErrorType = "retsanvendelse"
	ErrBevisvurdering   ErrorType = "bevisvurdering"
	ErrMeddelelse       ErrorType = "meddelelse"
	ErrKlagevejledning  ErrorType = "klagevejledning"
	ErrNotatpligt       ErrorType = "notatpligt"
	ErrFrister          ErrorType = "frister"
	ErrKompetence       ErrorType = "kompetence"
	ErrNyeOplysninger   ErrorType = "nye_oplysninger"
)

// ErrorTypes lists every error type in display order.
var ErrorTypes = []ErrorType{ErrSagsoplysning, ErrBegrundelse, ErrPartshoering, ErrVejledning,
	ErrKonkretVurdering, ErrRetsanvendelse, ErrBevisvurdering, ErrMeddelelse, ErrKlagevejledning,
	ErrNotatpligt, ErrFrister, ErrKompetence, ErrNyeOplysninger}

var errorTypeLabels = map[ErrorType]string{
	ErrSagsoplysning:    "Utilstrækkelig sagsoplysning",
	ErrBegrundelse:      "Mangelfuld begrundelse",
	ErrPartshoering:     "Manglende partshøring",
	ErrVejledning:       "Manglende vejledning",
	ErrKonkretVurdering: "Ingen konkret vurdering",
	ErrRetsanvendelse:   "Forkert retsanvendelse",
	ErrBevisvurdering:   "Anden vurdering",
	ErrMeddelelse:       "Fejl i afgørelsens form/meddelelse",
	ErrKlagevejledning:  "Manglende klagevejledning",
	ErrNotatpligt:       "Manglende notat",
	ErrFrister:          "Frister og sagsbehandlingstid",
	ErrKompetence:       "Kompetence/hjemmel",
	ErrNyeOplysninger:   "Nye oplysninger",
}

// Label is the Danish display name of the error type.
func (e ErrorType) Label() string {
	if l, ok := errorTypeLabels[e]; ok {
		return l
	}
	return string(e)
}

// IsError reports whether the label blames the first instance: every error type does except
// nye_oplysninger, where the result changed because of information that came later.
func (e ErrorType) IsError() bool { return e != ErrNyeOplysninger }

// Valid reports whether e is one of the known slugs.
func (e ErrorType) Valid() bool { _, ok := errorTypeLabels[e]; return ok }

// Status says whether a principmeddelelse still applies (Gældende) or has been replaced or
// repealed (Historisk).
type Status string

// The two statuses ast.dk tags a principmeddelelse with.
const (
	StatusGaeldende Status = "gaeldende"
	StatusHistorisk Status = "historisk"
)

// Label is the Danish display name of the status.
func (s Status) Label() string {
	switch s {
	case StatusGaeldende:
		return "Gældende"
	case StatusHistorisk:
		return "Historisk"
	}
	return "Ukendt"
}

// Evidence is the text that made the classifier set a label: a legal professional checks the
// label against it, and the decision page highlights it at Start:End. Start and End count
// characters (Unicode code points) of the case text, as labels.md specifies, so that a tool in
// any language can slice the text with them; ByteRange gives the byte offsets Go slices by.
type Evidence struct {
	Text    string  `json:"text"`
	Section string  `json:"section"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Score   float64 `json:"score,omitempty"`
}

// ByteRange returns the byte offsets in text of the evidence's character offsets, or false when
// they do not fit the text (a text changed since it was labelled).
func (e Evidence) ByteRange(text string) (start, end int, ok bool) {
	if e.Start < 0 || e.End <= e.Start {
		return 0, 0, false
	}
	n := 0
	start = -1
	for i := range text {
		if n == e.Start {
			start = i
		}
		if n == e.End {
			return start, i, start >= 0
		}
		n++
	}
	if n == e.End && start >= 0 {
		return start, len(text), true
	}
	return 0, 0, false
}

// CharRange returns the character offsets of the byte range [start, end) of text, as Evidence
// keeps them.
func CharRange(text string, start, end int) (int, int) {
	s := utf8.RuneCountInString(text[:start])
	return s, s + utf8.RuneCountInString(text[start:end])
}

// ErrorLabel is one error type set on a case, with the evidence for it.
type ErrorLabel struct {
	Type     ErrorType  `json:"type"`
	Score    float64    `json:"score"`
	Evidence []Evidence `json:"evidence"`
	// Correction is set when a jurist confirmed or added the label (ApplyCorrections).
	Correction *LabelCorrection `json:"correction,omitempty"`
	// Model is set when the learned sentence model (classify/model.txt) found the label and no
	// rule did: the page says so, so a jurist knows the evidence sentence was judged by weights
	// learned from labelled letters, not by a phrase a jurist wrote.
	Model bool `json:"model,omitempty"`
	// ModelScore is, on a label the rules set, the sentence model's highest probability for its
	// type on any sentence of Ankestyrelsen's assessment (nil when no model ran): a low one
	// means the two signals disagree, and the label is worth a jurist's check.
	ModelScore *float64 `json:"model_score,omitempty"`
	// Confidence is the calibrated probability in [0,1] that the label is right (measured on
	// labelled letters); at or above ConfidentAt the label is "sikker", below it "bør tjekkes".
	Confidence float64 `json:"confidence"`
}

// ConfidentAt is the confidence from which a label counts as "sikker"; below it the label is
// shown as "bør tjekkes" and belongs in the queue of labels worth a jurist's look.
const ConfidentAt = 0.85

// Confident reports whether a confidence is at or above ConfidentAt.
func Confident(c float64) bool { return c >= ConfidentAt }

// Section is one headed part of a published decision (e.g. "Principmeddelelsen fastslår").
type Section struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// Case is one concrete decision letter inside a principmeddelelse ("Sag nr. 1, j.nr. …"): the
// unit the classifier labels.
type Case struct {
	// ID is the case number within the decision ("1", "2" …), or "1" for a single letter.
	ID string `json:"id"`
	// Heading is the letter's own heading as published ("Sag nr. 1, j.nr. 24-123875"), if any.
	Heading string `json:"heading,omitempty"`
	// Journal is the case's journal number when the heading gives one.
	Journal string `json:"journal,omitempty"`
	// Text is the letter as plain text; paragraphs are separated by "\n\n" and evidence
	// offsets point into it.
	Text string `json:"text"`
	// Headings are the paragraphs of Text that the page marked up as headings, so the
	// decision page can show the letter's structure (records parsed before this field have
	// none; the page then restores the LetterHeadings it recognises).
	Headings []string `json:"headings,omitempty"`

	Outcome         Outcome    `json:"outcome"`
	OutcomeEvidence []Evidence `json:"outcome_evidence,omitempty"`
	// OutcomeCorrection is set when a jurist confirmed, set or removed the outcome.
	OutcomeCorrection *LabelCorrection `json:"outcome_correction,omitempty"`
	// OutcomeConfidence is the calibrated probability in [0,1] that Outcome is right (0 for
	// ukendt); see ConfidentAt.
	OutcomeConfidence float64 `json:"outcome_confidence,omitempty"`
	// OutcomeReason says in Danish why the outcome is ukendt (an empty, foreign, garbled or
	// overlong text, a retold court judgment, no outcome statement found); empty otherwise.
	OutcomeReason string `json:"outcome_reason,omitempty"`
	// OutcomeModel is set when the learned letter model (classify/letter-model.txt) named the
	// outcome: the rules read none, or the model was all but certain of another one. The page
	// says so, and shows OutcomeRulesReading, so a jurist sees that two readings parted.
	OutcomeModel bool `json:"outcome_model,omitempty"`
	// OutcomeRulesReading is, when OutcomeModel is set, the outcome the rules read (ukendt when
	// they read none).
	OutcomeRulesReading Outcome `json:"outcome_rules_reading,omitempty"`
	// OutcomeModelLean is, when the letter model did not name the outcome, the outcome it finds
	// likeliest where that differs from Outcome and is likely enough to be worth a look, with
	// its probability: two signals that disagree, so the label goes in the queue.
	OutcomeModelLean      Outcome      `json:"outcome_model_lean,omitempty"`
	OutcomeModelLeanScore float64      `json:"outcome_model_lean_score,omitempty"`
	Kritik                bool         `json:"kritik"`
	KritikEvidence        []Evidence   `json:"kritik_evidence,omitempty"`
	Ugyldig               bool         `json:"ugyldig"`
	UgyldigEvidence       []Evidence   `json:"ugyldig_evidence,omitempty"`
	Errors                []ErrorLabel `json:"errors"`
	// Suggestions are error types the sentence model leans towards (probability from 0.5 up to
	// its threshold) and the rules do not set, each with its sentence: not labels — nothing
	// counts them — but disagreements a jurist may settle by adding the type.
	Suggestions []ErrorLabel `json:"suggestions,omitempty"`
}

// ErrorSlugs returns the case's error types in label order.
func (c *Case) ErrorSlugs() []ErrorType {
	out := make([]ErrorType, 0, len(c.Errors))
	for _, e := range c.Errors {
		out = append(out, e.Type)
	}
	return out
}

// Decision is one published principmeddelelse (or principafgørelse) with its metadata, its
// sections, its concrete cases, and the roll-up of their labels.
type Decision struct {
	// ID is the stable key: the normalised number (see NormalizeNumber), never the URL slug.
	ID string `json:"id"`
	// Number is the number as published, e.g. "17-25" or "O-26-96".
	Number string `json:"number"`
	// Numbers is every number the decision was published under, Number first.
	Numbers []string `json:"numbers"`
	Title   string   `json:"title"`
	URL     string   `json:"url"`
	// Source names where the record came from: "astdk", "retsinformation", or SourceOwn for
	// the municipality's own decision letters.
	Source string `json:"source"`
	// Team is the municipal team that made the first-instance decision (own decisions only).
	Team string `json:"team,omitempty"`
	// Intake says how an own decision came in (route, review); nil for published ones.
	Intake    *Intake `json:"intake,omitempty"`
	Status    Status  `json:"status"`
	Published string  `json:"published"` // YYYY-MM-DD or empty
	Signed    string  `json:"signed"`    // YYYY-MM-DD or empty
	Year      int     `json:"year"`
	Journal   string  `json:"journal"`
	// Laws, Keywords and Authority come from the page's tag row (law → keywords → status →
	// authority type).
	Laws       []string `json:"laws"`
	Keywords   []string `json:"keywords"`
	Paragraphs []string `json:"paragraphs"`
	Authority  string   `json:"authority"`
	// Holding is the text of "Principmeddelelsen fastslår" (the resumé).
	Holding  string    `json:"holding,omitempty"`
	Sections []Section `json:"sections"`
	Cases    []Case    `json:"cases"`
	// RepublishNote is the page's note on republication under another number, if any.
	RepublishNote string `json:"republish_note,omitempty"`
	// ReplacedBy is the ID of the Gældende decision that republished this (Historisk) one;
	// Replaces lists the IDs of the Historisk decisions this one republished.
	ReplacedBy string   `json:"replaced_by,omitempty"`
	Replaces   []string `json:"replaces,omitempty"`
	// Citations are the provisions and principmeddelelser the decision's text refers to.
	Citations []Citation `json:"citations,omitempty"`

	// Roll-up over the cases (labels.md).
	Outcome Outcome     `json:"outcome"`
	Mixed   bool        `json:"mixed"`
	Errors  []ErrorType `json:"errors"`
	Kritik  bool        `json:"kritik"`
	Ugyldig bool        `json:"ugyldig"`
	// Statistic is, for an own decision, the outcome Ankestyrelsen's letter says the case is
	// registered with in its statistics: the ground truth the classifier's Outcome is compared
	// with. Empty when the letter says nothing.
	Statistic Outcome `json:"statistic,omitempty"`
	// RulesVersion identifies the classifier rules that produced the labels.
	RulesVersion string `json:"rules_version,omitempty"`

	// ContentHash is a hash of the parsed content, used to tell real changes from re-fetches.
	ContentHash string    `json:"content_hash,omitempty"`
	FetchedAt   time.Time `json:"fetched_at"`
	// FirstStored is when the store first stored the decision (version 1), and Stored when it
	// stored this version; the store sets both. The weekly digest lists a decision by when it
	// was stored, so one that was published long before it reached us is never missed.
	FirstStored time.Time `json:"first_stored,omitzero"`
	Stored      time.Time `json:"stored,omitzero"`
	// Version counts stored versions of this decision, starting at 1.
	Version int `json:"version"`
}

// Citation is a reference in a decision's text to a provision ("forvaltningslovens § 19, stk. 1")
// or to another principmeddelelse ("principmeddelelse 21-22", "C-16-99"), so legal staff can
// follow it and search by it.
type Citation struct {
	// Kind is CitationParagraph or CitationDecision.
	Kind string `json:"kind"`
	// Text is the citation as written in the decision.
	Text string `json:"text"`
	// Act is the normalised act a paragraph belongs to ("forvaltningsloven"), when the text says.
	Act string `json:"act,omitempty"`
	// Paragraph is the normalised provision ("§ 19, stk. 1", "§ 40 a", "§§ 22-24").
	Paragraph string `json:"paragraph,omitempty"`
	// Number is the cited principmeddelelse's number as written ("21-22", "O-26-96").
	Number string `json:"number,omitempty"`
}

// The kinds of citation.
const (
	CitationParagraph = "paragraph"
	CitationDecision  = "decision"
)

// RollUpCases sets the decision's roll-up fields from its cases.
func (d *Decision) RollUpCases() {
	outs := make([]Outcome, 0, len(d.Cases))
	seen := map[ErrorType]bool{}
	d.Kritik, d.Ugyldig = false, false
	for _, c := range d.Cases {
		outs = append(outs, c.Outcome)
		for _, e := range c.Errors {
			seen[e.Type] = true
		}
		d.Kritik = d.Kritik || c.Kritik
		d.Ugyldig = d.Ugyldig || c.Ugyldig
	}
	d.Outcome, d.Mixed = RollUp(outs)
	d.Errors = d.Errors[:0]
	for _, t := range ErrorTypes {
		if seen[t] {
			d.Errors = append(d.Errors, t)
		}
	}
}

// Text returns the decision's full text: sections then cases, as plain text.
func (d *Decision) Text() string {
	var b strings.Builder
	for _, s := range d.Sections {
		b.WriteString(s.Heading)
		b.WriteString("\n\n")
		b.WriteString(s.Text)
		b.WriteString("\n\n")
	}
	for _, c := range d.Cases {
		if c.Heading != "" {
			b.WriteString(c.Heading)
			b.WriteString("\n\n")
		}
		b.WriteString(c.Text)
		b.WriteString("\n\n")
	}
	return strings.TrimSpace(b.String())
}

// Stamp identifies the stored version of a decision as the search index must hold it: content
// hash, classifier rules version and stored version. The store keeps every decision's stamp in
// a small bucket of its own and the index keeps the stamp it indexed, so the two can be compared
// at start-up without reading every decision.
func (d *Decision) Stamp() string {
	return d.ContentHash + "|" + d.RulesVersion + "|" + strconv.Itoa(d.Version)
}

// StampRules returns the classifier rules version recorded in a stamp made by Decision.Stamp.
func StampRules(stamp string) string {
	i, j := strings.Index(stamp, "|"), strings.LastIndex(stamp, "|")
	if i < 0 || j <= i {
		return ""
	}
	return stamp[i+1 : j]
}

// NormalizeNumber turns a published number into the stable decision ID: trimmed, upper-case
// letters lowered, en dashes and spaces turned into hyphens ("O-26-96" → "o-26-96",
// "17–25" → "17-25"). It returns "" for an empty number.
func NormalizeNumber(n string) string {
	n = strings.TrimSpace(n)
	n = strings.NewReplacer("–", "-", "—", "-", " ", "-", ".", "-").Replace(n)
	n = strings.Trim(n, "-")
	return strings.ToLower(n)
}

// RawPage is a fetched page as it came off the wire, kept next to the parsed record so that a
// parser fix never needs a re-crawl.
type RawPage struct {
	URL          string    `json:"url"`
	Status       int       `json:"status"`
	ContentType  string    `json:"content_type,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Body         []byte    `json:"body"`
	Hash         string    `json:"hash"` // hex sha256 of Body
	FetchedAt    time.Time `json:"fetched_at"`
}

// PageState is what the crawler remembers about a URL between runs, to crawl incrementally.
type PageState struct {
	URL          string    `json:"url"`
	Lastmod      string    `json:"lastmod,omitempty"` // the sitemap's <lastmod> at the last fetch
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Hash         string    `json:"hash,omitempty"`
	DecisionID   string    `json:"decision_id,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	// Checked is when the page was last confirmed current by a conditional request (304);
	// the crawler asks again at least every 30 days even when the sitemap lastmod is unchanged.
	Checked time.Time `json:"checked,omitzero"`
	// Failures counts consecutive failed fetches or parses; NextAttempt is when to try again.
	Failures    int       `json:"failures,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitempty"`
}

// CrawlState is what the crawler asks of the store to crawl incrementally.
type CrawlState interface {
	// PageState returns what is known of url; ok is false for a URL never fetched.
	PageState(url string) (st PageState, ok bool, err error)
}

// URLError is one URL that failed in a crawl run, with the reason.
type URLError struct {
	URL    string `json:"url"`
	Status int    `json:"status,omitempty"`
	Reason string `json:"reason"`
}

// RunResult is how a run ended.
type RunResult string

// The results a run can have.
const (
	RunRunning RunResult = "running"
	RunOK      RunResult = "ok"
	RunFailed  RunResult = "failed"
)

// Finish completes a run that has returned err: its end time (now, unless the job set it), and
// its result: failed with err's message (unless the job wrote a better one), else OK unless the
// job set a result of its own.
func (r *CrawlRun) Finish(err error) {
	if r.Ended.IsZero() {
		r.Ended = time.Now().UTC()
	}
	switch {
	case err != nil:
		r.Result = RunFailed
		if r.Error == "" {
			r.Error = err.Error()
		}
	case r.Result == "" || r.Result == RunRunning:
		r.Result = RunOK
	}
}

// JobTitles are the Danish names of the jobs whose runs are recorded, by job name, as
// operators see them on /status (the name stays for logs, metrics and the admin URL).
var JobTitles = map[string]string{
	"crawl-astdk":           "Hent fra ast.dk",
	"crawl-retsinformation": "Hent fra retsinformation.dk",
	"digest":                "Ugebrev",
	"backup":                "Sikkerhedskopi",
	"retention-own":         "Sletning af egne afgørelser",
	"alerts":                "Besked om gemte søgninger",
}

// CrawlRun records one run of a job (a crawl, a reindex …): when, what it did, what went wrong.
type CrawlRun struct {
	ID      uint64    `json:"id"`
	Job     string    `json:"job"`    // e.g. "crawl-astdk"
	Source  string    `json:"source"` // e.g. "astdk"
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitempty"`
	Result  RunResult `json:"result"`
	// Error is the run-level failure ("site structure may have changed …"), empty on success.
	Error string `json:"error,omitempty"`
	// Trigger says who started the run: TriggerSchedule, TriggerAdmin, or empty for a command
	// run by hand.
	Trigger string `json:"trigger,omitempty"`

	Requests    int        `json:"requests"`     // HTTP requests made, robots and sitemap included
	Discovered  int        `json:"discovered"`   // principmeddelelse URLs found in the sitemap
	Fetched     int        `json:"fetched"`      // detail pages fetched in full (200)
	NotModified int        `json:"not_modified"` // conditional requests answered 304
	Skipped     int        `json:"skipped"`      // not requested at all (lastmod unchanged)
	New         int        `json:"new"`          // decisions stored for the first time
	Changed     int        `json:"changed"`      // decisions stored as a new version
	Unchanged   int        `json:"unchanged"`    // fetched but same content
	ParseFailed int        `json:"parse_failed"` // fetched but unusable
	FetchFailed int        `json:"fetch_failed"` // could not be fetched
	Errors      []URLError `json:"errors,omitempty"`
	// Backfill is true for a run asked to fetch everything again (--full) or from a date
	// (--since): what it stores is summarised in the digest, not listed.
	Backfill bool `json:"backfill,omitempty"`
}

// Succeeded reports whether the run finished without a run-level failure.
func (r *CrawlRun) Succeeded() bool { return r.Result == RunOK }

// SearchFilter ties a query parameter of the search page ("udfald") to the SearchRequest filter
// key it fills ("outcome"). The search page, its feeds and saved searches read the same list,
// so a saved search keeps exactly what the page would filter on.
type SearchFilter struct {
	Param string
	Key   string
}

// SearchFilters are the search page's filters, in the order the page shows them.
var SearchFilters = []SearchFilter{
	{"lov", "law"}, {"udfald", "outcome"}, {"fejl", "errors"}, {"aar", "year"},
	{"status", "status"}, {"myndighed", "authority"}, {"kritik", "kritik"}, {"kilde", "source"},
}

// SearchRequest is a search as the user asked it: the query box text plus facet filters.
type SearchRequest struct {
	// Query is the query box text (Danish words, "phrases", +must/-not, field:value).
	Query string
	// Filters maps a facet field ("law", "outcome", "errors", "year", "status", "authority")
	// to the values that must all match.
	Filters map[string][]string
	// Sort is "" or "relevance" for relevance, "date" for newest first.
	Sort string
	From int
	Size int
	// NoSnippets leaves the hits without highlighted snippets, for callers that do not show
	// them (the CSV export): finding them means reading each hit's whole text.
	NoSnippets bool
	// IncludeOwn lets the municipality's own decisions (Source == SourceOwn) into the hits.
	// The zero value leaves them out, so a caller that forgets the principal's rights never
	// shows personal data; set it only for principals with PermReadOwn.
	IncludeOwn bool
}

// FacetValue is one value of a facet with the number of hits that have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// SearchHit is one decision in a result list.
type SearchHit struct {
	ID        string      `json:"id"`
	Number    string      `json:"number"`
	Title     string      `json:"title"`
	Published string      `json:"published"`
	Status    Status      `json:"status"`
	Outcome   Outcome     `json:"outcome"`
	Errors    []ErrorType `json:"errors"`
	Laws      []string    `json:"laws"`
	Score     float64     `json:"score"`
	// Snippets are HTML fragments of the text with the matched terms in <mark>; everything
	// else in them is escaped, so they are safe to show as HTML.
	Snippets []string `json:"snippets"`
}

// SearchResult is one page of hits, the facet counts over all hits, and the total.
type SearchResult struct {
	Total  uint64                  `json:"total"`
	Hits   []SearchHit             `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	Took   time.Duration           `json:"took"`
}

// QueryError is a search the user wrote that cannot be run. Message is Danish and says what
// to fix; the server answers it with status 400.
type QueryError struct {
	Message string
	Err     error
}

func (e *QueryError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *QueryError) Unwrap() error { return e.Err }

// ErrNotFound is returned when a decision, run or digest does not exist.
var ErrNotFound = errors.New("not found")

// SortStrings sorts and de-duplicates s in place and returns it; a small helper for the many
// string sets (numbers, laws, keywords) that must be stable for hashing and comparison.
func SortStrings(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Searcher runs searches over the decisions; the index implements it. A search the user wrote
// badly comes back as a *QueryError.
type Searcher interface {
	Search(ctx context.Context, req SearchRequest) (*SearchResult, error)
}

// Suggester proposes a corrected query for a search without hits ("Mente du …"), from the words
// the index holds, so a misspelt search is no dead end. The index implements it; a searcher
// without it simply shows no suggestion. It returns "" when it has nothing better to offer.
type Suggester interface {
	Suggest(ctx context.Context, query string) (string, error)
}

// DecisionReader reads stored decisions and run records; the store implements it, and the
// server reads through it.
type DecisionReader interface {
	// Decision returns the decision with the given ID (or any number it was published under),
	// or ErrNotFound.
	Decision(id string) (*Decision, error)
	// Runs returns the newest n run records, newest first.
	Runs(n int) ([]CrawlRun, error)
}

// LetterHeadings are the headings of Ankestyrelsen's letters that the classifier recognises as
// sections (classify/rules.txt). A flattened letter (one running paragraph) still holds them as
// plain words; the decision page restores them as headings (SplitHeadings).
var LetterHeadings = []string{
	"Begrundelse for afgørelsen", "Begrundelsen for afgørelsen", "Ankestyrelsens begrundelse",
	"Sådan vurderer vi sagen", "Sådan vurderer Ankestyrelsen sagen",
	"Hvad er afgørende for resultatet", "Hvad er afgørende for sagen", "Hvad er afgørende",
	"Hvad skal kommunen gøre", "Hvad skal kommunen gøre?", "Hvad skal jobcentret gøre",
	"Bemærkninger til kommunens sagsbehandling", "Bemærkninger til kommunen",
	"Om reglerne", "Love og bekendtgørelser", "Reglerne", "Mødebehandling",
	"Oplysninger i sagen", "Klagevejledning", "Ankestyrelsens afgørelse",
}

// TextPart is one piece of a paragraph split by SplitHeadings: a heading or running text, as
// byte offsets into the paragraph.
type TextPart struct {
	Start, End int
	Heading    bool
}

// SplitHeadings finds the LetterHeadings standing as headings inside a paragraph: at its start
// or right after a sentence ends, and followed by the paragraph's end or a capital letter (the
// next heading or sentence), so "Begrundelse for afgørelsen er …" stays text. It returns the
// paragraph's parts in order; a paragraph without headings is one text part.
func SplitHeadings(p string) []TextPart {
	var out []TextPart
	at := 0 // start of the pending text part
	i := 0
	for i < len(p) {
		h := headingAt(p, i)
		if h == "" {
			_, size := utf8.DecodeRuneInString(p[i:])
			i += size
			continue
		}
		if i > at {
			out = append(out, TextPart{Start: at, End: i})
		}
		end := i + len(h)
		out = append(out, TextPart{Start: i, End: end, Heading: true})
		for end < len(p) && p[end] == ' ' {
			end++
		}
		i, at = end, end
	}
	if at < len(p) {
		out = append(out, TextPart{Start: at, End: len(p)})
	}
	// Drop parts that are only spaces.
	kept := out[:0]
	for _, t := range out {
		if strings.TrimSpace(p[t.Start:t.End]) != "" {
			kept = append(kept, t)
		}
	}
	return kept
}

// headingAt returns the LetterHeading standing as a heading at i in p, or "".
func headingAt(p string, i int) string {
	if i > 0 {
		before := strings.TrimRight(p[:i], " ")
		if len(before) == len(p[:i]) || before == "" {
			return "" // not after a space
		}
		last, _ := utf8.DecodeLastRuneInString(before)
		if !strings.ContainsRune(".:!?", last) && headingAt(before, lastHeadingStart(before)) == "" {
			return ""
		}
	}
	for _, h := range LetterHeadings {
		if !strings.HasPrefix(p[i:], h) {
			continue
		}
		rest := p[i+len(h):]
		if rest == "" {
			return h
		}
		rest = strings.TrimLeft(rest, " ")
		if len(rest) == len(p[i+len(h):]) && !strings.HasPrefix(rest, ":") {
			continue // a longer word
		}
		rest = strings.TrimLeft(rest, ": ")
		r, _ := utf8.DecodeRuneInString(rest)
		if rest == "" || unicode.IsUpper(r) || unicode.IsDigit(r) {
			return h
		}
	}
	return ""
}

// lastHeadingStart is where a heading ending s would start, so that consecutive headings
// ("Begrundelse for afgørelsen Sådan vurderer vi sagen") are each found.
func lastHeadingStart(s string) int {
	for _, h := range LetterHeadings {
		if strings.HasSuffix(s, h) {
			return len(s) - len(h)
		}
	}
	return len(s)
}
