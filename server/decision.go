package server

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"omgjort"
)

// decisionPage is the data of the decision page.
type decisionPage struct {
	base
	D            *omgjort.Decision
	NumbersLabel string
	Numbers      string
	Status       string
	Historic     bool
	Published    string
	Signed       string
	SourceURL    string
	Outcome      string
	OutcomeLabel string
	ErrorLabels  []string
	Holding      []string
	Sections     []sectionView
	Cases        []caseView
	// Cited are the principmeddelelser the text cites; Provisions the paragraphs it cites.
	Cited      []citedView
	Provisions []provisionView
	// MetaProvisions are the page's Paragraf list, each with its act.
	MetaProvisions []provisionView
	// Permalink is the decision's lasting address in Omgjort; Reference the citation to copy
	// (number, title, j.nr., date, URL).
	Permalink string
	Reference string
	// HistoricWhy explains a Historisk decision without a stored replacement.
	HistoricWhy string
	// CitedBy are the stored decisions that cite this one, newest first.
	CitedBy []link
	// ReplacedBy links a Historisk record to the Gældende one that republished it; Replaces
	// links a Gældende record to the Historisk ones it republished.
	ReplacedBy *link
	Replaces   []link
	// Readers lists who has read this own decision (administrators only, auth.go).
	Readers []auditRow
	Own     bool
	// OwnInfo replaces the status and source of a published decision on an own one;
	// TeamForm sets its team (jurist, teamleder, admin).
	OwnInfo  *ownInfo
	TeamForm *teamForm
	// Delete is the administrators' delete button (curation.go); nil for everyone else.
	Delete *deleteForm
	// Corrected is set right after a jurist's correction was stored.
	Corrected bool
}

// provisionView is one cited provision: its act (linked to retsinformation.dk when known) and a
// search for the decisions citing it.
type provisionView struct {
	Label      string // "Sygedagpengeloven § 54, stk. 1"
	Para       string // "§ 54, stk. 1"
	ActTitle   string
	ActHref    string
	SearchHref string
	NoAct      bool
}

// citedView is one cited principmeddelelse: a link into Omgjort when it is stored, otherwise a
// link to where it can be found at the source.
type citedView struct {
	Number   string
	Title    string
	Href     string
	Stored   bool
	External bool
}

// sectionView is one section split into paragraphs.
type sectionView struct {
	Heading    string
	Paragraphs []string
}

// caseView is one concrete case with its labels, each linked to the highlighted evidence.
type caseView struct {
	Anchor       string
	Heading      string
	Outcome      string
	OutcomeLabel string
	OutcomeLinks []string // mark IDs of the outcome evidence
	// OutcomeCorrected is "rettet af jurist" / "bekræftet af jurist" when a jurist judged it.
	OutcomeCorrected string
	// OutcomeModel is Case.OutcomeRulesNote when the letter model named the outcome and no
	// jurist has judged it; OutcomeLean is Case.OutcomeLeanNote likewise; OutcomeCheck is
	// Case.OutcomeToCheck (the "bør tjekkes" mark).
	OutcomeModel string
	OutcomeLean  string
	OutcomeCheck bool
	Kritik       bool
	KritikLinks  []string
	Ugyldig      bool
	UgyldigLinks []string
	Errors       []errorView
	// Anchors of the labels, which the evidence marks link back to.
	OutcomeAnchor, KritikAnchor, UgyldigAnchor string
	// Blocks are the letter's paragraphs, headings (restored where the letter was flattened)
	// and lists.
	Blocks []blockView
	// Correct is the jurists' correction form of the case (curation.go); nil for others.
	Correct *caseForm
}

// errorView is one error label of a case with links to its evidence.
type errorView struct {
	Label string
	Links []string
	// Corrected is "rettet af jurist" / "bekræftet af jurist" when a jurist judged the label.
	Corrected string
	// Model: the label was found by the sentence model, not a rule (and no jurist has judged it).
	Model bool
	// Check: no jurist has judged the label and its confidence is below omgjort.ConfidentAt.
	Check  bool
	Anchor string
}

// blockView is one block of a letter: a paragraph ("p"), a heading ("h") or a list ("ul").
type blockView struct {
	Kind  string
	Segs  []segment
	Items [][]segment
}

