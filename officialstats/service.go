package officialstats

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"omgjort"
)

// OwnSource is the Source of the municipality's own decision letters (issue 12).
const OwnSource = "egen"

// similarCount is how many municipalities nearest ours in size make up the comparison group.
const similarCount = 10

// Store is where the statistics are kept; the store package implements it.
type Store interface {
	OfficialImports() ([]omgjort.OfficialImport, error)
	OfficialRows() ([]omgjort.OfficialRow, error)
	// ReplaceOfficial stores imp with its rows, removes the imports in replace and sets our
	// municipality (when not empty), all in one transaction.
	ReplaceOfficial(imp omgjort.OfficialImport, rows []omgjort.OfficialRow, replace []string, ours string) error
	OurMunicipality() (string, error)
	// ForEachFromSource calls fn for every current decision from the source.
	ForEachFromSource(source string, fn func(d *omgjort.Decision) error) error
}

// Service imports statistics files and compares; it implements omgjort.OfficialStats.
type Service struct {
	store Store
	now   func() time.Time
	// mu makes the overlap check and the write one step, so two uploads cannot both pass it.
	mu sync.Mutex
}

// New returns a service over the store.
func New(st Store) *Service { return &Service{store: st, now: time.Now} }

// Import parses one file and stores it, all or nothing. A file whose periods cover all periods
// of an earlier import of the same kind replaces that import (a revised file); a file that
// covers only some of an earlier import's periods is refused, so no period is ever counted twice
// or left half replaced.
func (s *Service) Import(_ context.Context, file string, data []byte, kommune string) (*omgjort.OfficialImport, error) {
	p, err := Parse(data)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ours, err := s.store.OurMunicipality()
	if err != nil {
		return nil, err
	}
	setOurs := ""
	if strings.TrimSpace(kommune) != "" {
		m, country, _, ok := Match(kommune)
		if !ok || country {
			msg := fmt.Sprintf("kommunen %q (--kommune) findes ikke blandt de 98 kommuner", kommune)
			if sug := Suggest(kommune); sug != "" {
				msg += fmt.Sprintf(" (mente du %s?)", sug)
			}
			return nil, &omgjort.ImportError{Message: msg}
		}
		ours, setOurs = m.Code, m.Code
	}
	if ours == "" {
		return nil, &omgjort.ImportError{Message: "sig, hvilken kommune der er jeres (--kommune NAVN, eller feltet Kommune i formularen)"}
	}
	found := false
	for _, r := range p.Rows {
		if r.Code == ours {
			found = true
			break
		}
	}
	if !found {
		return nil, &omgjort.ImportError{Message: fmt.Sprintf("filen har ingen tal for %s – vælg en fil med jeres kommune, eller ret --kommune", nameOf(ours))}
	}
	prev, err := s.store.OfficialImports()
	if err != nil {
		return nil, err
	}
	periods := map[string]bool{}
	for _, per := range p.Periods {
		periods[per] = true
	}
	var replace []string
	for _, e := range prev {
		if e.Dataset != p.Dataset {
			continue
		}
		var overlap, outside []string
		for _, per := range e.Periods {
			if periods[per] {
				overlap = append(overlap, per)
			} else {
				outside = append(outside, per)
			}
		}
		switch {
		case len(overlap) == 0:
		case len(outside) == 0:
			replace = append(replace, e.ID)
		default:
			return nil, &omgjort.ImportError{Message: fmt.Sprintf(
				"perioderne %s findes allerede fra filen %s (importeret %s med perioderne %s). En revideret fil skal dække alle den fils perioder; ellers vælg en fil uden de perioder",
				strings.Join(overlap, ", "), e.File, e.Imported.In(cph()).Format("2.1.2006 15.04"), strings.Join(e.Periods, ", "))}
		}
	}
	sum := sha256.Sum256(data)
	now := s.now().UTC()
	imp := omgjort.OfficialImport{ID: now.Format("20060102T150405.000000000") + "-" + hex.EncodeToString(sum[:4]),
		File: file, Dataset: p.Dataset, Format: p.Format, SHA256: hex.EncodeToString(sum[:]), Imported: now,
		Periods: p.Periods, Rows: len(p.Rows), Municipalities: p.Municipalities, Replaced: replace}
	if err := s.store.ReplaceOfficial(imp, p.Rows, replace, setOurs); err != nil {
		return nil, err
	}
	return &imp, nil
}

