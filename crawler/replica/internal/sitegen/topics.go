package sitegen

import "omgjort"

// All text below is written for this demo site. It imitates the style and the fixed formulas
// of Ankestyrelsen's letters; the people, dates, amounts and facts are invented. Placeholders
// in braces are filled per letter: {mun}/{muns} the first instance ("X Kommune"/"X Kommunes"),
// {inst}/{insts} its short form ("kommunen"/"kommunens"), {Inst}/{Insts} capitalised, {d0} the
// event date, {d1} the decision date, {d2} the complaint date, {amt} an amount, {hours},
// {dayamt}, {rent}, {weeks}, {n}, {age}, {childAge} and {job}.

type topicKind int

const (
	kindLetters topicKind = iota
	kindRewrite
	kindJudgment
)

// outcomeText is what a topic says in a letter with a given outcome.
type outcomeText struct {
	result   []string // "Resultatet er:" bullet alternatives
	assess   []string // "… vurderer, at X." alternatives
	decisive []string // "Vi lægger vægt på, at X." (two are used)
	todo     string   // "Hvad skal kommunen gøre" (hjemvist only)
	summary  string   // the reason in "I sag nr. 1 hjemviste Ankestyrelsen …, X."
}

// topic is one legal area's building blocks.
type topic struct {
	key        string
	kind       topicKind
	laws       []string
	keywords   []string
	titleKws   []string
	authority  string
	employment bool // decided by Ankestyrelsens Beskæftigelsesudvalg
	lawRef     string
	paras      []string
	practice   string
	holding    []string
	purpose    []string
	subject    string
	facts      []string
	rules      string
	out        map[omgjort.Outcome]outcomeText
}

var formulas = map[omgjort.Outcome][]string{
	omgjort.OutcomeStadfaestet: {
		"Det betyder, at vi stadfæster {insts} afgørelse, og at afgørelsen ikke ændres.",
		"Det betyder, at vi stadfæster {insts} afgørelse.",
	},
	omgjort.OutcomeAendret: {
		"Det betyder, at vi ændrer {insts} afgørelse.",
		"Det betyder, at vi ændrer {insts} afgørelse, og at du får medhold i din klage.",
	},
	omgjort.OutcomeOphaevet: {
		"Det betyder, at vi ophæver {insts} afgørelse, og at afgørelsen ikke længere gælder.",
		"Det betyder, at vi ophæver {insts} afgørelse. Afgørelsen er ugyldig.",
	},
	omgjort.OutcomeHjemvist: {
		"Det betyder, at vi hjemviser sagen til {inst}, som skal behandle den igen.",
		"{Inst} skal behandle din sag igen. Det betyder, at vi hjemviser sagen til ny behandling.",
	},
}

var meetings = []string{
	"Sagen er behandlet på møde. På mødet stemmer deltagerne om resultatet. Der er enighed om afgørelsen.",
	"Sagen er behandlet på møde. På mødet stemmer deltagerne om resultatet. Der er flertal for afgørelsen. Afgørelsen træffes ved almindeligt flertal.",
	"Sagen er behandlet på et principielt møde. Deltagerne var enige om resultatet. Du kan læse mere om, hvordan Ankestyrelsen behandler sager på møde, på www.ast.dk",
}

type kritik struct{ sentence, head, detail string }

var kritikText = map[string]kritik{
	"partshoering": {
		sentence: "Vi kritiserer, at {inst} ikke partshørte dig, inden {inst} traf afgørelse i din sag.",
		head:     "Partshøring",
		detail:   "{Inst} lagde vægt på oplysninger, som du ikke havde kendskab til, og som var til ugunst for dig. {Inst} skulle have givet dig mulighed for at udtale dig om oplysningerne, inden der blev truffet afgørelse. Det følger af forvaltningslovens § 19. Vi har dog vurderet, at dine bemærkninger ikke ville have ført til et andet resultat.",
	},
	"begrundelse": {
		sentence: "Vi kritiserer, at {insts} afgørelse ikke var tilstrækkeligt begrundet.",
		head:     "Begrundelse",
		detail:   "{Insts} afgørelse henviste ikke til de regler, som afgørelsen bygger på, og den beskrev ikke de hovedhensyn, der var afgørende for vurderingen. Det er et krav efter forvaltningslovens §§ 22 og 24, at en afgørelse, der ikke giver fuldt medhold, er ledsaget af en begrundelse.",
	},
	"genvurdering": {
		sentence: "Vi kritiserer, at {inst} ikke genvurderede sagen inden for fire uger efter at have modtaget din klage.",
		head:     "Genvurdering",
		detail:   "{Inst} modtog din klage den {d2}, men sendte først sagen videre til Ankestyrelsen {weeks} uger senere. {Inst} skal genvurdere afgørelsen inden for fire uger fra modtagelsen af klagen og sende sagen til Ankestyrelsen, hvis afgørelsen fastholdes. Det følger af retssikkerhedslovens § 66.",
	},
}

type afvist struct{ result, formula, assess, decisive, rules, summary string }

var afvisning = []afvist{
	{
		result:   "Vi afviser at behandle din klage, fordi du har klaget for sent.",
		formula:  "Det betyder, at vi ikke tager stilling til, om {insts} afgørelse er rigtig.",
		assess:   "Ankestyrelsen vurderer, at du har klaget efter udløbet af klagefristen på 4 uger, og at der ikke er grundlag for at se bort fra fristen.",
		decisive: "Det fremgår af sagen, at {muns} afgørelse blev sendt til din digitale postkasse den {d1}, og at {inst} modtog din klage den {d2}. Vi lægger vægt på, at afgørelsen indeholdt en klagevejledning med oplysning om klagefristen. Vi lægger også vægt på, at du ikke har oplyst om forhold, der har forhindret dig i at klage rettidigt.",
		rules:    "Fristen for at klage er 4 uger fra den dag, hvor du fik afgørelsen. Ankestyrelsen kan se bort fra fristen, hvis der er særlige grunde til det, for eksempel hvis klagevejledningen var mangelfuld.",
		summary:  "fordi klagen var indgivet efter klagefristen",
	},
	{
		result:   "Vi afviser at behandle din klage, fordi der ikke er truffet en afgørelse, som du kan klage over.",
		formula:  "Det betyder, at vi ikke behandler din klage.",
		assess:   "Ankestyrelsen vurderer, at det brev, du har klaget over, er en orientering om en planlagt samtale og ikke en afgørelse.",
		decisive: "Det fremgår af sagen, at {inst} den {d1} skrev til dig om en kommende opfølgningssamtale. Vi lægger vægt på, at brevet ikke fastsætter nogens rettigheder eller pligter, og at {inst} endnu ikke har taget stilling til din ret til ydelsen.",
		rules:    "Ankestyrelsen kan kun behandle klager over afgørelser. En afgørelse er en beslutning, der fastsætter, hvad der er ret for en borger i en konkret sag.",
		summary:  "fordi der ikke var truffet en afgørelse",
	},
}

var topics = map[string]*topic{}

