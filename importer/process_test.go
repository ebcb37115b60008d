package importer

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"omgjort"
)

// zoneRedactor is a small redactor for these tests only (the product wires the redact
// package): it removes CPR numbers, the names it finds in the address block and after
// "Kære" and "Med venlig hilsen", wherever they occur, and address lines.
type zoneRedactor struct{ reasons []string }

var testCPR = regexp.MustCompile(`\b\d{6}[- ]?\d{4}\b`)

func (z zoneRedactor) Redact(text string, conf float64) Redaction {
	var names []string
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if n, ok := strings.CutPrefix(l, "Kære "); ok {
			names = append(names, n)
		}
		if l == "Med venlig hilsen" && i+1 < len(lines) {
			names = append(names, lines[i+1])
		}
		if regexp.MustCompile(`^\p{L}+gade \d+`).MatchString(l) || regexp.MustCompile(`^\d{4} \p{Lu}`).MatchString(l) && !strings.Contains(l, "København SV") {
			lines[i] = "[ADRESSE]"
		}
	}
	out := testCPR.ReplaceAllString(strings.Join(lines, "\n"), "[CPR]")
	for _, n := range names {
		out = strings.ReplaceAll(out, n, "[NAVN]")
	}
	return Redaction{Text: out, Reasons: z.reasons}
}

var fixedNow = func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }

