package server

import (
	"fmt"
	"net/http"
	"strconv"

	"omgjort"
)

// Chart geometry of /stats, in SVG user units; the CSS scales the SVG to the page width.
const (
	chartQuarters = 16  // quarters in the charts (the tables hold them all)
	chartLaws     = 12  // law areas in the charts
	barWidth      = 48  // width of one quarter's column in the rate chart (fits "100,0 %")
	barHeight     = 160 // height of the rate chart's plot area
	barLabelW     = 220 // width of the law names in the law chart
	rowHeight     = 24  // height of a row in the law chart and the heat maps
	cellWidth     = 44  // width of a heat-map cell
	heatLabelW    = 250 // width of the error-type names in the heat maps
	heatRightPad  = 70  // room for the last column's label, which is slanted up to the right
)

// statsPage is the data of /stats. Every number the charts draw is also in a table.
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
}

// errorCol is an error type that occurs among the reversed decisions: a column of the tables.
type errorCol struct {
	Type  omgjort.ErrorType
	Label string
}

// statsRowView is one table row.
type statsRowView struct {
	Label    string
	Href     string // the search behind the row
	All      int
	Afvist   int
	Reversed int
	Rate     string // "33,3 %" or "–"
	ByError  []int  // aligned with statsPage.ErrorCols
}

// rateChart is a vertical bar chart of the omgørelsesprocent per quarter.
type rateChart struct {
	Width, Height int
	Bars          []bar
	GridLines     []gridLine
}

// lawChart is a horizontal bar chart of the omgørelsesprocent per law area.
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
	ValueX     int
	ValueY     int
	Title      string // tooltip and accessible text with the counts
	Empty      bool   // no examined decisions: no rate to draw
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

// handleStats shows reversals per error type per quarter and per law area.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	p := statsPage{base: base{Title: "Statistik over omgørelser"}}
	p.Fresh = s.freshness()
	src, ok := s.search.(omgjort.StatsSource)
	if !ok {
		p.Unavailable = true
		s.render(w, r, http.StatusOK, "stats.html", p)
		return
	}
	st, err := src.Stats(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	statsView(st, &p)
	s.render(w, r, http.StatusOK, "stats.html", p)
}

// percent formats a rate the Danish way ("33,3 %"); "–" when there is none.
func percent(pct float64, ok bool) string {
	if !ok {
		return "–"
	}
	return danishDecimal(pct) + " %"
}

func danishDecimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	for i := range len(s) {
		if s[i] == '.' {
			return s[:i] + "," + s[i+1:]
		}
	}
	return s
}

// statsView lays out the tables and charts of the statistics.
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
		v := statsRowView{Label: label, Href: href, All: r.All, Afvist: r.Afvist, Reversed: r.Reversed, Rate: percent(r.Rate())}
		for _, c := range p.ErrorCols {
			v.ByError = append(v.ByError, r.ReversedByError[c.Type])
		}
		return v
	}
	var total omgjort.StatsRow
	for _, q := range st.Quarters {
		total.All += q.All
		total.Afvist += q.Afvist
		total.Reversed += q.Reversed
	}
	for _, q := range st.Quarters {
		p.Quarters = append(p.Quarters, view(q, omgjort.QuarterLabel(q.Key), ""))
	}
	for _, l := range st.Laws {
		p.Laws = append(p.Laws, view(l, l.Key, searchInput{Filters: map[string][]string{"lov": {l.Key}, "udfald": {"omgjort"}}}.href()))
	}
	p.Total = statsRowView{Label: "I alt (med dato)", All: total.All, Afvist: total.Afvist, Reversed: total.Reversed,
		Rate: percent(omgjort.ReversalRate(total.Reversed, total.All, total.Afvist))}

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

func buildRateChart(rows []omgjort.StatsRow) rateChart {
	const left, top, bottom = 44, 24, 64
	c := rateChart{Width: left + len(rows)*barWidth + 10, Height: top + barHeight + bottom}
	for _, pct := range []int{0, 25, 50, 75, 100} {
		c.GridLines = append(c.GridLines, gridLine{Y: top + barHeight - pct*barHeight/100, Label: strconv.Itoa(pct) + " %"})
	}
	for i, r := range rows {
		pct, ok := r.Rate()
		h := int(pct * barHeight / 100)
		x := left + i*barWidth + 6
		b := bar{X: x, W: barWidth - 12, H: h, Y: top + barHeight - h, Label: omgjort.QuarterLabel(r.Key),
			LabelX: x + (barWidth-12)/2, LabelY: top + barHeight + 14, Value: percent(pct, ok),
			ValueX: x + (barWidth-12)/2, ValueY: top + barHeight - h - 4, Empty: !ok,
			Title: fmt.Sprintf("%s: %s omgjort (%d af %d behandlede afgørelser)", omgjort.QuarterLabel(r.Key), percent(pct, ok), r.Reversed, r.All-r.Afvist)}
		if !ok {
			b.Value = "–"
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

func buildLawChart(rows []omgjort.StatsRow) lawChart {
	const plotW, top = 360, 8
	c := lawChart{Width: barLabelW + plotW + 90, Height: top + len(rows)*rowHeight + 8}
	for i, r := range rows {
		pct, ok := r.Rate()
		w := int(pct * plotW / 100)
		y := top + i*rowHeight
		c.Bars = append(c.Bars, bar{X: barLabelW, Y: y + 4, W: w, H: rowHeight - 8, Label: r.Key,
			LabelX: barLabelW - 8, LabelY: y + rowHeight/2 + 4, Value: percent(pct, ok),
			ValueX: barLabelW + w + 6, ValueY: y + rowHeight/2 + 4, Empty: !ok,
			Title: fmt.Sprintf("%s: %s omgjort (%d af %d behandlede afgørelser)", r.Key, percent(pct, ok), r.Reversed, r.All-r.Afvist)})
	}
	return c
}

func buildHeat(rows []omgjort.StatsRow, labels []string, cols []errorCol) heatMap {
	const top = 70
	h := heatMap{Width: heatLabelW + len(rows)*cellWidth + heatRightPad, Height: top + len(cols)*rowHeight + 8}
	maxN := 0
	for _, r := range rows {
		for _, c := range cols {
			maxN = max(maxN, r.ReversedByError[c.Type])
		}
	}
	for i, l := range labels {
		h.Cols = append(h.Cols, heatLabel{X: heatLabelW + i*cellWidth + cellWidth/2, Y: top - 6, Label: shorten(l, 14)})
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
			row.Cells = append(row.Cells, heatCell{X: heatLabelW + i*cellWidth, Y: y, W: cellWidth - 2, H: rowHeight - 2,
				TextX: heatLabelW + i*cellWidth + cellWidth/2, TextY: y + rowHeight/2 + 4, Count: n,
				Opacity: strconv.FormatFloat(0.08+0.92*op, 'f', 2, 64), Dark: op > 0.5,
				Title: fmt.Sprintf("%s, %s: %d omgjorte", c.Label, labels[i], n)})
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

// shorten cuts a label to n characters with "…" for the narrow chart columns.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
