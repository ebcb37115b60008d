package classify

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"omgjort"
)

// sharedDir resolves ../shared next to the repository root, or skips the test.
func sharedDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate test file")
	}
	repoRoot := filepath.Dir(filepath.Dir(file))
	dir := filepath.Join(repoRoot, "..", "shared")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real data not available (%s missing): %v", dir, err)
	}
	return dir
}

// want is what a reader of the letter expects for one case.
type want struct {
	outcome omgjort.Outcome
	kritik  bool
}

// realExpected holds the outcomes determined by reading the real letters (the replica pages
// and the corpus records), keyed by decision number and case ID.
//   - 20-25 / 1-26 (egenbetaling, herberg): "Det betyder, at vi stadfæster kommunens afgørelse,
//     da vi er kommet frem til samme resultat." plus "Vi kritiserer, at kommunen ikke har
//     begrundet afgørelsen …".
//   - 17-25 (sygedagpengerefusion): "Det betyder, at vi ændrer kommunens afgørelse."
//   - 21-25 / 2-26 (modregning): case 1 "vi hjemviser sagen til ny behandling"; case 2
//     stadfæster; case 3 stadfæster plus "Vi kritiserer, at Udbetaling Danmark ikke har
//     oversendt alle sagens akter …".
//   - 22-25 / 3-26 (barnets lov, inddragelse): case 1 "X Kommune skal behandle din sag igen";
//     case 2 the same plus "Vi kritiserer, at kommunen ikke genvurderer sagen …"; case 3
//     partial: stadfæster the p-piller part, melatonin is sent back, so hjemvist; case 4
//     stadfæster.
//   - 28-24 (formue): case 1 "vi hjemviser sagen til ny behandling"; cases 2–6 are older
//     decisions rewritten, whose "Afgørelse:" blocks say "Ankestyrelsen tiltrådte således
//     ankenævnets afgørelse" (2, 4: stadfaestet), "Ankestyrelsen ændrede derfor ankenævnets
//     afgørelse" (3), "Sagen blev hjemvist til kommunen" (5, 6).
//   - 4-26 (anbringelse, grønlandsk tilknytning): case 1 "vi ophæver børne- og ungeudvalgets
//     afgørelse" and "kommunen har begået en væsentlig sagsbehandlingsfejl"; case 2 stadfæster;
//     case 3 stadfæster plus "Vi kritiserer, at K kommune …".
//   - 1-25 is a Supreme Court judgment republished: no letter, no formula.
var realExpected = map[string]map[string]want{
	"20-25": {"1": {omgjort.OutcomeStadfaestet, true}},
	"1-26":  {"1": {omgjort.OutcomeStadfaestet, true}},
	"17-25": {"1": {omgjort.OutcomeAendret, false}},
	"21-25": {
		"1": {omgjort.OutcomeHjemvist, false},
		"2": {omgjort.OutcomeStadfaestet, false},
		"3": {omgjort.OutcomeStadfaestet, true},
	},
	"2-26": {
		"1": {omgjort.OutcomeHjemvist, false},
		"2": {omgjort.OutcomeStadfaestet, false},
		"3": {omgjort.OutcomeStadfaestet, true},
	},
	"22-25": {
		"1": {omgjort.OutcomeHjemvist, false},
		"2": {omgjort.OutcomeHjemvist, true},
		"3": {omgjort.OutcomeHjemvist, false},
		"4": {omgjort.OutcomeStadfaestet, false},
	},
	"3-26": {
		"1": {omgjort.OutcomeHjemvist, false},
		"2": {omgjort.OutcomeHjemvist, true},
		"3": {omgjort.OutcomeHjemvist, false},
		"4": {omgjort.OutcomeStadfaestet, false},
	},
	"28-24": {
		"1": {omgjort.OutcomeHjemvist, false},
		"2": {omgjort.OutcomeStadfaestet, false},
		"3": {omgjort.OutcomeAendret, false},
		"4": {omgjort.OutcomeStadfaestet, false},
		"5": {omgjort.OutcomeHjemvist, false},
		"6": {omgjort.OutcomeHjemvist, false},
	},
	"4-26": {
		"1": {omgjort.OutcomeOphaevet, true},
		"2": {omgjort.OutcomeStadfaestet, false},
		"3": {omgjort.OutcomeStadfaestet, true},
	},
	"1-25": {},
}

