package classify

import (
	"math"
	"strings"
	"testing"

	"omgjort"
)

// modelLetter is a letter whose Anden vurdering is said in words no rule lists.
const modelLetter = `Ankestyrelsens afgørelse

Resultat
Vi ændrer kommunens afgørelse. Du har ret til fleksjob.

Vores vurdering
Kommunen har lagt til grund, at du kan arbejde 20 timer om ugen. %s Samlet set er din arbejdsevne nedsat varigt og væsentligt.`

const unlistedBevis = "Oplysningerne i sagen er de samme, som kommunen havde, men vi tillægger speciallægens beskrivelse af dine smerter større betydning end resultatet af den korte arbejdsprøvning."

func TestModelReadsUnlistedWording(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(modelLetter, "%s", unlistedBevis, 1)
	got := c.ClassifyCase(text)
	var l *omgjort.ErrorLabel
	for i := range got.Errors {
		if got.Errors[i].Type == omgjort.ErrBevisvurdering {
			l = &got.Errors[i]
		}
	}
	if l == nil {
		t.Fatalf("bevisvurdering not set; labels %+v", got.Errors)
	}
	if len(l.Evidence) != 1 || l.Evidence[0].Text != unlistedBevis {
		t.Fatalf("evidence %+v, want the one sentence", l.Evidence)
	}
	if l.Confidence <= 0 || l.Confidence > 1 {
		t.Errorf("confidence %v", l.Confidence)
	}
	if !l.Model {
		t.Error("the model's label is not marked Model")
	}

	// The rules alone do not see it: the label is the model's.
	plain := *c
	plain.model, plain.modelSet = nil, true
	for _, e := range plain.ClassifyCase(text).Errors {
		if e.Type == omgjort.ErrBevisvurdering {
			t.Fatal("the rules set bevisvurdering themselves; pick wording they do not list")
		}
		if e.Model {
			t.Errorf("a rule label %s is marked Model", e.Type)
		}
	}

	// The same words as the citizen's claim set nothing: the model reads what the rules may read.
	claim := strings.Replace(modelLetter, "%s", "Du mener, at "+strings.ToLower(unlistedBevis[:1])+unlistedBevis[1:], 1)
	for _, e := range c.ClassifyCase(claim).Errors {
		if e.Type == omgjort.ErrBevisvurdering {
			t.Errorf("a claim set bevisvurdering: %+v", e.Evidence)
		}
	}
}

func TestFeatureHashesAreTheFeatures(t *testing.T) {
	for _, s := range []string{
		"kommunen har ikke partshørt dig efter forvaltningslovens § 19, stk. 1, før afgørelsen den 3. maj 2024.",
		"vi lægger mere vægt på speciallægens erklæring",
		"",
		"§ § 12345678901234567890123456789 ikke",
	} {
		feats := sentenceFeatures(s, nil)
		hashes := featureHashes(s, nil)
		if len(feats) != len(hashes) {
			t.Fatalf("%q: %d features, %d hashes", s, len(feats), len(hashes))
		}
		for i, f := range feats {
			if fnvAdd(fnvOffset, f) != hashes[i] {
				t.Errorf("%q: feature %q has another hash", s, f)
			}
		}
	}
	got := strings.Join(sentenceFeatures("ikke partshørt efter § 19", nil), "|")
	want := "ikk|partshørt|!partshørt|ikk partshørt|eft|!eft|partshørt eft|§19|!§19|eft §19"
	if got != want {
		t.Errorf("features\n got %s\nwant %s", got, want)
	}
}

// TestEmbeddedModelIsCurrent retrains the model from the letters its header names and
// compares: the embedded weights are reproducible by the command in that header.
func TestEmbeddedModelIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains the model (several seconds)")
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sources, all := headerSources(t, modelFile, "`omgjort eval --train-model classify/model.txt ")
	if got := c.TrainModel(all, DefaultModelOptions, sources); got != modelFile {
		t.Errorf("model.txt is stale; run `go run ./cmd/omgjort eval --train-model classify/model.txt %s` (then the calibration command in calibration.txt)", strings.Join(sources, " "))
	}
}

