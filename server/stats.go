package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"omgjort"
)

// Chart geometry of /stats, in SVG user units; the CSS scales the SVG to the page width.
const (
	chartQuarters = 16  // quarters in the charts (the tables hold them all)
	chartLaws     = 12  // law areas in the charts
	barWidth      = 56  // width of one quarter's column in the rate chart (fits "100,0 %" and "n = 1.234")
	barHeight     = 160 // height of the rate chart's plot area
	rowHeight     = 24  // height of a row in the law chart and the heat maps
	cellWidth     = 44  // width of a heat-map cell
	// charW is the width of one character at the charts' 12-unit font, rounded up, so the room
	// for a label is computed from the longest label and no label is ever clipped.
	charW = 7
)

// textWidth is the room a label needs at the charts' 12-unit font.
func textWidth(s string) int { return len([]rune(s))*charW + 8 }

// statsPage is the data of /stats. Every number the charts draw is also in a table, and every
// percentage carries the count it rests on.
type statsPage struct {
	base
	Unavailable bool
	Decisions   int
	Total       statsRowView
	Quarters    []statsRowView
	Laws        []statsRowView
	ErrorCols   []errorCol
	RateChart   rateChart
	LawChart    lawChart
	QuarterHeat heatMap
	LawHeat     heatMap
	Official    officialView
	ErrorTypes  []errorCompare
	// OwnDecisions is how many of our own decision letters Omgjort holds.
	OwnDecisions int
	OwnReversed  int
	PubReversed  int
	// Teams is the per-team section over own decisions (teamleder and admin only).
	Teams     teamView
	ShowTeams bool
	// Team: the viewer may see the team leaders' part (StatsAccess); Admin: may upload.
	Team  bool
	Admin bool
	CSRF  string
}

// errorCol is an error type that occurs among the reversed decisions: a column of the tables.
type errorCol struct {
	Type  omgjort.ErrorType
	Label string
}

// statsRowView is one table row over principmeddelelser.
type statsRowView struct {
	Label    string
	Href     string // the search behind the row
	All      int
	Afvist   int
	Reversed int
	Examined int
	Rate     string // "33,3 %" or "–"
	Small    bool   // fewer than omgjort.SmallN examined decisions
	ByError  []int  // aligned with statsPage.ErrorCols
}

// officialView is the section on Ankestyrelsen's own statistics.
type officialView struct {
	// Off: no statistics service configured; Failed: it could not compute.
	Off, Failed bool
	OursName    string
	CountryFrom string
	Similar     []similarView
	Rows        []officialRowView
	Imports     []importView
}

type similarView struct{ Period, Names string }

type importView struct {
	File, Format, Periods, Imported string
	Rows, Municipalities            int
	// RateOnly: the file gives percentages without counts (ANKEAST3), which /stats does not
	// show, since every percentage must stand with its n.
	RateOnly bool
}

type officialRowView struct {
	Law, Period              string
	Ours, Country, Similar   estimateView
	VsCountry, VsSimilar     string
	DiffCountry, DiffSimilar bool
	Decided, Own             int
	Coverage                 string
}

// estimateView is one rate with its n and interval, formatted.
type estimateView struct {
	OK          bool
	Pct, CI     string
	K, N        int
	Small       bool
	Description string // the whole figure in words, for screen readers and tooltips
}

// errorCompare is one error type: how often our own reversed decisions have it against the
// published reversed principmeddelelser.
type errorCompare struct {
	Label              string
	Own, Pub           int
	OwnPct, PubPct     string
	OwnSmall, PubSmall bool
}

// StatsAccess decides who sees the team leaders' part of /stats (and of its CSV and JSON): our
// official rate against the country's and the error types of our own decisions. The published
// principmeddelelser statistics stay readable under the route's own rule.
type StatsAccess func(r *http.Request) bool

