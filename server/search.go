package server

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"omgjort"
)

// filterParam is one of the search page's filters (omgjort.SearchFilters) with the heading of
// its facet on the page.
type filterParam struct {
	Param   string // query parameter, e.g. "udfald"
	Key     string // SearchRequest.Filters and SearchResult.Facets key, e.g. "outcome"
	Heading string // Danish facet heading
}

// filterHeadings are the Danish facet headings by filter key.
var filterHeadings = map[string]string{
	"law": "Lov", "outcome": "Udfald", "errors": "Fejltype", "year": "År",
	"status": "Status", "authority": "Myndighed", "kritik": "Kritik", "source": "Kilde",
}

// filterParams is the fixed order in which facets and active filters are shown.
var filterParams = func() []filterParam {
	out := make([]filterParam, 0, len(omgjort.SearchFilters))
	for _, f := range omgjort.SearchFilters {
		out = append(out, filterParam{Param: f.Param, Key: f.Key, Heading: filterHeadings[f.Key]})
	}
	return out
}()

// valueLabel is the Danish display name of a facet or filter value.
func valueLabel(key, v string) string {
	switch key {
	case "outcome":
		return omgjort.Outcome(v).Label()
	case "errors":
		return omgjort.ErrorType(v).Label()
	case "status":
		return omgjort.Status(v).Label()
	case "kritik":
		if v == "ja" {
			return "Med kritik"
		}
		return "Uden kritik"
	case "source":
		if v == "egne" {
			return "Egne"
		}
		return "Offentliggjorte"
	}
	return v
}

// searchInput is the request as read from the URL, before it is handed to the searcher.
type searchInput struct {
	Query   string
	Filters map[string][]string // keyed by query parameter ("lov", "udfald" …)
	Sort    string              // "" or "date"
	Page    int                 // 1-based
	// From and To are the publication date range of the form's date fields (YYYY-MM-DD, either
	// may be empty); they become dato:From..To in the query.
	From, To string
}

// parseSearch reads and bounds the search parameters. The returned message is Danish and
// non-empty when the input cannot be searched.
func parseSearch(r *http.Request) (searchInput, string) {
	q := r.URL.Query()
	in := searchInput{Query: strings.TrimSpace(q.Get("q")), Filters: map[string][]string{}, Page: 1}
	if !utf8.ValidString(in.Query) {
		return in, "Søgningen indeholder ugyldige tegn."
	}
	if n := utf8.RuneCountInString(in.Query); n > maxQueryRunes {
		return in, "Søgningen er for lang (" + strconv.Itoa(n) + " tegn). Den må højst være " +
			strconv.Itoa(maxQueryRunes) + " tegn."
	}
	count := 0
	for _, fp := range filterParams {
		for _, v := range q[fp.Param] {
			v = strings.TrimSpace(v)
			if v == "" || !utf8.ValidString(v) || slices.Contains(in.Filters[fp.Param], v) {
				continue
			}
			in.Filters[fp.Param] = append(in.Filters[fp.Param], v)
			count++
		}
	}
	if count > maxFilterCount {
		return in, "Der er valgt for mange filtre. Fjern nogle og prøv igen."
	}
	if q.Get("sort") == "date" {
		in.Sort = "date"
	}
	for _, d := range []struct {
		v    *string
		name string
	}{{&in.From, "fra"}, {&in.To, "til"}} {
		*d.v = strings.TrimSpace(q.Get(d.name))
		if *d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, *d.v); err != nil {
			return in, "Datoen i feltet \"" + map[string]string{"fra": "Fra", "til": "Til"}[d.name] + "\" skal skrives som ÅÅÅÅ-MM-DD, fx 2024-01-31."
		}
	}
	if in.From != "" && in.To != "" && in.From > in.To {
		return in, "Fra-datoen ligger efter til-datoen. Byt om på dem."
	}
	if side := strings.TrimSpace(q.Get("side")); side != "" {
		p, err := strconv.Atoi(side)
		if err != nil || p < 1 {
			return in, "Sidetallet skal være et helt tal fra 1 og opefter."
		}
		if p > maxPage {
			return in, "Der kan højst vises " + strconv.Itoa(maxPage) + " sider. Gør søgningen mere præcis."
		}
		in.Page = p
	}
	return in, ""
}