// labelRef is a label an evidence mark belongs to: the mark's style and the link back.
type labelRef struct {
	Class  string // ev-udfald, ev-kritik, ev-ugyldig, ev-fejl
	Anchor string
	Label  string
}

// maxCitedBy caps the "citeret af" list; a decision cited more often links to the search.
const maxCitedBy = 50

// segment is a piece of case text; Mark pieces are highlighted evidence and the first piece of
// each mark carries its ID. The template escapes Text, so no text is ever trusted as HTML.
type segment struct {
	Text string
	Mark bool
	ID   string
	// Class is the style of the first label the mark is evidence for; Back (on the piece with
	// the ID) links back to every label it is evidence for.
	Class string
	Back  []labelRef
}

// handleDecision serves one decision with its cases and the evidence for every label.
func (s *Server) handleDecision(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadDecision(w, r)
	if !ok {
		return
	}
	p := decisionView(d)
	p.Fresh = s.freshness()
	s.links(r, d, &p)
	p.Own, p.Readers = d.IsOwn(), s.readersOf(r, d)
	s.ownView(w, r, d, &p)
	p.Permalink = s.siteBase() + "/d/" + url.PathEscape(d.ID)
	p.Reference = reference(d, p.Permalink)
	s.curate(r, d, &p)
	p.Corrected = r.URL.Query().Get("rettet") == "1"
	s.render(w, r, http.StatusOK, "decision.html", p)
}

