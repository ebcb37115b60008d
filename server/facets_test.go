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