// TestDenialLeavesTheReasonAfterIt: a denied fault is no error, but a reason stated after it
// stands, and a fault named after "ikke, at" is no denial (sets FO-FV).
func TestDenialLeavesTheReasonAfterIt(t *testing.T) {
	c, _ := New()
	got := c.ClassifyCase(assessed("Vi stadfæster kommunens afgørelse.", "Vi finder derfor ikke, at kommunen har begået fejl i sagsbehandlingen."))
	if got.Kritik {
		t.Errorf("a denied fault set kritik: %+v", got.KritikEvidence)
	}
	for _, tc := range []struct {
		sentence string
		want     omgjort.ErrorType
	}{
		{"Ankestyrelsen fandt ikke, at kommunen havde behandlet sagen forkert på det grundlag, den havde haft, men hjemviste sagen, så kommunen kunne tage stilling til de nye oplysninger om plejehjemsopholdet.", omgjort.ErrNyeOplysninger},
		{"Vi finder ikke, at sagen er tilstrækkeligt oplyst.", omgjort.ErrSagsoplysning},
	} {
		if _, set := errorTypes(c.ClassifyCase(assessed("Vi hjemviser sagen.", tc.sentence)))[tc.want]; !set {
			t.Errorf("%q did not set %s", tc.sentence, tc.want)
		}
	}
}