// handleAPIDecision serves one decision as JSON.
func (s *Server) handleAPIDecision(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadDecision(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// loadDecision reads the decision named in the path, answering 404 or 500 itself when it
// cannot; ok is false then.
func (s *Server) loadDecision(w http.ResponseWriter, r *http.Request) (*omgjort.Decision, bool) {
	const missing = "Afgørelsen findes ikke. Den kan være fjernet, eller adressen kan være forkert."
	id := strings.TrimSpace(r.PathValue("id"))
	if id == "" || len(id) > maxIDBytes || !utf8.ValidString(id) {
		s.notFound(w, r, missing)
		return nil, false
	}
	d, err := s.decisions.Decision(id)
	switch {
	case errors.Is(err, omgjort.ErrNotFound):
		s.notFound(w, r, missing)
		return nil, false
	case err != nil:
		s.serverError(w, r, err)
		return nil, false
	case d == nil:
		s.notFound(w, r, missing)
		return nil, false
	case !s.allowDecision(w, r, d): // own decisions: rights and audit (auth.go)
		return nil, false
	}
	return d, true
}

// decisionView prepares a decision for the page.
func decisionView(d *omgjort.Decision) decisionPage {
	p := decisionPage{
		base:         base{Title: d.Title},
		D:            d,
		Status:       d.Status.Label(),
		Historic:     d.Status == omgjort.StatusHistorisk,
		Published:    danishDate(d.Published),
		Signed:       danishDate(d.Signed),
		Outcome:      badgeClass(d.Outcome),
		OutcomeLabel: d.Outcome.Label(),
	}
	if p.Title == "" {
		p.Title = "Afgørelse " + d.Number
	}
	nums := d.Numbers
	if len(nums) == 0 && d.Number != "" {
		nums = []string{d.Number}
	}
	p.NumbersLabel = "Nummer"
	if len(nums) > 1 {
		p.NumbersLabel = "Numre"
	}
	p.Numbers = strings.Join(nums, ", ")
	if u, err := url.Parse(d.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		p.SourceURL = u.String()
	}
	for _, e := range d.Errors {
		p.ErrorLabels = append(p.ErrorLabels, labelOf(e))
	}
	if len(d.Sections) == 0 && d.Holding != "" {
		p.Holding = paragraphs(d.Holding)
	}
	for _, sec := range d.Sections {
		p.Sections = append(p.Sections, sectionView{Heading: sec.Heading, Paragraphs: paragraphs(sec.Text)})
	}
	for i := range d.Cases {
		p.Cases = append(p.Cases, caseToView(&d.Cases[i], i))
	}
	return p
}

// paragraphs splits text on blank lines and drops empty paragraphs.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// caseToView lays out one case. Every evidence span gets a mark styled after its label, with a
// link back to the label; overlapping spans share the mark that covers them, and evidence whose
// offsets do not fit the text is located by its text or, failing that, shown without a link.
func caseToView(c *omgjort.Case, idx int) caseView {
	caseID := c.ID
	if caseID == "" {
		caseID = strconv.Itoa(idx + 1)
	}
	anchor := "sag-" + caseID
	v := caseView{
		Anchor:        anchor,
		Heading:       "Sag nr. " + caseID,
		Outcome:       badgeClass(c.Outcome),
		OutcomeLabel:  c.Outcome.Label(),
		Kritik:        c.Kritik,
		Ugyldig:       c.Ugyldig,
		OutcomeAnchor: anchor + "-udfald",
		KritikAnchor:  anchor + "-kritik",
		UgyldigAnchor: anchor + "-ugyldig",
	}
	if c.OutcomeCorrection != nil {
		v.OutcomeCorrected = c.OutcomeCorrection.Label()
	} else {
		v.OutcomeModel = c.OutcomeRulesNote()
		v.OutcomeLean = c.OutcomeLeanNote()
		v.OutcomeCheck = c.OutcomeToCheck()
	}
	if c.Journal != "" {
		v.Heading += ", j.nr. " + c.Journal
	}
	var spans []span
	var owners []labelRef // per span
	add := func(evs []omgjort.Evidence, ref labelRef) []int {
		var refs []int
		for _, ev := range evs {
			if st, en, ok := locate(c.Text, ev); ok {
				refs = append(refs, len(spans))
				spans = append(spans, span{start: st, end: en})
				owners = append(owners, ref)
			}
		}
		return refs
	}
	outRefs := add(c.OutcomeEvidence, labelRef{"ev-udfald", v.OutcomeAnchor, "udfaldet " + c.Outcome.Label()})
	var kritikRefs, ugyldigRefs []int
	if c.Kritik {
		kritikRefs = add(c.KritikEvidence, labelRef{"ev-kritik", v.KritikAnchor, "Kritik"})
	}
	if c.Ugyldig {
		ugyldigRefs = add(c.UgyldigEvidence, labelRef{"ev-ugyldig", v.UgyldigAnchor, "Ugyldig"})
	}
	errRefs := make([][]int, len(c.Errors))
	for i, e := range c.Errors {
		a := anchor + "-fejl-" + strconv.Itoa(i+1)
		errRefs[i] = add(e.Evidence, labelRef{"ev-fejl", a, labelOf(e.Type)})
	}
	ids := assignMarks(spans, "ev-"+caseID+"-")
	links := func(refs []int) []string {
		var out []string
		for _, r := range refs {
			if !slices.Contains(out, ids[r]) {
				out = append(out, ids[r])
			}
		}
		return out
	}
	v.OutcomeLinks = links(outRefs)
	v.KritikLinks = links(kritikRefs)
	v.UgyldigLinks = links(ugyldigRefs)
	for i, e := range c.Errors {
		ev := errorView{Label: labelOf(e.Type), Links: links(errRefs[i]), Anchor: anchor + "-fejl-" + strconv.Itoa(i+1)}
		if e.Correction != nil {
			ev.Corrected = e.Correction.Label()
		} else {
			ev.Model = e.Model
			ev.Check = omgjort.ToCheck(e.Confidence)
		}
		v.Errors = append(v.Errors, ev)
	}
	labels := map[string][]labelRef{}
	for i, id := range ids {
		if !slices.ContainsFunc(labels[id], func(l labelRef) bool { return l.Anchor == owners[i].Anchor }) {
			labels[id] = append(labels[id], owners[i])
		}
	}
	v.Blocks = highlight(c.Text, c.Headings, spans, ids, labels)
	return v
}

// span is an evidence range of byte offsets into a case text.
type span struct{ start, end int }

// locate finds the evidence in text (byte offsets): where its character offsets say, when they
// fit the text and hold its words; otherwise the first occurrence of its text.
func locate(text string, ev omgjort.Evidence) (int, int, bool) {
	if st, en, ok := ev.ByteRange(text); ok && (ev.Text == "" || text[st:en] == ev.Text) {
		return st, en, true
	}
	if t := strings.TrimSpace(ev.Text); t != "" {
		if i := strings.Index(text, t); i >= 0 {
			return i, i + len(t), true
		}
	}
	return 0, 0, false
}

// assignMarks merges overlapping spans into marks numbered in text order and returns, for each
// span, the ID of the mark that shows it. It rewrites spans to the merged ranges.
func assignMarks(spans []span, prefix string) []string {
	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if spans[a].start != spans[b].start {
			return spans[a].start - spans[b].start
		}
		return spans[b].end - spans[a].end
	})
	ids := make([]string, len(spans))
	merged := make([]span, 0, len(spans))
	owner := make([]int, len(spans)) // span index → merged index
	for _, i := range order {
		sp := spans[i]
		if n := len(merged); n > 0 && sp.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			owner[i] = n - 1
			continue
		}
		merged = append(merged, sp)
		owner[i] = len(merged) - 1
	}
	for i := range spans {
		ids[i] = prefix + strconv.Itoa(owner[i]+1)
	}
	// Hand back the merged ranges, one per mark, in the span slots highlight reads.
	for i := range spans {
		spans[i] = merged[owner[i]]
	}
	return ids
}

