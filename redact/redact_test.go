package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// letter is a fictitious letter in the layout of Ankestyrelsen's decisions to a citizen.
const letter = `Ankestyrelsen
Teglholmsgade 3
2450 København SV
Tlf. 33 41 12 00
ast@ast.dk

Anna Bøgh-Larsen
c/o Peter Søndergaard
Skovvej 12, 2. th.
8000 Aarhus C

J.nr. 25-72316
Dato: 12. marts 2025
Sagsbehandler: Mette Kjær

Cpr.nr. 010190-1234

Kære Anna Bøgh-Larsen

Du har klaget over Aarhus Kommunes afgørelse af 3. januar 2025 om sanktion efter aktivloven.

Resultatet er:

Aarhus Kommune skal behandle din sag igen.

Det betyder, at vi hjemviser sagen. Annas mor, Karen Bøgh-Larsen, har oplyst, at Anna bor på Skovvej 12. Bøgh-Larsens telefon er 12 34 56 78 og mail anna.bl@mail.dk. Du kan også nås på tlf. 87654321. Karen har ringet til kommunen.

Partsrepræsentant: advokat Jens Holm, Strandvejen 4, 2900 Hellerup

Med venlig hilsen

Mette Kjær

Kopi til:
Aarhus Kommune, Jobcenter Aarhus
Advokat Jens Holm
`

func TestLetterRemovesEveryPlantedDetail(t *testing.T) {
	r := Letter(letter, Options{})
	for _, s := range []string{"Anna", "Bøgh", "Larsen", "Søndergaard", "Peter", "Skovvej", "8000", "Mette", "Kjær",
		"010190", "1234", "Karen", "12 34 56 78", "87654321", "anna.bl", "Jens", "Holm", "Strandvejen", "Hellerup"} {
		if strings.Contains(r.Text, s) {
			t.Errorf("%q survived redaction:\n%s", s, r.Text)
		}
	}
	for _, s := range []string{"Ankestyrelsen", "Teglholmsgade 3", "2450 København SV", "Tlf. 33 41 12 00", "ast@ast.dk",
		"J.nr. 25-72316", "Dato: 12. marts 2025", "Aarhus Kommunes afgørelse af 3. januar 2025", "aktivloven",
		"Aarhus Kommune, Jobcenter Aarhus", "Advokat [NAVN]", "Kære [NAVN]", "Cpr.nr. [CPR]", "Partsrepræsentant: advokat [NAVN], [ADRESSE], [POSTNR]",
		"[NAVN] mor, [NAVN], har oplyst", "[NAVN] bor på [ADRESSE].", "Med venlig hilsen\n\n[NAVN]\n"} {
		if !strings.Contains(r.Text, s) {
			t.Errorf("%q was not kept:\n%s", s, r.Text)
		}
	}
	if r.Uncertain() {
		t.Errorf("a letter in the known layout with every name found is uncertain: %+v", r.Reasons)
	}
}

func TestRemovalOffsetsPointAtPlaceholders(t *testing.T) {
	r := Letter(letter, Options{})
	runes := []rune(r.Text)
	if len(r.Removals) < 15 {
		t.Fatalf("only %d removals", len(r.Removals))
	}
	last := -1
	for _, x := range r.Removals {
		if x.Start < last {
			t.Errorf("removals out of order at %d", x.Start)
		}
		last = x.End
		if got := string(runes[x.Start:x.End]); got != x.Category.Placeholder() {
			t.Errorf("removal %+v covers %q", x, got)
		}
	}
	if r.Count(CPR) != 1 || r.Count(Email) != 1 || r.Count(Phone) != 2 || r.Count(Postcode) != 2 {
		t.Errorf("counts: cpr %d email %d phone %d postnr %d", r.Count(CPR), r.Count(Email), r.Count(Phone), r.Count(Postcode))
	}
}

func TestCPRForms(t *testing.T) {
	for _, in := range []string{
		"010190-1234", "0101901234", "010190 1234", "01.01.90-1234", "01 01 90 1234", "01-01-90-1234",
		"010190 - 1234", "O1O19O-1234", "0l0l90-l234", "010190–1234", "0101 90-1234", "010190-\n1234",
		"290200-1234", // 29 February
		"611290-1234", // replacement number: day + 60
		"311299-0000", // no modulus 11 (issued since 2007)
		"cpr0101901234", "(010190-1234)", "010190-1234.",
	} {
		r := Letter("Han har cpr.nummer "+in+" i sagen. Også "+in+" her", Options{})
		if strings.Count(r.Text, "[CPR]") != 2 {
			t.Errorf("%q: %q", in, r.Text)
		}
		if CPRShaped(r.Text) {
			t.Errorf("%q: a CPR-shaped run survived in %q", in, r.Text)
		}
	}
}

