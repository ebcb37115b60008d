package omgjort_test

import (
	"reflect"
	"testing"

	"omgjort"
)

func TestExtractCitations(t *testing.T) {
	par := func(text, act, para string) omgjort.Citation {
		return omgjort.Citation{Kind: omgjort.CitationParagraph, Text: text, Act: act, Paragraph: para}
	}
	dec := func(text, num string) omgjort.Citation {
		return omgjort.Citation{Kind: omgjort.CitationDecision, Text: text, Number: num}
	}
	tests := []struct {
		name string
		text string
		want []omgjort.Citation
	}{
		{"act and stk", "Det følger af forvaltningslovens § 19, stk. 1, at kommunen skal partshøre.",
			[]omgjort.Citation{par("forvaltningslovens § 19, stk. 1", "forvaltningsloven", "§ 19, stk. 1")}},
		{"letter suffix", "Efter § 40 a kan kommunen give tilskud.",
			[]omgjort.Citation{par("§ 40 a", "", "§ 40 a")}},
		{"letter suffix glued", "aktivlovens § 40a, stk. 2.",
			[]omgjort.Citation{par("aktivlovens § 40a, stk. 2", "aktivloven", "§ 40 a, stk. 2")}},
		{"range", "Kravene i forvaltningslovens §§ 22-24 er ikke opfyldt.",
			[]omgjort.Citation{par("forvaltningslovens §§ 22-24", "forvaltningsloven", "§§ 22-24")}},
		{"en dash range", "forvaltningslovens §§ 22–24",
			[]omgjort.Citation{par("forvaltningslovens §§ 22–24", "forvaltningsloven", "§§ 22-24")}},
		{"list with og", "servicelovens §§ 109 og 110 er den samme",
			[]omgjort.Citation{par("servicelovens §§ 109 og 110", "serviceloven", "§§ 109 og 110")}},
		{"nr and pkt", "aktivlovens § 13, stk. 7, nr. 2, og § 5, stk. 3, 2. pkt. gælder.",
			[]omgjort.Citation{
				par("aktivlovens § 13, stk. 7, nr. 2", "aktivloven", "§ 13, stk. 7, nr. 2"),
				par("§ 5, stk. 3, 2. pkt.", "", "§ 5, stk. 3, 2. pkt."),
			}},
		{"act after", "Det fremgår af § 110 i serviceloven, at …",
			[]omgjort.Citation{par("§ 110 i serviceloven", "serviceloven", "§ 110")}},
		{"preposition i is not a letter", "jf. § 10 i bekendtgørelse om …",
			[]omgjort.Citation{par("§ 10", "", "§ 10")}},
		{"stk list, bare lovens names no act", "lovens § 4, stk. 1 og 2, om ligedeling",
			[]omgjort.Citation{par("§ 4, stk. 1 og 2", "", "§ 4, stk. 1 og 2")}},
		{"current number", "Vi henviser til principmeddelelse 43-19 om opkrævning.",
			[]omgjort.Citation{dec("43-19", "43-19")}},
		{"list of numbers", "Se principmeddelelserne 8-25 og 9-25, 11-23.",
			[]omgjort.Citation{dec("8-25", "8-25"), dec("9-25", "9-25"), dec("11-23", "11-23")}},
		{"principafgørelse", "Ankestyrelsens principafgørelse 64-13 om børn",
			[]omgjort.Citation{dec("64-13", "64-13")}},
		{"legacy after word", "jf. principmeddelelse O-26-96, der fortsat gælder",
			[]omgjort.Citation{dec("O-26-96", "O-26-96")}},
		{"legacy bare and SM", "Praksis fra C-16-99 og SM A-25-04 videreføres.",
			[]omgjort.Citation{dec("C-16-99", "C-16-99"), dec("A-25-04", "A-25-04")}},
		{"dedup", "principmeddelelse 43-19 … principmeddelelse 43-19 og forvaltningslovens § 19 og forvaltningslovens § 19",
			[]omgjort.Citation{dec("43-19", "43-19"), par("forvaltningslovens § 19", "forvaltningsloven", "§ 19")}},
		{"no number after the word", "Principmeddelelsen fastslår, at 17-25 uger er for lang tid.", nil},
		{"not a citation", "Beløbet var 3-4.000 kr. og fristen 2-3 uger. § alene.", nil},
		{"journal numbers are not legacy numbers", "j.nr. 24-123875 og 23-12345", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := omgjort.ExtractCitations(tc.text)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ExtractCitations(%q)\n got %+v\nwant %+v", tc.text, got, tc.want)
			}
		})
	}
}

func TestCitationsOfSkipsOwnNumbers(t *testing.T) {
	d := &omgjort.Decision{ID: "5-26", Number: "5-26", Numbers: []string{"5-26", "15-25"},
		Sections: []omgjort.Section{{Heading: "Principmeddelelsen fastslår", Text: "Principmeddelelsen er tidligere offentliggjort som principmeddelelse 15-25. Se også principmeddelelse 43-19 og forvaltningslovens § 19."}}}
	got := omgjort.CitationsOf(d)
	if len(got) != 2 || got[0].Number != "43-19" || got[1].Paragraph != "§ 19" {
		t.Fatalf("CitationsOf = %+v, want 43-19 and § 19 only", got)
	}
}

func FuzzExtractCitations(f *testing.F) {
	for _, s := range []string{"forvaltningslovens § 19, stk. 1", "§§ 22-24", "principmeddelelse 43-19 og 8-25", "§", "§§ 1 og", "O-26-96", "§ 5, stk. 3, 2. pkt."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range omgjort.ExtractCitations(s) {
			if c.Text == "" || (c.Paragraph == "" && c.Number == "") {
				t.Fatalf("empty citation %+v from %q", c, s)
			}
		}
	})
}
