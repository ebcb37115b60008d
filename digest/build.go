// Package digest makes the weekly digest for team leaders: it builds it from the stored
// decisions and run records, renders it as a multipart mail (HTML with inline CSS and plain
// text) in Danish, and delivers it over SMTP exactly once per recipient and week.
package digest

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"omgjort"
)

// Source is what a digest is built from; the store implements it.
type Source interface {
	// ForEach calls fn for every current decision.
	ForEach(fn func(d *omgjort.Decision) error) error
	// Versions returns the older versions of a decision, oldest first.
	Versions(id string) ([]omgjort.Decision, error)
	// Runs returns the newest n run records, newest first.
	Runs(n int) ([]omgjort.CrawlRun, error)
}

// Options say which digest to build.
type Options struct {
	Week omgjort.Week
	// Laws limits the digest to decisions under one of these laws; empty for every law area.
	Laws []string
	// SiteURL is the public root of the Omgjort site ("https://omgjort.kommune.dk"), used for
	// links in the mail; without it, links go to the decision on ast.dk.
	SiteURL string
	// Now is the build time; time.Now when zero.
	Now time.Time
	// Location is the time zone weeks are cut in; Europe/Copenhagen when nil.
	Location *time.Location
	// From and Through are the span of store times the digest covers, (From, Through]; Window
	// computes them from the digests stored before. Zero From is the week's start; zero Through
	// is Now.
	From, Through time.Time
}

// Stored reads the digests built before; the store implements it.
type Stored interface {
	DigestFor(week omgjort.Week, laws []string) (*omgjort.Digest, error)
}

// windowWeeks is how far Window looks for the digests around a week.
const windowWeeks = 26

// Window is the span of store times the digest of week w covers, so that every decision a
// normal run stores is in exactly one digest: the next one built after it was stored, whatever
// its publication date. A digest already stored for w keeps its span (its page and the mails
// sent stay the same); otherwise the span starts where the newest earlier digest ended (or at
// the week's start) and ends at the next later digest's start, or now.
func Window(st Stored, w omgjort.Week, now time.Time, loc *time.Location) (from, through time.Time, err error) {
	if loc == nil {
		loc = time.UTC
	}
	if d, err := st.DigestFor(w, nil); err == nil && !d.From.IsZero() && !d.Through.IsZero() {
		return d.From, d.Through, nil
	} else if err != nil && !errors.Is(err, omgjort.ErrNotFound) {
		return time.Time{}, time.Time{}, err
	}
	from, through = w.Start(loc), now
	for i := 1; i <= windowWeeks; i++ {
		d, err := st.DigestFor(w.Add(-i), nil)
		if errors.Is(err, omgjort.ErrNotFound) {
			continue
		}
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if !d.Through.IsZero() {
			from = d.Through
		}
		break
	}
	for i := 1; i <= windowWeeks; i++ {
		d, err := st.DigestFor(w.Add(i), nil)
		if errors.Is(err, omgjort.ErrNotFound) {
			continue
		}
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if !d.From.IsZero() {
			through = d.From
		}
		break
	}
	if through.Before(from) {
		through = from
	}
	return from, through, nil
}

// runsScanned bounds how many run records are read to judge the sources and the backfills:
// several jobs run daily, and the error-type history looks 12 weeks back.
const runsScanned = 1000

// maxWhat is how many characters of evidence one digest line shows.
const maxWhat = 240

// historyWeeks is how many weeks before the digest's the error-type table compares with.
const historyWeeks = 12