// TestNoErrorFromClaimsLawOrCompliance: the citizen's claim, the law stated in general terms
// and what the first instance did right set no error type, by the rules or by the model (set V).
func TestNoErrorFromClaimsLawOrCompliance(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sentence string
		not      omgjort.ErrorType
	}{
		{"Du har skrevet, at kommunen burde have indhentet en ny erklæring fra din psykiater, og at sagen derfor ikke er ordentligt oplyst.", omgjort.ErrSagsoplysning},
		{"En afgørelse skal efter forvaltningslovens §§ 22 og 24 være begrundet, så man kan se, hvilke regler afgørelsen bygger på.", omgjort.ErrBegrundelse},
		{"Efter forvaltningslovens § 19, stk. 1, må en myndighed ikke træffe afgørelse, før parten er gjort bekendt med oplysningerne.", omgjort.ErrPartshoering},
		{"Du har således fået mulighed for at udtale dig, som forvaltningslovens § 19 kræver.", omgjort.ErrPartshoering},
		{"Kommunen har derfor overholdt notatpligten.", omgjort.ErrNotatpligt},
		{"Kommunen genvurderede afgørelsen, da du klagede, og sendte sagen til os inden for fristen på 4 uger.", omgjort.ErrFrister},
		{"Ægtefællerne havde en formue på en opsparingskonto, der kunne hæves uden varsel.", omgjort.ErrMeddelelse},
		// Denials and rejected complaints in Ankestyrelsen's own words (sets AB-AE).
		{"Kommunen skal beregne og efterbetale de sygedagpenge, du har til gode. Kommunen har ikke gjort noget forkert.", omgjort.ErrFrister},
		{"Vi mener ikke, at der er omstændigheder, som kan rejse tvivl om sagsbehandlerens upartiskhed.", omgjort.ErrKompetence},
		{"Vi har ikke fundet noget i sagen, der viser, at sagsbehandleren havde en personlig interesse i sagens udfald, og vi er derfor ikke enige i, at hun var inhabil.", omgjort.ErrKompetence},
		{"Ankestyrelsen tog ikke stilling til klagerens bemærkninger om sagsbehandlerens optræden, da dette falder uden for Ankestyrelsens kompetence.", omgjort.ErrKompetence},
		{"Mandens synspunkt om, at kommunen burde have indhentet yderligere oplysninger fra tandlægen, kunne Ankestyrelsen ikke tiltræde.", omgjort.ErrSagsoplysning},
		{"Sagen var tilstrækkeligt oplyst, selv om der ikke var indhentet en erklæring fra en reumatolog.", omgjort.ErrSagsoplysning},
		// Sets AJ-AM: not enough in itself, a duty fulfilled, a delay not explained, an earlier
		// round's reasons.
		{"Et almindeligt bekendtskab er ikke i sig selv nok til, at en medarbejder er inhabil efter forvaltningslovens § 3.", omgjort.ErrKompetence},
		{"Ankestyrelsen fandt, at kommunen havde opfyldt sin vejledningspligt efter forvaltningslovens § 7.", omgjort.ErrVejledning},
		{"Kommunen har ikke forklaret, hvorfor fristen ikke kunne overholdes.", omgjort.ErrBegrundelse},
		{"I juni 2021 sendte vi sagen tilbage, fordi kommunen manglede oplysninger fra din egen læge.", omgjort.ErrSagsoplysning},
		// Sets AN-AQ: a complaint without ground, guidance given correctly, an earlier round.
		{"Der var derfor ikke grundlag for hans indsigelse om manglende vejledning.", omgjort.ErrVejledning},
		{"Ankestyrelsen bemærker hertil, at kommunens afgørelse af 12. marts 1999 indeholdt en korrekt vejledning om adgangen til at klage, om klagefristen og om, hvor klagen skulle sendes hen.", omgjort.ErrKlagevejledning},
		{"Vi kritiserede også dengang, at kommunen ikke havde givet dig mulighed for at kommentere attesten, før den traf afgørelse.", omgjort.ErrPartshoering},
		// Sets AR-AU: the law in general terms, a condition by inversion, not in itself.
		{"Forvaltningslovens § 19 kræver, at du får mulighed for at udtale dig om oplysninger, der er til ugunst for dig, før kommunen træffer afgørelse.", omgjort.ErrPartshoering},
		{"Er afgørelsen truffet af kommunen, og har borgeren forinden fået skriftlig vejledning om, hvilke konsekvenser en udeblivelse har, kan kommunen sanktionere en jobparat borger.", omgjort.ErrVejledning},
		{"En tidligere klage over en sagsbehandler gør ikke i sig selv sagsbehandleren inhabil.", omgjort.ErrKompetence},
		// Sets AV-AY: a position not taken (inverted), a denial, guidance given, a party heard,
		// no duty to hear.
		{"Da sagen skal behandles igen, tager vi ikke stilling til dit synspunkt om, at kommunen skulle have hørt dig over praktikstedets udtalelse.", omgjort.ErrPartshoering},
		{"Vi finder derfor ikke, at sagen var mangelfuldt oplyst.", omgjort.ErrSagsoplysning},
		{"Kommunen havde desuden givet konkret og forståelig vejledning om konsekvenserne af at udeblive.", omgjort.ErrVejledning},
		{"Kommunen havde forsøgt at opnå personlig kontakt med hende ved telefonopkald og ved et uanmeldt besøg, og hun var hørt, inden afgørelsen blev truffet.", omgjort.ErrPartshoering},
		{"Du var derfor bekendt med oplysningerne, og kommunen skulle ikke partshøre dig over dem.", omgjort.ErrPartshoering},
		// Sets BD-BG: a claim with the subject inside, law quoted, not enough for a fault, a
		// clear notice given, our own steps, advice to the citizen.
		{"I klagen til Ankestyrelsen gjorde manden gældende, at kommunen ikke havde partshørt ham, inden hjælpen blev stoppet.", omgjort.ErrPartshoering},
		{"Det forhold, at hun for flere år siden var ansat på samme virksomhed, giver ikke i sig selv anledning til tvivl om hendes upartiskhed.", omgjort.ErrKompetence},
		{"Det er efter vores vurdering ikke nok til, at sagsbehandleren var inhabil, og hun kunne derfor godt behandle din ansøgning.", omgjort.ErrKompetence},
		{"Begge indkaldelser indeholdt en tydelig oplysning om, at dine sygedagpenge kunne blive stoppet, hvis du ikke mødte op.", omgjort.ErrVejledning},
		{"Vi har ikke indhentet nye oplysninger.", omgjort.ErrSagsoplysning},
		{"Du kan bede kommunen om at genoptage sagen, hvis du har nye oplysninger, som kommunen ikke kendte, da den traf afgørelsen.", omgjort.ErrNyeOplysninger},
		// Sets BH-BK: a fronted full date, no duty.
		{"Den 14. maj 2018 hjemviste vi kommunens første afgørelse, fordi kommunen ikke havde undersøgt, hvor du havde opholdt dig.", omgjort.ErrSagsoplysning},
		{"Kommunen havde ikke pligt til det, fordi oplysningen om afstanden stammer fra din egen ansøgning, og den var ikke til ugunst for dig i den forstand, reglerne om partshøring omfatter.", omgjort.ErrPartshoering},
		// Sets AZ-BC: our own dated earlier decision, an assessment made.
		{"Vi hjemviste den 14. marts 2018 kommunens første visitationsafgørelse, fordi kommunen ikke havde indhentet en udtalelse fra din psykolog.", omgjort.ErrSagsoplysning},
		{"Kommunen har altså foretaget en konkret vurdering af din sag.", omgjort.ErrKonkretVurdering},
		// Sets FO-FV: a finding denied up to the fault it denies.
		{"Ankestyrelsen kunne ikke give A medhold i, at han ikke var blevet vejledt.", omgjort.ErrVejledning},
		{"Ankestyrelsen gør opmærksom på, at der i sag nr. 1 ikke var fejl i nævnets klagevejledning, og at afvisningen alene skyldtes, at klagen var indgivet for sent.", omgjort.ErrKlagevejledning},
		{"Ankestyrelsen fandt ikke, at det forhold, at den samme sagsbehandler tidligere havde behandlet borgerens sag, gjorde sagsbehandleren inhabil.", omgjort.ErrKompetence},
		{"Det var efter Ankestyrelsens opfattelse ikke udtryk for mangelfuld oplysning af sagen, at den psykiatriske erklæring ikke forelå ved nævnets afgørelse.", omgjort.ErrSagsoplysning},
		{"Efter reglerne skal der træffes afgørelse inden for seks måneder fra ansøgningen, og den frist er overholdt.", omgjort.ErrFrister},
		// Sets FW-FZ: the claimant after the verb, law quoted without quotation marks.
		{"I klagen anførte borgeren, at kommunen burde have indhentet en speciallægeerklæring fra en privatpraktiserende psykiater, og at hun var for syg til at deltage i et forløb.", omgjort.ErrSagsoplysning},
		{"Forvaltningslovens § 19, stk. 1: Er en part ikke ved sagens behandling blevet gjort bekendt med, at myndigheden er i besiddelse af bestemte oplysninger om en sags faktiske omstændigheder, må der ikke træffes afgørelse, før myndigheden har gjort parten bekendt med oplysningerne.", omgjort.ErrPartshoering},
		// Sets GI-GL: a duty met.
		{"Vi lægger vægt på, at du var blevet gjort bekendt med konsekvensen af at udeblive, og at kommunen først lod ydelsen stoppe fra afgørelsens dato.", omgjort.ErrVejledning},
		{"Vi bemærker, at kommunen genvurderede sagen og sendte den til os inden for fire uger efter din klage.", omgjort.ErrFrister},
	} {
		if _, set := errorTypes(c.ClassifyCase(assessed("Vi stadfæster kommunens afgørelse.", tc.sentence)))[tc.not]; set {
			t.Errorf("%q set %s", tc.sentence, tc.not)
		}
	}
}

