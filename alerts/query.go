package alerts

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"omgjort"
)

// maxQueryRunes bounds the query box of a saved search, as on the search page.
const maxQueryRunes = 1000

// Canonical turns a search page's query string into the canonical form a saved search keeps:
// the query box, the filters and the date range, each value once, in a fixed order, without
// the sort order and the page (they do not change which decisions match). The message is
// Danish and non-empty when the search cannot be saved.
func Canonical(raw string) (string, string) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", "Søgningen i adressen kan ikke læses. Søg igen, og gem den derfra."
	}
	out := url.Values{}
	text := strings.TrimSpace(q.Get("q"))
	if !utf8.ValidString(text) {
		return "", "Søgningen indeholder ugyldige tegn."
	}
	if n := utf8.RuneCountInString(text); n > maxQueryRunes {
		return "", "Søgningen er for lang (" + strconv.Itoa(n) + " tegn). Den må højst være " + strconv.Itoa(maxQueryRunes) + " tegn."
	}
	if text != "" {
		out.Set("q", text)
	}
	for _, fp := range omgjort.SearchFilters {
		var vs []string
		for _, v := range q[fp.Param] {
			if v = strings.TrimSpace(v); v != "" && utf8.ValidString(v) && !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		slices.Sort(vs)
		for _, v := range vs {
			out.Add(fp.Param, v)
		}
	}
	for _, name := range []string{"fra", "til"} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "", "Datoen i feltet \"" + map[string]string{"fra": "Fra", "til": "Til"}[name] + "\" skal skrives som ÅÅÅÅ-MM-DD, fx 2024-01-31."
		}
		out.Set(name, v)
	}
	if f, t := out.Get("fra"), out.Get("til"); f != "" && t != "" && f > t {
		return "", "Fra-datoen ligger efter til-datoen. Byt om på dem."
	}
	if len(out) == 0 {
		return "", "Der er ingen søgning at gemme. Skriv et søgeord eller vælg et filter først."
	}
	return out.Encode(), ""
}

// Request is the search a canonical query string stands for (all hits, no snippets). A query
// string that no longer reads is reported with a Danish message.
func Request(canonical string) (omgjort.SearchRequest, string) {
	c, msg := Canonical(canonical)
	if msg != "" {
		return omgjort.SearchRequest{}, msg
	}
	q, _ := url.ParseQuery(c)
	req := omgjort.SearchRequest{Query: q.Get("q"), Sort: "relevance", NoSnippets: true}
	if f, t := q.Get("fra"), q.Get("til"); f != "" || t != "" {
		req.Query = strings.TrimSpace(req.Query + " dato:" + f + ".." + t)
	}
	for _, fp := range omgjort.SearchFilters {
		if vs := q[fp.Param]; len(vs) > 0 {
			if req.Filters == nil {
				req.Filters = map[string][]string{}
			}
			req.Filters[fp.Key] = slices.Clone(vs)
		}
	}
	return req, ""
}