// Build builds the digest of opt.Week over the decisions stored in (From, Through]: new ones
// (first stored in the span) and changed ones (a later version stored in it). What a source's
// first run or a --full/--since run stored is a backfill, summarised per source in one line.
func Build(src Source, opt Options) (*omgjort.Digest, error) {
	loc := opt.Location
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Europe/Copenhagen"); err != nil {
			return nil, fmt.Errorf("digest: build: %w", err)
		}
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	w := opt.Week
	from, through := opt.From, opt.Through
	if from.IsZero() {
		from = w.Start(loc)
	}
	if through.IsZero() {
		through = now
	}
	in := func(t time.Time) bool { return t.After(from) && !t.After(through) }
	dg := &omgjort.Digest{Week: w, WeekName: w.String(), Laws: opt.Laws, Generated: now, From: from, Through: through}
	runs, err := src.Runs(runsScanned)
	if err != nil {
		return nil, fmt.Errorf("digest: build %s: %w", w, err)
	}
	bf := backfills{runs: runs}
	backfilled := map[string]int{}
	newFrom := map[string]int{}
	// History: the reversed decisions stored (not backfilled) in the 12 weeks before the span.
	histStart := from.AddDate(0, 0, -7*historyWeeks)
	type typeCount struct{ prev4, prev12 int }
	history := map[omgjort.ErrorType]*typeCount{}
	var reversed []*omgjort.Decision
	ownErrors := map[omgjort.ErrorType]int{}

	err = src.ForEach(func(d *omgjort.Decision) error {
		if !lawMatch(d.Laws, opt.Laws) {
			return nil
		}
		if d.IsOwn() {
			// The municipality's own letters hold personal data: the digest, which is mailed
			// and shown on /digests, only counts them.
			if in(firstStored(d, nil)) {
				dg.OwnNew++
				decided := false
				for _, c := range d.Cases {
					if c.Outcome != omgjort.OutcomeAfvist && c.Outcome != omgjort.OutcomeUkendt {
						decided = true
					}
				}
				if decided {
					dg.OwnDecided++
				}
				if errs := reversedErrors(d); errs != nil {
					dg.OwnReversed++
					for t := range errs {
						ownErrors[t]++
					}
				}
			}
			return nil
		}
		var versions []omgjort.Decision
		if d.Version > 1 {
			var err error
			if versions, err = src.Versions(d.ID); err != nil {
				return err
			}
		}
		first := firstStored(d, versions)
		stores := storeTimes(d, versions)
		// The error-type history counts by the week a reversed version was stored.
		if errs := reversedErrors(d); errs != nil {
			for _, t := range stores {
				if t.Before(histStart) || !t.Before(from) || (t.Equal(first) && bf.is(first, d.Source)) {
					continue
				}
				for e := range errs {
					c := history[e]
					if c == nil {
						c = &typeCount{}
						history[e] = c
					}
					c.prev12++
					if !t.Before(from.AddDate(0, 0, -28)) {
						c.prev4++
					}
				}
			}
		}
		entry := entryOf(d, opt.SiteURL)
		switch {
		case in(first) && bf.is(first, d.Source):
			backfilled[sourceOf(d)]++
			return nil
		case in(first):
			dg.New = append(dg.New, entry)
			newFrom[sourceOf(d)]++
		case changedIn(stores[1:], in):
			dg.Changed = append(dg.Changed, entry)
		default:
			return nil
		}
		if hasReversedCase(d) {
			reversed = append(reversed, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("digest: build %s: %w", w, err)
	}
	sortEntries(dg.New)
	sortEntries(dg.Changed)
	for _, t := range omgjort.ErrorTypes {
		if n := ownErrors[t]; n > 0 {
			dg.OwnErrors = append(dg.OwnErrors, omgjort.OwnErrorCount{Type: t, Label: t.Label(), Count: n})
		}
	}
	sort.SliceStable(dg.OwnErrors, func(i, j int) bool { return dg.OwnErrors[i].Count > dg.OwnErrors[j].Count })
	sort.Slice(reversed, func(i, j int) bool { return newerFirst(reversed[i], reversed[j]) })
	dg.Reversed = len(reversed)
	dg.Groups = groups(reversed, opt.SiteURL)
	dg.Case = caseOfWeek(reversed, opt.SiteURL)
	// The week's column counts exactly the reversed decisions listed above it.
	week := map[omgjort.ErrorType]int{}
	for _, d := range reversed {
		for e := range reversedErrors(d) {
			week[e]++
		}
	}
	for _, t := range omgjort.ErrorTypes {
		h := history[t]
		if week[t] == 0 && h == nil {
			continue
		}
		c := omgjort.DigestCount{Type: t, Label: t.Label(), Week: week[t]}
		if h != nil {
			c.Prev4, c.Prev12 = h.prev4, h.prev12
		}
		dg.Counts = append(dg.Counts, c)
	}
	dg.Sources = omgjort.SourceChecks(runs, now)
	for i := range dg.Sources {
		dg.Sources[i].New = newFrom[dg.Sources[i].Source]
		dg.Sources[i].Backfill = backfilled[dg.Sources[i].Source]
	}
	for _, s := range omgjort.CrawlSources {
		if n := backfilled[s.ID]; n > 0 {
			dg.Backfill = append(dg.Backfill, omgjort.BackfillLine{Source: s.ID, Name: s.Name, Count: n})
		}
	}
	for _, sc := range dg.Sources {
		dg.SourceLines = append(dg.SourceLines, FreshnessLine(sc, now, loc))
	}
	dg.Subject = subject(dg)
	return dg, nil
}

// sourceOf is the crawl source a decision is counted under: its first source.
func sourceOf(d *omgjort.Decision) string {
	s, _, _ := strings.Cut(d.Source, ",")
	if s == "" {
		return "astdk"
	}
	return strings.TrimSpace(s)
}

// firstStored is when the decision was first stored; for records from before the store kept
// that time, the first version's fetch time stands in.
func firstStored(d *omgjort.Decision, versions []omgjort.Decision) time.Time {
	if !d.FirstStored.IsZero() {
		return d.FirstStored
	}
	if len(versions) > 0 {
		if !versions[0].FirstStored.IsZero() {
			return versions[0].FirstStored
		}
		return versions[0].FetchedAt
	}
	return d.FetchedAt
}

// storeTimes are the times each version was stored, oldest first; the first is firstStored.
func storeTimes(d *omgjort.Decision, versions []omgjort.Decision) []time.Time {
	out := []time.Time{firstStored(d, versions)}
	for _, v := range append(append([]omgjort.Decision(nil), versions...), *d) {
		if v.Version <= 1 {
			continue
		}
		t := v.Stored
		if t.IsZero() {
			t = v.FetchedAt
		}
		out = append(out, t)
	}
	return out
}

// changedIn reports whether a later version was stored in the span.
func changedIn(later []time.Time, in func(time.Time) bool) bool {
	for _, t := range later {
		if in(t) {
			return true
		}
	}
	return false
}

// backfills tells whether a decision stored at a time was stored by a backfill run: a run
// marked so (--full, --since), or the first run of its job that succeeded (the first crawl of
// a source stores everything the source has).
type backfills struct{ runs []omgjort.CrawlRun }

func (b backfills) is(t time.Time, source string) bool {
	var hit *omgjort.CrawlRun
	for i := range b.runs {
		r := &b.runs[i]
		if omgjort.RunSource(*r) == "" || r.Started.After(t) {
			continue
		}
		if !r.Ended.IsZero() && t.After(r.Ended) {
			continue
		}
		if hit == nil || omgjort.RunSource(*r) == sourceOfName(source) {
			hit = r
		}
	}
	if hit == nil {
		return false
	}
	if hit.Backfill {
		return true
	}
	for _, r := range b.runs {
		if r.Job == hit.Job && r.Started.Before(hit.Started) && r.Succeeded() {
			return false
		}
	}
	return true
}

func sourceOfName(s string) string {
	s, _, _ = strings.Cut(s, ",")
	return strings.TrimSpace(s)
}

func weekBefore(a, b omgjort.Week) bool {
	return a.Year < b.Year || (a.Year == b.Year && a.Num < b.Num)
}

// lawMatch reports whether a decision under laws passes the filter: some law equals or contains
// a filter term, ignoring case. An empty filter passes everything.
func lawMatch(laws, filter []string) bool {
	if len(filter) == 0 {
		return true
	}
	for _, l := range laws {
		l = strings.ToLower(l)
		for _, f := range filter {
			if f = strings.ToLower(strings.TrimSpace(f)); f != "" && strings.Contains(l, f) {
				return true
			}
		}
	}
	return false
}

func hasReversedCase(d *omgjort.Decision) bool {
	for _, c := range d.Cases {
		if c.Outcome.Reversed() {
			return true
		}
	}
	return false
}

// reversedErrors is the set of error types on the decision's reversed cases; nil when the
// decision has no reversed case.
func reversedErrors(d *omgjort.Decision) map[omgjort.ErrorType]bool {
	if !hasReversedCase(d) {
		return nil
	}
	set := map[omgjort.ErrorType]bool{}
	for _, c := range d.Cases {
		if !c.Outcome.Reversed() {
			continue
		}
		for _, e := range c.Errors {
			set[e.Type] = true
		}
	}
	return set
}

// link is where a digest line points: the decision on this site when its address is known,
// else the published page.
func link(siteURL string, d *omgjort.Decision) string {
	if siteURL != "" {
		return strings.TrimRight(siteURL, "/") + "/d/" + d.ID
	}
	return d.URL
}

func newerFirst(a, b *omgjort.Decision) bool {
	if a.Published != b.Published {
		return a.Published > b.Published
	}
	return a.ID < b.ID
}

func sortEntries(es []omgjort.DigestEntry) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Published != es[j].Published {
			return es[i].Published > es[j].Published
		}
		return es[i].ID < es[j].ID
	})
}

