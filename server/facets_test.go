package server

import (
	"html/template"
	"strings"
	"testing"
)

// facetItemsTemplate is the template fragment facetView.Items replaced.
const facetItemsTemplate = `{{- range .Values}}
<li><a href="{{.Href}}"{{if .Active}} class="facet-active" aria-current="true"{{end}}>{{.Label}} <span class="count">({{.Count}})</span>{{if .Active}}<span class="visually-hidden"> – valgt, klik for at fjerne</span>{{end}}</a></li>
{{- end}}`

func TestFacetItemsAsTheTemplateWroteThem(t *testing.T) {
	tmpl := template.Must(template.New("items").Parse(facetItemsTemplate))
	in := searchInput{Query: `sygedagpenge "lægelige oplysninger" <b> & 'x'`, Filters: map[string][]string{"udfald": {"hjemvist"}}}
	f := facetView{Heading: "Udfald", Values: []facetValueView{
		{Label: "Hjemvist", Count: 12, Href: toggled(in, "udfald", "hjemvist"), Active: true},
		{Label: `Ændret <i>"anderledes"</i> & 'mere'`, Count: 1234567, Href: toggled(in, "udfald", "ændret & mere")},
		{Label: "Lov om aktiv socialpolitik § 13, stk. 7", Count: 0, Href: toggled(in, "lov", "lov om aktiv socialpolitik")},
	}}
	var want strings.Builder
	if err := tmpl.Execute(&want, f); err != nil {
		t.Fatal(err)
	}
	if got := string(f.Items()); got != want.String() {
		t.Errorf("Items\n got %s\nwant %s", got, want.String())
	}
	if strings.Contains(string(f.Items()), "<i>") {
		t.Error("a label's markup is not escaped")
	}
}

// hitItemTemplate is the template fragment hitView.Item replaced.
const hitItemTemplate = `{{- range .}}
<li class="hit">
<h3><a href="{{.Href}}">{{.Title}}</a></h3>
<p class="meta">
<span class="badge badge-{{.Outcome}}">{{.OutcomeLabel}}</span>
{{- if .Historic}} <span class="tag tag-historic">Historisk</span>{{end}}
{{- if .Number}} <span>Nr. {{.Number}}</span>{{end}}
{{- if .Published}} <span>Offentliggjort {{.Published}}</span>{{end}}
</p>
{{- if .Laws}}<p class="laws">{{range $i, $l := .Laws}}{{if $i}}, {{end}}{{$l}}{{end}}</p>{{end}}
{{- if .Errors}}<p class="errors">Fejl: {{range $i, $e := .Errors}}{{if $i}}, {{end}}{{$e}}{{end}}</p>{{end}}
{{- range .Snippets}}
<p class="snippet">{{.}}</p>
{{- end}}
</li>
{{- end}}`

func TestHitItemAsTheTemplateWroteIt(t *testing.T) {
	tmpl := template.Must(template.New("hits").Parse(hitItemTemplate))
	hits := []hitView{
		{Href: "/afgoerelse/ast-17-25", Title: `Sygedagpenge – "forlængelse" & <varighed>`, Number: "17-25", Published: "3. maj 2025",
			Outcome: "hjemvist", OutcomeLabel: "Hjemvist", Historic: true, Errors: []string{"Manglende partshøring", "Frister + tid"},
			Laws:     []string{"Sygedagpengeloven § 27, stk. 1", "Forvaltningsloven § 19"},
			Snippets: []template.HTML{"… kommunen har ikke <mark>partshørt</mark> dig …", "<mark>Sagen</mark> &amp; mere"}},
		{Href: "/afgoerelse/egne/ø æ'x(1)", Title: "Egen afgørelse", Outcome: "ukendt", OutcomeLabel: "Ukendt"},
		{Href: "/afgoerelse/x?side=2&q=a+b%20c", Title: "Uden metadata", Outcome: "stadfaestet", OutcomeLabel: "Stadfæstet", Number: "", Published: "1. januar 1990"},
	}
	var want, got strings.Builder
	if err := tmpl.Execute(&want, hits); err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		got.WriteString(string(h.Item()))
	}
	if got.String() != want.String() {
		t.Errorf("Item\n got %s\nwant %s", got.String(), want.String())
	}
}