func nameOf(code string) string {
	for _, m := range Municipalities {
		if m.Code == code {
			return m.Name
		}
	}
	return code
}

func cph() *time.Location {
	if l, err := time.LoadLocation("Europe/Copenhagen"); err == nil {
		return l
	}
	return time.UTC
}

// tally is the counts of one municipality, law area and period.
type tally struct{ k, n, total int }

func (t *tally) add(r omgjort.OfficialRow) {
	t.k += r.Reversed()
	t.n += r.Examined()
	t.total += r.Total
}

// Comparison computes our rate, the country's and the similar municipalities' per law area and
// period, with the coverage of our own decisions and their error types.
func (s *Service) Comparison(_ context.Context) (*omgjort.OfficialComparison, error) {
	ours, err := s.store.OurMunicipality()
	if err != nil {
		return nil, err
	}
	imps, err := s.store.OfficialImports()
	if err != nil {
		return nil, err
	}
	rows, err := s.store.OfficialRows()
	if err != nil {
		return nil, err
	}
	c := &omgjort.OfficialComparison{OursCode: ours, Imports: imps, Similar: map[string][]string{}, OwnByError: map[omgjort.ErrorType]int{}}
	if ours != "" {
		c.OursName = nameOf(ours)
	}
	// Law-level figures: a row without subject is the law's total; otherwise the subjects add up.
	type lawKey struct{ dataset, period, code, law string }
	whole := map[lawKey]*tally{}
	subjects := map[lawKey]*tally{}
	for _, r := range rows {
		if !r.HasCounts {
			continue
		}
		k := lawKey{r.Dataset, r.Period, r.Code, r.Law}
		m := subjects
		if r.Subject == "" {
			m = whole
		}
		t := m[k]
		if t == nil {
			t = &tally{}
			m[k] = t
		}
		t.add(r)
	}
	for k, t := range subjects {
		if _, ok := whole[k]; !ok {
			whole[k] = t
		}
	}
	// Size of each municipality per dataset and period: its decided cases over all laws.
	type dp struct{ dataset, period string }
	size := map[dp]map[string]int{}
	laws := map[dp]map[string]bool{}
	hasCountry := false
	for k, t := range whole {
		d := dp{k.dataset, k.period}
		if laws[d] == nil {
			laws[d], size[d] = map[string]bool{}, map[string]int{}
		}
		laws[d][k.law] = true
		if k.code == omgjort.CountryCode {
			hasCountry = true
			continue
		}
		size[d][k.code] += t.total
	}
	c.CountryFrom = "summen af kommunerne i filen"
	if hasCountry {
		c.CountryFrom = "filens tal for hele landet"
	}
	own, err := s.ownDecisions(c)
	if err != nil {
		return nil, err
	}
	if ours == "" {
		return c, nil
	}
	var keys []dp
	for d := range laws {
		keys = append(keys, d)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].period != keys[j].period {
			return keys[i].period > keys[j].period
		}
		return keys[i].dataset < keys[j].dataset
	})
	for _, d := range keys {
		similar := nearest(size[d], ours, similarCount)
		names := make([]string, len(similar))
		for i, code := range similar {
			names[i] = nameOf(code)
		}
		sort.Strings(names)
		c.Similar[d.period] = names
		var lawList []string
		for l := range laws[d] {
			lawList = append(lawList, l)
		}
		sort.Strings(lawList)
		for _, law := range lawList {
			o := whole[lawKey{d.dataset, d.period, ours, law}]
			if o == nil {
				continue
			}
			var country, sim tally
			if t := whole[lawKey{d.dataset, d.period, omgjort.CountryCode, law}]; t != nil {
				country = *t
			} else {
				for code := range size[d] {
					if t := whole[lawKey{d.dataset, d.period, code, law}]; t != nil {
						country.k, country.n, country.total = country.k+t.k, country.n+t.n, country.total+t.total
					}
				}
			}
			for _, code := range similar {
				if t := whole[lawKey{d.dataset, d.period, code, law}]; t != nil {
					sim.k, sim.n, sim.total = sim.k+t.k, sim.n+t.n, sim.total+t.total
				}
			}
			row := omgjort.OfficialComparisonRow{Law: law, Period: d.period, Ours: omgjort.Estimate(o.k, o.n),
				Country: omgjort.Estimate(country.k, country.n), Similar: omgjort.Estimate(sim.k, sim.n), Decided: o.total,
				OwnImported: own.count(law, d.period)}
			row.VsCountry = omgjort.Verdict(row.Ours, row.Country)
			row.VsSimilar = omgjort.Verdict(row.Ours, row.Similar)
			c.Rows = append(c.Rows, row)
		}
	}
	sort.SliceStable(c.Rows, func(i, j int) bool {
		if c.Rows[i].Law != c.Rows[j].Law {
			return c.Rows[i].Law < c.Rows[j].Law
		}
		return c.Rows[i].Period > c.Rows[j].Period
	})
	return c, nil
}

