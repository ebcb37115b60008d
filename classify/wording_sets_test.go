package classify

import (
	"testing"

	"omgjort"
)

// Families of wording held-out sets BP–DC showed after their first score (one block per batch):
// deadlines named and not kept, compliance stated in the past tense or as a verdict on the part
// itself, denials, rejected claims, the law stated generally, counterfactuals. Each sentence is
// read by the rules (model veto off) in an assessment, with and without the finding.
func TestWordingOfSetsBPToDC(t *testing.T) {
	c := rulesReading(t)
	const result = "Vi stadfæster kommunens afgørelse."
	for _, tc := range []struct {
		sentence string
		typ      omgjort.ErrorType
		want     bool
	}{
		{"Fristen i retssikkerhedslovens § 66 er dermed ikke overholdt.", omgjort.ErrFrister, true},
		{"Fristen i retssikkerhedslovens § 66 er overholdt.", omgjort.ErrFrister, false},
		{"Ankestyrelsen fandt det kritisabelt, at kommunen havde ladet sagen ligge i mere end et år, før den rejste kravet.", omgjort.ErrFrister, true},
		{"Vi har ladet sagen ligge, mens vi ventede på lægekonsulenten.", omgjort.ErrFrister, false},
		{"Der var gået over fem måneder, før kommunen besvarede hendes anmodning om genoptagelse.", omgjort.ErrFrister, true},
		{"Kommunens afgørelse indeholdt en henvisning til de relevante regler og opfyldte forvaltningslovens krav til begrundelse.", omgjort.ErrBegrundelse, false},
		{"Nævnets afgørelse opfyldte heller ikke kravene til en begrundelse, da den ikke angav de hovedhensyn, der havde været bestemmende.", omgjort.ErrBegrundelse, true},
		{"Klagevejledningen var altså rigtig.", omgjort.ErrKlagevejledning, false},
		{"Det afhænger af de nye oplysninger.", omgjort.ErrNyeOplysninger, false},
		// Sets BT–BW.
		{"Vi har ikke fundet noget, der tyder på, at din sagsbehandler var inhabil.", omgjort.ErrKompetence, false},
		{"Ankestyrelsen tog ikke stilling til kvindens bemærkning om manglende vejledning om mentorstøtte, da sagen allerede skulle behandles igen.", omgjort.ErrVejledning, false},
		{"Du kan selv sende nye oplysninger, fx fra ortopædkirurgisk afdeling, direkte til enheden.", omgjort.ErrNyeOplysninger, false},
		{"Det er disse nye oplysninger, der gør, at vi når til et andet resultat end kommunen.", omgjort.ErrBevisvurdering, false},
		{"Vi når til et andet resultat end kommunen, fordi vi lægger mere vægt på speciallægens vurdering.", omgjort.ErrBevisvurdering, true},
		{"Det var ikke dokumenteret, at kommunen havde givet tilsagn om en arbejdsprøvning.", omgjort.ErrPartshoering, false},
		{"Det var ikke dokumenteret, at kommunen havde givet ham mulighed for at udtale sig.", omgjort.ErrPartshoering, true},
		{"Sagen havde været forelagt beskæftigelsesankenævnet, der i juni 2011 havde hjemvist en afgørelse, fordi kommunen ikke havde indhentet en statusattest.", omgjort.ErrSagsoplysning, false},
		{"Ankestyrelsen kritiserede, at kommunen ikke havde genvurderet sagen og videresendt klagen inden for fristen på 4 uger.", omgjort.ErrFrister, true},
		{"Kommunen havde fastsat virkningstidspunktet efter en regel, der ikke findes i loven.", omgjort.ErrRetsanvendelse, true},
		// Sets BX–CA.
		{"Der er ikke kommet nye oplysninger i sagen efter kommunens afgørelse.", omgjort.ErrNyeOplysninger, false},
		{"Ankestyrelsen lagde til grund, at der ikke efter nævnets afgørelse var tilgået sagen nye oplysninger af betydning.", omgjort.ErrNyeOplysninger, false},
		{"Afgørelsen opfyldte efter Ankestyrelsens opfattelse forvaltningslovens krav til begrundelse.", omgjort.ErrBegrundelse, false},
		{"Sagsbehandleren var ikke inhabil.", omgjort.ErrKompetence, false},
		{"Kommunen har dermed opfyldt kravet om personlig kontakt.", omgjort.ErrPartshoering, false},
		{"Uden et notat kan vi ikke lægge til grund, at kommunen har forsøgt at få personlig kontakt med dig, og vi må derfor konkludere, at kommunen ikke har opfyldt kravet om personlig kontakt.", omgjort.ErrPartshoering, true},
		{"Vi konkluderer, at kommunen ikke har opfyldt kravene til en begrundelse.", omgjort.ErrBegrundelse, true},
		{"Du er vurderet uddannelsesparat, og kommunen skulle derfor ikke forsøge at komme i personlig kontakt med dig, inden den traf afgørelse.", omgjort.ErrPartshoering, false},
		{"Vi hjemviste sagen den 3. juni 2019, fordi der manglede oplysninger om dit psykiske helbred.", omgjort.ErrSagsoplysning, false},
		// Sets CB–CE.
		{"Der fremkom ikke nye lægelige oplysninger under sagens behandling i Ankestyrelsen.", omgjort.ErrNyeOplysninger, false},
		{"Du er vurderet uddannelsesparat, og der er ikke et krav om, at kommunen skal forsøge at få personlig kontakt med dig.", omgjort.ErrPartshoering, false},
		{"Det vil så være op til kommunen at vurdere sagen på ny på grundlag af de nye oplysninger.", omgjort.ErrNyeOplysninger, false},
		{"Kommunen havde en ny og klar erklæring fra din læge, og kommunen havde ikke grund til at tro, at sagen ikke var tilstrækkeligt oplyst.", omgjort.ErrSagsoplysning, false},
		{"Det forklarer ikke, hvorfor du ikke klagede i maj og juni.", omgjort.ErrBegrundelse, false},
		{"Der er ikke noget i kommunens journal om din telefonsamtale i oktober.", omgjort.ErrNotatpligt, true},
		{"Alligevel gik der næsten seks måneder, før du modtog en skriftlig afgørelse.", omgjort.ErrFrister, true},
		{"Der er ingen tegn på, at nogen forsøgte at ringe til dig, selv om jobcentret vidste, at du har svært ved at åbne breve.", omgjort.ErrPartshoering, true},
		// Sets CF–CI.
		{"Loven stiller ikke krav om et bestemt antal praktikforløb.", omgjort.ErrRetsanvendelse, false},
		{"Vi mener derfor ikke, at kommunen har truffet afgørelse uden at høre jer.", omgjort.ErrPartshoering, false},
		{"Reglerne: Aktivlovens § 35, stk. 1: \"Kommunen skal vejlede om konsekvenserne af, at personen ikke overholder sine pligter.\"", omgjort.ErrVejledning, false},
		{"Der var ikke i sagen oplysninger, der understøttede mandens synspunkt om, at sagsbehandleren var inhabil.", omgjort.ErrKompetence, false},
		{"Ægtemanden har skrevet, at kommunen ikke har vejledt ham godt nok.", omgjort.ErrVejledning, false},
		// Sets CJ–CM.
		{"Din klage over, at din sagsbehandler var inhabil, giver vi dig ikke medhold i.", omgjort.ErrKompetence, false},
		{"Der er ikke oplysninger i sagen, der tyder på, at sagsbehandleren har en sådan tilknytning til sagen, at hun var inhabil.", omgjort.ErrKompetence, false},
		{"Det er ikke noget, der giver grund til at tvivle på medarbejderens upartiskhed, og vi finder ikke, at hun var inhabil.", omgjort.ErrKompetence, false},
		{"Det er op til kommunen at vurdere det, når de nye oplysninger foreligger.", omgjort.ErrNyeOplysninger, false},
		{"Ankestyrelsen bemærkede, at hvis kommunen ikke havde givet en skriftlig vejledning om konsekvenserne, ville der ikke have været grundlag for at lade ydelsen ophøre.", omgjort.ErrVejledning, false},
		{"Sagen havde tidligere været behandlet af Ankestyrelsen, som i 2017 hjemviste kommunens første afgørelse, fordi kommunen ikke havde indhentet oplysninger fra borgerens psykolog.", omgjort.ErrSagsoplysning, false},
		{"Kommunen skal beregne din pension og udbetale den med tilbagevirkende kraft.", omgjort.ErrMeddelelse, false},
		{"Kommunen stoppede din hjælp med tilbagevirkende kraft.", omgjort.ErrMeddelelse, true},
		// Sets DL–DO.
		{"Vi finder ikke, at kommunen har været for lang tid om at behandle sagen.", omgjort.ErrFrister, false},
		{"Far har skrevet, at sagsbehandleren er inhabil, fordi hun tidligere har været familiens kontaktperson.", omgjort.ErrKompetence, false},
		{"Seniorpensionsenheden har fået lejlighed til at udtale sig om erklæringen og har oplyst, at den ikke giver anledning til bemærkninger.", omgjort.ErrPartshoering, false},
		// Sets CN, CQ.
		{"Efter forvaltningslovens § 3, stk. 1, nr. 5, er en medarbejder inhabil, hvis der foreligger omstændigheder, som er egnede til at vække tvivl om den pågældendes upartiskhed.", omgjort.ErrKompetence, false},
		// Sets CO, CP.
		{"Ankestyrelsen bemærkede i øvrigt, at selv en mangelfuld vejledning ikke ville kunne give ret til sygedagpenge i en periode, hvor lovens betingelser ikke er opfyldt.", omgjort.ErrVejledning, false},
		{"Kommunen havde ikke været forpligtet til at partshøre ansøgeren over udlejerens opgørelse, da ansøgeren selv havde givet de samme oplysninger.", omgjort.ErrPartshoering, false},
		{"Du har sendt os en erklæring fra uddannelsesinstitutionen, som kommunen også havde, da den traf afgørelse, og som bekræfter, at opholdet var en del af uddannelsen.", omgjort.ErrNyeOplysninger, false},
		{"Det er speciallægeerklæringen, der gør, at vi kommer til et andet resultat end kommunen.", omgjort.ErrBevisvurdering, false},
		// Sets CR, CT, CU.
		{"Kvindens indsigelse om, at hun ikke havde kunnet kommentere statusattesten, gav ikke Ankestyrelsen anledning til bemærkninger.", omgjort.ErrPartshoering, false},
	} {
		_, got := errorTypes(c.ClassifyCase(assessed(result, tc.sentence)))[tc.typ]
		if got != tc.want {
			t.Errorf("%q: %s set = %v, want %v", tc.sentence, tc.typ, got, tc.want)
		}
	}
	// Whether a fault makes the decision invalid is a question, not the answer.
	// Sets GI-GL: a question left open, a consequence denied.
	for _, sentence := range []string{
		"Vi har ikke fundet grund til at se nærmere på, om afgørelsen af denne grund er ugyldig, fordi I under alle omstændigheder får medhold.",
		"Manglerne har ikke ført til, at afgørelsen er ugyldig, fordi du har klaget i tide, og fordi resultatet efter vores vurdering er rigtigt.",
	} {
		if got := c.ClassifyCase(assessed(result, sentence)); got.Ugyldig {
			t.Errorf("%q set ugyldig", sentence)
		}
	}
	if got := c.ClassifyCase(assessed(result, "Vi har overvejet, om manglen betyder, at afgørelsen er ugyldig.")); got.Ugyldig {
		t.Errorf("a whether-clause read as ugyldig: %+v", got.UgyldigEvidence)
	}
	if got := c.ClassifyCase(assessed(result, "Ankestyrelsen fandt ikke, at manglerne medførte, at afgørelsen var ugyldig.")); got.Ugyldig {
		t.Errorf("a denial read as ugyldig: %+v", got.UgyldigEvidence)
	}
	if got := c.ClassifyCase(assessed(result, "En sådan fejl fører normalt til, at afgørelsen er ugyldig, hvis det ikke kan udelukkes, at fejlen har haft betydning.")); got.Ugyldig {
		t.Errorf("the law in general read as ugyldig: %+v", got.UgyldigEvidence)
	}
	if got := c.ClassifyCase(assessed(result, "Ankestyrelsen fandt ikke anledning til at tage stilling til, om manglerne medførte, at afgørelsen var ugyldig.")); got.Ugyldig {
		t.Errorf("an undecided question read as ugyldig: %+v", got.UgyldigEvidence)
	}
	if got := c.ClassifyCase(assessed(result, "Styrelsen fandt grund til at kritisere disse forhold, men fandt ikke, at manglerne kunne medføre, at afgørelsen var ugyldig.")); got.Ugyldig {
		t.Errorf("the board's denial read as ugyldig: %+v", got.UgyldigEvidence)
	}
	if got := c.ClassifyCase(assessed(result, "Afgørelsen er derfor ugyldig.")); !got.Ugyldig {
		t.Error("'Afgørelsen er derfor ugyldig' not read as ugyldig")
	}
}

// "Baggrunden for vores afgørelse" heads Ankestyrelsen's reasons (set CB): the errors under it
// count, as they do under "Begrundelse"; "Sagens baggrund" still heads the retold facts.
func TestReasonsHeadedBaggrund(t *testing.T) {
	c := rulesReading(t)
	const body = "\n\nDu har ikke fået udtalelsen at se, inden kommunen traf afgørelse, og du har derfor ikke haft mulighed for at kommentere den."
	for heading, want := range map[string]bool{"Baggrunden for vores afgørelse": true, "Nye oplysninger i sagen": true, "Sagens baggrund": false} {
		_, got := errorTypes(c.ClassifyCase("Afgørelse\n\nVi hjemviser sagen.\n\n" + heading + body))[omgjort.ErrPartshoering]
		if got != want {
			t.Errorf("under %q: partshoering = %v, want %v", heading, got, want)
		}
	}
}

// rulesReading is the embedded classifier with the model veto off: these tests check what the
// rules read in a bare sentence, which the sentence model may veto in so short a letter
// (TestModelVetoDemotesRuleLabels covers the veto).
func rulesReading(t *testing.T) *Classifier {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return c.WithModelVeto(0)
}