// TeamStatsOnly is the rule of a server with sign-in: the signed-in user (omgjort.UserFrom)
// must hold omgjort.PermTeamStats, which teamleder and admin have.
func TeamStatsOnly(r *http.Request) bool {
	return omgjort.UserFrom(r.Context()).Can(omgjort.PermTeamStats)
}

// teamStats reports whether the request may see the team leaders' part: Config.StatsAccess
// when set; else TeamStatsOnly on a server with sign-in, and everyone on one without (nobody
// can sign in there, and whoever reaches it is inside the municipality's network).
func (s *Server) teamStats(r *http.Request) bool {
	switch {
	case s.cfg.StatsAccess != nil:
		return s.cfg.StatsAccess(r)
	case s.cfg.Auth != nil:
		return TeamStatsOnly(r)
	}
	return true
}

// statsData gathers everything /stats and its exports show.
func (s *Server) statsData(r *http.Request, team bool) (*omgjort.Stats, *omgjort.OfficialComparison, error) {
	var st *omgjort.Stats
	if src, ok := s.search.(omgjort.StatsSource); ok {
		var err error
		if st, err = src.Stats(r.Context()); err != nil {
			return nil, nil, err
		}
	}
	var oc *omgjort.OfficialComparison
	if s.cfg.Official != nil && team {
		var err error
		if oc, err = s.cfg.Official.Comparison(r.Context()); err != nil {
			s.log.Error("server: official statistics", "error", err)
			oc = nil
		}
	}
	return st, oc, nil
}

// handleStats shows our official reversal rate against the country's, the error types of our
// own decisions against the published ones, and the published principmeddelelser per quarter
// and law area (a selected sample, and said to be).
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	team := s.teamStats(r)
	canUpload := omgjort.UserFrom(r.Context()).Can(omgjort.PermAdminImports)
	p := statsPage{base: base{Title: "Statistik over omgørelser"}, Team: team, CSRF: infoFrom(r.Context()).csrf,
		Admin: s.cfg.Official != nil && team && canUpload}
	p.Fresh = s.freshness()
	if s.teamFigures(r) {
		f, msg := parseTeamFilter(r.URL.Query())
		if msg != "" {
			s.badRequest(w, r, msg)
			return
		}
		ts, failed := s.teamData(r, f)
		p.Teams, p.ShowTeams = buildTeamView(ts, failed), true
	}
	st, oc, err := s.statsData(r, team)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if st == nil {
		p.Unavailable = true
	} else {
		statsView(st, &p)
	}
	p.Official = s.officialView(oc)
	p.ErrorTypes, p.OwnDecisions, p.OwnReversed, p.PubReversed = errorComparison(st, oc)
	s.render(w, r, http.StatusOK, "stats.html", p)
}

// percent formats a rate the Danish way ("33,3 %"); "–" when there is none.
func percent(pct float64, ok bool) string {
	if !ok {
		return "–"
	}
	return danishDecimal(pct) + " %"
}

// danishDecimal writes a rate with one decimal and a Danish decimal comma.
func danishDecimal(f float64) string { return omgjort.DanishDecimal(f, 1) }

// periodLabel is the Danish name of an official period ("2023", "2023K2" → "2. kvt. 2023").
func periodLabel(p string) string {
	if y, q, ok := strings.Cut(p, "K"); ok {
		return q + ". kvt. " + y
	}
	return p
}

func estimate(e omgjort.RateEstimate, who string) estimateView {
	v := estimateView{OK: e.OK, K: e.K, N: e.N, Small: e.Small, Pct: percent(e.Pct, e.OK)}
	if !e.OK {
		v.Description = who + ": ingen behandlede sager"
		return v
	}
	v.CI = danishDecimal(e.Lo) + "–" + danishDecimal(e.Hi) + " %"
	v.Description = fmt.Sprintf("%s: %s omgjort (%d af %d behandlede sager; 95 %%-interval %s)", who, v.Pct, e.K, e.N, v.CI)
	if e.Small {
		v.Description += "; under 10 sager, meget usikkert"
	}
	return v
}