// request turns the parsed input into the searcher's request.
func (in searchInput) request() omgjort.SearchRequest {
	req := omgjort.SearchRequest{Query: in.Query, Sort: in.Sort, From: (in.Page - 1) * pageSize, Size: pageSize}
	if r := in.dateRange(); r != "" {
		req.Query = strings.TrimSpace(req.Query + " " + r)
	}
	if in.Sort == "" {
		req.Sort = "relevance"
	}
	for _, fp := range filterParams {
		if vs := in.Filters[fp.Param]; len(vs) > 0 {
			if req.Filters == nil {
				req.Filters = map[string][]string{}
			}
			req.Filters[fp.Key] = slices.Clone(vs)
		}
	}
	return req
}

// dateRange is the query clause of the date fields, "" without dates.
func (in searchInput) dateRange() string {
	if in.From == "" && in.To == "" {
		return ""
	}
	return "dato:" + in.From + ".." + in.To
}

// empty reports whether the user has asked for nothing yet (the bare front page).
func (in searchInput) empty() bool {
	return in.Query == "" && len(in.Filters) == 0 && in.dateRange() == ""
}

// values encodes the input as query parameters, for building links that change one thing.
func (in searchInput) values() url.Values {
	v := url.Values{}
	if in.Query != "" {
		v.Set("q", in.Query)
	}
	for _, fp := range filterParams {
		for _, x := range in.Filters[fp.Param] {
			v.Add(fp.Param, x)
		}
	}
	if in.From != "" {
		v.Set("fra", in.From)
	}
	if in.To != "" {
		v.Set("til", in.To)
	}
	if in.Sort != "" {
		v.Set("sort", in.Sort)
	}
	if in.Page > 1 {
		v.Set("side", strconv.Itoa(in.Page))
	}
	return v
}

// href is the search page URL for the input.
func (in searchInput) href() string {
	enc := in.values().Encode()
	if enc == "" {
		return "/"
	}
	return "/?" + enc
}

// with returns a copy of in with its own filter map, so link builders can change it freely.
func (in searchInput) with() searchInput {
	out := in
	out.Filters = make(map[string][]string, len(in.Filters))
	for k, v := range in.Filters {
		out.Filters[k] = slices.Clone(v)
	}
	return out
}

// searchPage is the data of the search page.
type searchPage struct {
	base
	Query     string
	Hidden    []hiddenField // active filters and sort, kept when the query box is submitted
	Error     string        // Danish query error, shown in an alert
	Searched  bool          // false on the bare front page before anything is asked
	Total     uint64
	From, To  int
	Hits      []hitView
	Facets    []facetView
	Active    []activeFilter
	SortLinks []link
	Pages     []pageLink
	Prev      string
	Next      string
	// FeedHref and ExportHref are the same search as an Atom feed and as CSV.
	FeedHref   string
	ExportHref string
	// DateFrom and DateTo fill the date fields.
	DateFrom, DateTo string
	// Without hits: Suggestion is a corrected search ("Mente du …") and Emptied the filters
	// that each emptied the result, with the search without them and its count.
	Suggestion *link
	Emptied    []emptiedFilter
	// Save is the "Gem søgning" form (or, anonymous, the hint to sign in); nil without it.
	Save *saveForm
}

// emptiedFilter is a filter without which the search has hits.
type emptiedFilter struct {
	Heading, Label, Href string
	Total                uint64
}

// hiddenField is a name/value pair carried through the search form.
type hiddenField struct{ Name, Value string }

// link is a labelled link; Current marks the one that is in effect.
type link struct {
	Label   string
	Href    string
	Current bool
}

// pageLink is one entry of the pagination; Gap marks an ellipsis.
type pageLink struct {
	Number  int
	Href    string
	Current bool
	Gap     bool
}

// hitView is one search hit as the page shows it.
type hitView struct {
	Href         string
	Title        string
	Number       string
	Published    string
	Outcome      string
	OutcomeLabel string
	Historic     bool
	Errors       []string
	Laws         []string
	Snippets     []template.HTML
}

