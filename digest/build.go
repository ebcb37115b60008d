// Package digest makes the weekly digest for team leaders: it builds it from the stored
// decisions and run records, renders it as a multipart mail (HTML with inline CSS and plain
// text) in Danish, and delivers it over SMTP exactly once per recipient and week.
package digest

import (
	"fmt"
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
}

// runsScanned bounds how many run records are read to judge the sources: several jobs run daily,
// and the staleness rule looks 8 days back.
const runsScanned = 500

// maxWhat is how many characters of evidence one digest line shows.
const maxWhat = 240

// Build builds the digest of opt.Week. A decision belongs to the week it was published in (the
// signing date, then the first fetch, stand in when a page has no publication date); it is
// "changed" in the week when a new version of an older decision was stored in it.
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
	dg := &omgjort.Digest{Week: w, WeekName: w.String(), Laws: opt.Laws, Generated: now}
	first12 := w.Add(-12)
	type typeCount struct{ week, prev4, prev12 int }
	counts := map[omgjort.ErrorType]*typeCount{}
	var reversed []*omgjort.Decision

	err := src.ForEach(func(d *omgjort.Decision) error {
		// The digest is mailed and shown at /digests without sign-in: published decisions
		// only, never the municipality's own (personal data, issue 11).
		if d.IsOwn() || !lawMatch(d.Laws, opt.Laws) {
			return nil
		}
		var versions []omgjort.Decision
		if d.Version > 1 {
			var err error
			if versions, err = src.Versions(d.ID); err != nil {
				return err
			}
		}
		home := homeWeek(d, versions, loc)
		// Error-type counts over the week and the 12 before it, by publication week.
		if !home.IsZero() && !weekBefore(home, first12) && !weekBefore(w, home) && reversedErrors(d) != nil {
			for t := range reversedErrors(d) {
				c := counts[t]
				if c == nil {
					c = &typeCount{}
					counts[t] = c
				}
				switch {
				case home == w:
					c.week++
				case !weekBefore(home, w.Add(-4)):
					c.prev4++
					c.prev12++
				default:
					c.prev12++
				}
			}
		}
		entry := entryOf(d, opt.SiteURL)
		switch {
		case home == w:
			dg.New = append(dg.New, entry)
		case changedIn(d, versions, w, loc):
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
	sort.Slice(reversed, func(i, j int) bool { return newerFirst(reversed[i], reversed[j]) })
	dg.Reversed = len(reversed)
	dg.Groups = groups(reversed, opt.SiteURL)
	dg.Case = caseOfWeek(reversed, opt.SiteURL)
	for _, t := range omgjort.ErrorTypes {
		if c := counts[t]; c != nil {
			dg.Counts = append(dg.Counts, omgjort.DigestCount{Type: t, Label: t.Label(), Week: c.week, Prev4: c.prev4, Prev12: c.prev12})
		}
	}
	runs, err := src.Runs(runsScanned)
	if err != nil {
		return nil, fmt.Errorf("digest: build %s: %w", w, err)
	}
	dg.Sources = omgjort.SourceChecks(runs, now)
	for i := range dg.Sources {
		dg.Sources[i].New = countNewFrom(runs, dg.Sources[i].Source, w, loc)
	}
	dg.Subject = subject(dg)
	return dg, nil
}

// countNewFrom adds up the decisions that the source's runs in the week stored for the first time.
func countNewFrom(runs []omgjort.CrawlRun, source string, w omgjort.Week, loc *time.Location) int {
	n := 0
	for _, r := range runs {
		if omgjort.RunSource(r) == source && r.Result != omgjort.RunRunning && w.Contains(r.Started, loc) {
			n += r.New
		}
	}
	return n
}

// homeWeek is the week a decision belongs to: its publication week, else its signing week, else
// the week its first version was fetched.
func homeWeek(d *omgjort.Decision, versions []omgjort.Decision, loc *time.Location) omgjort.Week {
	for _, ymd := range []string{d.Published, d.Signed} {
		if t, err := time.ParseInLocation(time.DateOnly, ymd, loc); err == nil {
			return omgjort.WeekOf(t)
		}
	}
	first := d.FetchedAt
	if len(versions) > 0 {
		first = versions[0].FetchedAt
	}
	if first.IsZero() {
		return omgjort.Week{}
	}
	return omgjort.WeekOf(first.In(loc))
}

// changedIn reports whether a version after the first was stored in week w.
func changedIn(d *omgjort.Decision, versions []omgjort.Decision, w omgjort.Week, loc *time.Location) bool {
	if d.Version > 1 && w.Contains(d.FetchedAt, loc) {
		return true
	}
	for _, v := range versions {
		if v.Version > 1 && w.Contains(v.FetchedAt, loc) {
			return true
		}
	}
	return false
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
		Published: d.Published, Laws: d.Laws, Outcome: d.Outcome, Errors: d.Errors, Version: d.Version}
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

// caseOfWeek picks the reversed decision with the most invalidating error labels over its
// reversed cases; ties go to the newest published, then the lowest ID. None when no reversed
// decision has an invalidating error.
func caseOfWeek(reversed []*omgjort.Decision, siteURL string) *omgjort.CaseOfWeek {
	var best *omgjort.Decision
	bestN := 0
	for _, d := range reversed { // already newest first, so a strict > keeps the tie-break
		n := 0
		for _, c := range d.Cases {
			if !c.Outcome.Reversed() {
				continue
			}
			for _, e := range c.Errors {
				if e.Type.Invalidating() {
					n++
				}
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	if best == nil {
		return nil
	}
	cw := &omgjort.CaseOfWeek{DigestEntry: entryOf(best, siteURL), Invalidating: bestN}
	for _, t := range omgjort.InvalidatingErrors {
		if what, ok := evidenceFor(best, t); ok {
			cw.Lines = append(cw.Lines, omgjort.DigestLine{DigestEntry: omgjort.DigestEntry{Errors: []omgjort.ErrorType{t}}, What: what})
		}
	}
	return cw
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

// subject is the mail's subject line: the week, what was reversed, and a warning first when a
// source failed or went stale.
func subject(d *omgjort.Digest) string {
	var b strings.Builder
	if !d.Healthy() {
		b.WriteString("ADVARSEL: kilden er ikke opdateret – ")
	}
	fmt.Fprintf(&b, "Omgjort uge %d, %d: ", d.Week.Num, d.Week.Year)
	switch d.Reversed {
	case 0:
		b.WriteString("ingen omgjorte afgørelser")
	case 1:
		b.WriteString("1 omgjort afgørelse")
	default:
		fmt.Fprintf(&b, "%d omgjorte afgørelser", d.Reversed)
	}
	fmt.Fprintf(&b, ", %d %s", len(d.New), plural(len(d.New), "ny", "nye"))
	if len(d.Laws) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(d.Laws, ", "))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