// verdictText says what the intervals support, in Danish.
func verdictText(v, other string) (string, bool) {
	switch v {
	case "højere":
		return "Højere end " + other, true
	case "lavere":
		return "Lavere end " + other, true
	case "":
		return "–", false
	}
	return "Ingen sikker forskel", false
}

func (s *Server) officialView(oc *omgjort.OfficialComparison) officialView {
	if s.cfg.Official == nil {
		return officialView{Off: true}
	}
	if oc == nil {
		return officialView{Failed: true}
	}
	v := officialView{OursName: oc.OursName, CountryFrom: oc.CountryFrom}
	for _, imp := range oc.Imports {
		per := make([]string, len(imp.Periods))
		for i, x := range imp.Periods {
			per[i] = periodLabel(x)
		}
		v.Imports = append(v.Imports, importView{File: imp.File, Format: imp.Format, Periods: strings.Join(per, ", "),
			Imported: s.danishTime(imp.Imported), Rows: imp.Rows, Municipalities: imp.Municipalities, RateOnly: imp.Dataset == "ankeast-rate"})
	}
	seen := map[string]bool{}
	for _, r := range oc.Rows {
		if !seen[r.Period] {
			seen[r.Period] = true
			v.Similar = append(v.Similar, similarView{Period: periodLabel(r.Period), Names: strings.Join(oc.Similar[r.Period], ", ")})
		}
		rv := officialRowView{Law: r.Law, Period: periodLabel(r.Period), Ours: estimate(r.Ours, oc.OursName),
			Country: estimate(r.Country, "Hele landet"), Similar: estimate(r.Similar, "Lignende kommuner"),
			Decided: r.Decided, Own: r.OwnImported}
		rv.VsCountry, rv.DiffCountry = verdictText(r.VsCountry, "landet")
		rv.VsSimilar, rv.DiffSimilar = verdictText(r.VsSimilar, "lignende")
		rv.Coverage = "–"
		if r.Decided > 0 {
			rv.Coverage = percent(100*float64(r.OwnImported)/float64(r.Decided), true)
		}
		v.Rows = append(v.Rows, rv)
	}
	return v
}

// errorComparison lines up the error types of our own reversed decisions with those of the
// published reversed principmeddelelser (dated ones, as in the quarter table).
func errorComparison(st *omgjort.Stats, oc *omgjort.OfficialComparison) (rows []errorCompare, own, ownRev, pubRev int) {
	pub := map[omgjort.ErrorType]int{}
	if st != nil {
		for _, q := range st.Quarters {
			pubRev += q.Reversed
			for e, n := range q.ReversedByError {
				pub[e] += n
			}
		}
	}
	ownBy := map[omgjort.ErrorType]int{}
	if oc != nil {
		own, ownRev, ownBy = oc.OwnDecisions, oc.OwnReversed, oc.OwnByError
	}
	share := func(k, n int) string {
		if n == 0 {
			return "–"
		}
		return percent(100*float64(k)/float64(n), true)
	}
	for _, e := range omgjort.ErrorTypes {
		if pub[e] == 0 && ownBy[e] == 0 {
			continue
		}
		rows = append(rows, errorCompare{Label: e.Label(), Own: ownBy[e], Pub: pub[e], OwnPct: share(ownBy[e], ownRev),
			PubPct: share(pub[e], pubRev), OwnSmall: ownRev < omgjort.SmallN, PubSmall: pubRev < omgjort.SmallN})
	}
	return rows, own, ownRev, pubRev
}