// textBlock is a block of a letter as byte offsets into its text.
type textBlock struct {
	start, end int
	kind       string // "p", "h" or "li"
}

// structure splits a letter into blocks: paragraphs at blank lines, list items ("• "), the
// paragraphs the page marked up as headings (heads), and the headings of the letter inside paragraphs (omgjort.SplitHeadings), which a flattened letter
// holds as running text.
func structure(text string, heads []string) []textBlock {
	var out []textBlock
	pos := 0
	for pos <= len(text) {
		end := strings.Index(text[pos:], "\n\n")
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		para := text[pos:end]
		trimmed := strings.TrimLeft(para, " \t\r\n")
		lead := len(para) - len(trimmed)
		switch {
		case strings.TrimSpace(para) == "":
		case strings.HasPrefix(trimmed, "• "):
			out = append(out, textBlock{pos + lead + len("• "), end, "li"})
		case slices.Contains(heads, strings.TrimSpace(para)):
			// Marked up as a heading on the page (omgjort.Case.Headings).
			out = append(out, textBlock{pos + lead, pos + lead + len(strings.TrimSpace(para)), "h"})
		default:
			for _, tp := range omgjort.SplitHeadings(para) {
				kind := "p"
				if tp.Heading {
					kind = "h"
				}
				out = append(out, textBlock{pos + tp.Start, pos + tp.End, kind})
			}
		}
		if end == len(text) {
			break
		}
		pos = end + 2
	}
	return out
}

// highlight lays out text as blocks of plain and marked segments. A mark that runs across a
// block boundary is continued in the next block; only its first piece carries the ID and the
// links back to its labels.
func highlight(text string, heads []string, spans []span, ids []string, labels map[string][]labelRef) []blockView {
	// One entry per distinct mark, in text order.
	type mark struct {
		span
		id string
	}
	var marks []mark
	for i, sp := range spans {
		if !slices.ContainsFunc(marks, func(m mark) bool { return m.id == ids[i] }) {
			marks = append(marks, mark{sp, ids[i]})
		}
	}
	slices.SortFunc(marks, func(a, b mark) int { return a.start - b.start })

	var out []blockView
	used := map[string]bool{}
	for _, b := range structure(text, heads) {
		var para []segment
		at := b.start
		for _, m := range marks {
			if m.end <= at || m.start >= b.end {
				continue
			}
			st := max(m.start, at)
			if st > at {
				para = append(para, segment{Text: text[at:st]})
			}
			en := min(m.end, b.end)
			seg := segment{Text: text[st:en], Mark: true}
			if ls := labels[m.id]; len(ls) > 0 {
				seg.Class = ls[0].Class
			}
			if !used[m.id] {
				seg.ID = m.id
				seg.Back = labels[m.id]
				used[m.id] = true
			}
			para = append(para, seg)
			at = en
		}
		if at < b.end {
			para = append(para, segment{Text: text[at:b.end]})
		}
		if blank(para) {
			continue
		}
		para = trimEdges(para)
		switch b.kind {
		case "li":
			if n := len(out); n > 0 && out[n-1].Kind == "ul" {
				out[n-1].Items = append(out[n-1].Items, para)
			} else {
				out = append(out, blockView{Kind: "ul", Items: [][]segment{para}})
			}
		default:
			out = append(out, blockView{Kind: b.kind, Segs: para})
		}
	}
	return out
}