// assessed is a short letter: the result, then the sentence as Ankestyrelsen's assessment.
func assessed(result, sentence string) string {
	return "Afgørelse\n\n" + result + "\n\nVores vurdering\n\n" + sentence
}

// A type the model scores from suggestAt up to its threshold is no label but a suggestion with
// its sentence; the rules' labels carry the model's highest probability for their type.
func TestModelSuggestsBelowItsThreshold(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(modelLetter, "%s", unlistedBevis, 1)
	var p float64
	for _, e := range c.ClassifyCase(text).Errors {
		if e.Type == omgjort.ErrBevisvurdering {
			p = e.Score
		}
	}
	if p < suggestAt {
		t.Fatalf("bevisvurdering scored %v", p)
	}
	// The same model with bevisvurdering's threshold above that probability.
	strict := *c.mdl()
	strict.threshold = append([]float64(nil), strict.threshold...)
	for i, ty := range strict.types {
		if ty == omgjort.ErrBevisvurdering {
			strict.threshold[i] = math.Min(1, p+0.01)
		}
	}
	sc := *c
	sc.model, sc.modelSet = &strict, true
	got := sc.ClassifyCase(text)
	for _, e := range got.Errors {
		if e.Type == omgjort.ErrBevisvurdering {
			t.Fatalf("bevisvurdering still set above the threshold: %+v", e)
		}
		if !e.Model && (e.ModelScore == nil || *e.ModelScore < 0 || *e.ModelScore > 1) {
			t.Errorf("rule label %s has model score %v", e.Type, e.ModelScore)
		}
	}
	if len(got.Suggestions) != 1 || got.Suggestions[0].Type != omgjort.ErrBevisvurdering || got.Suggestions[0].Score != p ||
		len(got.Suggestions[0].Evidence) != 1 || got.Suggestions[0].Evidence[0].Text != unlistedBevis {
		t.Fatalf("suggestions %+v, want bevisvurdering at %v with its sentence", got.Suggestions, p)
	}
	// A claim in those words is not suggested either.
	claim := strings.Replace(modelLetter, "%s", "Du mener, at "+strings.ToLower(unlistedBevis[:1])+unlistedBevis[1:], 1)
	if s := sc.ClassifyCase(claim).Suggestions; len(s) != 0 {
		t.Errorf("a claim was suggested: %+v", s)
	}
}