// ownDecision is what coverage needs of one of our own decision letters.
type ownDecision struct {
	laws          []string // hkey of each law
	year, quarter string   // "2023", "2023K2"
}

type ownList []ownDecision

// ownDecisions reads our own decision letters once: their laws and dates for the coverage, and
// the error types of the reversed ones into c.
func (s *Service) ownDecisions(c *omgjort.OfficialComparison) (ownList, error) {
	var out ownList
	err := s.store.ForEachFromSource(OwnSource, func(d *omgjort.Decision) error {
		c.OwnDecisions++
		if d.Outcome.Reversed() {
			c.OwnReversed++
			for _, e := range d.Errors {
				c.OwnByError[e]++
			}
		}
		od := ownDecision{}
		for _, l := range d.Laws {
			od.laws = append(od.laws, hkey(l))
		}
		date := d.Signed
		if date == "" {
			date = d.Published
		}
		if q := omgjort.QuarterKey(date); q != "" {
			y, n, _ := strings.Cut(q, "-")
			od.year, od.quarter = y, y+"K"+n
		}
		out = append(out, od)
		return nil
	})
	return out, err
}

// count is how many own decisions fall under the official law area and period. Law names are
// compared loosely ("Sygedagpengeloven" and "Lov om sygedagpenge" do not meet; "Aktivloven" and
// "aktivloven" do), since our letters name the law as the letter does.
func (l ownList) count(law, period string) int {
	k := hkey(law)
	n := 0
	for _, d := range l {
		if d.year != period && d.quarter != period {
			continue
		}
		for _, dl := range d.laws {
			if dl != "" && (strings.Contains(dl, k) || strings.Contains(k, dl)) {
				n++
				break
			}
		}
	}
	return n
}

// nearest returns the n municipalities closest to ours in size, ours excluded.
func nearest(size map[string]int, ours string, n int) []string {
	base := size[ours]
	var codes []string
	for code := range size {
		if code != ours {
			codes = append(codes, code)
		}
	}
	sort.Slice(codes, func(i, j int) bool {
		di, dj := math.Abs(float64(size[codes[i]]-base)), math.Abs(float64(size[codes[j]]-base))
		if di != dj {
			return di < dj
		}
		return codes[i] < codes[j]
	})
	if len(codes) > n {
		codes = codes[:n]
	}
	return codes
}
