package lettergen

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"omgjort"
)

func TestGenerateIsDeterministicAndVaried(t *testing.T) {
	a, _ := json.Marshal(Generate(7, 40))
	b, _ := json.Marshal(Generate(7, 40))
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different letters")
	}
	docs := Generate(7, 40)
	letters, multi, scanned, multiJnr, toMuni, margin := 0, 0, 0, 0, 0, 0
	outcomes := map[omgjort.Outcome]int{}
	cats := map[string]int{}
	hyphen, danish := false, false
	for _, d := range docs {
		letters += len(d.Letters)
		if len(d.Letters) > 1 {
			multi++
		}
		if d.Scanned {
			scanned++
		}
		for _, l := range d.Letters {
			if len(l.Cases) > 1 {
				multiJnr++
			}
			if !l.ToCitizen {
				toMuni++
			}
			if l.MarginColumn {
				margin++
			}
			for _, c := range l.Cases {
				outcomes[c.Outcome]++
				if !strings.Contains(l.Text, c.JNr) {
					t.Errorf("%s: j.nr. %s not in the text", l.ID, c.JNr)
				}
			}
			for _, p := range l.Planted {
				cats[p.Category]++
				if count(l.Text, p.Text) == 0 {
					t.Errorf("%s: planted %s %q is not in the text", l.ID, p.Category, p.Text)
				}
				if p.Category == Name && strings.Contains(p.Text, "-") {
					hyphen = true
				}
				if p.Category == Name && strings.ContainsAny(p.Text, "æøåÆØÅ") {
					danish = true
				}
			}
		}
	}
	if letters != 40 || multi == 0 || scanned == 0 || multiJnr == 0 || toMuni == 0 || margin == 0 || margin == letters {
		t.Errorf("letters %d, multi-letter files %d, scanned %d, several j.nr. %d, to the municipality %d, margin column %d",
			letters, multi, scanned, multiJnr, toMuni, margin)
	}
	for _, o := range []omgjort.Outcome{omgjort.OutcomeStadfaestet, omgjort.OutcomeAendret, omgjort.OutcomeOphaevet, omgjort.OutcomeHjemvist, omgjort.OutcomeAfvist} {
		if outcomes[o] == 0 {
			t.Errorf("no %s letter", o)
		}
	}
	for _, c := range []string{CPR, Name, Address, Postcode, Phone, Email} {
		if cats[c] == 0 {
			t.Errorf("no planted %s", c)
		}
	}
	if !hyphen || !danish {
		t.Errorf("names with hyphens %v, with æ/ø/å %v", hyphen, danish)
	}
}

func TestPDFHasTheLettersAsUnicodeText(t *testing.T) {
	fonts, err := LoadFonts("")
	if err != nil {
		t.Skip(err) // fonts-dejavu-core; the measurement tests fail under CI without it
	}
	var doc Document
	for _, d := range Generate(3, 12) {
		if len(d.Letters) > 1 {
			doc = d
			break
		}
	}
	pdf, err := doc.PDF(fonts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext missing: apt-get install -y poppler-utils")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, l := range doc.Letters {
		for _, p := range l.Planted {
			if !strings.Contains(text, strings.Join(strings.Fields(p.Text), " ")) && p.Category != Address {
				t.Errorf("%s: %q not in the PDF's text", l.ID, p.Text)
			}
		}
	}
	if n := strings.Count(text, "Side 1 af"); n != len(doc.Letters) {
		t.Errorf("%d letters start %d times with \"Side 1 af\"", len(doc.Letters), n)
	}
}