// A breach named by its provision sets the provision's type; a denial leaves a reason after it
// in the same sentence standing (rules alone: the model veto is tested on its own).
func TestProvisionNamedAfterTheBreach(t *testing.T) {
	rules := rulesReading(t)
	for _, tc := range []struct {
		sentence string
		want     omgjort.ErrorType
	}{
		{"Vi finder, at det ikke er i overensstemmelse med forvaltningslovens § 25, at afgørelsen var uden klagevejledning.", omgjort.ErrKlagevejledning},
		{"Kommunen har handlet i strid med forvaltningslovens § 19.", omgjort.ErrPartshoering},
		{"Kommunen har ikke overholdt retssikkerhedslovens § 10.", omgjort.ErrSagsoplysning},
		{"Vi finder ikke, at sagen var tilstrækkeligt oplyst.", omgjort.ErrSagsoplysning},
	} {
		got := rules.ClassifyCase(assessed("Vi ophæver kommunens afgørelse.", tc.sentence))
		if _, set := errorTypes(got)[tc.want]; !set {
			t.Errorf("%q: %s not set (%+v)", tc.sentence, tc.want, got.Errors)
		}
	}
}

// "Et sådant krav står ikke i reglerne" corrects a requirement; the retsanvendelse rule for a
// condition the law does not have does not read it (the model may, from its own letters).
func TestRequirementNotInTheLawRule(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	plain := *c
	plain.model, plain.modelSet = nil, true
	for _, s := range []string{"Et sådant krav står ikke i reglerne.", "Der står ikke noget i loven om, hvor mange praktikker der skal gennemføres."} {
		if _, set := errorTypes(plain.ClassifyCase(assessed("Vi ændrer kommunens afgørelse.", s)))[omgjort.ErrRetsanvendelse]; set {
			t.Errorf("%q set retsanvendelse by rule", s)
		}
	}
}

// Guidance the decision did not contain is an error, though "contained correct guidance" is not.
func TestMissingGuidanceStillAnError(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	got := c.ClassifyCase(assessed("Vi ophæver kommunens afgørelse.", "Vi kritiserer desuden, at Herning Kommunes afgørelse ikke indeholdt en rigtig klagevejledning."))
	if _, set := errorTypes(got)[omgjort.ErrKlagevejledning]; !set {
		t.Fatalf("klagevejledning not set: %+v", got.Errors)
	}
}