// statsView lays out the tables and charts of the principmeddelelser.
func statsView(st *omgjort.Stats, p *statsPage) {
	p.Decisions = st.Decisions
	used := map[omgjort.ErrorType]bool{}
	for _, rows := range [][]omgjort.StatsRow{st.Quarters, st.Laws} {
		for _, r := range rows {
			for e, n := range r.ReversedByError {
				if n > 0 {
					used[e] = true
				}
			}
		}
	}
	for _, e := range omgjort.ErrorTypes {
		if used[e] {
			p.ErrorCols = append(p.ErrorCols, errorCol{Type: e, Label: e.Label()})
		}
	}
	view := func(r omgjort.StatsRow, label, href string) statsRowView {
		pct, ok := r.Rate()
		v := statsRowView{Label: label, Href: href, All: r.All, Afvist: r.Afvist, Reversed: r.Reversed,
			Examined: r.All - r.Afvist, Rate: percent(pct, ok), Small: r.All-r.Afvist < omgjort.SmallN}
		for _, c := range p.ErrorCols {
			v.ByError = append(v.ByError, r.ReversedByError[c.Type])
		}
		return v
	}
	total := omgjort.StatsRow{ReversedByError: map[omgjort.ErrorType]int{}}
	for _, q := range st.Quarters {
		total.All += q.All
		total.Afvist += q.Afvist
		total.Reversed += q.Reversed
		for e, n := range q.ReversedByError {
			total.ReversedByError[e] += n
		}
	}
	for _, q := range st.Quarters {
		p.Quarters = append(p.Quarters, view(q, omgjort.QuarterLabel(q.Key), ""))
	}
	for _, l := range st.Laws {
		p.Laws = append(p.Laws, view(l, l.Key, searchInput{Filters: map[string][]string{"lov": {l.Key}, "udfald": {"omgjort"}}}.href()))
	}
	p.Total = view(total, "I alt (med dato)", "")

	recent := st.Quarters
	if len(recent) > chartQuarters {
		recent = recent[len(recent)-chartQuarters:]
	}
	p.RateChart = buildRateChart(recent)
	laws := st.Laws
	if len(laws) > chartLaws {
		laws = laws[:chartLaws]
	}
	p.LawChart = buildLawChart(laws)
	qLabels := make([]string, len(recent))
	for i, q := range recent {
		qLabels[i] = omgjort.QuarterLabel(q.Key)
	}
	p.QuarterHeat = buildHeat(recent, qLabels, p.ErrorCols)
	lLabels := make([]string, len(laws))
	for i, l := range laws {
		lLabels[i] = l.Key
	}
	p.LawHeat = buildHeat(laws, lLabels, p.ErrorCols)
}

// rateChart is a vertical bar chart of the share reversed per quarter.
type rateChart struct {
	Width, Height int
	GridX         int
	Bars          []bar
	GridLines     []gridLine
}

// lawChart is a horizontal bar chart of the share reversed per law area.
type lawChart struct {
	Width, Height int
	Bars          []bar
}

// bar is one bar with its value label; the coordinates are precomputed so the template only
// places elements.
type bar struct {
	X, Y, W, H int
	Label      string // axis label (quarter or law)
	LabelX     int
	LabelY     int
	Value      string // "33,3 %"
	N          string // "n = 12", the count the value rests on
	ValueX     int
	ValueY     int
	NY         int
	Title      string // tooltip and accessible text with the counts
	Empty      bool   // no examined decisions: no rate to draw
	Small      bool   // fewer than omgjort.SmallN examined decisions
}

// gridLine is a horizontal line of the rate chart at a percentage.
type gridLine struct {
	Y     int
	Label string
}

// heatMap is a matrix of counts (error type × quarter or law) drawn as shaded cells with the
// number in each.
type heatMap struct {
	Width, Height int
	LabelX        int
	Cols          []heatLabel
	Rows          []heatRow
}

type heatLabel struct {
	X, Y  int
	Label string
}

type heatRow struct {
	Y, LabelY int
	Label     string
	Cells     []heatCell
}

type heatCell struct {
	X, Y, W, H   int
	TextX, TextY int
	Count        int
	Opacity      string // fill-opacity, "0.00" to "1.00"
	Dark         bool   // the cell is dark: white text
	Title        string
}

func nLabel(n int) string { return "n = " + thousands(uint64(max(n, 0))) }