func entryOf(d *omgjort.Decision, siteURL string) omgjort.DigestEntry {
	return omgjort.DigestEntry{ID: d.ID, Number: d.Number, Title: d.Title, URL: link(siteURL, d),
		Published: d.Published, Laws: d.Laws, Outcome: d.Outcome, Errors: d.Errors, Version: d.Version,
		ToCheck: slices.ContainsFunc(d.Cases, func(c omgjort.Case) bool { return c.OutcomeToCheck() })}
}

// groups puts each reversed decision under every error type of its reversed cases, one line per
// decision and type, with the evidence that shows the error. Reversed decisions without an error
// label go in a last group with the outcome's evidence.
func groups(reversed []*omgjort.Decision, siteURL string) []omgjort.DigestGroup {
	byType := map[omgjort.ErrorType][]omgjort.DigestLine{}
	var none []omgjort.DigestLine
	for _, d := range reversed {
		found := false
		for _, t := range omgjort.ErrorTypes {
			if what, ok := evidenceFor(d, t); ok {
				found = true
				byType[t] = append(byType[t], omgjort.DigestLine{DigestEntry: entryOf(d, siteURL), What: what})
			}
		}
		if !found {
			none = append(none, omgjort.DigestLine{DigestEntry: entryOf(d, siteURL), What: outcomeEvidence(d)})
		}
	}
	var out []omgjort.DigestGroup
	for _, t := range omgjort.ErrorTypes {
		if lines := byType[t]; len(lines) > 0 {
			out = append(out, omgjort.DigestGroup{Type: t, Label: t.Label(), Lines: lines})
		}
	}
	if len(none) > 0 {
		out = append(out, omgjort.DigestGroup{Label: "Uden angivet fejltype", Lines: none})
	}
	return out
}