// A retold court judgment is ukendt, and the errors and flags it names are the court's findings,
// not Ankestyrelsen's: none is set (set AE; every retold judgment in the labelled sets).
func TestRetoldJudgmentHasNoErrors(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := "Vestre Landsrets dom af 3. marts 2015\n\nSagen angik ophør af sygedagpenge. Landsretten fandt, at kommunen ikke havde partshørt A om lægens udtalelse, før den traf afgørelse. A skulle derfor have været partshørt, jf. forvaltningslovens § 19, stk. 1. Kommunen havde heller ikke begrundet afgørelsen. Landsretten ophævede afgørelsen som ugyldig."
	got := c.ClassifyCase(text)
	if got.Outcome != omgjort.OutcomeUkendt || got.OutcomeReason != ReasonCourt {
		t.Fatalf("outcome %s (%q), want ukendt for a court judgment", got.Outcome, got.OutcomeReason)
	}
	if len(got.Errors) != 0 || len(got.Suggestions) != 0 || got.Kritik || got.Ugyldig {
		t.Errorf("errors %+v, suggestions %+v, kritik %v, ugyldig %v: the court's findings were labelled", got.Errors, got.Suggestions, got.Kritik, got.Ugyldig)
	}
	// The same findings in Ankestyrelsen's own words are labelled.
	own := c.ClassifyCase(assessed("Vi ophæver kommunens afgørelse.", "Kommunen har ikke partshørt dig om lægens udtalelse, før den traf afgørelse."))
	if len(own.Errors) == 0 {
		t.Error("Ankestyrelsen's own finding set no error")
	}
}

// A rule label whose type the model scores below the veto on every sentence is not set but
// suggested, with its rule evidence and the model's score; a veto of 0 keeps every rule label.
func TestModelVetoDemotesRuleLabels(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := assessed("Vi ophæver kommunens afgørelse.", "Kommunen har ikke partshørt dig om lægens udtalelse, før den traf afgørelse.")
	keep := c.WithModelVeto(0).ClassifyCase(text)
	var rule *omgjort.ErrorLabel
	for i, e := range keep.Errors {
		if e.Type == omgjort.ErrPartshoering && !e.Model {
			rule = &keep.Errors[i]
		}
	}
	if rule == nil || rule.ModelScore == nil {
		t.Fatalf("no rule label for partshøring with a model score: %+v", keep.Errors)
	}
	// A veto above the model's score demotes it.
	demoted := c.WithModelVeto(*rule.ModelScore + 0.001).ClassifyCase(text)
	for _, e := range demoted.Errors {
		if e.Type == omgjort.ErrPartshoering {
			t.Fatalf("partshøring still set above the veto: %+v", e)
		}
	}
	found := false
	for _, s := range demoted.Suggestions {
		if s.Type == omgjort.ErrPartshoering && !s.Model && s.ModelScore != nil && *s.ModelScore == *rule.ModelScore && len(s.Evidence) > 0 {
			found = true
		}
	}
	if !found {
		t.Fatalf("the demoted rule label is not suggested: %+v", demoted.Suggestions)
	}
	// The embedded model agrees with this plain finding: the default keeps it.
	if *rule.ModelScore < DefaultModelVeto {
		t.Errorf("the model rejects a plain partshøring finding (%.3f)", *rule.ModelScore)
	}
}

// Criticism in the words of sets AB-AE: a criticism uttered with an adverb inside, and errors
// Ankestyrelsen says it found; finding none is no criticism.
func TestKritikInOtherWords(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sentence string
		want     bool
	}{
		{"Ankestyrelsen udtalte endvidere kritik af, at ansøgeren ikke havde modtaget en skriftlig meddelelse om afgørelsen.", true},
		{"Vi har dog fundet to fejl i kommunens afgørelse, som vi beskriver nedenfor.", true},
		{"Vi har ikke fundet fejl i kommunens sagsbehandling.", false},
		{"Ankestyrelsen udtalte ikke kritik af kommunens sagsbehandling.", false},
	} {
		got := c.ClassifyCase(assessed("Vi stadfæster kommunens afgørelse.", tc.sentence))
		if got.Kritik != tc.want {
			t.Errorf("%q: kritik %v, want %v", tc.sentence, got.Kritik, tc.want)
		}
	}
}
