package omgjort

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO 8601 week ("2026-W47"): the unit a digest covers, so that team leaders get one
// digest per working week and every week has exactly one stable name in URLs and mail subjects.
type Week struct {
	Year int
	Num  int
}

// ErrBadWeek is returned by ParseWeek for text that is not a yyyy-Www week.
var ErrBadWeek = errors.New("not an ISO week of the form 2026-W47")

// ParseWeek parses "2026-W47" (also lower-case "2026-w47"); the week must exist in that year.
func ParseWeek(s string) (Week, error) {
	y, w, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-W")
	if !ok || len(y) != 4 || len(w) != 2 {
		return Week{}, fmt.Errorf("%q: %w", s, ErrBadWeek)
	}
	year, err1 := strconv.Atoi(y)
	num, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || num < 1 || num > 53 {
		return Week{}, fmt.Errorf("%q: %w", s, ErrBadWeek)
	}
	wk := Week{Year: year, Num: num}
	// Week 53 exists only in some years: its Monday must still belong to the same ISO year.
	if got := WeekOf(wk.Start(time.UTC)); got != wk {
		return Week{}, fmt.Errorf("%q: %w (the year has no such week)", s, ErrBadWeek)
	}
	return wk, nil
}

// WeekOf returns the ISO week t falls in, in t's own location.
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{Year: y, Num: w}
}

// String formats the week as "2026-W47".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// IsZero reports whether w is the zero Week.
func (w Week) IsZero() bool { return w.Year == 0 && w.Num == 0 }

// Start is Monday 00:00 of the week in loc.
func (w Week) Start(loc *time.Location) time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, loc)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -offset+(w.Num-1)*7)
}

// End is the Monday 00:00 after the week in loc (exclusive).
func (w Week) End(loc *time.Location) time.Time { return w.Start(loc).AddDate(0, 0, 7) }

// Add returns the week n weeks later (earlier for negative n).
func (w Week) Add(n int) Week { return WeekOf(w.Start(time.UTC).AddDate(0, 0, 7*n)) }

// Contains reports whether t falls in the week, judged in loc.
func (w Week) Contains(t time.Time, loc *time.Location) bool {
	return !t.Before(w.Start(loc)) && t.Before(w.End(loc))
}

// InvalidatingErrors are the error types that can make a decision invalid (ugyldig): the
// "case of the week" is chosen by how many of them a reversed decision has.
var InvalidatingErrors = []ErrorType{ErrSagsoplysning, ErrPartshoering, ErrBegrundelse}

// Invalidating reports whether e is one of InvalidatingErrors.
func (e ErrorType) Invalidating() bool {
	for _, x := range InvalidatingErrors {
		if x == e {
			return true
		}
	}
	return false
}

// DigestEntry is one decision in a digest: enough to list it and link to it without loading
// the decision again.
type DigestEntry struct {
	ID        string      `json:"id"`
	Number    string      `json:"number"`
	Title     string      `json:"title"`
	URL       string      `json:"url"` // the decision's page on this site
	Published string      `json:"published"`
	Laws      []string    `json:"laws,omitempty"`
	Outcome   Outcome     `json:"outcome"`
	Errors    []ErrorType `json:"errors,omitempty"`
	// Version is the stored version; above 1 for a changed decision.
	Version int `json:"version,omitempty"`
	// ToCheck: the outcome of one of its cases should be checked (Case.OutcomeToCheck), so the
	// digest says "bør tjekkes" beside it.
	ToCheck bool `json:"to_check,omitempty"`
}

// DigestLine is one reversed decision under one error type: what went wrong, in the words of
// the evidence, with a link.
type DigestLine struct {
	DigestEntry
	// What is the evidence sentence that shows the error (or the outcome, when the case has no
	// error label), shortened for a mail.
	What string `json:"what"`
}

// DigestGroup is the reversed decisions of one error type. Type is empty for reversed
// decisions without any error label.
type DigestGroup struct {
	Type  ErrorType    `json:"type"`
	Label string       `json:"label"`
	Lines []DigestLine `json:"lines"`
}

// DigestCount compares how often an error type appeared in reversed decisions this week with
// the weekly average over the 4 and 12 weeks before.
type DigestCount struct {
	Type  ErrorType `json:"type"`
	Label string    `json:"label"`
	Week  int       `json:"week"`
	// Prev4 and Prev12 are the totals over the 4 and 12 weeks before the digest's week.
	Prev4  int `json:"prev4"`
	Prev12 int `json:"prev12"`
}