// Item renders the hit as the search page's list item, written here rather than in the
// template for the reason facetView.Items gives (a page's 10–20 hits were some 15 template
// actions each); TestHitItemAsTheTemplateWroteIt checks it against the template it replaces.
func (h hitView) Item() template.HTML {
	var b strings.Builder
	b.WriteString("\n<li class=\"hit\">\n<h3><a href=\"")
	b.WriteString(htmlEscape.Replace(normalizeURL(h.Href)))
	b.WriteString(`">`)
	b.WriteString(htmlEscape.Replace(h.Title))
	b.WriteString("</a></h3>\n<p class=\"meta\">\n<span class=\"badge badge-")
	b.WriteString(htmlEscape.Replace(h.Outcome))
	b.WriteString(`">`)
	b.WriteString(htmlEscape.Replace(h.OutcomeLabel))
	b.WriteString("</span>")
	if h.Historic {
		b.WriteString(` <span class="tag tag-historic">Historisk</span>`)
	}
	if h.Number != "" {
		b.WriteString(" <span>Nr. ")
		b.WriteString(htmlEscape.Replace(h.Number))
		b.WriteString("</span>")
	}
	if h.Published != "" {
		b.WriteString(" <span>Offentliggjort ")
		b.WriteString(htmlEscape.Replace(h.Published))
		b.WriteString("</span>")
	}
	b.WriteString("\n</p>")
	if len(h.Laws) > 0 {
		b.WriteString(`<p class="laws">`)
		b.WriteString(htmlEscape.Replace(strings.Join(h.Laws, ", ")))
		b.WriteString("</p>")
	}
	if len(h.Errors) > 0 {
		b.WriteString(`<p class="errors">Fejl: `)
		b.WriteString(htmlEscape.Replace(strings.Join(h.Errors, ", ")))
		b.WriteString("</p>")
	}
	for _, sn := range h.Snippets {
		b.WriteString("\n<p class=\"snippet\">")
		b.WriteString(string(sn)) // marked up by the index, every text escaped there
		b.WriteString("</p>")
	}
	b.WriteString("\n</li>")
	return template.HTML(b.String())
}

// normalizeURL percent-encodes what html/template's URL normaliser encodes in an href (all
// but letters, digits and the characters a URL may hold as they are), in lower-case hex.
func normalizeURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~%", c) >= 0:
		default:
			if b.Len() == 0 {
				b.WriteString(s[:i])
			}
			fmt.Fprintf(&b, "%%%02x", c)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return s
	}
	return b.String()
}

// facetView is one facet with its values as filter links.
type facetView struct {
	Heading string
	Values  []facetValueView
}

// Items renders the facet's values as the list items of the search page. They are written
// here rather than in the template because a page has some 50 of them and html/template's
// cost per action (reflection for every field and escaper) made them a tenth of a search's
// CPU; TestFacetItemsAsTheTemplateWroteThem checks the output against the template it replaces.
// Every value is escaped as html/template escapes text and attribute values (htmlEscape);
// Href is a path and query string built by this package (toggled), never a scheme.
func (f facetView) Items() template.HTML {
	var b strings.Builder
	for _, v := range f.Values {
		b.WriteString("\n<li><a href=\"")
		b.WriteString(htmlEscape.Replace(v.Href))
		b.WriteByte('"')
		if v.Active {
			b.WriteString(` class="facet-active" aria-current="true"`)
		}
		b.WriteByte('>')
		b.WriteString(htmlEscape.Replace(v.Label))
		b.WriteString(` <span class="count">(`)
		b.WriteString(strconv.Itoa(v.Count))
		b.WriteString(`)</span>`)
		if v.Active {
			b.WriteString(`<span class="visually-hidden"> – valgt, klik for at fjerne</span>`)
		}
		b.WriteString("</a></li>")
	}
	return template.HTML(b.String())
}

// htmlEscape escapes text for HTML content and quoted attributes exactly as html/template does
// (its htmlEscaper).
var htmlEscape = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// facetValueView is one facet value: a link that adds (or, when active, removes) the filter.
type facetValueView struct {
	Label  string
	Count  int
	Href   string
	Active bool
}

// activeFilter is a filter in effect with the link that removes it.
type activeFilter struct {
	Heading string
	Label   string
	Href    string
}