func init() {
	for _, t := range []*topic{
		{
			key: "sanktion", laws: []string{"Aktivloven"}, keywords: []string{"Kontanthjælp", "Sanktion", "Rimelig grund"},
			titleKws: []string{"kontanthjælp", "sanktion", "udeblivelse fra samtale"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om aktiv socialpolitik (aktivloven), senest bekendtgjort i lovbekendtgørelse nr. 1103 af 2. september 2024. § 13, stk. 7, om rimelige grunde til at udeblive. § 35, stk. 5, om kommunens pligt til at vejlede om konsekvenserne af en udeblivelse. § 36, stk. 1, om fradrag i hjælpen ved udeblivelse fra samtaler.",
			paras:    []string{"§ 13, stk. 7", "§ 35, stk. 5", "§ 36, stk. 1"},
			practice: "11-19: Kommunen skal give skriftlig vejledning om konsekvenserne, før der kan ske fradrag i hjælpen. 40-17: En aktivitetsparat borger skal kontaktes personligt, inden der træffes afgørelse om en sanktion.",
			holding: []string{
				"Principmeddelelsen fastslår, at kommunen kun kan foretage fradrag i kontanthjælpen for udeblivelse fra en samtale i jobcentret, hvis borgeren forud skriftligt er vejledt om, hvilke konsekvenser en udeblivelse har. Vejledningen skal være konkret og give borgeren et reelt grundlag for at forstå, at hjælpen kan blive nedsat.",
				"Hvis borgeren er aktivitetsparat, skal kommunen forsøge at få personlig kontakt med borgeren, inden der træffes afgørelse om en sanktion. Det er ikke tilstrækkeligt, at kommunen har sendt et brev til borgerens digitale postkasse.",
			},
			purpose: []string{"fastslå, hvilke krav der stilles til kommunens vejledning og kontakt med borgeren, før der kan ske fradrag i kontanthjælpen for udeblivelse"},
			subject: "om fradrag i din kontanthjælp",
			facts: []string{
				"Du modtog kontanthjælp og var indkaldt til en samtale i jobcentret den {d0}.",
				"Du mødte ikke op til samtalen, og du kontaktede ikke jobcentret samme dag.",
				"Indkaldelsen blev sendt til din digitale postkasse {n} dage før samtalen.",
				"Du har oplyst, at du var syg på dagen, men at du ikke kunne ringe til jobcentret, fordi din telefon var spærret.",
				"Kommunen foretog et fradrag på {dayamt} kr. i din kontanthjælp.",
			},
			rules: "Kommunen kan foretage fradrag i hjælpen for de dage, hvor en person uden rimelig grund udebliver fra en samtale i jobcentret. Det er en betingelse, at personen forud har fået skriftlig vejledning om konsekvenserne. Er personen aktivitetsparat, skal kommunen forsøge at få personlig kontakt med personen, inden der træffes afgørelse.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Kommunen kan foretage fradrag i din kontanthjælp for den dag, hvor du udeblev fra samtalen i jobcentret."},
					assess:   []string{"du ikke havde en rimelig grund til at udeblive fra samtalen den {d0}, og at kommunen derfor kunne foretage fradrag i din kontanthjælp"},
					decisive: []string{"indkaldelsen tydeligt oplyste, at din kontanthjælp ville blive nedsat, hvis du udeblev uden rimelig grund", "du ikke har dokumenteret, at du var forhindret i at møde op eller give besked"},
					summary:  "fordi borgeren var skriftligt vejledt om konsekvensen af at udeblive og ikke havde en rimelig grund",
				},
				omgjort.OutcomeOphaevet: {
					result:   []string{"Kommunen kan ikke foretage fradrag i din kontanthjælp for udeblivelsen den {d0}.", "Du skal have det fratrukne beløb på {dayamt} kr. udbetalt."},
					assess:   []string{"kommunen ikke havde hjemmel til at foretage fradrag i din kontanthjælp, fordi du ikke forud var vejledt om konsekvenserne af at udeblive"},
					decisive: []string{"indkaldelsen til samtalen ikke indeholdt oplysning om, at din hjælp kunne blive nedsat, hvis du ikke mødte op", "der ikke er andre oplysninger i sagen om, at du tidligere er vejledt om konsekvenserne"},
					summary:  "fordi kommunen ikke havde vejledt borgeren skriftligt om konsekvenserne af at udeblive",
				},
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal vurdere igen, om du havde en rimelig grund til at udeblive fra samtalen."},
					assess:   []string{"sagen ikke er tilstrækkeligt oplyst til, at vi kan vurdere, om du havde en rimelig grund til at udeblive"},
					decisive: []string{"kommunen ikke forsøgte at få personlig kontakt med dig, før den traf afgørelse, selv om du er vurderet som aktivitetsparat", "kommunen ikke har undersøgt dine oplysninger om sygdom nærmere"},
					todo:     "Kommunen skal kontakte dig personligt og indhente oplysninger om årsagen til din udeblivelse. Kommunen skal derefter træffe en ny afgørelse om, hvorvidt der kan foretages fradrag i din kontanthjælp.",
					summary:  "fordi kommunen ikke havde forsøgt at få personlig kontakt med en aktivitetsparat borger, inden afgørelsen blev truffet",
				},
			},
		},
		{
			key: "225", laws: []string{"Aktivloven"}, keywords: []string{"225-timersreglen", "Kontanthjælp", "Ordinært arbejde"},
			titleKws: []string{"kontanthjælp", "225-timersreglen", "ordinært og ustøttet arbejde"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om aktiv socialpolitik (aktivloven), senest bekendtgjort i lovbekendtgørelse nr. 1103 af 2. september 2024. § 13 f, stk. 1, om kravet om 225 timers ordinært og ustøttet arbejde. § 13 f, stk. 6, om fritagelse, når personen ikke kan opnå ordinær beskæftigelse. § 13 g om nedsættelse af hjælpen.",
			paras:    []string{"§ 13 f, stk. 1", "§ 13 f, stk. 6", "§ 13 g"},
			practice: "9-20: Timer i et job med løntilskud kan ikke medregnes ved opgørelsen af de 225 timer.",
			holding: []string{
				"Principmeddelelsen fastslår, at kommunen skal foretage en konkret vurdering af, om en borger reelt kan arbejde 225 timer inden for 12 måneder, inden hjælpen nedsættes. Det er ikke nok, at borgeren er visiteret som jobparat.",
				"Arbejde i et fleksjob eller med løntilskud tæller ikke med ved opgørelsen af de 225 timer, fordi der ikke er tale om ordinært og ustøttet arbejde. Timer fra et ordinært job med løn efter overenskomst tæller med, også selv om ansættelsen er kortvarig.",
			},
			purpose: []string{"fastslå, hvilke timer der kan medregnes efter 225-timersreglen, og hvornår kommunen skal fritage en borger fra kravet"},
			subject: "om nedsættelse af din kontanthjælp efter 225-timersreglen",
			facts: []string{
				"Du har modtaget kontanthjælp i mere end et år og har arbejdet {hours} timer i de seneste 12 måneder.",
				"Kommunen nedsatte din hjælp fra den {d0}, fordi du ikke havde opfyldt kravet om 225 timers arbejde.",
				"Du har i en del af perioden arbejdet i et job med løntilskud.",
				"Du har oplyst, at du har søgt mere end 30 stillinger uden at komme til samtale.",
				"Kommunen har indhentet en statusattest fra din egen læge.",
			},
			rules: "En person, der har modtaget hjælp i en periode på 1 år inden for 3 år, skal have haft ordinært og ustøttet arbejde i mindst 225 timer inden for de seneste 12 kalendermåneder. Kommunen skal fritage en person fra kravet, hvis personen ikke kan opnå ordinær beskæftigelse, fordi personen kun kan arbejde i et meget begrænset omfang.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Din kontanthjælp skal nedsættes, fordi du ikke har arbejdet 225 timer inden for de seneste 12 måneder."},
					assess:   []string{"du ikke opfylder kravet om 225 timers ordinært og ustøttet arbejde, og at der ikke er grundlag for at fritage dig fra kravet"},
					decisive: []string{"du kun har arbejdet {hours} timer i ordinært og ustøttet arbejde inden for de seneste 12 måneder", "timerne med løntilskud ikke kan medregnes, fordi der er tale om støttet arbejde"},
					summary:  "fordi timer med løntilskud ikke kunne medregnes",
				},
				omgjort.OutcomeAendret: {
					result:   []string{"Du skal fritages fra kravet om 225 timers arbejde fra den {d0}.", "Din kontanthjælp skal ikke nedsættes."},
					assess:   []string{"du ikke på nuværende tidspunkt kan opnå ordinær beskæftigelse på grund af dine helbredsmæssige begrænsninger, og at du derfor skal fritages fra kravet"},
					decisive: []string{"det fremgår af lægeattesten, at du kun kan arbejde i kortere perioder og med skånehensyn", "kommunen selv har vurderet, at du skal i et længerevarende afklaringsforløb"},
					summary:  "fordi borgeren på grund af helbredsmæssige begrænsninger ikke kunne opnå ordinær beskæftigelse",
				},
			},
		},
		{
			key: "formue", laws: []string{"Aktivloven"}, keywords: []string{"Opgørelse af formue", "Kontanthjælp", "Bil"},
			titleKws: []string{"kontanthjælp", "opgørelse af formue", "bil", "opsparing"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om aktiv socialpolitik (aktivloven), senest bekendtgjort i lovbekendtgørelse nr. 1103 af 2. september 2024. § 14, stk. 1, om at kommunen ikke kan yde hjælp, hvis ansøgeren har formue, der kan dække behovet. § 14, stk. 2, om beløbsgrænsen for formue. § 14, stk. 4, om formue, der er nødvendig for at opnå beskæftigelse.",
			paras:    []string{"§ 14, stk. 1 og 2", "§ 14, stk. 4"},
			practice: "31-16: En bil, der er nødvendig for at passe et arbejde, indgår ikke i formuen.",
			holding: []string{
				"Principmeddelelsen fastslår, at en bil som udgangspunkt indgår i opgørelsen af formue, medmindre bilen er nødvendig for, at borgeren kan komme i arbejde eller uddannelse. Kommunen skal vurdere bilens handelsværdi på det tidspunkt, hvor der søges om hjælp.",
				"Penge, der står på en konto på ansøgningstidspunktet, indgår i formuen, hvis de ikke er omfattet af undtagelserne. Det gælder også, selv om pengene er sparet op til en kommende udgift.",
			},
			purpose: []string{"fastslå, hvordan en bil og en opsparing skal indgå ved opgørelsen af formue"},
			subject: "om afslag på kontanthjælp på grund af formue",
			facts: []string{
				"Du søgte om kontanthjælp den {d0}.",
				"Du ejede på ansøgningstidspunktet en bil, som kommunen vurderede til en handelsværdi på {amt} kr.",
				"Du har oplyst, at bilen er nødvendig for, at du kan komme til et vikariat i en anden by, fordi der ikke er offentlig transport på de tidspunkter, hvor du skal møde.",
				"Din formue blev af kommunen opgjort til mere end beløbsgrænsen på 10.000 kr.",
			},
			rules: "Kommunen kan ikke yde hjælp, hvis ansøgeren eller ægtefællen har formue, som kan dække behovet. Ved opgørelsen ses der bort fra formue op til 10.000 kr. for en enlig. Der ses også bort fra værdier, der er nødvendige for, at ansøgeren kan opnå eller bevare beskæftigelse.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du har ikke ret til kontanthjælp, så længe du har en formue, der overstiger beløbsgrænsen."},
					assess:   []string{"din formue overstiger beløbsgrænsen, og at bilen ikke er nødvendig for, at du kan opnå beskæftigelse"},
					decisive: []string{"du ikke har dokumenteret et konkret arbejdstilbud, hvor bilen er nødvendig", "bilens handelsværdi er opgjort ud fra en vurdering fra en forhandler"},
					summary:  "fordi bilen ikke var nødvendig for at opnå beskæftigelse",
				},
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle din ansøgning om kontanthjælp igen."},
					assess:   []string{"sagen ikke er tilstrækkeligt oplyst til, at vi kan tage stilling til, om bilen skal indgå i opgørelsen af din formue"},
					decisive: []string{"kommunen ikke har indhentet oplysninger om bilens handelsværdi, men alene har brugt en pris fra en annonce", "kommunen ikke har forholdt sig til dine oplysninger om, at du har brug for bilen for at komme på arbejde"},
					todo:     "Kommunen skal indhente en vurdering af bilens handelsværdi og undersøge, om bilen er nødvendig for, at du kan varetage dit arbejde. Kommunen skal herefter træffe en ny afgørelse.",
					summary:  "fordi kommunen ikke havde oplyst bilens værdi og betydning for borgerens beskæftigelse",
				},
				omgjort.OutcomeAendret: {
					result:   []string{"Du har ret til kontanthjælp fra den {d0}."},
					assess:   []string{"bilen ikke skal indgå i opgørelsen af din formue, fordi den er nødvendig for, at du kan passe dit arbejde"},
					decisive: []string{"du har fremlagt en ansættelseskontrakt, der viser, at du skal møde på skiftende tidspunkter uden for bybussens køreplan", "din øvrige formue er under beløbsgrænsen"},
					summary:  "fordi bilen var nødvendig for borgerens arbejde og derfor ikke skulle medregnes",
				},
			},
		},
		{
			key: "samliv", laws: []string{"Aktivloven"}, keywords: []string{"Gensidig forsørgelse", "Samlivsforhold", "Kontanthjælp"},
			titleKws: []string{"kontanthjælp", "gensidig forsørgelse", "samlivsforhold", "fælles bopæl"}, authority: "Kommunal", employment: true,
			lawRef: "Lov om aktiv socialpolitik (aktivloven), senest bekendtgjort i lovbekendtgørelse nr. 1103 af 2. september 2024. § 2 a, stk. 1, om ugifte samlevende. § 2 a, stk. 2, om hvornår personer anses for samlevende. § 91, stk. 1, nr. 1, om tilbagebetaling, når hjælpen er modtaget mod bedre vidende.",
			paras:  []string{"§ 2 a, stk. 1 og 2", "§ 91, stk. 1, nr. 1"},
			holding: []string{
				"Principmeddelelsen fastslår, at to personer kun kan anses for samlevende efter aktivloven, hvis de begge er fyldt 25 år, har fælles bopæl og har et fast samlivsforhold. Det er ikke tilstrækkeligt, at de er tilmeldt samme adresse i CPR.",
				"Kommunen skal foretage en samlet vurdering af alle forhold i sagen. Oplysninger om fælles husholdning, fælles økonomi og fælles børn kan indgå i vurderingen, men ingen af forholdene er i sig selv afgørende.",
			},
			purpose: []string{"fastslå, hvilke forhold der skal indgå i vurderingen af, om to personer er samlevende efter aktivloven"},
			subject: "om, at du er samlevende med Y og ikke har ret til hjælp som enlig",
			facts: []string{
				"Du og Y var begge tilmeldt den samme adresse fra den {d0}.",
				"Du har oplyst, at du lejer et værelse i Ys lejlighed og betaler {rent} kr. om måneden i husleje.",
				"Kommunen modtog en henvendelse om, at du og Y havde et parforhold.",
				"Kommunen bad jer om at indsende kontoudtog for de seneste tre måneder.",
			},
			rules: "Ugifte personer, der begge er fyldt 25 år, og som lever sammen, anses som samlevende, hvis de har fælles bopæl og et fast samlivsforhold. Kommunen skal vurdere, om der er tale om et fast samlivsforhold ud fra alle sagens oplysninger.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeOphaevet: {
					result:   []string{"Du skal ikke anses for samlevende med Y.", "Du skal ikke betale hjælp tilbage."},
					assess:   []string{"der ikke var grundlag for at anse dig for samlevende med Y, og at kommunens afgørelse derfor ikke kan opretholdes"},
					decisive: []string{"I ikke har fælles økonomi, og at du betaler husleje for et værelse", "kommunen alene har bygget sin afgørelse på en anonym henvendelse, som ikke er bekræftet af andre oplysninger"},
					summary:  "fordi der ikke var oplysninger, der understøttede et fast samlivsforhold",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du er samlevende med Y og har ikke ret til hjælp som enlig."},
					assess:   []string{"du og Y har fælles bopæl og et fast samlivsforhold, og at I derfor skal anses for samlevende efter aktivloven"},
					decisive: []string{"I har været tilmeldt samme adresse i mere end et år og har fælles abonnementer på el og internet", "I selv har oplyst over for en anden myndighed, at I er et par"},
					summary:  "fordi parret havde fælles bopæl og et fast samlivsforhold",
				},
			},
		},
		{
			key: "uarb", laws: []string{"Sygedagpengeloven"}, keywords: []string{"Sygedagpenge", "Uarbejdsdygtighed", "Lægelige oplysninger"},
			titleKws: []string{"sygedagpenge", "uarbejdsdygtighed", "lægelige oplysninger"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om sygedagpenge, senest bekendtgjort i lovbekendtgørelse nr. 1012 af 1. juli 2024. § 7, stk. 1, om uarbejdsdygtighed på grund af egen sygdom. § 7, stk. 2, om delvis uarbejdsdygtighed. § 11 om kommunens pligt til at indhente oplysninger.",
			paras:    []string{"§ 7, stk. 1 og 2", "§ 11"},
			practice: "12-18: Uarbejdsdygtigheden vurderes i forhold til det arbejde, borgeren havde ved sygdommens begyndelse.",
			holding: []string{
				"Principmeddelelsen fastslår, at vurderingen af uarbejdsdygtighed skal ske i forhold til det arbejde, som borgeren var ansat i ved sygdommens begyndelse. Det gælder også, selv om borgeren muligvis kan varetage andet arbejde.",
				"Kommunen kan ikke alene lægge vægt på en speciallægeerklæring, hvis der er andre lægelige oplysninger i sagen, som peger i en anden retning. Kommunen skal i så fald foretage en samlet vurdering af de lægelige oplysninger.",
			},
			purpose: []string{"fastslå, i forhold til hvilket arbejde uarbejdsdygtigheden skal vurderes"},
			subject: "om ophør af dine sygedagpenge",
			facts: []string{
				"Du var ansat som {job} med 37 timer om ugen, da du blev sygemeldt den {d0}.",
				"Du blev sygemeldt på grund af smerter i højre skulder og arm.",
				"Kommunen indhentede en lægeattest fra din egen læge og en speciallægeerklæring.",
				"Din arbejdsgiver, Hansen & Søn ApS, har beskrevet dine arbejdsopgaver.",
				"Du har efter afgørelsen indsendt en ny scanning af din skulder.",
			},
			rules: "En lønmodtager anses for uarbejdsdygtig, når lønmodtageren på grund af egen sygdom er helt eller delvis ude af stand til at varetage sit arbejde. Vurderingen skal ske i forhold til det arbejde, lønmodtageren var ansat i, da sygdommen begyndte. Kommunen skal løbende følge op og sørge for, at sagen er tilstrækkeligt oplyst.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du er ikke uarbejdsdygtig på grund af sygdom og har ikke ret til sygedagpenge efter den {d1}."},
					assess:   []string{"du kunne varetage dit arbejde som {job} fra den {d1}, og at du derfor ikke længere var uarbejdsdygtig"},
					decisive: []string{"både din egen læge og speciallægen har vurderet, at du kan genoptage dit arbejde på fuld tid", "du har genoptaget arbejdet hos en anden arbejdsgiver i samme type job"},
					summary:  "fordi borgeren igen kunne varetage sit sædvanlige arbejde",
				},
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle din sag om sygedagpenge igen."},
					assess:   []string{"sagen ikke er tilstrækkeligt oplyst til, at vi kan vurdere, om du var uarbejdsdygtig i forhold til dit arbejde som {job}"},
					decisive: []string{"kommunen har vurderet din arbejdsevne i forhold til et lettere arbejde og ikke i forhold til dit arbejde som {job}", "kommunen ikke har indhentet en beskrivelse af jobbets funktioner fra din arbejdsgiver"},
					todo:     "Kommunen skal indhente oplysninger fra din arbejdsgiver om arbejdets funktioner og en opdateret lægeattest. Kommunen skal herefter vurdere, om du var uarbejdsdygtig i forhold til dit arbejde som {job}, og træffe en ny afgørelse.",
					summary:  "fordi kommunen havde vurderet uarbejdsdygtigheden i forhold til et andet arbejde end borgerens eget",
				},
				omgjort.OutcomeAendret: {
					result:   []string{"Du er uarbejdsdygtig på grund af sygdom og har ret til sygedagpenge efter den {d1}."},
					assess:   []string{"du fortsat var uarbejdsdygtig i forhold til dit arbejde som {job} på tidspunktet for kommunens afgørelse"},
					decisive: []string{"de lægelige oplysninger samstemmende beskriver, at du ikke kan løfte eller bære, og at arbejdet som {job} kræver tunge løft", "din arbejdsgiver har bekræftet, at der ikke findes skånejob på arbejdspladsen"},
					summary:  "fordi borgeren fortsat var uarbejdsdygtig i forhold til sit eget arbejde",
				},
			},
		},
		{
			key: "forl", laws: []string{"Sygedagpengeloven"}, keywords: []string{"Forlængelse", "Sygedagpenge", "Revurdering"},
			titleKws: []string{"sygedagpenge", "forlængelse", "revurdering", "lægelig behandling"}, authority: "Kommunal", employment: true,
			lawRef: "Lov om sygedagpenge, senest bekendtgjort i lovbekendtgørelse nr. 1012 af 1. juli 2024. § 24, stk. 1, om varighedsbegrænsningen på 22 uger. § 27, stk. 1, nr. 2, om forlængelse, når borgeren er under eller venter på lægelig behandling. § 27, stk. 1, nr. 5, om forlængelse ved livstruende, alvorlig sygdom.",
			paras:  []string{"§ 24, stk. 1", "§ 27, stk. 1, nr. 2", "§ 27, stk. 1, nr. 5"},
			holding: []string{
				"Principmeddelelsen fastslår, at sygedagpengene kan forlænges, når borgeren er under eller venter på lægelig behandling, og den sagkyndige lægelige vurdering er, at behandlingen kan føre til, at borgeren kan vende tilbage til arbejdsmarkedet inden for 134 uger.",
				"Kommunen skal ved revurderingen efter 22 uger tage stilling til alle forlængelsesmuligheder i § 27. Det er ikke nok, at kommunen alene vurderer, om borgeren kan få et jobafklaringsforløb.",
			},
			purpose: []string{"fastslå, hvilke krav der stilles til kommunens vurdering af forlængelsesmulighederne ved revurderingen efter 22 uger"},
			subject: "om, at dine sygedagpenge ikke kan forlænges efter 22 uger",
			facts: []string{
				"Du blev sygemeldt den {d0} med en diskusprolaps i lænden.",
				"Du var på tidspunktet for revurderingen henvist til en operation med en forventet ventetid på {n} måneder.",
				"Kommunen har indhentet en statusattest fra din egen læge.",
				"Kommunen har i sit notat skrevet, at perioden var < 22 uger, da sagen blev forelagt første gang.",
				"Du har oplyst, at du havde et job at vende tilbage til.",
			},
			rules: "Sygedagpenge ydes som udgangspunkt i højst 22 uger inden for 9 måneder. Kommunen skal forlænge perioden, hvis en af betingelserne i § 27 er opfyldt, for eksempel når borgeren er under eller venter på lægelig behandling, og det er den sagkyndige lægelige vurdering, at behandlingen kan føre til, at borgeren kan vende tilbage til arbejdsmarkedet.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeAendret: {
					result:   []string{"Dine sygedagpenge skal forlænges efter § 27, stk. 1, nr. 2, fra den {d1}."},
					assess:   []string{"betingelserne for at forlænge dine sygedagpenge var opfyldt, fordi du ventede på lægelig behandling, som efter den lægelige vurdering kunne føre til, at du kunne vende tilbage til arbejde"},
					decisive: []string{"speciallægen har vurderet, at operationen med overvejende sandsynlighed vil gøre dig i stand til at vende tilbage til dit arbejde", "den forventede tid til operation og genoptræning ligger inden for 134 uger"},
					summary:  "fordi borgeren ventede på behandling, der forventeligt ville føre til, at borgeren kunne vende tilbage til arbejdsmarkedet",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Dine sygedagpenge kan ikke forlænges efter 22 uger."},
					assess:   []string{"ingen af forlængelsesmulighederne i sygedagpengelovens § 27 var opfyldt på revurderingstidspunktet"},
					decisive: []string{"der ikke forelå en sagkyndig lægelig vurdering af, at behandlingen kunne føre til, at du kunne vende tilbage til arbejdsmarkedet", "din læge har beskrevet prognosen som uafklaret"},
					summary:  "fordi ingen af forlængelsesreglerne var opfyldt",
				},
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle spørgsmålet om forlængelse af dine sygedagpenge igen."},
					assess:   []string{"kommunen ikke har taget stilling til alle forlængelsesmulighederne, og at sagen derfor ikke er tilstrækkeligt oplyst"},
					decisive: []string{"kommunen alene har vurderet, om du kunne få et jobafklaringsforløb", "der ikke er indhentet en lægelig vurdering af, om den planlagte behandling kan føre til, at du kan vende tilbage til arbejdsmarkedet"},
					todo:     "Kommunen skal indhente en lægelig vurdering af behandlingens betydning for din arbejdsevne og derefter tage stilling til alle forlængelsesmulighederne i § 27.",
					summary:  "fordi kommunen ikke havde vurderet alle forlængelsesmulighederne",
				},
			},
		},
		{
			key: "bortfald", laws: []string{"Sygedagpengeloven"}, keywords: []string{"Bortfald", "Medvirken", "Opfølgningssamtale"},
			titleKws: []string{"sygedagpenge", "bortfald", "manglende medvirken", "rimelig grund"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om sygedagpenge, senest bekendtgjort i lovbekendtgørelse nr. 1012 af 1. juli 2024. § 21, stk. 1, nr. 1, om bortfald af sygedagpenge, når borgeren uden rimelig grund undlader at medvirke til opfølgning. § 21, stk. 2, om at retten kun bortfalder, så længe forholdet består.",
			paras:    []string{"§ 21, stk. 1, nr. 1", "§ 21, stk. 2"},
			practice: "26-18: Retten til sygedagpenge bortfalder kun, hvis borgeren er vejledt om konsekvenserne af manglende medvirken.",
			holding: []string{
				"Principmeddelelsen fastslår, at retten til sygedagpenge kun kan bortfalde på grund af manglende medvirken, hvis kommunen forinden har vejledt borgeren om konsekvenserne. Vejledningen skal være givet i forbindelse med den konkrete indkaldelse.",
				"Sygedagpengene bortfalder kun for den periode, hvor borgeren uden rimelig grund undlader at medvirke. Når borgeren igen medvirker, genopstår retten til sygedagpenge.",
			},
			purpose: []string{"fastslå, hvornår sygedagpengene kan bortfalde på grund af manglende medvirken, og for hvilken periode"},
			subject: "om bortfald af dine sygedagpenge",
			facts: []string{
				"Du var sygemeldt og var indkaldt til en opfølgningssamtale i jobcentret den {d0}.",
				"Du mødte ikke til samtalen og meldte ikke afbud.",
				"Du har oplyst, at du var indlagt på hospitalet på dagen for samtalen.",
				"Kommunen traf afgørelse om, at dine sygedagpenge bortfaldt fra den {d0}.",
				"Din indkaldelse indeholdt et standardafsnit om, at du skal medvirke til opfølgningen.",
			},
			rules: "Retten til sygedagpenge bortfalder, hvis borgeren uden rimelig grund undlader at medvirke til opfølgningen, herunder ved at udeblive fra en samtale. Kommunen skal vejlede om konsekvenserne, før retten kan bortfalde. Retten bortfalder kun, så længe forholdet består.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeOphaevet: {
					result:   []string{"Dine sygedagpenge skal ikke bortfalde for perioden fra den {d0}."},
					assess:   []string{"kommunen ikke kunne lade dine sygedagpenge bortfalde, fordi du ikke var vejledt om konsekvenserne af at udeblive fra samtalen"},
					decisive: []string{"indkaldelsen ikke indeholdt en konkret vejledning om, at dine sygedagpenge ville bortfalde, hvis du udeblev", "et generelt standardafsnit om pligten til at medvirke ikke er en tilstrækkelig vejledning"},
					summary:  "fordi kommunen ikke havde vejledt borgeren om konsekvenserne af at udeblive",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Dine sygedagpenge bortfalder for perioden fra den {d0}, til du igen medvirkede."},
					assess:   []string{"du uden rimelig grund undlod at medvirke til opfølgningen, og at dine sygedagpenge derfor bortfaldt i perioden"},
					decisive: []string{"du var vejledt skriftligt om konsekvenserne i indkaldelsen", "du ikke har dokumenteret forhold, der forhindrede dig i at møde op eller melde afbud"},
					summary:  "fordi borgeren var vejledt og ikke havde en rimelig grund til at udeblive",
				},
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal vurdere igen, om du havde en rimelig grund til ikke at medvirke."},
					assess:   []string{"sagen ikke er tilstrækkeligt oplyst til at vurdere, om du havde en rimelig grund til ikke at møde til samtalen"},
					decisive: []string{"kommunen ikke har undersøgt dine oplysninger om indlæggelsen", "kommunen ikke har indhentet oplysninger fra hospitalet"},
					todo:     "Kommunen skal indhente oplysninger om din indlæggelse og vurdere, om den var en rimelig grund til, at du ikke mødte op. Kommunen skal derefter træffe en ny afgørelse.",
					summary:  "fordi kommunen ikke havde undersøgt borgerens oplysninger om indlæggelse",
				},
			},
		},
		{
			key: "ressource", laws: []string{"Lov om en aktiv beskæftigelsesindsats"}, keywords: []string{"Ressourceforløb", "Rehabiliteringsteam", "Tværfaglig indsats"},
			titleKws: []string{"ressourceforløb", "rehabiliteringsteam", "indstilling", "tværfaglig indsats"}, authority: "Kommunal", employment: true,
			lawRef: "Lov om en aktiv beskæftigelsesindsats, senest bekendtgjort i lovbekendtgørelse nr. 1083 af 9. september 2024. § 113, stk. 1, om ressourceforløb for personer med komplekse problemer. § 113, stk. 2, om forelæggelse for rehabiliteringsteamet. Lov om aktiv socialpolitik § 68 om ressourceforløbsydelse.",
			paras:  []string{"§ 113, stk. 1 og 2"},
			holding: []string{
				"Principmeddelelsen fastslår, at kommunen skal lægge rehabiliteringsteamets indstilling til grund eller begrunde konkret, hvorfor den fraviger indstillingen. Et afslag på ressourceforløb skal bygge på et tilstrækkeligt oplyst grundlag om borgerens ressourcer og begrænsninger.",
				"Et ressourceforløb skal tilbydes, når borgeren har komplekse problemer ud over ledighed, og en længerevarende, tværfaglig indsats er nødvendig for at udvikle arbejdsevnen.",
			},
			purpose: []string{"fastslå, hvornår kommunen kan give afslag på et ressourceforløb, og hvilke krav der stilles til oplysningsgrundlaget"},
			subject: "om afslag på ressourceforløb",
			facts: []string{
				"Du har modtaget kontanthjælp siden {d0} og har diagnoserne angst og ADHD.",
				"Sagen blev forelagt rehabiliteringsteamet, som indstillede, at du skulle i et ressourceforløb i 2 år.",
				"Kommunen gav afslag med henvisning til, at du først skulle deltage i et virksomhedsrettet tilbud.",
				"Du har tidligere deltaget i tre praktikforløb, som alle blev afbrudt efter kort tid.",
			},
			rules: "Kommunen kan give et ressourceforløb til personer, der har komplekse problemer ud over ledighed, og som har behov for en helhedsorienteret og tværfaglig indsats. Sagen skal forelægges rehabiliteringsteamet, før der træffes afgørelse. Afviger kommunen fra teamets indstilling, skal afgørelsen begrundes konkret.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle din ansøgning om ressourceforløb igen."},
					assess:   []string{"kommunen ikke har begrundet, hvorfor den har fraveget rehabiliteringsteamets indstilling, og at sagen ikke er tilstrækkeligt oplyst"},
					decisive: []string{"kommunens afgørelse ikke forholder sig til rehabiliteringsteamets vurdering af dit behov for en tværfaglig indsats", "kommunen ikke har indhentet oplysninger om forløbet i dine tidligere praktikker"},
					todo:     "Kommunen skal indhente oplysninger om dine tidligere forløb og forholde sig konkret til rehabiliteringsteamets indstilling. Kommunen skal derefter træffe en ny afgørelse om ressourceforløb.",
					summary:  "fordi kommunen ikke havde begrundet, hvorfor den fraveg rehabiliteringsteamets indstilling",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du har ikke ret til et ressourceforløb på nuværende tidspunkt."},
					assess:   []string{"der ikke på nuværende tidspunkt er behov for en længerevarende tværfaglig indsats, før det kan afklares, om du kan arbejde"},
					decisive: []string{"du er i gang med behandling for angst, som forventes afsluttet inden for få måneder", "din egen læge har vurderet, at effekten af behandlingen bør afventes, før der iværksættes et længerevarende forløb"},
					summary:  "fordi effekten af borgerens behandling skulle afventes",
				},
			},
		},
		{
			key: "fleksjob", laws: []string{"Lov om en aktiv beskæftigelsesindsats"}, keywords: []string{"Fleksjob", "Varigt nedsat arbejdsevne", "Arbejdsprøvning"},
			titleKws: []string{"fleksjob", "varigt nedsat arbejdsevne", "arbejdsprøvning"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om en aktiv beskæftigelsesindsats, senest bekendtgjort i lovbekendtgørelse nr. 1083 af 9. september 2024. § 116, stk. 1, om betingelserne for ansættelse i fleksjob. § 116, stk. 2, om at mulighederne for ordinær beskæftigelse skal være afprøvet. § 120 om løntilskud i fleksjob.",
			paras:    []string{"§ 116, stk. 1", "§ 116, stk. 2", "§ 120"},
			practice: "5-21: Et fleksjob kan også gives til en person, der kun kan arbejde meget få timer om ugen.",
			holding: []string{
				"Principmeddelelsen fastslår, at arbejdsevnen skal være varigt og væsentligt nedsat, før en borger kan visiteres til fleksjob. Kommunen skal have afprøvet mulighederne for ordinær beskæftigelse, herunder på nedsat tid, medmindre det er åbenbart formålsløst.",
				"Kommunen skal foretage en konkret vurdering af den enkelte borgers arbejdsevne. Kommunen kan ikke i stedet følge en intern retningslinje om, at der altid skal gennemføres et bestemt antal arbejdsprøvninger.",
			},
			purpose: []string{"fastslå, hvilke krav der stilles til afprøvningen af arbejdsevnen før visitation til fleksjob"},
			subject: "om afslag på fleksjob",
			facts: []string{
				"Du har været ansat som {job} indtil den {d0}, hvor du blev opsagt på grund af sygdom.",
				"Du har gennemført en arbejdsprøvning på 12 uger i en virksomhed.",
				"Din læge har beskrevet dine begrænsninger i en attest.",
				"Kommunen gav afslag, fordi du efter kommunens vurdering kunne arbejde i et ordinært job med få timer.",
			},
			rules: "Fleksjob kan gives til personer under folkepensionsalderen, der har en varig og væsentlig begrænsning i arbejdsevnen, og som ikke kan opnå eller fastholde beskæftigelse på normale vilkår. Det er en betingelse, at mulighederne for at blive helt eller delvis selvforsørgende er afprøvet, medmindre det er åbenbart formålsløst.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du har ikke ret til fleksjob."},
					assess:   []string{"din arbejdsevne ikke er varigt og væsentligt nedsat"},
					decisive: []string{"du under arbejdsprøvningen kunne øge din arbejdstid til 30 timer om ugen uden skånehensyn", "din læge har beskrevet en god prognose"},
					summary:  "fordi arbejdsevnen ikke var varigt og væsentligt nedsat",
				},
				omgjort.OutcomeAendret: {
					result:   []string{"Du opfylder betingelserne for fleksjob."},
					assess:   []string{"din arbejdsevne er varigt og væsentligt nedsat, og at mulighederne for ordinær beskæftigelse er afprøvet"},
					decisive: []string{"arbejdsprøvningen viser, at du kun kan arbejde 10 timer om ugen med hyppige pauser", "din tilstand er stationær, og yderligere afprøvning ikke vil give ny viden"},
					summary:  "fordi arbejdsevnen var tilstrækkeligt afprøvet og varigt og væsentligt nedsat",
				},
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle din sag om fleksjob igen."},
					assess:   []string{"kommunen ikke har foretaget en konkret vurdering af din arbejdsevne, men har fulgt en intern retningslinje om, at der altid skal gennemføres to arbejdsprøvninger"},
					decisive: []string{"kommunen ikke har forholdt sig til resultatet af den gennemførte arbejdsprøvning", "det fremgår af afgørelsen, at afslaget alene skyldes den interne retningslinje"},
					todo:     "Kommunen skal foretage en konkret vurdering af, om din arbejdsevne er varigt og væsentligt nedsat, på grundlag af de oplysninger, der allerede er i sagen. Kommunen skal derefter træffe en ny afgørelse.",
					summary:  "fordi kommunen havde fulgt en intern retningslinje i stedet for at foretage en konkret vurdering",
				},
			},
		},
		{
			key: "pension", laws: []string{"Pensionsloven", "Lov om en aktiv beskæftigelsesindsats"}, keywords: []string{"Førtidspension", "Arbejdsevne", "Åbenbart formålsløst"},
			titleKws: []string{"førtidspension", "dokumentation af arbejdsevne", "ressourceforløb", "åbenbart formålsløst"}, authority: "Kommunal", employment: true,
			lawRef:   "Lov om social pension (pensionsloven), senest bekendtgjort i lovbekendtgørelse nr. 1087 af 30. august 2024. § 16, stk. 1, om betingelserne for førtidspension. § 17, stk. 2, om at arbejdsevnen skal være dokumenteret gennem et ressourceforløb, medmindre det er åbenbart formålsløst. Lov om en aktiv beskæftigelsesindsats § 113 om ressourceforløb.",
			paras:    []string{"§ 16, stk. 1", "§ 17, stk. 2"},
			practice: "48-17: Det kan være åbenbart formålsløst at udvikle arbejdsevnen, når borgeren har en fremadskridende sygdom.",
			holding: []string{
				"Principmeddelelsen fastslår, at førtidspension kan tilkendes uden et forudgående ressourceforløb, når det er dokumenteret, at arbejdsevnen ikke kan forbedres, og at det derfor vil være åbenbart formålsløst at afprøve den yderligere.",
				"Ved vurderingen af, om det er åbenbart formålsløst at udvikle arbejdsevnen, skal kommunen inddrage de samlede lægelige oplysninger, herunder prognosen for borgerens sygdomme.",
			},
			purpose: []string{"fastslå, hvornår det er åbenbart formålsløst at udvikle arbejdsevnen gennem et ressourceforløb"},
			subject: "om afslag på førtidspension",
			facts: []string{
				"Du er {age} år og har arbejdet som {job} i mange år.",
				"Du har sklerose og bruger kørestol uden for hjemmet.",
				"Kommunen gav afslag på førtidspension, fordi du ikke havde deltaget i et ressourceforløb.",
				"En neurolog har udtalt sig om din sygdom og dens forløb.",
			},
			rules: "Førtidspension kan tilkendes personer mellem 18 år og folkepensionsalderen, hvis arbejdsevnen er varigt nedsat i et sådant omfang, at personen uanset mulighederne for støtte ikke kan forsørge sig selv. Det er en betingelse, at arbejdsevnen er dokumenteret gennem et ressourceforløb, medmindre det er åbenbart formålsløst.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle din sag om førtidspension igen."},
					assess:   []string{"kommunen ikke har vurderet, om det er åbenbart formålsløst at udvikle din arbejdsevne"},
					decisive: []string{"kommunen ikke har forholdt sig til neurologens vurdering af sygdommens forløb", "afslaget alene er begrundet med, at du ikke har deltaget i et ressourceforløb"},
					todo:     "Kommunen skal vurdere, om det er åbenbart formålsløst at udvikle din arbejdsevne, og i den forbindelse forholde sig til de lægelige oplysninger og rehabiliteringsteamets indstilling.",
					summary:  "fordi kommunen ikke havde vurderet, om et ressourceforløb var åbenbart formålsløst",
				},
				omgjort.OutcomeAendret: {
					result:   []string{"Du har ret til førtidspension fra den {d1}."},
					assess:   []string{"din arbejdsevne er varigt nedsat i et sådant omfang, at du ikke kan forsørge dig selv, og at det er åbenbart formålsløst at forsøge at udvikle den"},
					decisive: []string{"neurologen har beskrevet en fremadskridende sygdom uden udsigt til bedring", "rehabiliteringsteamet har indstillet til førtidspension"},
					summary:  "fordi det var dokumenteret, at arbejdsevnen ikke kunne forbedres",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du har ikke ret til førtidspension."},
					assess:   []string{"det ikke er dokumenteret, at din arbejdsevne ikke kan forbedres"},
					decisive: []string{"din behandling endnu ikke er afsluttet", "neurologen har beskrevet en mulig bedring efter genoptræning"},
					summary:  "fordi behandlingsmulighederne ikke var udtømt",
				},
			},
		},
		{
			key: "barn", laws: []string{"Barnets Lov"}, keywords: []string{"Tabt arbejdsfortjeneste", "Merudgifter", "Inddragelse af barnet"},
			titleKws: []string{"barnets lov", "tabt arbejdsfortjeneste", "inddragelse af barnet"}, authority: "Kommunal",
			lawRef: "Barnets lov, senest bekendtgjort i lovbekendtgørelse nr. 1146 af 27. september 2024. § 5 om inddragelse af barnets synspunkter. § 86 om dækning af nødvendige merudgifter. § 87 om tabt arbejdsfortjeneste.",
			paras:  []string{"§ 5", "§ 86", "§ 87, stk. 1"},
			holding: []string{
				"Principmeddelelsen fastslår, at der kan ydes tabt arbejdsfortjeneste til forældre, der passer et barn med betydelig og varigt nedsat funktionsevne i hjemmet, når det er en nødvendig konsekvens af funktionsnedsættelsen.",
				"Kommunen skal vurdere barnets behov ud fra oplysninger fra både forældre, skole og behandlere, og barnets egne synspunkter skal inddrages, inden der træffes afgørelse.",
			},
			purpose: []string{"fastslå, hvilke oplysninger kommunen skal inddrage ved vurderingen af behovet for tabt arbejdsfortjeneste"},
			subject: "om afslag på tabt arbejdsfortjeneste",
			facts: []string{
				"Dit barn B er {childAge} år og har autisme og en angstlidelse.",
				"B har i perioder ikke kunnet gå i skole og har haft behov for at blive passet hjemme.",
				"Du har søgt om tabt arbejdsfortjeneste svarende til {n} timer om ugen.",
				"Skolen har beskrevet Bs trivsel i en udtalelse.",
			},
			rules: "Kommunen skal yde hjælp til dækning af tabt arbejdsfortjeneste til personer, der forsørger et barn under 18 år i hjemmet, hvis barnet har betydelig og varigt nedsat funktionsevne, og det er en nødvendig konsekvens af funktionsnedsættelsen, at barnet passes i hjemmet. Barnets synspunkter skal inddrages, inden der træffes afgørelse.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeHjemvist: {
					result:   []string{"Kommunen skal behandle din ansøgning om tabt arbejdsfortjeneste igen."},
					assess:   []string{"sagen ikke er tilstrækkeligt oplyst, og at kommunen ikke har inddraget Bs synspunkter"},
					decisive: []string{"kommunen ikke har indhentet oplysninger fra skolen om Bs fravær", "kommunen ikke har afholdt en samtale med B eller begrundet, hvorfor det ikke var muligt"},
					todo:     "Kommunen skal indhente oplysninger fra skolen og Bs behandlere og afholde en samtale med B. Kommunen skal derefter træffe en ny afgørelse.",
					summary:  "fordi kommunen ikke havde oplyst sagen og inddraget barnet",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du har ikke ret til tabt arbejdsfortjeneste."},
					assess:   []string{"det ikke er en nødvendig konsekvens af Bs funktionsnedsættelse, at B passes i hjemmet"},
					decisive: []string{"B har et fast skoletilbud med støtte hele skoledagen", "Bs fravær skyldes et afgrænset forløb med sygdom og ikke funktionsnedsættelsen"},
					summary:  "fordi pasningen ikke var en nødvendig følge af funktionsnedsættelsen",
				},
			},
		},
		{
			key: "hjaelpemiddel", laws: []string{"Serviceloven"}, keywords: []string{"Hjælpemidler", "El-kørestol", "Væsentlighedskriteriet"},
			titleKws: []string{"hjælpemidler", "el-kørestol", "væsentlighedskriteriet"}, authority: "Kommunal",
			lawRef:   "Lov om social service (serviceloven), senest bekendtgjort i lovbekendtgørelse nr. 1094 af 3. september 2024. § 112, stk. 1, om hjælpemidler. Bekendtgørelse om hjælp til anskaffelse af hjælpemidler og forbrugsgoder, § 2 om udlån af hjælpemidler.",
			paras:    []string{"§ 112, stk. 1"},
			practice: "C-22-98: Et hjælpemiddel skal i væsentlig grad lette den daglige tilværelse.",
			holding: []string{
				"Principmeddelelsen fastslår, at en el-kørestol kan bevilges som hjælpemiddel, når den i væsentlig grad kan afhjælpe de varige følger af en nedsat funktionsevne eller i væsentlig grad lette den daglige tilværelse.",
				"Det er ikke en betingelse, at borgeren slet ikke kan gå. Det afgørende er, om hjælpemidlet gør en væsentlig forskel for borgerens mulighed for at klare sig selv og deltage i sociale aktiviteter.",
			},
			purpose: []string{"fastslå, hvordan væsentlighedskriteriet skal anvendes ved en ansøgning om en el-kørestol"},
			subject: "om afslag på en el-kørestol",
			facts: []string{
				"Du er {age} år og har KOL.",
				"Du har søgt om en el-kørestol for at kunne handle ind og besøge din familie.",
				"Kommunens ergoterapeut har vurderet din gangfunktion ved et hjemmebesøg.",
				"Du bor alene i en lejlighed i stueplan.",
			},
			rules: "Kommunen skal yde støtte til hjælpemidler til personer med varigt nedsat fysisk eller psykisk funktionsevne, når hjælpemidlet i væsentlig grad kan afhjælpe de varige følger af funktionsnedsættelsen, i væsentlig grad kan lette den daglige tilværelse i hjemmet eller er nødvendigt for, at personen kan udøve et erhverv.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeAendret: {
					result:   []string{"Du har ret til en el-kørestol som hjælpemiddel."},
					assess:   []string{"en el-kørestol i væsentlig grad vil lette din daglige tilværelse"},
					decisive: []string{"du kun kan gå cirka 50 meter, før du skal hvile, og ikke kan benytte offentlig transport uden hjælp", "du uden en el-kørestol ikke selv kan handle ind"},
					summary:  "fordi el-kørestolen i væsentlig grad ville lette borgerens daglige tilværelse",
				},
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du har ikke ret til en el-kørestol."},
					assess:   []string{"din funktionsevne ikke er nedsat i et omfang, hvor en el-kørestol i væsentlig grad vil afhjælpe følgerne"},
					decisive: []string{"du kan gå længere strækninger med rollator og pauser", "du har en bil, som du selv kan køre"},
					summary:  "fordi væsentlighedskriteriet ikke var opfyldt",
				},
			},
		},
		{
			key: "boligstoette", laws: []string{"Boligstøtteloven"}, keywords: []string{"Boligstøtte", "Tilbagebetaling", "Oplysningspligt"},
			titleKws: []string{"boligstøtte", "tilbagebetaling", "oplysningspligt", "ond tro"}, authority: "Udbetaling Danmark",
			lawRef: "Lov om individuel boligstøtte (boligstøtteloven), senest bekendtgjort i lovbekendtgørelse nr. 1021 af 1. juli 2024. § 47 om pligten til at oplyse om ændringer. § 48 om tilbagebetaling af boligstøtte, der er modtaget med urette.",
			paras:  []string{"§ 47", "§ 48"},
			holding: []string{
				"Principmeddelelsen fastslår, at boligstøtte kun kan kræves tilbagebetalt, hvis modtageren har tilsidesat sin oplysningspligt eller modtaget støtten mod bedre vidende. Det er ikke nok, at støtten objektivt set er udbetalt med et for højt beløb.",
				"Udbetaling Danmark skal konkret vurdere, om modtageren burde have vidst, at støtten var for høj. Vurderingen skal tage udgangspunkt i de oplysninger, modtageren har fået om beregningen.",
			},
			purpose: []string{"fastslå, hvornår der kan kræves tilbagebetaling af boligstøtte, der er udbetalt med et for højt beløb"},
			subject: "om tilbagebetaling af boligstøtte",
			facts: []string{
				"Du modtog boligstøtte til en lejebolig, hvor du boede med din datter.",
				"Din datter flyttede hjemmefra den {d0}, og flytningen blev registreret i CPR samme dag.",
				"Udbetaling Danmark krævede {amt} kr. i boligstøtte tilbagebetalt.",
				"Du har oplyst, at du troede, at ændringen i CPR automatisk blev brugt i beregningen af din boligstøtte.",
			},
			rules: "Boligstøtte, der er udbetalt med et for højt beløb, kan kræves tilbagebetalt, hvis modtageren mod bedre vidende har undladt at give oplysninger eller har modtaget støtten, selv om modtageren vidste eller burde vide, at den var for høj. Modtageren har pligt til at oplyse om ændringer, der kan have betydning for støtten.",
			out: map[omgjort.Outcome]outcomeText{
				omgjort.OutcomeStadfaestet: {
					result:   []string{"Du skal betale {amt} kr. i boligstøtte tilbage."},
					assess:   []string{"du burde have vidst, at du modtog for meget i boligstøtte"},
					decisive: []string{"du i brevet om din boligstøtte blev oplyst om, at du selv skulle give besked, hvis husstanden blev mindre", "ændringen betød, at støtten faldt betydeligt"},
					summary:  "fordi borgeren burde have vidst, at støtten var for høj",
				},
				omgjort.OutcomeOphaevet: {
					result:   []string{"Du skal ikke betale boligstøtte tilbage."},
					assess:   []string{"der ikke er grundlag for at kræve boligstøtten tilbagebetalt, fordi du ikke har tilsidesat din oplysningspligt"},
					decisive: []string{"ændringen var registreret i CPR, som Udbetaling Danmark selv henter oplysninger fra", "det ikke fremgik tydeligt af dine breve, at du selv skulle oplyse om flytningen"},
					summary:  "fordi borgeren ikke havde tilsidesat sin oplysningspligt",
				},
			},
		},
		{
			key: "klagefrist", laws: []string{"Retssikkerhedsloven", "Aktivloven"}, keywords: []string{"Klagefrist", "Digital post", "Afvisning"},
			titleKws: []string{"klagefrist", "digital post", "afvisning af klage"}, authority: "Kommunal", employment: true,
			lawRef: "Lov om retssikkerhed og administration på det sociale område (retssikkerhedsloven), senest bekendtgjort i lovbekendtgørelse nr. 1063 af 27. august 2024. § 66 om genvurdering. § 67, stk. 1, om klagefristen på 4 uger. Lov om aktiv socialpolitik § 91 om tilbagebetaling af hjælp.",
			paras:  []string{"§ 66", "§ 67, stk. 1"},
			holding: []string{
				"Principmeddelelsen fastslår, at klagefristen på 4 uger regnes fra den dag, hvor afgørelsen er kommet frem til borgeren. En afgørelse, der er sendt til den digitale postkasse, anses for kommet frem, når den er tilgængelig for borgeren.",
				"Ankestyrelsen kan se bort fra en overskridelse af klagefristen, hvis der er særlige grunde, for eksempel at afgørelsen ikke indeholdt korrekt klagevejledning. Det er ikke i sig selv en særlig grund, at borgeren ikke har åbnet sin digitale post.",
			},
			purpose: []string{"fastslå, hvornår klagefristen begynder at løbe for afgørelser, der sendes som digital post"},
			subject: "om tilbagebetaling af kontanthjælp",
		},
		{
			key: "omskrivning", kind: kindRewrite, laws: []string{"Aktivloven"}, keywords: []string{"Hjælp i særlige tilfælde", "Enkeltudgifter", "Omskrivning"},
			titleKws: []string{"hjælp i særlige tilfælde", "enkeltudgifter", "rimelig og uforudset udgift"}, authority: "Kommunal",
			lawRef: "Lov om aktiv socialpolitik (aktivloven), senest bekendtgjort i lovbekendtgørelse nr. 1103 af 2. september 2024. § 81 om hjælp til enkeltudgifter.",
			paras:  []string{"§ 81"},
			holding: []string{
				"Principmeddelelsen fastslår, at hjælp til enkeltudgifter efter aktivlovens § 81 forudsætter, at udgiften er rimeligt begrundet og opstået uforudset. En udgift, som ansøgeren kunne forudse og burde have sparet op til, er ikke uforudset.",
				"Det er en betingelse, at ansøgerens økonomiske forhold gør det nødvendigt med hjælp, og at behovet ikke kan dækkes på anden måde.",
			},
			purpose: []string{"Principmeddelelsen er en omskrivning af principafgørelse A-31-03, som er tilpasset de gældende regler. Der er ikke truffet afgørelse i en ny konkret sag, og indholdet af praksis er uændret."},
		},
		{
			key: "dom", kind: kindJudgment, laws: []string{"Sygedagpengeloven"}, keywords: []string{"Beskæftigelseskrav", "Dom", "Landsret"},
			titleKws: []string{"sygedagpenge", "beskæftigelseskrav", "arbejde i et andet EU-land", "landsrettens dom"}, authority: "Kommunal",
			lawRef: "Lov om sygedagpenge, senest bekendtgjort i lovbekendtgørelse nr. 1012 af 1. juli 2024. § 32 om beskæftigelseskravet over for kommunen. Forordning om koordinering af sociale sikringsordninger, artikel 6, om sammenlægning af perioder.",
			paras:  []string{"§ 32"},
			holding: []string{
				"Principmeddelelsen fastslår, at arbejdstimer udført i et andet EU-land skal medregnes ved opgørelsen af beskæftigelseskravet for ret til sygedagpenge, når personen umiddelbart før sygdommen var omfattet af dansk lovgivning.",
			},
			purpose: []string{"Ankestyrelsen har valgt at offentliggøre landsrettens dom som en principmeddelelse, fordi dommen præciserer praksis for opgørelsen af beskæftigelseskravet."},
			facts: []string{
				"I den konkrete sag tog landsretten stilling til, om timer fra arbejde i Tyskland skulle medregnes ved opgørelsen af beskæftigelseskravet.",
				"Sagen angik, om A opfyldte beskæftigelseskravet for ret til sygedagpenge, da A blev syg kort tid efter at være flyttet tilbage til Danmark. A havde i de forudgående seks måneder arbejdet 160 timer i Danmark og 420 timer i Tyskland.",
				"Landsretten fandt, at timerne i Tyskland skulle sammenlægges med timerne i Danmark, fordi A umiddelbart før sygdommen var omfattet af dansk lovgivning. Landsretten lagde vægt på forordningens regler om sammenlægning af perioder og på, at A havde arbejdet i Danmark i den sidste del af perioden.",
				"A havde derfor ret til sygedagpenge fra første fraværsdag. Dommen er endelig.",
			},
		},
	} {
		topics[t.key] = t
	}
}