// CaseOfWeek is the reversed decision with the most errors of the invalidating kinds.
type CaseOfWeek struct {
	DigestEntry
	// Invalidating counts the invalidating error types it has, which are exactly the Lines, so
	// the number the digest states is the number of errors it lists.
	Invalidating int `json:"invalidating"`
	// Lines say what went wrong, one per invalidating error type.
	Lines []DigestLine `json:"lines"`
}

// Avg4 is the weekly average over the 4 weeks before, as the digest writes it ("1,5").
func (c DigestCount) Avg4() string { return DanishAverage(c.Prev4, 4) }

// Avg12 is the weekly average over the 12 weeks before.
func (c DigestCount) Avg12() string { return DanishAverage(c.Prev12, 12) }

// DanishAverage formats total/weeks as a Danish decimal with one digit ("1,5", "0").
func DanishAverage(total, weeks int) string {
	if weeks == 0 {
		return "0"
	}
	s := strconv.FormatFloat(float64(total)/float64(weeks), 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1)
}

// Thousands writes n with Danish thousands separators ("1.234").
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// CountOf writes a count with the noun agreeing in number, the one place Danish agreement is
// decided ("1 ny afgørelse", "2 nye afgørelser", "1 omgjort", "2 omgjorte").
func CountOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Thousands(n) + " " + many
}