// blank reports whether a paragraph has only white space and no mark.
func blank(para []segment) bool {
	for _, s := range para {
		if s.Mark || strings.TrimSpace(s.Text) != "" {
			return false
		}
	}
	return true
}

// trimEdges drops white space at the start and end of a paragraph's plain text, which the page
// would otherwise show as blank lines (case text keeps single line breaks visible).
func trimEdges(para []segment) []segment {
	if first := &para[0]; !first.Mark {
		first.Text = strings.TrimLeft(first.Text, " \t\r\n")
	}
	if last := &para[len(para)-1]; !last.Mark {
		last.Text = strings.TrimRight(last.Text, " \t\r\n")
	}
	return para
}

// links resolves what the decision page links to: cited principmeddelelser (stored ones open in
// Omgjort), cited provisions (as searches), the decisions citing this one, and the
// Historisk/Gældende pair. A failing lookup is logged and leaves its link out, never the page.
func (s *Server) links(r *http.Request, d *omgjort.Decision, p *decisionPage) {
	for _, c := range d.Citations {
		if c.Kind == omgjort.CitationDecision {
			p.Cited = append(p.Cited, s.cited(c.Number))
		}
	}
	seen := map[string]bool{}
	for _, pr := range omgjort.ProvisionsOf(d) {
		v := provisionOf(pr)
		if pr.Meta {
			p.MetaProvisions = append(p.MetaProvisions, v)
		}
		if !seen[v.Label] {
			seen[v.Label] = true
			p.Provisions = append(p.Provisions, v)
		}
	}
	if d.IsOwn() {
		return // nothing cites an own decision, and it has no Historisk/Gældende family
	}
	p.CitedBy = s.citedBy(r, d)
	if d.ReplacedBy != "" {
		l := s.decisionLink(d.ReplacedBy)
		p.ReplacedBy = &l
	} else if d.Status == omgjort.StatusHistorisk {
		p.HistoricWhy = "Ankestyrelsen har markeret principmeddelelsen som historisk: den er ikke længere udtryk for gældende praksis, fx fordi reglerne er ændret eller en nyere principmeddelelse har afløst den. Brug den kun som baggrund."
	}
	for _, id := range d.Replaces {
		p.Replaces = append(p.Replaces, s.decisionLink(id))
	}
}

// provisionOf names a provision's act and links it: to the act on retsinformation.dk when it is a
// known act, and to the search for decisions citing the provision.
func provisionOf(pr omgjort.Provision) provisionView {
	para := "§ " + pr.Section
	if strings.Contains(pr.Section, " og ") || strings.Contains(pr.Section, "-") {
		para = "§§ " + pr.Section
	}
	for _, q := range []struct{ word, v string }{{"stk.", pr.Stk}, {"nr.", pr.Nr}} {
		if q.v != "" {
			para += ", " + q.word + " " + q.v
		}
	}
	if pr.Pkt != "" {
		para += ", " + pr.Pkt + ". pkt."
	}
	if pr.Act == "" {
		return provisionView{Label: para, Para: para, NoAct: true, SearchHref: searchInput{Query: "§:" + strconv.Quote(para)}.href()}
	}
	v := provisionView{Para: para, ActTitle: strings.ToUpper(pr.Act[:1]) + pr.Act[1:]}
	if a, ok := omgjort.ActByName(pr.Act); ok {
		v.ActTitle, v.ActHref = a.Title(), a.URL()
	}
	v.Label = v.ActTitle + " " + para
	v.SearchHref = searchInput{Query: "§:" + strconv.Quote(pr.Act+" "+para)}.href()
	return v
}