func buildRateChart(rows []omgjort.StatsRow) rateChart {
	const left, top = 44, 40
	// The quarter labels are slanted 45°: they need their length × 0.71 below the plot.
	bottom := 16
	for _, r := range rows {
		bottom = max(bottom, textWidth(omgjort.QuarterLabel(r.Key))*3/4+16)
	}
	c := rateChart{Width: left + len(rows)*barWidth + 10, Height: top + barHeight + bottom, GridX: left - 4}
	for _, pct := range []int{0, 25, 50, 75, 100} {
		c.GridLines = append(c.GridLines, gridLine{Y: top + barHeight - pct*barHeight/100, Label: strconv.Itoa(pct) + " %"})
	}
	for i, r := range rows {
		pct, ok := r.Rate()
		n := r.All - r.Afvist
		h := int(pct * barHeight / 100)
		x := left + i*barWidth + 6
		b := bar{X: x, W: barWidth - 12, H: h, Y: top + barHeight - h, Label: omgjort.QuarterLabel(r.Key),
			LabelX: x + (barWidth-12)/2, LabelY: top + barHeight + 14, Value: percent(pct, ok), N: nLabel(n),
			ValueX: x + (barWidth-12)/2, ValueY: top + barHeight - h - 16, NY: top + barHeight - h - 4, Empty: !ok, Small: n < omgjort.SmallN,
			Title: fmt.Sprintf("%s: %s omgjort (%d af %d behandlede principmeddelelser)", omgjort.QuarterLabel(r.Key), percent(pct, ok), r.Reversed, n)}
		if b.Small {
			b.N += " *"
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

func buildLawChart(rows []omgjort.StatsRow) lawChart {
	const plotW, top = 360, 8
	labelW := 40
	for _, r := range rows {
		labelW = max(labelW, textWidth(r.Key))
	}
	c := lawChart{Width: labelW + plotW + textWidth("100,0 % (n = 10.000) *"), Height: top + len(rows)*rowHeight + 8}
	for i, r := range rows {
		pct, ok := r.Rate()
		n := r.All - r.Afvist
		w := int(pct * plotW / 100)
		y := top + i*rowHeight
		b := bar{X: labelW, Y: y + 4, W: w, H: rowHeight - 8, Label: r.Key,
			LabelX: labelW - 8, LabelY: y + rowHeight/2 + 4, Value: percent(pct, ok) + " (" + nLabel(n) + ")",
			ValueX: labelW + w + 6, ValueY: y + rowHeight/2 + 4, Empty: !ok, Small: n < omgjort.SmallN,
			Title: fmt.Sprintf("%s: %s omgjort (%d af %d behandlede principmeddelelser)", r.Key, percent(pct, ok), r.Reversed, n)}
		if b.Small {
			b.Value += " *"
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

func buildHeat(rows []omgjort.StatsRow, labels []string, cols []errorCol) heatMap {
	labelW, colLabel := 40, 20
	for _, c := range cols {
		labelW = max(labelW, textWidth(c.Label))
	}
	for _, l := range labels {
		colLabel = max(colLabel, textWidth(l))
	}
	// Column labels are slanted 45° up to the right: room above and to the right of the grid.
	slant := colLabel * 3 / 4
	top := slant + 12
	h := heatMap{Width: labelW + len(rows)*cellWidth + slant + 8, Height: top + len(cols)*rowHeight + 8, LabelX: labelW - 6}
	maxN := 0
	for _, r := range rows {
		for _, c := range cols {
			maxN = max(maxN, r.ReversedByError[c.Type])
		}
	}
	for i, l := range labels {
		h.Cols = append(h.Cols, heatLabel{X: labelW + i*cellWidth + cellWidth/2, Y: top - 6, Label: l})
	}
	for j, c := range cols {
		y := top + j*rowHeight
		row := heatRow{Y: y, LabelY: y + rowHeight/2 + 4, Label: c.Label}
		for i, r := range rows {
			n := r.ReversedByError[c.Type]
			op := 0.0
			if maxN > 0 {
				op = float64(n) / float64(maxN)
			}
			row.Cells = append(row.Cells, heatCell{X: labelW + i*cellWidth, Y: y, W: cellWidth - 2, H: rowHeight - 2,
				TextX: labelW + i*cellWidth + cellWidth/2, TextY: y + rowHeight/2 + 4, Count: n,
				Opacity: strconv.FormatFloat(0.08+0.92*op, 'f', 2, 64), Dark: op > 0.5,
				Title: fmt.Sprintf("%s, %s: %d omgjorte", c.Label, labels[i], n)})
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

// statsExport is /stats.json: every figure /stats shows.
type statsExport struct {
	Principmeddelelser *principExport              `json:"principmeddelelser,omitempty"`
	Official           *omgjort.OfficialComparison `json:"official,omitempty"`
	ErrorTypes         []errorTypeExport           `json:"error_types"`
	// Teams is the team leaders' figures over own decisions (teamleder and admin only).
	Teams *omgjort.TeamStats `json:"teams,omitempty"`
}

type principExport struct {
	// Note says what the figures are: a selected sample, not the municipalities' rate.
	Note      string       `json:"note"`
	Decisions int          `json:"decisions"`
	Quarters  []principRow `json:"quarters"`
	Laws      []principRow `json:"laws"`
	Total     principRow   `json:"total"`
}

type principRow struct {
	Key             string                    `json:"key"`
	All             int                       `json:"all"`
	Afvist          int                       `json:"afvist"`
	Share           omgjort.RateEstimate      `json:"share_reversed"`
	ReversedByError map[omgjort.ErrorType]int `json:"reversed_by_error"`
}

type errorTypeExport struct {
	Type        omgjort.ErrorType `json:"type"`
	Label       string            `json:"label"`
	Own         int               `json:"own"`
	OwnReversed int               `json:"own_reversed"`
	Pub         int               `json:"published"`
	PubReversed int               `json:"published_reversed"`
}

const sampleNote = "Principmeddelelser er et udvalg, Ankestyrelsen har offentliggjort som principielle; andelen omgjorte blandt dem er ikke kommunernes omgørelsesprocent."

func principRowOf(r omgjort.StatsRow) principRow {
	return principRow{Key: r.Key, All: r.All, Afvist: r.Afvist, Share: omgjort.Estimate(r.Reversed, r.All-r.Afvist), ReversedByError: r.ReversedByError}
}

func buildExport(st *omgjort.Stats, oc *omgjort.OfficialComparison) statsExport {
	var out statsExport
	if st != nil {
		pe := &principExport{Note: sampleNote, Decisions: st.Decisions, Quarters: []principRow{}, Laws: []principRow{}}
		total := omgjort.StatsRow{Key: "I alt (med dato)", ReversedByError: map[omgjort.ErrorType]int{}}
		for _, q := range st.Quarters {
			pe.Quarters = append(pe.Quarters, principRowOf(q))
			total.All, total.Afvist, total.Reversed = total.All+q.All, total.Afvist+q.Afvist, total.Reversed+q.Reversed
			for e, n := range q.ReversedByError {
				total.ReversedByError[e] += n
			}
		}
		for _, l := range st.Laws {
			pe.Laws = append(pe.Laws, principRowOf(l))
		}
		pe.Total = principRowOf(total)
		out.Principmeddelelser = pe
	}
	out.Official = oc
	_, _, ownRev, pubRev := errorComparison(st, oc)
	out.ErrorTypes = []errorTypeExport{}
	pub := map[omgjort.ErrorType]int{}
	if st != nil {
		for _, q := range st.Quarters {
			for e, n := range q.ReversedByError {
				pub[e] += n
			}
		}
	}
	for _, e := range omgjort.ErrorTypes {
		own := 0
		if oc != nil {
			own = oc.OwnByError[e]
		}
		if own == 0 && pub[e] == 0 {
			continue
		}
		out.ErrorTypes = append(out.ErrorTypes, errorTypeExport{Type: e, Label: e.Label(), Own: own, OwnReversed: ownRev, Pub: pub[e], PubReversed: pubRev})
	}
	return out
}

// handleStatsJSON serves /stats.json.
func (s *Server) handleStatsJSON(w http.ResponseWriter, r *http.Request) {
	ex, ok := s.statsExportOf(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, ex)
}

// statsExportOf gathers what /stats.json and /stats.csv hold for the request, answering a bad
// filter (400) or a failure itself; ok is false then.
func (s *Server) statsExportOf(w http.ResponseWriter, r *http.Request) (statsExport, bool) {
	var ts *omgjort.TeamStats
	if s.teamFigures(r) {
		f, msg := parseTeamFilter(r.URL.Query())
		if msg != "" {
			s.badRequest(w, r, msg)
			return statsExport{}, false
		}
		ts, _ = s.teamData(r, f)
	}
	st, oc, err := s.statsData(r, s.teamStats(r))
	if err != nil {
		s.serverError(w, r, err)
		return statsExport{}, false
	}
	ex := buildExport(st, oc)
	ex.Teams = ts
	return ex, true
}

// statsCSVHeader are the columns of /stats.csv: one line per figure, in the long layout a
// spreadsheet pivots easily.
var statsCSVHeader = []string{"afsnit", "lovomraade", "periode", "gruppe", "omgjorte", "behandlede", "procent",
	"ci95_lav", "ci95_hoej", "under_10", "vurdering", "afgjorte_sager", "egne_afgoerelser"}

func csvEstimate(e omgjort.RateEstimate) []string {
	if !e.OK {
		return []string{strconv.Itoa(e.K), strconv.Itoa(e.N), "", "", "", boolDA(e.Small)}
	}
	return []string{strconv.Itoa(e.K), strconv.Itoa(e.N), danishDecimal(e.Pct), danishDecimal(e.Lo), danishDecimal(e.Hi), boolDA(e.Small)}
}

func boolDA(b bool) string {
	if b {
		return "ja"
	}
	return "nej"
}

// handleStatsCSV serves /stats.csv (semicolon, decimal comma, UTF-8 with BOM for Excel).
func (s *Server) handleStatsCSV(w http.ResponseWriter, r *http.Request) {
	ex, ok := s.statsExportOf(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	if err := writeStatsCSV(&buf, ex); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="omgjort-statistik-`+time.Now().In(s.loc).Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = buf.WriteTo(w)
}

func writeStatsCSV(out io.Writer, ex statsExport) error {
	cw := csv.NewWriter(out)
	cw.Comma = ';'
	cw.UseCRLF = true
	_ = cw.Write(statsCSVHeader)
	line := func(section, law, period, group string, e omgjort.RateEstimate, verdict, decided, own string) {
		_ = cw.Write(append(append([]string{section, law, period, group}, csvEstimate(e)...), verdict, decided, own))
	}
	if oc := ex.Official; oc != nil {
		for _, r := range oc.Rows {
			line("officiel", r.Law, r.Period, oc.OursName, r.Ours, "", strconv.Itoa(r.Decided), strconv.Itoa(r.OwnImported))
			line("officiel", r.Law, r.Period, "Hele landet", r.Country, r.VsCountry, "", "")
			line("officiel", r.Law, r.Period, "Lignende kommuner", r.Similar, r.VsSimilar, "", "")
		}
	}
	if pe := ex.Principmeddelelser; pe != nil {
		for _, q := range pe.Quarters {
			line("principmeddelelser (udvalg)", "", q.Key, "alle", q.Share, "", "", "")
		}
		line("principmeddelelser (udvalg)", "", "I alt (med dato)", "alle", pe.Total.Share, "", "", "")
		for _, l := range pe.Laws {
			line("principmeddelelser (udvalg)", l.Key, "", "alle", l.Share, "", "", "")
		}
	}
	if ts := ex.Teams; ts != nil {
		period := ts.Filter.From + ".." + ts.Filter.To
		if ts.Filter.Confirmed {
			period += " (bekræftede)"
		}
		for _, t := range append(append([]omgjort.TeamRow(nil), ts.Teams...), ts.Total) {
			line("egne pr. team", "", period, t.Team, t.Rate, "", strconv.Itoa(t.All), strconv.Itoa(t.All))
			for _, e := range omgjort.ErrorTypes {
				if n := t.ReversedByError[e]; n > 0 {
					line("egne pr. team, fejltyper", e.Label(), period, t.Team, omgjort.Estimate(n, t.Reversed), "", "", "")
				}
			}
		}
	}
	for _, e := range ex.ErrorTypes {
		line("fejltyper", e.Label, "", "egne omgjorte", omgjort.Estimate(e.Own, e.OwnReversed), "", "", "")
		line("fejltyper", e.Label, "", "principmeddelelser omgjorte", omgjort.Estimate(e.Pub, e.PubReversed), "", "", "")
	}
	cw.Flush()
	return cw.Error()
}

// maxStatsUpload bounds an uploaded statistics file (a Talportal export of every municipality
// and subject over ten years is a few MB).
const maxStatsUpload = 64 << 20

// handleStatsImport serves POST /admin/stats/import: the upload of a statistics file, the same
// as `omgjort stats import` while serve holds the data directory. Fields: file, kommune
// (optional after the first import), token (or Authorization: Bearer).
func (s *Server) handleStatsImport(w http.ResponseWriter, r *http.Request) {
	if (s.cfg.AdminToken == "" && s.cfg.Auth == nil) || s.cfg.Official == nil {
		s.notFound(w, r, "Der findes ingen side på denne adresse.")
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			s.adminAnswer(w, r, http.StatusRequestEntityTooLarge, "Filen er for stor", "En statistikfil må højst fylde 64 MB.")
			return
		}
		s.adminAnswer(w, r, http.StatusBadRequest, "Ingen fil", "Vælg en statistikfil (CSV) og send formularen igen.")
		return
	}
	if !omgjort.UserFrom(r.Context()).Can(omgjort.PermAdminImports) && !s.adminAuthorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="omgjort-admin"`)
		s.adminAnswer(w, r, http.StatusUnauthorized, "Adgang nægtet", "Admin-nøglen mangler eller er forkert.")
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.adminAnswer(w, r, http.StatusBadRequest, "Ingen fil", "Vælg en statistikfil (CSV) og send formularen igen.")
		return
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil {
		s.adminAnswer(w, r, http.StatusBadRequest, "Filen kunne ikke læses", "Filen kom ikke helt frem. Prøv igen.")
		return
	}
	imp, err := s.cfg.Official.Import(r.Context(), hdr.Filename, body, r.FormValue("kommune"))
	var ie *omgjort.ImportError
	switch {
	case errors.As(err, &ie):
		s.adminAnswer(w, r, http.StatusBadRequest, "Filen blev ikke importeret", hdr.Filename+": "+ie.Error()+". Intet fra filen er gemt.")
		return
	case err != nil:
		s.log.Error("server: statistics import", "file", hdr.Filename, "error", err)
		s.adminAnswer(w, r, http.StatusInternalServerError, "Filen blev ikke importeret", "Filen kunne ikke gemmes lige nu. Intet fra filen er gemt; prøv igen om lidt.")
		return
	}
	s.log.Info("server: statistics imported", "file", imp.File, "rows", imp.Rows, "periods", imp.Periods)
	msg := fmt.Sprintf("%s er importeret: %s, %d rækker, %d kommuner, perioderne %s.", imp.File, imp.Format, imp.Rows, imp.Municipalities, strings.Join(imp.Periods, ", "))
	if len(imp.Replaced) > 0 {
		msg += " Den erstatter den tidligere import af de samme perioder."
	}
	s.adminAnswer(w, r, http.StatusOK, "Statistikken er importeret", msg)
}
