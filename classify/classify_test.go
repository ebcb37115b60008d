package classify

import (
	"strings"
	"sync"
	"testing"

	"omgjort"
)

// para joins paragraphs the way Case.Text separates them.
func para(ps ...string) string { return strings.Join(ps, "\n\n") }

// flat joins paragraphs with a single space, the way flattened pages come.
func flat(ps ...string) string { return strings.Join(ps, " ") }

const (
	intro   = "Du har klaget over X Kommunes afgørelse om hjælp til forsørgelse. X Kommune afgjorde sagen den 3. marts 2024. Ankestyrelsen har nu afgjort din sag."
	rules   = "Om reglerne"
	ruleTxt = "Det betyder, at vi blandt andet tager stilling til, om kommunen har oplyst sagen. Kommunen kan ændre en afgørelse, hvis der kommer nye oplysninger."
	meeting = "Sagen er behandlet på møde. Der er enighed om afgørelsen."
)

// checkOffsets asserts that every piece of evidence slices back out of the case text.
func checkOffsets(t *testing.T, c omgjort.Case) {
	t.Helper()
	all := append(append(append([]omgjort.Evidence{}, c.OutcomeEvidence...), c.KritikEvidence...), c.UgyldigEvidence...)
	for _, l := range c.Errors {
		if len(l.Evidence) == 0 || l.Score <= 0 || l.Score > 1 {
			t.Fatalf("error label %s: score %v with %d pieces of evidence", l.Type, l.Score, len(l.Evidence))
		}
		all = append(all, l.Evidence...)
	}
	for _, e := range all {
		// Character offsets: the evidence is the text's runes Start to End.
		runes := []rune(c.Text)
		if e.Start < 0 || e.End > len(runes) || e.Start >= e.End {
			t.Fatalf("evidence offsets %d:%d outside text of %d characters", e.Start, e.End, len(runes))
		}
		if got := string(runes[e.Start:e.End]); got != e.Text {
			t.Fatalf("characters %d:%d = %q, evidence says %q", e.Start, e.End, got, e.Text)
		}
		if bs, be, ok := e.ByteRange(c.Text); !ok || c.Text[bs:be] != e.Text {
			t.Fatalf("ByteRange of %d:%d = %d:%d (%v)", e.Start, e.End, bs, be, ok)
		}
		if e.Score <= 0 || e.Score > 1 {
			t.Fatalf("evidence score %v not in (0,1]", e.Score)
		}
		if e.Section == "" {
			t.Fatalf("evidence %q without section", e.Text)
		}
	}
}

type letterCase struct {
	name    string
	text    string
	outcome omgjort.Outcome
	// evidence is a substring the first outcome evidence must contain ("" when ukendt).
	evidence string
	section  string // the first outcome evidence's section
	kritik   string // substring of the first kritik evidence, "" when no kritik
	ugyldig  string // substring of the first ugyldig evidence, "" when not ugyldig
}