// reference is the citation of a decision to copy into a letter or a note: number, title,
// journal number, publication date and Omgjort's permanent address.
func reference(d *omgjort.Decision, permalink string) string {
	parts := []string{}
	title := d.Title
	if title == "" {
		title = "Principmeddelelse " + d.Number
	}
	parts = append(parts, title)
	if d.Number != "" && !strings.Contains(title, d.Number) && !d.IsOwn() { // an own decision's number is its j.nr.
		parts = append(parts, "nr. "+d.Number)
	}
	if d.Journal != "" {
		parts = append(parts, "j.nr. "+d.Journal)
	}
	switch {
	case d.IsOwn():
		// An own decision was never published: its date is Ankestyrelsen's decision date.
		if date := cmp.Or(d.Signed, d.Published); date != "" {
			parts = append(parts, "afgjort "+danishDate(date))
		}
	case d.Published != "":
		parts = append(parts, "offentliggjort "+danishDate(d.Published))
	}
	parts = append(parts, permalink)
	return strings.Join(parts, ", ")
}

// cited resolves one cited number: the stored decision, or the source's overview of the year
// for a current-form number ("43-19" → ast.dk's 2019 list), or nothing to link to.
func (s *Server) cited(number string) citedView {
	v := citedView{Number: number}
	d, err := s.decisions.Decision(omgjort.NormalizeNumber(number))
	switch {
	case err == nil && d != nil && !d.IsOwn(): // a cited principmeddelelse is never an own decision
		v.Stored, v.Title, v.Href = true, d.Title, "/d/"+url.PathEscape(d.ID)
		return v
	case err != nil && !errors.Is(err, omgjort.ErrNotFound):
		s.log.Warn("server: resolve cited decision", "number", number, "error", err)
	}
	if y := numberYear(number); y != "" {
		v.External, v.Href = true, "https://www.ast.dk/for-myndigheder/principmeddelelser/"+y
	}
	return v
}

// numberYear is the four-digit year of a current-form number ("43-19" → "2019"), or "" for a
// legacy number, which ast.dk does not list by year.
func numberYear(number string) string {
	a, b, ok := strings.Cut(strings.ReplaceAll(number, "–", "-"), "-")
	if !ok || len(b) != 2 || a == "" || strings.ContainsAny(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return ""
	}
	if _, err := strconv.Atoi(a); err != nil {
		return ""
	}
	yy, err := strconv.Atoi(b)
	if err != nil {
		return ""
	}
	if yy >= 90 {
		return ""
	}
	return strconv.Itoa(2000 + yy)
}

// decisionLink links to a stored decision by ID, with its title when it can be read.
func (s *Server) decisionLink(id string) link {
	l := link{Label: "Principmeddelelse " + id, Href: "/d/" + url.PathEscape(id)}
	if d, err := s.decisions.Decision(id); err == nil && d != nil {
		l.Label = d.Title
		if l.Label == "" {
			l.Label = "Principmeddelelse " + d.Number
		}
	}
	return l
}

// citedBy finds the stored decisions that cite any of d's numbers, through the searcher.
func (s *Server) citedBy(r *http.Request, d *omgjort.Decision) []link {
	nums := append([]string{d.ID}, d.Numbers...)
	seen := map[string]bool{d.ID: true}
	done := map[string]bool{}
	var out []link
	for _, n := range nums {
		n = omgjort.NormalizeNumber(n)
		if n == "" || done[n] {
			continue
		}
		done[n] = true
		res, err := s.search.Search(r.Context(), omgjort.SearchRequest{Query: "citerer:" + n, Sort: "date", Size: maxCitedBy})
		if err != nil {
			s.log.Warn("server: cited by", "id", d.ID, "error", err)
			continue
		}
		for _, h := range res.Hits {
			if seen[h.ID] || len(out) >= maxCitedBy {
				continue
			}
			seen[h.ID] = true
			label := h.Title
			if label == "" {
				label = "Principmeddelelse " + h.Number
			}
			out = append(out, link{Label: label, Href: "/d/" + url.PathEscape(h.ID)})
		}
	}
	return out
}

// labelOf is an error type's name on the decision page; a label that blames nobody
// (nye_oplysninger) says so, so a reader does not count it against the first instance.
func labelOf(e omgjort.ErrorType) string {
	if !e.IsError() {
		return e.Label() + " (ikke en fejl)"
	}
	return e.Label()
}