func TestCPRNotDates(t *testing.T) {
	for _, in := range []string{
		"J.nr. 25-72316", "den 12.03.2025", "12. marts 2025", "lov nr. 1234 af 12/06/2023", "kr. 12.345,00",
		"321290-1234", // day 32
		"011390-1234", // month 13
		"300290-1234", // 30 February
		"01019012345", // eleven digits
		"§ 12, stk. 3", "Bo Olsen", "Ole Lund",
	} {
		r := Letter("Tekst "+in+" tekst", Options{})
		if strings.Contains(r.Text, "[CPR]") {
			t.Errorf("%q was taken for a CPR number: %q", in, r.Text)
		}
	}
}

func TestGarbledCPRFieldIsRemovedAndUncertain(t *testing.T) {
	r := Letter("Cpr.nr. 3l13?9-4B2l\nKære Anna\nAnkestyrelsen\n", Options{})
	if strings.Contains(r.Text, "4B2l") || !strings.Contains(r.Text, "Cpr.nr. [CPR]") {
		t.Fatalf("garbled CPR field kept: %q", r.Text)
	}
	found := false
	for _, x := range r.Reasons {
		if x.Kind == UnreadableCPR {
			found = true
			if got := string([]rune(r.Text)[x.Start:x.End]); got != "[CPR]" {
				t.Errorf("reason points at %q", got)
			}
		}
	}
	if !found {
		t.Errorf("no unreadable-cpr reason: %+v", r.Reasons)
	}
}

func TestNamesFromCueLines(t *testing.T) {
	cases := []struct{ in, gone, kept string }{
		{"Vedr.: Søren Ærø Hansen, cpr.nr. 020385-4321\nSøren har klaget. Hansens klage.", "Søren|Ærø|Hansen|020385", "har klaget"},
		{"Sagen vedrører: Åse Østergård\nÅses sag. Østergårds klage.", "Åse|Østergård", "sag"},
		{"Partsrepræsentant: Advokat Lise-Lotte Friis\nLise-Lotte Friis skrev. Friis' brev.", "Lise|Lotte|Friis", "skrev"},
		{"Kopi til: Bo Jensen (søn), Aarhus Kommune\nBo Jensen var med.", "Bo Jensen", "Aarhus Kommune"},
		{"Kære Hans Christian Ørsted\nVi har set Ørsteds brev.", "Hans|Christian|Ørsted", "brev"},
		{"Med venlig hilsen\n\nKirsten Dahl-Poulsen\nSpecialkonsulent\n", "Kirsten|Dahl|Poulsen", "Specialkonsulent"},
		{"Att.: Sagsbehandler Ib Mørch\n", "Ib|Mørch", "Sagsbehandler"},
	}
	for _, c := range cases {
		r := Letter(c.in, Options{})
		for _, g := range strings.Split(c.gone, "|") {
			if strings.Contains(r.Text, g) {
				t.Errorf("%q survived in %q", g, r.Text)
			}
		}
		if !strings.Contains(r.Text, c.kept) {
			t.Errorf("%q not kept in %q", c.kept, r.Text)
		}
	}
}

func TestOCRVariantsOfKnownNames(t *testing.T) {
	r := Letter("Kære Søren Kierkegaard\nSoren skrev, og Soeren svarede. Kirkegaard og Kierkegaards brev. Kierkegård.", Options{})
	for _, g := range []string{"Soren", "Soeren", "Kirkegaard", "Kierkegaards", "Kierkegård"} {
		if strings.Contains(r.Text, g) {
			t.Errorf("%q survived: %q", g, r.Text)
		}
	}
}

func TestAddressForms(t *testing.T) {
	for _, in := range []string{"Skovvej 12", "Skovvej 12, 2. th.", "Niels Juels Gade 3, st. tv.", "Åboulevarden 14B, 3. mf.",
		"Søndergade 1A", "H.C. Andersens Boulevard 2, 4. sal", "Ved Stranden 5"} {
		r := Letter("Kære Bo\n\nDu bor på "+in+", 8000 Aarhus C, oplyser du.\n", Options{})
		if in == "Ved Stranden 5" {
			// no street suffix: only an address block or a cue line can find it
			r = Letter("Bo Hansen\n"+in+"\n8000 Aarhus C\n\nKære Bo\n\nDu bor på "+in+".\n", Options{})
		}
		if strings.ContainsAny(strings.ReplaceAll(r.Text, "[POSTNR]", ""), "0123456789") {
			t.Errorf("%q: digits left in %q", in, r.Text)
		}
		if !strings.Contains(r.Text, "[ADRESSE]") || !strings.Contains(r.Text, "[POSTNR]") {
			t.Errorf("%q: %q", in, r.Text)
		}
	}
}