// handleSearch serves the search page.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	in, msg := parseSearch(r)
	p := searchPage{base: base{Title: "Søg i Ankestyrelsens principmeddelelser"}, Query: in.Query, DateFrom: in.From, DateTo: in.To}
	p.Fresh = s.freshness()
	p.Hidden = hiddenFields(in)
	p.Active = append(activeFilters(in), activeDates(in)...)
	if msg != "" {
		p.Error = msg
		s.render(w, r, http.StatusBadRequest, "search.html", p)
		return
	}
	res, err := s.search.Search(r.Context(), in.request())
	var qe *omgjort.QueryError
	switch {
	case errors.As(err, &qe) && in.empty():
		// The bare front page: an index that cannot browse without a query is not the user's fault.
		s.render(w, r, http.StatusOK, "search.html", p)
		return
	case errors.As(err, &qe):
		p.Error = qe.Message
		s.render(w, r, http.StatusBadRequest, "search.html", p)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	p.Searched = true
	p.Total = res.Total
	if len(res.Hits) > 0 {
		p.From = (in.Page-1)*pageSize + 1
		p.To = p.From + len(res.Hits) - 1
	}
	for _, h := range res.Hits {
		p.Hits = append(p.Hits, hitToView(h))
	}
	p.Facets = facetViews(in, res.Facets)
	p.SortLinks = sortLinks(in)
	p.Pages, p.Prev, p.Next = pagination(in, res.Total)
	if res.Total == 0 {
		s.noDeadEnd(r, in, &p)
	}
	p.Save = s.saveFormFor(r)
	if res.Total > 0 {
		all := in.with()
		all.Page = 1
		q := all.values().Encode()
		p.FeedHref, p.ExportHref = "/feed.atom", "/export.csv"
		if q != "" {
			p.FeedHref += "?" + q
			p.ExportHref += "?" + q
		}
	}
	s.render(w, r, http.StatusOK, "search.html", p)
}

// noDeadEnd fills what a search without hits offers instead: a spelling from the index's own
// words, and each filter or date range that emptied the result, with the link removing it.
func (s *Server) noDeadEnd(r *http.Request, in searchInput, p *searchPage) {
	if sg, ok := s.suggester(); ok && in.Query != "" {
		q, err := sg.Suggest(r.Context(), in.Query)
		if err != nil {
			s.log.Warn("server: suggest", "error", err)
		}
		if q != "" {
			alt := in.with()
			alt.Query, alt.Page = q, 1
			p.Suggestion = &link{Label: q, Href: alt.href()}
		}
	}
	count := func(alt searchInput) (uint64, bool) {
		req := alt.request()
		req.From, req.Size, req.NoSnippets = 0, 1, true
		res, err := s.search.Search(r.Context(), req)
		if err != nil {
			return 0, false
		}
		return res.Total, res.Total > 0
	}
	for _, fp := range filterParams {
		for _, v := range in.Filters[fp.Param] {
			alt := in.with()
			alt.Page = 1
			alt.Filters[fp.Param] = slices.DeleteFunc(alt.Filters[fp.Param], func(x string) bool { return x == v })
			if len(alt.Filters[fp.Param]) == 0 {
				delete(alt.Filters, fp.Param)
			}
			if n, ok := count(alt); ok {
				p.Emptied = append(p.Emptied, emptiedFilter{Heading: fp.Heading, Label: valueLabel(fp.Key, v), Href: alt.href(), Total: n})
			}
		}
	}
	if in.dateRange() != "" {
		alt := in.with()
		alt.From, alt.To, alt.Page = "", "", 1
		if n, ok := count(alt); ok {
			p.Emptied = append(p.Emptied, emptiedFilter{Heading: "Periode", Label: danishRange(in.From, in.To), Href: alt.href(), Total: n})
		}
	}
}

// suggester is the searcher's spelling suggester, under the own-decision wrappers of auth.go
// (the index suggests only words of published decisions).
func (s *Server) suggester() (omgjort.Suggester, bool) {
	inner := s.search
	for {
		switch w := inner.(type) {
		case ownStatsSearcher:
			inner = w.ownSearcher
		case ownSearcher:
			inner = w.inner
		case omgjort.Suggester:
			return w, true
		default:
			return nil, false
		}
	}
}