func TestLettersSplitParseAndBuild(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	dir := t.TempDir()
	p := filepath.Join(dir, "tre-breve.pdf")
	a := fictitiousLetter("25-12345", "3. marts 2025")
	b := fictitiousLetter("25-22222", "4. marts 2025")
	b.body = strings.Replace(b.body, "Vi ændrer kommunens afgørelse. Det betyder, at du har ret til sygedagpenge.\nSagen indgår i vores statistik som en ændring.",
		"Vi stadfæster kommunens afgørelse.\nSagen indgår i vores statistik som en stadfæstelse.", 1)
	// A letter deciding two cases, each under its own heading naming its journal number.
	c := fictitiousLetter("25-30001, 25-30002", "5. marts 2025")
	c.body = strings.Replace(c.body, "Resultat\n", "Sag 1: Sygedagpenge (j.nr. 25-30001)\n\nResultat\n", 1) +
		"\n\nSag 2: Kontanthjælp (j.nr. 25-30002)\n\nResultat\nVi hjemviser sagen til kommunen.\n\nHvad lægger vi vægt på\nKommunen havde ikke partshørt dig."
	writePDF(t, p, a, b, c)
	items, err := Letters(context.Background(), p, Options{Team: "Team Syd", Redactor: zoneRedactor{}, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("want 3 letters, got %d", len(items))
	}
	for _, it := range items {
		if it.Err != nil || it.Decision == nil {
			t.Fatalf("%v: %v", it.Pages, it.Err)
		}
		txt := it.Decision.Text() + strings.Join(func() []string {
			var s []string
			for _, c := range it.Decision.Cases {
				s = append(s, c.Text)
			}
			return s
		}(), " ")
		for _, leak := range []string{"010190", "Æbelø", "Frida", "Østergade", "8000 Aarhus C", "Jens Holm"} {
			if strings.Contains(txt, leak) || strings.Contains(it.Decision.Title, leak) {
				t.Errorf("letter %v keeps %q", it.Pages, leak)
			}
		}
	}
	d := items[0].Decision
	if d.ID != "egen-25-12345" || d.Number != "25-12345" || d.Signed != "2025-03-03" || d.Source != omgjort.SourceOwn || d.Team != "Team Syd" {
		t.Errorf("decision: id %q number %q signed %q source %q team %q", d.ID, d.Number, d.Signed, d.Source, d.Team)
	}
	if d.Authority != "Aarhus Kommune" || !strings.Contains(d.Title, "ophør af sygedagpenge") || d.URL != "" {
		t.Errorf("authority %q title %q url %q", d.Authority, d.Title, d.URL)
	}
	if d.Statistic != omgjort.OutcomeAendret || items[1].Decision.Statistic != omgjort.OutcomeStadfaestet {
		t.Errorf("statistic: %q %q", d.Statistic, items[1].Decision.Statistic)
	}
	if len(d.Laws) != 1 || d.Laws[0] != "Lov om sygedagpenge" || !strings.Contains(d.Holding, "Vi ændrer kommunens afgørelse") {
		t.Errorf("laws %v holding %q", d.Laws, d.Holding)
	}
	var heads []string
	parsed, _ := Parse(items[0].Redaction.Text)
	for _, s := range parsed.Sections {
		heads = append(heads, s.Heading)
	}
	if !strings.Contains(strings.Join(heads, "|"), "Resultat|Hvad lægger vi vægt på") {
		t.Errorf("sections: %q", heads)
	}
	if len(d.Sections) != 0 || !strings.Contains(d.Cases[0].Text, "\n\nResultat\n\nVi ændrer") {
		t.Errorf("the letter is its case text, headings as paragraphs: %q", d.Cases[0].Text)
	}
	two := items[2].Decision
	if len(two.Cases) != 2 || two.Cases[0].Journal != "25-30001" || two.Cases[1].Journal != "25-30002" ||
		!strings.Contains(two.Cases[1].Text, "hjemviser") || strings.Contains(two.Cases[0].Text, "hjemviser") {
		t.Errorf("two cases: %+v", two.Cases)
	}
}

func TestLettersSplitByPageNumbers(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	// Two two-page letters with "Side n af 2" in the margin; the second page of each has no
	// journal number and no greeting.
	mk := func(jnr string) []testLetter {
		l := fictitiousLetter(jnr, "1. april 2025")
		l.margin = append(l.margin, "", "Side 1 af 2")
		return []testLetter{l, {margin: []string{"Side 2 af 2"}, body: "Klagevejledning\nDu kan ikke klage over denne afgørelse til en anden administrativ myndighed."}}
	}
	p := filepath.Join(t.TempDir(), "to.pdf")
	writePDF(t, p, append(mk("25-40001"), mk("25-40002")...)...)
	doc := extractT(t, p)
	ls := Split(doc)
	if len(ls) != 2 || len(ls[0].Pages) != 2 || ls[1].Pages[0] != 3 {
		t.Fatalf("split: %d letters %+v", len(ls), ls)
	}
}

func TestParseDatesAndUnknownLayout(t *testing.T) {
	for in, want := range map[string]string{"3. marts 2025": "2025-03-03", "03-03-2025": "2025-03-03", "31.12.2024": "2024-12-31", "30. februar 2025": ""} {
		if got := parseDate(in); got != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := Parse("Ankestyrelsen\n\nVi har modtaget dit brev."); err != ErrUnknownLayout {
		t.Errorf("no j.nr.: %v", err)
	}
	if _, err := Parse("Indkøbsliste\n\nMælk og brød"); err != ErrNotLetter {
		t.Errorf("not a letter: %v", err)
	}
	it := LettersOf(Document{Name: "x.txt", Pages: []Page{{Number: 1, Text: "Ankestyrelsen\n\nVi har modtaget dit brev.", Confidence: 100}}}, Options{Redactor: zoneRedactor{}})
	if len(it) != 1 || it[0].Err != nil || len(it[0].Review) == 0 || it[0].Decision.ID != "egen-"+it[0].Key {
		t.Errorf("unknown layout must go to review with a key ID: %+v", it)
	}
}

// TestIntakeRecordsRouteAndReview: a stored letter carries its route (the command when none is
// given) and is not reviewed; a review entry keeps the route, and the decision approved from
// it is marked reviewed with the entry's import time.
func TestIntakeRecordsRouteAndReview(t *testing.T) {
	doc := Document{Name: "x.txt", Pages: []Page{{Number: 1, Text: "Ankestyrelsen\n\nVi har modtaget dit brev.", Confidence: 100}}}
	it := LettersOf(doc, Options{Redactor: zoneRedactor{}, Now: fixedNow})
	if in := it[0].Decision.Intake; in == nil || in.Route != omgjort.IntakeCommand || in.Reviewed || !in.Imported.Equal(fixedNow()) {
		t.Fatalf("intake without a route: %+v, want the command, not reviewed, imported now", in)
	}
	it = LettersOf(doc, Options{Redactor: zoneRedactor{}, Now: fixedNow, Route: omgjort.IntakeUpload})
	e := EntryOf(it[0], "Team Syd", fixedNow())
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalEntry(b)
	if err != nil {
		t.Fatal(err)
	}
	d := back.Decision(fixedNow().Add(time.Hour))
	if in := d.Intake; in == nil || in.Route != omgjort.IntakeUpload || !in.Reviewed || !in.Imported.Equal(fixedNow()) || d.Team != "Team Syd" {
		t.Errorf("approved decision's intake: %+v team %q, want an upload, reviewed, imported when queued", in, d.Team)
	}
}