var letters = []letterCase{
	{
		name: "stadfaestet paragraphed",
		text: para(intro, "Resultatet er:", "• Du har ikke ret til hjælp fra den 1. april 2024.",
			"Det betyder, at vi stadfæster kommunens afgørelse, og at afgørelsen ikke ændres.",
			"Begrundelse for afgørelsen", "Sådan vurderer vi sagen", "Ankestyrelsen vurderer, at du har formue.", rules, ruleTxt, "Mødebehandling", meeting),
		outcome: omgjort.OutcomeStadfaestet, evidence: "vi stadfæster kommunens afgørelse", section: "resultat",
	},
	{
		name: "stadfaestet flattened",
		text: flat(intro, "Resultatet er: Du har ikke ret til hjælp fra den 1. april 2024. Det betyder, at vi stadfæster kommunens afgørelse, da vi er kommet frem til samme resultat.",
			"Begrundelse for afgørelsen Sådan vurderer vi sagen Ankestyrelsen vurderer, at du har formue.", rules, ruleTxt, "Mødebehandling", meeting),
		outcome: omgjort.OutcomeStadfaestet, evidence: "Det betyder, at vi stadfæster kommunens afgørelse, da vi er kommet frem til samme resultat.", section: "resultat",
	},
	{
		name: "aendret",
		text: para(intro, "Resultatet er:", "Du har ret til 1.200 kr. om måneden. Det betyder, at vi ændrer kommunens afgørelse.",
			"Begrundelse for afgørelsen", "Vi lægger vægt på, at udgiften er nødvendig.", rules, ruleTxt),
		outcome: omgjort.OutcomeAendret, evidence: "vi ændrer kommunens afgørelse", section: "resultat",
	},
	{
		name: "aendret 2013 format",
		text: para("Afgørelse:", "Vi ændrer således afgørelsen fra A Kommune.", "Begrundelsen for afgørelsen",
			"Ankestyrelsen fandt, at betingelserne var opfyldt. Du mener, at kommunen skulle have ændret beregningen tidligere."),
		outcome: omgjort.OutcomeAendret, evidence: "Vi ændrer således afgørelsen fra A Kommune.", section: "afgoerelse",
	},
	{
		name: "ophaevet",
		text: flat(intro, "Resultatet er: B skal ikke være anbragt uden for hjemmet Det betyder, at vi ophæver børne- og ungeudvalgets afgørelse.",
			"Begrundelse for afgørelsen Vi vurderer, at afgørelsen skal ophæves."),
		outcome: omgjort.OutcomeOphaevet, evidence: "vi ophæver børne- og ungeudvalgets afgørelse", section: "resultat",
	},
	{
		name: "hjemvist formula",
		text: para(intro, "Resultatet er:", "Det betyder, at vi hjemviser sagen til ny behandling, og at kommunen skal afgøre sagen på ny.",
			"Du skal være opmærksom på, at en ny behandling godt kan føre til det samme resultat i din sag.", "Hvad skal kommunen gøre", "Kommunen skal indhente lægelige oplysninger."),
		outcome: omgjort.OutcomeHjemvist, evidence: "vi hjemviser sagen", section: "resultat",
	},
	{
		name:    "hjemvist bullet only",
		text:    para(intro, "Resultatet er:", "• X Kommune skal behandle din sag igen.", "Du skal være opmærksom på, at en ny behandling godt kan føre til det samme resultat i din sag."),
		outcome: omgjort.OutcomeHjemvist, evidence: "X Kommune skal behandle din sag igen.", section: "resultat",
	},
	{
		name:    "hjemvist inverted, no result block",
		text:    para(intro, "Hvad er afgørende for resultatet", "Kommunen har ikke undersøgt dine helbredsforhold. Vi hjemviser derfor sagen til kommunen.", rules, ruleTxt),
		outcome: omgjort.OutcomeHjemvist, evidence: "Vi hjemviser derfor sagen til kommunen.", section: "afgoerende",
	},
	{
		name:    "afvist",
		text:    para(intro, "Resultatet er:", "Vi afviser at behandle din klage, fordi du har klaget for sent.", "Klagefristen er fire uger."),
		outcome: omgjort.OutcomeAfvist, evidence: "Vi afviser at behandle din klage", section: "resultat",
	},
	{
		name:    "afvist din klage afvises",
		text:    flat(intro, "Resultatet er: Din klage afvises. Du har klaget efter klagefristen."),
		outcome: omgjort.OutcomeAfvist, evidence: "Din klage afvises.", section: "resultat",
	},
	{
		name:    "Ankestyrelsen stadfaester, no headings",
		text:    "Ankestyrelsen stadfæster kommunens afgørelse om sygedagpenge. Du har derfor ikke ret til sygedagpenge.",
		outcome: omgjort.OutcomeStadfaestet, evidence: "Ankestyrelsen stadfæster kommunens afgørelse", section: "indledning",
	},
	{
		name:    "partial: stadfaester and aendrer in one sentence",
		text:    para(intro, "Resultatet er:", "Det betyder, at vi stadfæster den del af kommunens afgørelse, der handler om tandbehandling, og vi ændrer den del af afgørelsen, der handler om briller."),
		outcome: omgjort.OutcomeAendret, evidence: "vi ændrer den del", section: "resultat",
	},
	{
		name: "partial: stadfaester plus hjemvisning bullet, flattened",
		text: flat(intro, "Resultatet er: X Kommune skal behandle din sag om melatonin igen Det betyder, at vi stadfæster den del af kommunens afgørelse, der handler om p-piller, og at afgørelsen herom ikke ændres. Det betyder også, at kommunen skal behandle den del afgørelsen, der handler om melatonin igen og afgøre sagen på ny.",
			"Begrundelse for afgørelsen om stadfæstelse af kommunens afgørelse om p-piller Sådan vurderer vi sagen Udgiften er ikke nødvendig."),
		outcome: omgjort.OutcomeHjemvist, evidence: "skal behandle", section: "resultat",
	},
	{
		name:    "partial across sentences: ophaever over stadfaester",
		text:    para(intro, "Resultatet er:", "Vi stadfæster kommunens afgørelse om hjælp til medicin.", "Vi ophæver kommunens afgørelse om tilbagebetaling."),
		outcome: omgjort.OutcomeOphaevet, evidence: "Vi ophæver kommunens afgørelse om tilbagebetaling.", section: "resultat",
	},
	{
		name:    "kritik on a stadfaestet case",
		text:    para(intro, "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse. Vi kritiserer, at kommunen ikke har partshørt dig. Det fører dog ikke til et andet resultat."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "vi stadfæster", section: "resultat", kritik: "Vi kritiserer, at kommunen ikke har partshørt dig.",
	},
	{
		name:    "kritik as begaaet fejl i sagsbehandlingen",
		text:    para(intro, "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse.", "Bemærkninger til kommunen", "Kommunen har begået fejl i sagsbehandlingen, da kommunen ikke genvurderede sagen inden for fire uger."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "vi stadfæster", section: "resultat", kritik: "Kommunen har begået fejl i sagsbehandlingen",
	},
	{
		name:    "kritik negated",
		text:    para(intro, "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse.", "Vi finder ikke grundlag for at kritisere kommunens sagsbehandling. Kommunen har ikke begået fejl i sagsbehandlingen. Vi kritiserer dog ikke, at sagen tog tid."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "vi stadfæster", section: "resultat",
	},
	{
		name:    "kritik claimed by the citizen",
		text:    para(intro, "Du mener, at kommunen har begået fejl i sagsbehandlingen.", "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "vi stadfæster", section: "resultat",
	},
	{
		name:    "ugyldig stated",
		text:    para(intro, "Resultatet er:", "Det betyder, at vi ophæver kommunens afgørelse.", "Hvad er afgørende for resultatet", "Kommunen har ikke partshørt dig. Afgørelsen er derfor ugyldig."),
		outcome: omgjort.OutcomeOphaevet, evidence: "vi ophæver", section: "resultat", ugyldig: "Afgørelsen er derfor ugyldig.",
	},
	{
		name: "ugyldig rule sentence trap",
		text: para(intro, "Resultatet er:", "• Kommunen skal behandle din sag igen.", "Hvad er afgørende for resultatet",
			"Manglende overholdelse af kravet indebærer i almindelighed, at afgørelsen bliver ugyldig, medmindre manglen har været uden betydning. Afgørelsen er ikke ugyldig alene af den grund. Vi skal tage stilling til, om afgørelsen er ugyldig."),
		outcome: omgjort.OutcomeHjemvist, evidence: "skal behandle din sag igen", section: "resultat",
	},
	{
		name: "trap: Om reglerne formula-like sentence only",
		text: para(intro, rules, ruleTxt, "Ankestyrelsen stadfæster, ændrer, ophæver eller hjemviser afgørelser efter loven."),
	},
	{
		name: "trap: citizen's claims only",
		text: para(intro, "Du mener, at kommunen skulle have ændret afgørelsen. Du har anført, at vi hjemviser sagen, hvis kommunen ikke har oplyst den.", "Mødebehandling", meeting),
	},
	{
		// A third-person summary states Ankestyrelsen's results; several sub-decisions roll
		// up to the most far-reaching (issue 10).
		name:    "third-person summary with sub-decisions",
		text:    para("Den konkrete sag", "I sag nr. 1 hjemviste Ankestyrelsen kommunens afgørelse. I sag nr. 2 stadfæstede Ankestyrelsen afgørelsen.", "Ankestyrelsen ændrede derfor ankenævnets afgørelse."),
		outcome: omgjort.OutcomeHjemvist, evidence: "hjemviste Ankestyrelsen", section: "resume",
	},
	{
		name: "trap: past tense about another case does not beat the letter's formula",
		text: para(intro, "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse.", "Hvad er afgørende for resultatet",
			"I principmeddelelse 12-20 hjemviste Ankestyrelsen en lignende sag."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "vi stadfæster", section: "resultat",
	},
	{
		name: "trap: kan ikke foere til et andet resultat",
		text: para(intro, "Hvad er afgørende for resultatet", "Dine bemærkninger kan ikke føre til et andet resultat. Du skal være opmærksom på, at en ny behandling godt kan føre til det samme resultat."),
	},
	{
		name: "trap: tager stilling til, flattened Om reglerne",
		text: flat(intro, "Om reglerne Det betyder, at vi blandt andet tager stilling til, om kommunen har ændret praksis. Mødebehandling Sagen er behandlet på møde."),
	},
	{
		// "Vi ændrer ikke kommunens afgørelse" leaves the decision as it is: stadfæstet.
		name:    "negated change is an upheld decision",
		text:    para(intro, "Hvad er afgørende for resultatet", "Vi ændrer ikke kommunens afgørelse om boligstøtte, fordi du ikke har dokumenteret udgiften."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "Vi ændrer ikke", section: "afgoerende",
	},
	{
		name: "trap: hypothetical",
		text: para(intro, "Hvad er afgørende for resultatet", "Hvis vi hjemviser sagen, skal kommunen indhente nye oplysninger. Ankestyrelsen hjemviser typisk sagen, når oplysninger mangler."),
	},
	{
		name: "old rewritten decision: Afgoerelse block in past tense",
		text: flat("Følgende love blev anvendt: Lov om social bistand § 39 Afgørelse Ansøger søgte om kontanthjælp. Ankenævnet ændrede kommunens afgørelse.",
			"Afgørelse: Ankestyrelsen fandt, at kommunen burde have set bort fra formuen. Ankestyrelsen tiltrådte således ankenævnets afgørelse."),
		outcome: omgjort.OutcomeStadfaestet, evidence: "Ankestyrelsen tiltrådte således ankenævnets afgørelse.", section: "afgoerelse",
	},
	{
		name:    "old rewritten decision hjemvist",
		text:    flat("Afgørelse Kommunen gav afslag. Nævnet tiltrådte kommunens afgørelse.", "Afgørelse: Sagen blev hjemvist til kommunen til ny behandling og afgørelse."),
		outcome: omgjort.OutcomeHjemvist, evidence: "Sagen blev hjemvist", section: "afgoerelse",
	},
	{
		name: "ukendt: republished judgment",
		text: "Højesteret fandt, at Ankestyrelsen skulle anerkende kravet. Ankestyrelsen har valgt at offentliggøre dommen, da den ændrer praksis.",
	},
	{
		name: "ukendt: empty",
		text: "",
	},
}

func TestClassifyCaseTable(t *testing.T) {
	if len(letters) < 25 {
		t.Fatalf("only %d test letters", len(letters))
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lc := range letters {
		t.Run(lc.name, func(t *testing.T) {
			got := c.ClassifyCase(lc.text)
			checkOffsets(t, got)
			if got.Text != lc.text {
				t.Fatalf("Text not kept")
			}
			want := lc.outcome
			if want == "" {
				want = omgjort.OutcomeUkendt
			}
			if got.Outcome != want {
				t.Fatalf("outcome %s, want %s; evidence %+v", got.Outcome, want, got.OutcomeEvidence)
			}
			if want == omgjort.OutcomeUkendt {
				if len(got.OutcomeEvidence) != 0 {
					t.Fatalf("ukendt with evidence %+v", got.OutcomeEvidence)
				}
			} else {
				if len(got.OutcomeEvidence) == 0 {
					t.Fatal("outcome without evidence")
				}
				e := got.OutcomeEvidence[0]
				if !strings.Contains(e.Text, lc.evidence) {
					t.Errorf("evidence %q does not contain %q", e.Text, lc.evidence)
				}
				if e.Section != lc.section {
					t.Errorf("evidence section %q, want %q", e.Section, lc.section)
				}
			}
			checkFlag(t, "kritik", got.Kritik, got.KritikEvidence, lc.kritik)
			checkFlag(t, "ugyldig", got.Ugyldig, got.UgyldigEvidence, lc.ugyldig)
			if got.Errors == nil {
				t.Errorf("errors is nil, want a list (empty when no error type is found)")
			}
		})
	}
}

func checkFlag(t *testing.T, name string, set bool, ev []omgjort.Evidence, want string) {
	t.Helper()
	if want == "" {
		if set || len(ev) != 0 {
			t.Errorf("%s set, want not; evidence %+v", name, ev)
		}
		return
	}
	if !set || len(ev) == 0 {
		t.Errorf("%s not set, want evidence containing %q", name, want)
		return
	}
	if !strings.Contains(ev[0].Text, want) {
		t.Errorf("%s evidence %q does not contain %q", name, ev[0].Text, want)
	}
}

// TestPartialEvidenceHasBothParts checks that a partial result shows the upheld part too.
func TestPartialEvidenceHasBothParts(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := para(intro, "Resultatet er:", "Vi stadfæster kommunens afgørelse om hjælp til medicin.", "Vi ophæver kommunens afgørelse om tilbagebetaling.")
	got := c.ClassifyCase(text)
	checkOffsets(t, got)
	if len(got.OutcomeEvidence) != 2 {
		t.Fatalf("evidence %+v, want the two formula sentences", got.OutcomeEvidence)
	}
	if !strings.Contains(got.OutcomeEvidence[0].Text, "ophæver") || !strings.Contains(got.OutcomeEvidence[1].Text, "stadfæster") {
		t.Errorf("evidence order %+v: want the winning sentence first", got.OutcomeEvidence)
	}
}

// TestResultBlockWins checks that a formula in the result block beats an earlier one elsewhere
// and that evidence outside a result block scores lower.
func TestResultBlockWins(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	inResult := c.ClassifyCase(para("Vi hjemviser sagen om rejseudgifter.", "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse."))
	if inResult.Outcome != omgjort.OutcomeStadfaestet || inResult.OutcomeEvidence[0].Score != 1 {
		t.Errorf("got %s %+v, want stadfaestet with score 1 from the result block", inResult.Outcome, inResult.OutcomeEvidence)
	}
	outside := c.ClassifyCase("Vi hjemviser sagen om rejseudgifter.")
	if outside.Outcome != omgjort.OutcomeHjemvist || outside.OutcomeEvidence[0].Score >= 1 {
		t.Errorf("got %s %+v, want hjemvist with a lowered score", outside.Outcome, outside.OutcomeEvidence)
	}
}

func TestClassifyDecision(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	stale := []omgjort.ErrorLabel{{Type: omgjort.ErrPartshoering, Score: 0.5}}
	d := &omgjort.Decision{ID: "9-99", Cases: []omgjort.Case{
		{ID: "1", Heading: "Sag nr. 1, j.nr. 24-1", Journal: "24-1", Text: para(intro, "Resultatet er:", "Det betyder, at vi hjemviser sagen til ny behandling.")},
		{ID: "2", Text: para(intro, "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse. Vi kritiserer, at kommunen ikke har vejledt dig."), Errors: stale},
		{ID: "3", Text: "Højesteret har afsagt dom."},
	}}
	c.Classify(d)
	if d.Outcome != omgjort.OutcomeHjemvist || !d.Mixed || !d.Kritik || d.Ugyldig {
		t.Errorf("roll-up outcome=%s mixed=%v kritik=%v ugyldig=%v, want hjemvist mixed kritik", d.Outcome, d.Mixed, d.Kritik, d.Ugyldig)
	}
	if d.RulesVersion != c.Version() || len(d.RulesVersion) != 12 {
		t.Errorf("rules version %q, want %q", d.RulesVersion, c.Version())
	}
	if d.Cases[0].Heading != "Sag nr. 1, j.nr. 24-1" || d.Cases[0].Journal != "24-1" || d.Cases[0].ID != "1" {
		t.Errorf("case metadata lost: %+v", d.Cases[0])
	}
	// Old labels are replaced: case 2 now has the vejledning it states, not the stale partshoering.
	if d.Cases[1].Outcome != omgjort.OutcomeStadfaestet || !d.Cases[1].Kritik || len(d.Cases[1].Errors) != 1 || d.Cases[1].Errors[0].Type != omgjort.ErrVejledning {
		t.Errorf("case 2: %+v", d.Cases[1])
	}
	if d.Cases[2].Outcome != omgjort.OutcomeUkendt || d.Cases[2].Errors == nil {
		t.Errorf("case 3: %+v", d.Cases[2])
	}
	for _, cs := range d.Cases {
		checkOffsets(t, cs)
	}
}

// TestConcurrentUse runs one classifier from several goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(letters))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, lc := range letters {
				want := lc.outcome
				if want == "" {
					want = omgjort.OutcomeUkendt
				}
				if got := c.ClassifyCase(lc.text).Outcome; got != want {
					errs <- lc.name + ": " + string(got)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