// danishRange writes a date range for the page: "1. januar 2024 – 30. juni 2024".
func danishRange(from, to string) string {
	switch {
	case from == "":
		return "til " + danishDate(to)
	case to == "":
		return "fra " + danishDate(from)
	}
	return danishDate(from) + " – " + danishDate(to)
}

// hitToView prepares one hit for the page. Snippets are the only HTML taken from outside: the
// index escapes everything in them but its <mark> tags (omgjort.SearchHit.Snippets).
func hitToView(h omgjort.SearchHit) hitView {
	v := hitView{
		Href:         "/d/" + url.PathEscape(h.ID),
		Title:        h.Title,
		Number:       h.Number,
		Published:    danishDate(h.Published),
		Outcome:      badgeClass(h.Outcome),
		OutcomeLabel: h.Outcome.Label(),
		Historic:     h.Status == omgjort.StatusHistorisk,
		Laws:         h.Laws,
	}
	if v.Title == "" {
		v.Title = "Afgørelse " + h.Number
	}
	for _, e := range h.Errors {
		v.Errors = append(v.Errors, e.Label())
	}
	for _, sn := range h.Snippets {
		v.Snippets = append(v.Snippets, trustedSnippet(sn))
	}
	return v
}

// badgeClass maps an outcome to the CSS class suffix of its badge; unknown values get the
// neutral badge so a new slug never renders unstyled.
func badgeClass(o omgjort.Outcome) string {
	if o.Valid() {
		return string(o)
	}
	return string(omgjort.OutcomeUkendt)
}

// hiddenFields carries the active filters and sort through a new submission of the query box.
func hiddenFields(in searchInput) []hiddenField {
	var out []hiddenField
	for _, fp := range filterParams {
		for _, v := range in.Filters[fp.Param] {
			out = append(out, hiddenField{fp.Param, v})
		}
	}
	if in.Sort != "" {
		out = append(out, hiddenField{"sort", in.Sort})
	}
	return out
}

// activeDates is the date range as an active filter, with the link removing it.
func activeDates(in searchInput) []activeFilter {
	if in.dateRange() == "" {
		return nil
	}
	out := in.with()
	out.From, out.To, out.Page = "", "", 1
	return []activeFilter{{Heading: "Periode", Label: danishRange(in.From, in.To), Href: out.href()}}
}

// activeFilters lists the filters in effect, each with a link to the same search without it.
func activeFilters(in searchInput) []activeFilter {
	var out []activeFilter
	for _, fp := range filterParams {
		for _, v := range in.Filters[fp.Param] {
			out = append(out, activeFilter{Heading: fp.Heading, Label: valueLabel(fp.Key, v), Href: toggled(in, fp.Param, v)})
		}
	}
	return out
}

// toggled is the search URL with the filter param=v added, or removed when already active; the
// page goes back to 1 because the hits change.
func toggled(in searchInput, param, v string) string {
	out := in.with()
	out.Page = 1
	vs := out.Filters[param]
	if i := slices.Index(vs, v); i >= 0 {
		vs = slices.Delete(vs, i, i+1)
	} else {
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		delete(out.Filters, param)
	} else {
		out.Filters[param] = vs
	}
	return out.href()
}

// facetViews orders the result's facets as filterParams does and turns their values into links.
func facetViews(in searchInput, facets map[string][]omgjort.FacetValue) []facetView {
	var out []facetView
	for _, fp := range filterParams {
		vals := facets[fp.Key]
		if len(vals) == 0 || (fp.Key == "source" && !hasValue(vals, "egne")) {
			// The source facet shows only where own decisions are counted: for those who may
			// read them (others' searches never include them).
			continue
		}
		fv := facetView{Heading: fp.Heading}
		for _, v := range vals {
			if v.Value == "" {
				continue
			}
			fv.Values = append(fv.Values, facetValueView{
				Label:  valueLabel(fp.Key, v.Value),
				Count:  v.Count,
				Href:   toggled(in, fp.Param, v.Value),
				Active: slices.Contains(in.Filters[fp.Param], v.Value),
			})
		}
		if len(fv.Values) > 0 {
			out = append(out, fv)
		}
	}
	return out
}