// BackfillLine is what one source's first run, or a --full/--since run, stored in the digest's
// span: summarised in one line, because hundreds of old decisions are not news.
type BackfillLine struct {
	Source string `json:"source"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
}

// Text is the line the digest prints.
func (b BackfillLine) Text() string {
	return fmt.Sprintf("Indlæsning fra %s: %s hentet på én gang (første hentning eller fuld genhentning). De står ikke enkeltvis i ugebrevet; find dem med søgningen.",
		b.Name, CountOf(b.Count, "afgørelse blev", "afgørelser blev"))
}

// Empty reports whether nothing new reached the store in the digest's span: no new, changed or
// backfilled decision.
func (d *Digest) Empty() bool {
	return len(d.New) == 0 && len(d.Changed) == 0 && len(d.Backfill) == 0 && d.OwnNew == 0
}

// Listed reports whether the digest lists any decision (new or changed).
func (d *Digest) Listed() bool { return len(d.New)+len(d.Changed) > 0 }

// Summary is the digest's first sentence, the same on the page, in the mail and in the feed.
func (d *Digest) Summary() string {
	if d.Empty() {
		return "Ingen nye afgørelser i ugen."
	}
	n := 0
	for _, b := range d.Backfill {
		n += b.Count
	}
	var s string
	if d.Listed() {
		parts := []string{CountOf(len(d.New), "ny afgørelse", "nye afgørelser")}
		if len(d.Changed) > 0 {
			parts = append(parts, CountOf(len(d.Changed), "ændret", "ændrede"))
		}
		s = strings.Join(parts, " og ")
		if d.Reversed == 0 {
			s += ", ingen af dem omgjort."
		} else {
			s += ", heraf " + CountOf(d.Reversed, "omgjort", "omgjorte") + "."
		}
		if n > 0 {
			s += " Desuden " + CountOf(n, "afgørelse", "afgørelser") + " fra en indlæsning."
		}
	} else {
		s = "Ingen nye afgørelser at liste i ugen."
		if n > 0 {
			s += " " + CountOf(n, "afgørelse", "afgørelser") + " kom ved en indlæsning."
		}
	}
	if d.OwnNew > 0 {
		s += " " + CountOf(d.OwnNew, "egen afgørelse", "egne afgørelser") + " blev importeret (se \u201cJeres egne omgjorte afgørelser\u201d)."
	}
	return s
}

// SourceCheck is how one source stood when the digest was made: when it was last checked, how
// much came, and whether it failed or went stale, so the digest says loudly when its own input
// is incomplete.
type SourceCheck struct {
	Source string `json:"source"`
	Name   string `json:"name"`
	// LastOK is when the newest successful crawl ended; zero when there is none.
	LastOK time.Time `json:"last_ok,omitzero"`
	// New counts the digest's new decisions from the source; Backfill those it summarises.
	New      int  `json:"new"`
	Backfill int  `json:"backfill,omitempty"`
	Failed   bool `json:"failed"`
	// FailedAt is when the failed newest run ended.
	FailedAt time.Time `json:"failed_at,omitzero"`
	// Stale is true when no crawl of the source succeeded in StaleAfter.
	Stale bool   `json:"stale"`
	Error string `json:"error,omitempty"`
}

// StaleAfter is how long a source may go without a successful crawl before every page and the
// digest show it in red.
const StaleAfter = 8 * 24 * time.Hour

// Digest is the weekly digest for team leaders: what came, what was reversed and why, how this
// week compares, one case to discuss, and whether the sources could be trusted.
type Digest struct {
	Week Week `json:"-"`
	// WeekName is Week as text, the digest's key ("2026-W47").
	WeekName string `json:"week"`
	// Laws is the law-area filter the digest was made with; empty for all areas.
	Laws      []string  `json:"laws,omitempty"`
	Generated time.Time `json:"generated"`
	// From and Through are the span of store times the digest covers, (From, Through]: every
	// decision stored by a normal run is in exactly one digest, the next built after it.
	From    time.Time     `json:"from,omitzero"`
	Through time.Time     `json:"through,omitzero"`
	New     []DigestEntry `json:"new"`
	Changed []DigestEntry `json:"changed"`
	// Backfill summarises, per source, what a first or --full/--since run stored in the span.
	Backfill []BackfillLine `json:"backfill,omitempty"`
	// OwnNew counts the municipality's own decision letters imported in the span: counted, never
	// listed, since the digest is mailed and public and they hold personal data.
	OwnNew int `json:"own_new,omitempty"`
	// OwnDecided counts those of OwnNew with a decided case (not only afvist or ukendt), and
	// OwnReversed those with a reversed case (ændret, ophævet, hjemvist): the municipality's own
	// reversal rate, under its own heading ("Jeres egne omgjorte afgørelser"), never mixed into
	// the published counts.
	OwnDecided  int `json:"own_decided,omitempty"`
	OwnReversed int `json:"own_reversed,omitempty"`
	// OwnErrors counts the error types of the reversed own decisions, most frequent first.
	OwnErrors []OwnErrorCount `json:"own_errors,omitempty"`
	// SourceLines are the sentences on the sources' state, as the page and the mail print them.
	SourceLines []string `json:"source_lines,omitempty"`
	// Reversed counts the reversed decisions (new or changed) in the week.
	Reversed int             `json:"reversed"`
	Groups   []DigestGroup   `json:"groups"`
	Counts   []DigestCount   `json:"counts"`
	Case     *CaseOfWeek     `json:"case_of_week,omitempty"`
	Sources  []SourceCheck   `json:"sources"`
	Subject  string          `json:"subject"`
	Rendered *RenderedDigest `json:"rendered,omitempty"`
	// Alerts are the recipient's weekly saved-search alerts, rendered as their own section of
	// that recipient's mail only; never stored with the digest (it is shared and shown on
	// /digests), hence no JSON.
	Alerts []DigestAlert `json:"-"`
}

// OwnErrorCount is one error type of the municipality's own reversed decisions in a digest:
// a count, never a decision.
type OwnErrorCount struct {
	Type  ErrorType `json:"type"`
	Label string    `json:"label"`
	Count int       `json:"count"`
}

// OwnLine says in Danish how the municipality's own decisions imported in the span went — the
// line under "Jeres egne omgjorte afgørelser" — or "" when none were imported.
func (d *Digest) OwnLine() string {
	if d.OwnNew == 0 {
		return ""
	}
	s := CountOf(d.OwnNew, "egen afgørelse", "egne afgørelser") + " fra Ankestyrelsen blev importeret i perioden"
	if d.OwnDecided > 0 {
		s += fmt.Sprintf(", og %s blev omgjort (%d %% af %s)", Thousands(d.OwnReversed), (100*d.OwnReversed+d.OwnDecided/2)/d.OwnDecided,
			CountOf(d.OwnDecided, "behandlet", "behandlede"))
	}
	s += "."
	if len(d.OwnErrors) > 0 {
		var parts []string
		for _, e := range d.OwnErrors {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(e.Label), e.Count))
		}
		s += " Fejltyper i de omgjorte: " + strings.Join(parts, ", ") + "."
	}
	return s
}

// DigestAlert is one saved search's section in a mail: the published decisions new to it and
// the number of new own decisions, which a mail only counts (they hold personal data).
type DigestAlert struct {
	// Name is the name the user gave the saved search.
	Name string
	// SearchURL runs the saved search on the site.
	SearchURL string
	// Total counts every new decision, the own ones included.
	Total int
	// Entries are the new published decisions, newest first.
	Entries []DigestEntry
	// Own counts the new own decisions; OwnText says so in Danish, with OwnURL to sign in.
	Own     int
	OwnText string
	OwnURL  string
	// UnsubscribeURL stops this alert without signing in.
	UnsubscribeURL string
}

// RenderedDigest is the digest as it was mailed: the HTML and plain-text bodies.
type RenderedDigest struct {
	HTML string `json:"html"`
	Text string `json:"text"`
}

// Healthy reports whether every source was checked successfully and recently.
func (d *Digest) Healthy() bool {
	for _, s := range d.Sources {
		if s.Failed || s.Stale {
			return false
		}
	}
	return true
}

// Recipient is one team leader who gets the digest, optionally only for some law areas.
type Recipient struct {
	Email string `json:"email"`
	// Laws restricts the digest to decisions under one of these laws (case-insensitive); empty
	// means every law area.
	Laws []string `json:"laws,omitempty"`
}

// ParseRecipients parses "a@x.dk,b@y.dk=Aktivloven|Sygedagpengeloven": a comma-separated list of
// addresses, each optionally followed by "=" and law areas separated by "|".
func ParseRecipients(s string) ([]Recipient, error) {
	var out []Recipient
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		addr, laws, _ := strings.Cut(part, "=")
		addr = strings.TrimSpace(addr)
		at := strings.LastIndexByte(addr, '@')
		if at < 1 || at == len(addr)-1 || strings.ContainsAny(addr, " <>\"") {
			return nil, fmt.Errorf("recipient %q is not an e-mail address", addr)
		}
		key := strings.ToLower(addr)
		if seen[key] {
			return nil, fmt.Errorf("recipient %q is listed twice", addr)
		}
		seen[key] = true
		r := Recipient{Email: addr}
		for _, l := range strings.Split(laws, "|") {
			if l = strings.TrimSpace(l); l != "" {
				r.Laws = append(r.Laws, l)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// SendState is where the delivery of one digest to one recipient stands.
type SendState string

// The states of a send. A send moves pending → sending → sent, or ends failed; a crash leaves it
// pending or sending, and the next run resumes it.
const (
	// SendPending: the intent is recorded, nothing has been handed to the SMTP server yet.
	SendPending SendState = "pending"
	// SendSending: the message is being handed over; a crash here means the server may or may
	// not have accepted it, so a resend reuses the same Message-ID.
	SendSending SendState = "sending"
	// SendSent: the SMTP server accepted the message.
	SendSent SendState = "sent"
	// SendFailed: the server refused it permanently, or transient errors outlasted the retries.
	SendFailed SendState = "failed"
)

// Send records the delivery of one week's digest to one recipient, so a re-run, a crash or a
// restart sends nothing twice and misses no one.
type Send struct {
	Week      string    `json:"week"`
	Recipient string    `json:"recipient"`
	MessageID string    `json:"message_id"`
	State     SendState `json:"state"`
	Attempts  int       `json:"attempts"`
	// Permanent is true when the failure was a permanent SMTP refusal (5xx).
	Permanent bool      `json:"permanent,omitempty"`
	Error     string    `json:"error,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// CrawlSources are the sources Omgjort crawls, in display order, with their Danish names.
var CrawlSources = []struct{ ID, Name string }{{"astdk", "ast.dk"}, {"retsinformation", "retsinformation.dk"}}

// RunSource is the crawl source a run fed, or "" for a run of another job (digest, backup). A
// run without a source that is not named as another job counts as an ast.dk crawl, the only
// source older records know.
func RunSource(r CrawlRun) string {
	switch {
	case r.Source != "":
		return r.Source
	case r.Job == "" || strings.HasPrefix(r.Job, "crawl"):
		return "astdk"
	}
	return ""
}

// SourceChecks judges each source from the newest runs (newest first): when it last succeeded,
// whether its newest finished run failed, and whether it went StaleAfter without success. A
// source without runs is listed only if it is ast.dk, the one every installation crawls.
func SourceChecks(runs []CrawlRun, now time.Time) []SourceCheck {
	var out []SourceCheck
	for _, s := range CrawlSources {
		sc := SourceCheck{Source: s.ID, Name: s.Name}
		seen, judged := false, false
		for _, r := range runs {
			if RunSource(r) != s.ID {
				continue
			}
			seen = true
			if r.Result == RunRunning {
				continue
			}
			if !judged {
				judged = true
				if r.Result == RunFailed {
					sc.Failed = true
					sc.Error = r.Error
					sc.FailedAt = r.Ended
					if sc.FailedAt.IsZero() {
						sc.FailedAt = r.Started
					}
				}
			}
			if r.Succeeded() {
				sc.LastOK = r.Ended
				if sc.LastOK.IsZero() {
					sc.LastOK = r.Started
				}
				break
			}
		}
		if !seen && s.ID != "astdk" {
			continue
		}
		sc.Stale = sc.LastOK.IsZero() || now.Sub(sc.LastOK) > StaleAfter
		out = append(out, sc)
	}
	return out
}
