package classify

import (
	"testing"

	"omgjort"
)

// TestStructuralOutcome: outcomes written without the formulas of rules.txt are read from
// the sentence's structure — verb family in any tense or voice, its actor, negation, modality,
// consequences — and other instances, courts, claims and hypotheticals give nothing (issue 10).
func TestStructuralOutcome(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want omgjort.Outcome
	}{
		// Set aside and sent back is a hjemvisning (held-out sets D, E).
		{"Afgørelse:\n\nAnkestyrelsen ophævede nævnets afgørelse og hjemviste sagen til kommunen.", omgjort.OutcomeHjemvist},
		{"Resultat\n\nVi ophæver kommunens afgørelse og sender sagerne tilbage til kommunen, som skal træffe nye afgørelser.", omgjort.OutcomeHjemvist},
		{"Vi har ophævet kommunens afgørelse og sendt sagen tilbage.", omgjort.OutcomeHjemvist},
		// A letter deciding two things under numbered headings: the most far-reaching result,
		// inside a result block or not (held-out set N).
		{"I har klaget over to afgørelser.\n\n1. Tabt arbejdsfortjeneste\n\nI har fået ændret afgørelsen. Vi ser anderledes på det.\n\n2. Merudgifter\n\nHer får I ikke medhold.", omgjort.OutcomeAendret},
		{"Ankestyrelsens afgørelse\n\nDu har klaget over to afgørelser.\n\n1. Satsen\n\nVi ændrer afgørelsen.\n\n2. Træk i hjælpen\n\nVi ophæver afgørelsen.", omgjort.OutcomeOphaevet},
		// Third person, past tense, older formats.
		{"Resumé:\n\nAnkestyrelsen ophævede afgørelserne.", omgjort.OutcomeOphaevet},
		{"Resumé:\n\nSagen blev hjemvist til fornyet behandling.", omgjort.OutcomeHjemvist},
		{"Resumé:\n\nAnkestyrelsen tiltrådte nævnets afgørelse.", omgjort.OutcomeStadfaestet},
		{"Resumé:\n\nAnkestyrelsen stadfæstede afgørelsen om tandbehandling, men ændrede afgørelsen om tilbagebetaling.", omgjort.OutcomeAendret},
		{"Resumé:\n\nAnkestyrelsen afviste at realitetsbehandle klagen.", omgjort.OutcomeAfvist},
		{"Resumé:\n\nAnkestyrelsen fandt ikke grundlag for at ændre kommunens afgørelse.", omgjort.OutcomeStadfaestet},
		{"Sagen blev behandlet i Ankestyrelsens Beskæftigelsesudvalg. Udvalget ændrede kommunens afgørelse.", omgjort.OutcomeAendret},
		// Evening session (sets P-W): the pre-2001 name, a noun after "Udfald:", agreement with
		// adverbs, an outcome not chosen, an earlier round, a whether-clause, a consequence of a
		// change that is no hjemvisning, the structure of a result block beside its formula.
		{"Den Sociale Ankestyrelses bemærkninger: Den Sociale Ankestyrelse ophævede ankenævnets og kommunens afgørelser.", omgjort.OutcomeOphaevet},
		{"Den Sociale Ankestyrelse afviser derfor at behandle klagen.", omgjort.OutcomeAfvist},
		{"Resumé: Kommunen havde ikke vurderet ansøgerens forhold konkret. Udfald: Hjemvisning.", omgjort.OutcomeHjemvist},
		{"Afgørelse\n\nKommunen har truffet den rigtige afgørelse. Vi giver dermed kommunen medhold.", omgjort.OutcomeStadfaestet},
		{"Afgørelse:\n\nAnkestyrelsen ophævede afgørelsen frem for at hjemvise den.", omgjort.OutcomeOphaevet},
		{"Sagen havde tidligere været behandlet i Ankestyrelsen, som ved afgørelse af 3. oktober 2016 hjemviste sagen til kommunen. Afgørelse: Ankestyrelsen ændrede kommunens afgørelse.", omgjort.OutcomeAendret},
		{"Tidligere afgørelse\n\nVi stadfæstede den 11. juli 2017 en afgørelse om nedsættelse af din hjælp.\n\nVores afgørelse\n\nKommunen skal behandle sagen forfra.", omgjort.OutcomeHjemvist},
		{"Resultat\n\nVi kan ikke behandle din klage, fordi du har trukket den tilbage. Vi tager altså ikke stilling til, om kommunens afgørelse var rigtig.", omgjort.OutcomeAfvist},
		{"Afgørelse\n\nDin ret til sygedagpenge er derfor ikke ophørt, og kommunen skal genoptage udbetalingen fra den 1. juli 2019. Kommunens afgørelse af 13. juni 2019 er dermed ændret.", omgjort.OutcomeAendret},
		{"Afgørelse:\n\nAnkestyrelsen ændrede nævnets afgørelse om forlængelse. Kommunens krav om tilbagebetaling blev ophævet.", omgjort.OutcomeOphaevet},
		{"Det er vores afgørelse\n\nDu skal fortsat have uddannelseshjælp. Kommunen har vurderet din sag rigtigt, og afgørelsen af 14. november 2022 gælder derfor.", omgjort.OutcomeStadfaestet},
		// Night session (sets AB-AE): the pluperfect tells an earlier round; "the same result as
		// the municipality"; one "Udfald:" line per numbered case, the most far-reaching counts.
		{"Resumé:\n\nAnkestyrelsen havde i 2015 hjemvist en tidligere afgørelse om fleksjob. Afgørelsen blev derfor ændret.", omgjort.OutcomeAendret},
		{"Afgørelse\n\nAnkestyrelsen havde dengang hjemvist sagen. Ankestyrelsen ændrede kommunens afgørelse.", omgjort.OutcomeAendret},
		{"Ankestyrelsens afgørelse Du skal betale kontanthjælpen tilbage. Resultatet er det samme som i kommunens afgørelse: Du skal betale 31.904 kr. tilbage.", omgjort.OutcomeStadfaestet},
		{"Du får ikke hjælp til tandbehandling. Du får altså det samme resultat som i kommunens afgørelse, men af andre grunde. Kommunen skal inden for 4 uger se på sagen igen, og hvis den fastholder sin afgørelse, sende klagen videre til os.", omgjort.OutcomeStadfaestet},
		{"Sag nr. 1 (j.nr. 11-1)\n\nAnkestyrelsen fandt, at manden ikke havde en rimelig grund.\n\nUdfald: Stadfæstelse.\n\nSag nr. 2 (j.nr. 11-2)\n\nDer var ikke grundlag for fradraget.\n\nUdfald: Ophævelse. Kvinden skulle have beløbet efterbetalt.", omgjort.OutcomeOphaevet},
		// Sets AF-AI: the noun alone under an "Udfald" heading; an invalid decision that no longer
		// applies is set aside.
		{"Ankestyrelsens bemærkninger\n\nAnkestyrelsen var enig med kommunen og nævnet i, at udskiftning af hvidevarer som udgangspunkt er en udgift, man kan spare op til.\n\nUdfald\n\nÆndring. Ansøgeren havde ret til hjælp til et køleskab.", omgjort.OutcomeAendret},
		{"Resultat\n\nAfgørelsen om fradrag i din kontanthjælp er ugyldig og gælder ikke.", omgjort.OutcomeOphaevet},
		// An outcome word after a determiner is an adjective; a pronoun subject is not one.
		{"Afgørelse\n\nDu får ikke medhold i din klage. Afgørelsen er stadfæstet med den ændrede begrundelse, som fremgår nedenfor.", omgjort.OutcomeStadfaestet},
		{"Ankestyrelsens vurdering\n\nKommunens afgørelse kan derfor ikke opretholdes, og den ophæves hermed.", omgjort.OutcomeOphaevet},
		// Two complainants in a flattened letter: the inline "Ankestyrelsens afgørelse:" opens the
		// result, where a payment ordered for one outranks the other's upheld decision.
		{"Vi har behandlet jeres klager samlet. Ankestyrelsens afgørelse: A skal ikke have nedsat sin kontanthjælp. Kommunen skal efterbetale det beløb, A er blevet trukket siden den 1. marts 2021. For B er nedsættelsen rigtig, og kommunens afgørelse om B står ved magt. Hvad har vi lagt vægt på?", omgjort.OutcomeAendret},
		// An earlier round with a fronted date; a court's outcome.
		{"Forløbet\n\nI vores afgørelse af 30. november 2021 sendte vi sagen tilbage til kommunen.\n\nAfgørelse\n\nKommunens afgørelse er rigtig.", omgjort.OutcomeStadfaestet},
		{"Afgørelse\n\nLandsretten tager herefter appellantens påstand til følge, således at Ankestyrelsens afgørelse ophæves, og sagen hjemvises til fornyet behandling.", omgjort.OutcomeUkendt},
		// Sets AN-AQ: an outcome verb in a whether-clause; "Kommunen har ret i, at"; an earlier
		// round told with "dengang".
		{"Vi er altså enige i resultatet af kommunens afgørelse. Vi har overvejet, om dine oplysninger om natkørsel ændrer resultatet. Det gør de ikke.", omgjort.OutcomeStadfaestet},
		{"Afgørelse\n\n- Kommunen har ret i, at dit jobafklaringsforløb skulle ophøre den 31. marts 2020.\n- Vi kan ikke behandle din klage over skiftet af mentor.", omgjort.OutcomeStadfaestet},
		{"Afgørelse\n\nKommunens afgørelse er rigtig. Dengang sendte vi sagen tilbage til kommunen, fordi den manglede en speciallægeerklæring.", omgjort.OutcomeStadfaestet},
		// The first instance's reconsideration is not Ankestyrelsen's outcome.
		{"Afgørelse\n\nSeniorpensionsenheden har genvurderet sagen og fastholdt afslaget.", omgjort.OutcomeUkendt},
		// Passive formulas with words inside, result blocks in other words.
		{"Ankestyrelsens afgørelse\n\nAfgørelsen fra Egedal Kommune af 3. maj 2013 om hjælp stadfæstes.", omgjort.OutcomeStadfaestet},
		{"Konklusion\nAfgørelsen fra Vesterhede Kommune ændres på ét punkt.", omgjort.OutcomeAendret},
		{"Vi har ophævet kommunens afgørelse og sendt sagen tilbage.", omgjort.OutcomeHjemvist},
		{"Jobcentret skal kigge på din sag en gang til og træffe en ny afgørelse.", omgjort.OutcomeHjemvist},
		{"Vi når samme resultat som kommunen.", omgjort.OutcomeStadfaestet},
		{"Du får ikke ret i din klage. Kommunens afgørelse er i orden.", omgjort.OutcomeStadfaestet},
		{"Kommunens afgørelse er derfor fortsat gældende.", omgjort.OutcomeStadfaestet},
		{"Kommunens afgørelse er derfor ikke længere gældende.", omgjort.OutcomeOphaevet},
		{"Vi realitetsbehandler derfor ikke din klage.", omgjort.OutcomeAfvist},
		// Consequences.
		{"Resultat\n\nKommunen må ikke foretage fradraget. Kommunen skal efterbetale dig beløbet.", omgjort.OutcomeOphaevet}, // a consequence alone: the decision is set aside (held-out sets B, D, E),
		{"Du skal ikke betale de 14.312 kr. tilbage.", omgjort.OutcomeOphaevet},
		{"Kravet mod dig nedsættes fra 8.420 kr. til 2.115 kr.", omgjort.OutcomeAendret},
		// Other instances, courts, claims, hypotheticals: nothing of Ankestyrelsen's.
		{"Det sociale nævn stadfæstede kommunens afgørelse.", omgjort.OutcomeUkendt},
		{"Kommunen traf en ny afgørelse, som nævnet stadfæstede.", omgjort.OutcomeUkendt},
		{"Beskæftigelsesankenævnet havde ophævet kommunens afgørelse og hjemvist sagen.", omgjort.OutcomeUkendt},
		{"Hvis kommunen ikke havde vejledt dig, kunne Ankestyrelsen have ophævet sanktionen.", omgjort.OutcomeUkendt},
		{"Du har anført, at vi hjemviser sagen, hvis kommunen ikke har oplyst den.", omgjort.OutcomeUkendt},
		{"Landsretten stadfæstede byrettens dom. Højesteret fandt, at kvinden var berettiget til erstatning.", omgjort.OutcomeUkendt},
		{"Ankestyrelsen ændrede med denne afgørelse sin praksis.", omgjort.OutcomeUkendt},
		// Early-morning session (2026-12-07): the claim that lapses under a change is no
		// ophævelse; a partial repayment is a change; a result block in its own words outranks a
		// formula of agreement in the assessment, which may concern one part.
		{"Ankestyrelsens afgørelse\n\nVi har ændret kommunens afgørelse, så kravet om tilbagebetaling bortfalder.", omgjort.OutcomeAendret},
		{"Ankestyrelsens afgørelse\n\nKommunens afgørelse om at nedsætte din kontanthjælp bortfalder.", omgjort.OutcomeOphaevet},
		{"Ankestyrelsens afgørelse\n\nAfgørelsen om fradrag bortfalder derfor, og kommunen skal udbetale de 1.146 kr., som blev trukket i din hjælp.", omgjort.OutcomeOphaevet},
		{"Ankestyrelsens afgørelse\n\nDu skal ikke betale det hele tilbage. Du skal betale 3.420 kr.", omgjort.OutcomeAendret},
		{"Ankestyrelsens afgørelse\n\n1. Befordring: Vi har derfor sendt den del af sagen tilbage til kommunen.\n\nBegrundelse\n\nKommunen har lagt vægt på din indtægt. Vi er derfor enige med kommunen.", omgjort.OutcomeHjemvist},
		// Sets BP–BS: agreement with the first instance's reduction; resumed follow-up is a
		// change's consequence; a republished judgment's quoted formula is the court's.
		{"Ankestyrelsens afgørelse\n\nVi er enige med kommunen i, at din hjælp skal nedsættes.", omgjort.OutcomeStadfaestet},
		{"Ankestyrelsens afgørelse\n\nKommunens afgørelse om at stoppe dine sygedagpenge er ændret. Kommunen skal samtidig genoptage opfølgningen i din sag.", omgjort.OutcomeAendret},
		{"Ankestyrelsens afgørelse\n\nKommunen har altså fået medhold i, at du skal have hjælp efter satsen for unge under 30 år.", omgjort.OutcomeStadfaestet},
		{"Ankestyrelsens afgørelse\n\nKommunen må ikke trække i din kontanthjælp for de fire dage.", omgjort.OutcomeOphaevet},
		{"Ankestyrelsens afgørelse\n\nKommunen må ikke modregne beløbet i din ydelse. Du vil få en ny afgørelse fra kommunen.", omgjort.OutcomeHjemvist},
		{"Ankestyrelsens afgørelse\n\nDet betyder, at kommunens krav ikke længere gælder, og at kommunen skal udbetale de beløb, den allerede har holdt tilbage i din hjælp.", omgjort.OutcomeOphaevet},
		{"Resumé\n\nAfgørelsen blev ophævet. Da kommunens grundlag for kravet stammede fra den inhabile sagsbehandlers egne notater, fandt Ankestyrelsen ikke grundlag for at sende sagen tilbage til fornyet behandling.", omgjort.OutcomeOphaevet},
		{"Styrelsen har gennemgået sagen og må meddele Dem, at sagen ikke findes at være af principiel betydning. Den Sociale Ankestyrelse kan derfor ikke tage Deres anke under behandling.", omgjort.OutcomeAfvist},
		{"Ankestyrelsens afgørelse\n\nVi har behandlet din klage over kommunens afgørelse, hvor kommunen gav dig afslag på førtidspension og i stedet bevilgede et ressourceforløb. Vi er altså kommet til det samme resultat som kommunen.", omgjort.OutcomeStadfaestet},
		{"Resultat\n\nKommunens afgørelse gælder derfor ikke længere, og kommunen skal træffe en ny afgørelse både om din ret til ydelse og om tilbagebetaling.", omgjort.OutcomeHjemvist},
		{"Ankestyrelsens afgørelse\n\nDer er ingen regel, som giver kommunen ret til at nedsætte hjælpen, fordi man ikke vil give samtykke. Kommunens afgørelse om fradrag gælder derfor ikke længere.", omgjort.OutcomeOphaevet},
		{"Ankestyrelsens afgørelse\n\nDu har ret til førtidspension. Kommunen skal beregne din pension og udbetale den med tilbagevirkende kraft. Den del af din klage, der handler om personalets adfærd, har vi sendt videre til kommunen.", omgjort.OutcomeAendret},
		{"Ankestyrelsens bemærkninger\n\nAnkestyrelsen udtalte, at det er en betingelse for tilbagebetaling, at modtageren har tilsidesat sin oplysningspligt mod bedre vidende. Ankestyrelsen ændrede herefter nævnets afgørelse, således at sikrede ikke skulle tilbagebetale sygedagpengene.", omgjort.OutcomeAendret},
		// A consequence alone yields to a statement of the result elsewhere (sets BP–CU: writers
		// call a repayment that falls "ændret" when the letter says so, "ophævet" when it says that).
		{"Ankestyrelsens afgørelse\n\nDu skal ikke betale de 14.320 kr. tilbage.\n\nBegrundelse\n\nDu har oplyst kommunen om lønnen. Kommunens afgørelse er hermed ændret.", omgjort.OutcomeAendret},
		{"Ankestyrelsens afgørelse\n\nDu skal ikke betale de 14.320 kr. tilbage.\n\nBegrundelse\n\nDu har oplyst kommunen om lønnen.", omgjort.OutcomeOphaevet},
		{"Ankestyrelsens afgørelse\n\nKommunen må ikke trække dig i kontanthjælp for de to dage. Kommunen skal udbetale beløbet til dig.", omgjort.OutcomeOphaevet},
		{"Ankestyrelsens afgørelse\n\nDu skal ikke betale beløbet tilbage.\n\nBegrundelse\n\nVi har altså ændret kommunens afgørelse af 12. marts.", omgjort.OutcomeAendret},
		// Sets CZ–DC.
		{"Vores vurdering\n\nVi har ophævet afgørelsen og sendt din sag tilbage til Seniorpensionsenheden, som skal træffe en ny afgørelse.", omgjort.OutcomeHjemvist},
		{"Resultat\n\nDu skal kun betale 4.318 kr. tilbage. Vi er enige i, at du skal betale noget tilbage, men beløbet er lavere.", omgjort.OutcomeAendret},
		{"Afgørelse\n\nKommunen havde ret til ikke at udbetale kontanthjælp til dig i juli. Resultatet er dermed det samme som i kommunens afgørelse.", omgjort.OutcomeStadfaestet},
		{"Afgørelse\n\nVi er nået til samme resultat som kommunen.\n\nBegrundelse\n\nIndstillingen blev givet, før din medicin blev ændret.", omgjort.OutcomeStadfaestet},
		{"Afgørelse\n\nVi er enige med kommunen.\n\nKlage\n\nFristen er 4 uger, og klagen skal sendes til kommunen, som skal vurdere sagen igen, før den sendes videre til os.", omgjort.OutcomeStadfaestet},
		{"Resultat\n\nDu skal ikke betale de 14.312 kr. tilbage. Du skal kun betale 4.770 kr. tilbage. Kommunens afgørelse er dermed ændret.", omgjort.OutcomeAendret},
		// Sets DD–DG: the appeal guidance's whether-clause gives no change.
		{"Afgørelse\n\nVi er enige med kommunen i, at du ikke har ret til ledighedsydelse i juli.\n\nKlage\n\nKommunen skal inden for 4 uger vurdere, om den kan give dig helt eller delvist medhold, og ellers sende klagen videre til os.", omgjort.OutcomeStadfaestet},
		// Set DP: an earlier round told by the board under its old name.
		{"Resumé\n\nDen Sociale Ankestyrelse hjemviste i 1985 sagen til nævnet med henblik på indhentelse af en speciallægeerklæring. Ankestyrelsen ændrede herefter nævnets afgørelse.", omgjort.OutcomeAendret},
		{"Ankestyrelsen offentliggør hermed Vestre Landsrets dom af 14. juni 2011.\n\nResumé\n\nLandsretten fandt, at kommunen ikke havde været berettiget til at lade sygedagpengene ophøre.\n\nDommen\n\n\"Ankestyrelsens afgørelse ophæves derfor, og sagen hjemvises til fornyet behandling.\"", omgjort.OutcomeUkendt},
	} {
		got := c.ClassifyCase(tc.text)
		if got.Outcome != tc.want {
			t.Errorf("%q: %s (%v), want %s", tc.text, got.Outcome, got.OutcomeEvidence, tc.want)
		}
		checkOffsets(t, got)
		checkLabels(t, got)
	}
}