// sortLinks offers relevance and date order.
func sortLinks(in searchInput) []link {
	rel, date := in.with(), in.with()
	rel.Sort, rel.Page = "", 1
	date.Sort, date.Page = "date", 1
	return []link{
		{Label: "Relevans", Href: rel.href(), Current: in.Sort == ""},
		{Label: "Nyeste først", Href: date.href(), Current: in.Sort == "date"},
	}
}

// pagination returns the page links around the current page (first and last always shown) and
// the previous/next links, empty where there is none.
func pagination(in searchInput, total uint64) (pages []pageLink, prev, next string) {
	last := int((total + pageSize - 1) / pageSize)
	last = min(last, maxPage)
	if last <= 1 && in.Page <= 1 {
		return nil, "", ""
	}
	at := func(n int) string {
		out := in.with()
		out.Page = n
		return out.href()
	}
	if in.Page > 1 {
		prev = at(min(in.Page-1, max(last, 1)))
	}
	if in.Page < last {
		next = at(in.Page + 1)
	}
	gap := false
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= in.Page-2 && n <= in.Page+2) {
			pages = append(pages, pageLink{Number: n, Href: at(n), Current: n == in.Page})
			gap = false
		} else if !gap {
			pages = append(pages, pageLink{Gap: true})
			gap = true
		}
	}
	return pages, prev, next
}

// apiSearchResult is the JSON body of /api/search.
type apiSearchResult struct {
	Total  uint64                          `json:"total"`
	Hits   []omgjort.SearchHit             `json:"hits"`
	Facets map[string][]omgjort.FacetValue `json:"facets"`
	// Took is how long the search ran, in milliseconds.
	Took float64 `json:"took"`
}

// handleAPISearch serves a search as JSON with the same parameters as the search page.
func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	in, msg := parseSearch(r)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	res, ok := s.searchOr400(w, r, in.request())
	if !ok {
		return
	}
	s.auditOwnHits(r, "API-søgning", res.Hits)
	out := apiSearchResult{Total: res.Total, Hits: res.Hits, Facets: res.Facets, Took: float64(res.Took.Microseconds()) / 1000}
	if out.Hits == nil {
		out.Hits = []omgjort.SearchHit{}
	}
	if out.Facets == nil {
		out.Facets = map[string][]omgjort.FacetValue{}
	}
	writeJSON(w, http.StatusOK, out)
}

// trustedSnippet turns an index snippet into HTML. The index promises that everything but its
// <mark> tags is escaped; as a second line of defence a snippet with any other markup is
// escaped whole and only its <mark> tags are put back.
func trustedSnippet(sn string) template.HTML {
	rest := unmark.Replace(sn)
	if !strings.ContainsAny(rest, "<>") {
		return template.HTML(sn) // #nosec G203 -- only <mark> markup, checked above
	}
	esc := template.HTMLEscapeString(sn)
	esc = remark.Replace(esc)
	return template.HTML(esc) // #nosec G203 -- everything escaped but <mark>
}

// unmark drops a snippet's <mark> tags; remark puts escaped ones back. Built once: a Replacer
// builds its tables on first use, which cost an allocation per hit of every search page.
var (
	unmark = strings.NewReplacer("<mark>", "", "</mark>", "")
	remark = strings.NewReplacer("&lt;mark&gt;", "<mark>", "&lt;/mark&gt;", "</mark>")
)

// searchOr400 runs req for a handler that answers with data (JSON, Atom, CSV): a badly written
// query is a 400 with the Danish message, any other failure a 500. ok is false when the
// response has been written.
func (s *Server) searchOr400(w http.ResponseWriter, r *http.Request, req omgjort.SearchRequest) (res *omgjort.SearchResult, ok bool) {
	res, err := s.search.Search(r.Context(), req)
	var qe *omgjort.QueryError
	switch {
	case errors.As(err, &qe):
		s.badRequest(w, r, qe.Message)
		return nil, false
	case err != nil:
		s.serverError(w, r, err)
		return nil, false
	}
	return res, true
}

func hasValue(vals []omgjort.FacetValue, v string) bool {
	for _, x := range vals {
		if x.Value == v && x.Count > 0 {
			return true
		}
	}
	return false
}