func TestPhoneAndEmailForms(t *testing.T) {
	for _, in := range []string{"12 34 56 78", "1234 5678", "+45 12345678", "+45 12 34 56 78", "tlf. 12345678", "mobil: 20-30-40-50"} {
		r := Letter("Du kan ringe på "+in+" i dag.", Options{})
		if !strings.Contains(r.Text, "[TELEFON]") || strings.Contains(r.Text, "5678") || strings.Contains(r.Text, "50 i") {
			t.Errorf("%q: %q", in, r.Text)
		}
	}
	for _, in := range []string{"anna.hansen@gmail.com", "a_b-c@firma.dk", "søren@ærø.dk", "anna @ mail.dk"} {
		r := Letter("Skriv til "+in+" i dag.", Options{})
		if r.Text != "Skriv til [EMAIL] i dag." {
			t.Errorf("%q: %q", in, r.Text)
		}
	}
}

func TestKeepsInstitutionsLawsDatesAndJnr(t *testing.T) {
	in := "Kære Anna Holm\n\nDu har klaget over Vejle Kommunes afgørelse af 3. januar 2025 om sygedagpenge efter sygedagpengelovens § 7, jf. lov nr. 563 af 9. juni 2006. J.nr. 24-10512 og 24-10513. Jobcenter Vejle, Kirketorvet 22, 7100 Vejle, tlf. 76 81 00 00.\nAnkestyrelsen"
	r := Letter(in, Options{})
	want := strings.Replace(in, "Anna Holm", "[NAVN]", 1)
	if r.Text != want {
		t.Errorf("got\n%s\nwant\n%s", r.Text, want)
	}
}

func TestUncertainty(t *testing.T) {
	kinds := func(r Result) map[ReasonKind]bool {
		m := map[ReasonKind]bool{}
		for _, x := range r.Reasons {
			m[x.Kind] = true
		}
		return m
	}
	if k := kinds(Letter("Noget tekst uden form.", Options{})); !k[NoAddressBlock] || !k[UnknownLayout] {
		t.Errorf("formless text: %v", k)
	}
	if k := kinds(Letter(letter, Options{OCRConfidence: 62})); !k[LowOCRConfidence] {
		t.Errorf("low OCR confidence: %v", k)
	}
	if k := kinds(Letter(letter, Options{OCRConfidence: 91})); len(k) != 0 {
		t.Errorf("good OCR confidence: %v", k)
	}
	r := Letter(strings.Replace(letter, "Karen har ringet", "Derfor har Vibeke og [NAVN] ringet", 1), Options{})
	found := false
	for _, x := range r.Reasons {
		if x.Kind == NameNearPlaceholder {
			found = true
			if got := string([]rune(r.Text)[x.Start:x.End]); got != "Vibeke" {
				t.Errorf("reason points at %q", got)
			}
		}
	}
	if !found {
		t.Errorf("unknown name next to a placeholder not flagged: %+v", r.Reasons)
	}
}

func TestReviewerRemovesMore(t *testing.T) {
	r := Letter(letter, Options{})
	i := strings.Index(r.Text, "Aarhus Kommune skal")
	start := utf8.RuneCountInString(r.Text[:i])
	r2, err := r.Remove(start, start+len([]rune("Aarhus")), Name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r2.Text, "[NAVN] Kommune skal") || len(r2.Removals) != len(r.Removals)+1 {
		t.Fatalf("%q", r2.Text)
	}
	runes := []rune(r2.Text)
	for _, x := range r2.Removals {
		if string(runes[x.Start:x.End]) != x.Category.Placeholder() {
			t.Errorf("after Remove, %+v covers %q", x, string(runes[x.Start:x.End]))
		}
	}
	if _, err := r.Remove(r.Removals[0].Start+1, r.Removals[0].End+3, Name); err == nil {
		t.Error("a range cutting a placeholder was accepted")
	}
	if _, err := r.Remove(0, 3, "X"); err == nil {
		t.Error("an unknown category was accepted")
	}
}