// evidenceFor returns the first evidence for error type t on a reversed case of d.
func evidenceFor(d *omgjort.Decision, t omgjort.ErrorType) (string, bool) {
	for _, c := range d.Cases {
		if !c.Outcome.Reversed() {
			continue
		}
		for _, e := range c.Errors {
			if e.Type != t {
				continue
			}
			for _, ev := range e.Evidence {
				if s := shorten(ev.Text, maxWhat); s != "" {
					return s, true
				}
			}
			return "Fejltypen er sat, men uden et citat – se afgørelsen.", true
		}
	}
	return "", false
}

func outcomeEvidence(d *omgjort.Decision) string {
	for _, c := range d.Cases {
		if !c.Outcome.Reversed() {
			continue
		}
		for _, ev := range c.OutcomeEvidence {
			if s := shorten(ev.Text, maxWhat); s != "" {
				return s
			}
		}
	}
	return "Ankestyrelsen " + strings.ToLower(d.Outcome.Label()) + " afgørelsen; fejlen er ikke mærket – se begrundelsen."
}

// caseOfWeek picks the reversed decision with the most invalidating error types over its
// reversed cases; ties go to the newest published, then the lowest ID. None when no reversed
// decision has one. The count it states is the number of error types it lists.
func caseOfWeek(reversed []*omgjort.Decision, siteURL string) *omgjort.CaseOfWeek {
	var best *omgjort.CaseOfWeek
	for _, d := range reversed { // already newest first, so a strict > keeps the tie-break
		cw := &omgjort.CaseOfWeek{DigestEntry: entryOf(d, siteURL)}
		for _, t := range omgjort.InvalidatingErrors {
			if what, ok := evidenceFor(d, t); ok {
				cw.Lines = append(cw.Lines, omgjort.DigestLine{DigestEntry: omgjort.DigestEntry{Errors: []omgjort.ErrorType{t}}, What: what})
			}
		}
		cw.Invalidating = len(cw.Lines)
		if cw.Invalidating > 0 && (best == nil || cw.Invalidating > best.Invalidating) {
			best = cw
		}
	}
	return best
}

// shorten collapses white space and cuts s to at most n characters at a word boundary.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + " …"
}

// subject is the mail's subject line: the week and what came, with a warning first when a
// source failed or went stale. Its numbers are the Summary's.
func subject(d *omgjort.Digest) string {
	var b strings.Builder
	if !d.Healthy() {
		b.WriteString("ADVARSEL: kilden er ikke opdateret – ")
	}
	fmt.Fprintf(&b, "Omgjort uge %d, %d: ", d.Week.Num, d.Week.Year)
	switch {
	case len(d.New)+len(d.Changed) > 0:
		b.WriteString(omgjort.CountOf(len(d.New), "ny afgørelse", "nye afgørelser"))
		if len(d.Changed) > 0 {
			b.WriteString(", " + omgjort.CountOf(len(d.Changed), "ændret", "ændrede"))
		}
		if d.Reversed == 0 {
			b.WriteString(", ingen omgjorte")
		} else {
			b.WriteString(", " + omgjort.CountOf(d.Reversed, "omgjort", "omgjorte"))
		}
	case len(d.Backfill) > 0:
		n := 0
		for _, x := range d.Backfill {
			n += x.Count
		}
		b.WriteString("indlæsning af " + omgjort.CountOf(n, "afgørelse", "afgørelser"))
	default:
		b.WriteString("ingen nye afgørelser")
	}
	if len(d.Laws) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(d.Laws, ", "))
	}
	return b.String()
}