var (
	reSection = regexp.MustCompile(`(?s)>(?:De konkrete afgørelser|Den konkrete afgørelse)</button>.*?<div class="rich-text">(.*?)</div></div></div>`)
	reBlock   = regexp.MustCompile(`<(?:/?p|/?h\d|/?li|/?ul|br ?/?)>`)
	reTag     = regexp.MustCompile(`<[^>]+>`)
	reBlank   = regexp.MustCompile(`[ \t]*\n[\s]*\n\s*`)
	reNumber  = regexp.MustCompile(`principmeddelelse-(.+)\.html$`)
)

// htmlToText is a rough HTML-to-text conversion: block elements become paragraph breaks.
func htmlToText(s string) string {
	s = reBlock.ReplaceAllString(s, "\n\n")
	s = reTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.TrimSpace(reBlank.ReplaceAllString(s, "\n\n"))
}

func checkRealCases(t *testing.T, c *Classifier, number string, cases []omgjort.Case) {
	t.Helper()
	exp, ok := realExpected[number]
	if !ok {
		t.Errorf("%s: no expectations written for this decision", number)
		return
	}
	if len(cases) != len(exp) {
		t.Errorf("%s: %d cases, want %d", number, len(cases), len(exp))
	}
	for _, cs := range cases {
		w, ok := exp[cs.ID]
		if !ok {
			t.Errorf("%s case %q: unexpected case (heading %q)", number, cs.ID, cs.Heading)
			continue
		}
		got := c.ClassifyCase(cs.Text)
		checkOffsets(t, got)
		if got.Outcome != w.outcome {
			t.Errorf("%s case %s: outcome %s, want %s; evidence %+v", number, cs.ID, got.Outcome, w.outcome, got.OutcomeEvidence)
		}
		if got.Kritik != w.kritik {
			t.Errorf("%s case %s: kritik %v, want %v; evidence %+v", number, cs.ID, got.Kritik, w.kritik, got.KritikEvidence)
		}
		if got.Ugyldig {
			t.Errorf("%s case %s: ugyldig set, no real letter declares invalidity; evidence %+v", number, cs.ID, got.UgyldigEvidence)
		}
		if got.Outcome == omgjort.OutcomeUkendt || len(got.OutcomeEvidence) == 0 {
			t.Errorf("%s case %s: no outcome evidence", number, cs.ID)
		}
	}
}

// TestRealReplicaPages classifies the letters of the real pages in the ast.dk replica.
func TestRealReplicaPages(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "replica", "astdk", "files")
	files, err := filepath.Glob(filepath.Join(dir, "principmeddelelse-*.html"))
	if err != nil || len(files) == 0 {
		t.Skipf("no replica pages in %s: %v", dir, err)
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		number := reNumber.FindStringSubmatch(filepath.Base(f))[1]
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []omgjort.Case
		if m := reSection.FindSubmatch(raw); m != nil {
			cases = SplitCases(htmlToText(string(m[1])))
		}
		checkRealCases(t, c, number, cases)
	}
}

// TestRealCorpusFlattened classifies the corpus records, whose text is the whole page fully
// flattened: headings inline, no paragraph breaks inside the letters.
func TestRealCorpusFlattened(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "astdk-real")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no corpus records in %s: %v", dir, err)
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Number string `json:"decision_number"`
			Text   string `json:"text"`
		}
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases := SplitCases(rec.Text)
		if rec.Number == "1-25" {
			// A republished judgment: the whole text is one case without a formula.
			if len(cases) != 1 {
				t.Fatalf("1-25: %d cases, want 1", len(cases))
			}
			if got := c.ClassifyCase(cases[0].Text); got.Outcome != omgjort.OutcomeUkendt || got.OutcomeEvidence != nil {
				t.Errorf("1-25: outcome %s with %v, want ukendt without evidence", got.Outcome, got.OutcomeEvidence)
			}
			continue
		}
		checkRealCases(t, c, rec.Number, cases)
	}
}
