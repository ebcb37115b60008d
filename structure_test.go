package omgjort

import (
	"reflect"
	"testing"
)

func TestSplitHeadingsRestoresFlattenedHeadings(t *testing.T) {
	parts := func(p string) []string {
		var out []string
		for _, tp := range SplitHeadings(p) {
			s := p[tp.Start:tp.End]
			if tp.Heading {
				s = "#" + s
			}
			out = append(out, s)
		}
		return out
	}
	for in, want := range map[string][]string{
		"Det betyder, at vi hjemviser sagen. Begrundelse for afgørelsen Sådan vurderer vi sagen Afgørelsen lever ikke op til kravene.": {
			"Det betyder, at vi hjemviser sagen. ", "#Begrundelse for afgørelsen", "#Sådan vurderer vi sagen", "Afgørelsen lever ikke op til kravene."},
		"Sådan vurderer vi sagen":                                  {"#Sådan vurderer vi sagen"},
		"Begrundelse for afgørelsen er, at du har arbejde.":        {"Begrundelse for afgørelsen er, at du har arbejde."},
		"Vi har set på Om reglerne Dit krav.":                      {"Vi har set på Om reglerne Dit krav."},
		"Hvad skal kommunen gøre? Kommunen skal se på sagen igen.": {"#Hvad skal kommunen gøre?", "Kommunen skal se på sagen igen."},
		"Ingen overskrift her.":                                    {"Ingen overskrift her."},
	} {
		if got := parts(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestActsAndProvisions(t *testing.T) {
	for name, want := range map[string]string{"SDPL": "sygedagpengeloven", "sygedagpengelovens": "sygedagpengeloven",
		"Lov om aktiv socialpolitik": "aktivloven", "LAS": "aktivloven", "Lov om en aktiv beskæftigelsesindsats": "beskæftigelsesloven",
		"barnets lov": "barnets lov", "fvl": "forvaltningsloven"} {
		if a, ok := ActByName(name); !ok || a.Key != want {
			t.Errorf("ActByName(%q) = %q, %v; want %q", name, a.Key, ok, want)
		}
	}
	if _, ok := ActByName("fooloven"); ok {
		t.Error("fooloven is no act")
	}
	p, ok := ParseParagraph("§ 13, stk. 7, nr. 2, 2. pkt.")
	if !ok || p.Section != "13" || p.Stk != "7" || p.Nr != "2" || p.Pkt != "2" {
		t.Errorf("ParseParagraph: %+v %v", p, ok)
	}
	p, _ = ParseParagraph("§§ 109 og 110")
	p.Act = "serviceloven"
	if got := p.Keys(); !reflect.DeepEqual(got, []string{"serviceloven|109", "serviceloven|110"}) {
		t.Errorf("keys of §§ 109 og 110: %q", got)
	}
	p, _ = ParseParagraph("§ 14, stk. 1 og 2")
	p.Act = "aktivloven"
	if got := p.Keys(); !reflect.DeepEqual(got, []string{"aktivloven|14", "aktivloven|14|stk. 1", "aktivloven|14|stk. 2"}) {
		t.Errorf("keys of § 14, stk. 1 og 2: %q", got)
	}
	d := &Decision{Laws: []string{"Sygedagpengeloven"}, Paragraphs: []string{"§ 47, stk. 1", "§ 54, stk. 1"},
		Cases: []Case{{Text: "Efter barnets lov § 5, stk. 3, og § 110 i serviceloven …"}}}
	var got []string
	for _, p := range ProvisionsOf(d) {
		got = append(got, p.Act+" "+p.Section+"/"+p.Stk)
	}
	if want := []string{"barnets lov 5/3", "serviceloven 110/", "sygedagpengeloven 47/1", "sygedagpengeloven 54/1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ProvisionsOf: %q, want %q", got, want)
	}
}
