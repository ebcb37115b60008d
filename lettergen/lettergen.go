// Package lettergen writes fictitious Ankestyrelsen decision letters as real PDFs, so the
// import, the redaction and the demo can be exercised without one real personal detail. Each
// letter knows its planted personal details (category and exact string, every form in which
// the letter mentions them) and its true outcome per case, so a test can measure what the
// redaction removed and what the classifier decided.
//
// The letters follow the layouts of real ones (next-capabilities.md §1.2): an address block top
// left, a right-hand margin column with Ankestyrelsen's address, j.nr. and date (or the same
// lines inline), "Kære …" or a "Vedr.:" line, "Resultatet er:", sections, "Med venlig hilsen"
// with the caseworker, "Kopi til", page numbers bottom right, several letters in one PDF, some
// letters with several j.nr., and scanned variants (Scan) that only OCR can read.
//
// Every name, address and number is invented. CPR numbers are random digits behind a valid
// date; they may coincide with real numbers by chance, as any ten digits may.
package lettergen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"omgjort"
)

// The categories of planted details. They are the names of redact's placeholders ("[CPR]" …),
// kept as plain strings so the generator depends on nothing but the domain package.
const (
	CPR      = "CPR"
	Name     = "NAVN"
	Address  = "ADRESSE"
	Postcode = "POSTNR"
	Phone    = "TELEFON"
	Email    = "EMAIL"
)

// Planted is one personal detail written into a letter, in the exact form the letter uses.
// A name mentioned in full, by first name and in the genitive is three Planted entries.
type Planted struct {
	Category string `json:"category"`
	Text     string `json:"text"`
}

// Case is one decision in a letter: its j.nr. and its true outcome.
type Case struct {
	JNr     string          `json:"jnr"`
	Topic   string          `json:"topic"`
	Outcome omgjort.Outcome `json:"outcome"`
}

// Letter is one generated decision letter.
type Letter struct {
	ID           string    `json:"id"`
	Municipality string    `json:"municipality"` // "Aarhus Kommune"
	Date         time.Time `json:"date"`
	Cases        []Case    `json:"cases"`
	// ToCitizen is true for a letter addressed to the citizen, false for one addressed to the
	// municipality (with a "Vedr.:" line naming the citizen).
	ToCitizen bool `json:"to_citizen"`
	// MarginColumn puts Ankestyrelsen's address, j.nr. and date in a right-hand column.
	MarginColumn bool `json:"margin_column"`
	// Planted lists every personal detail the letter holds.
	Planted []Planted `json:"planted"`
	// Public lists the lines that are no one's personal details but may contain a planted
	// string (the municipality's own address in its town's postcode), so a measurement does
	// not count them as planted or as leaked.
	Public []string `json:"public,omitempty"`
	// Text is the letter in reading order: margin column, address block, body.
	Text string `json:"text"`

	margin []string // right-hand column (or inline header) lines
	block  []string // address block lines
	// blockTop is where the address block starts (mm from the top); 0 is the usual 45 mm.
	blockTop float64
	body     []para // the body, top to bottom
}

// para is one paragraph of the body; bold marks headings.
type para struct {
	text string
	bold bool
}

// Document is one PDF file holding one or more letters.
type Document struct {
	Name    string    `json:"name"`
	Letters []*Letter `json:"letters"`
	// Scanned documents are rendered to images and back (Scan), so only OCR can read them.
	Scanned bool `json:"scanned"`
}

type person struct{ first, last string }

func (p person) full() string { return p.first + " " + p.last }

var (
	firstNames = []string{"Søren", "Åse", "Bjørn", "Mette", "Anne-Grethe", "Kirsten", "Jens", "Lærke", "Kasper",
		"Frederikke", "Jørgen", "Bodil", "Hans-Henrik", "Signe", "Pernille", "Trine", "Mads", "Louise", "Yasmin",
		"Ahmad", "Vibeke", "Torben", "Lise-Lotte", "Gitte", "Kåre", "Ærtegaard", "Birthe", "Østen", "Malene",
		"Rasmus", "Dorte", "Flemming", "Henriette", "Ulla", "Nikolaj", "Camilla", "Zainab", "Preben", "Tove", "Asger"}
	lastNames = []string{"Bøgh-Larsen", "Østergård", "Kjærsgaard", "Møller", "Sørensen", "Ærenlund", "Holm-Nielsen",
		"Frandsen", "Skøtt", "Brøndum", "Gravesen", "Thygesen", "Kristiansen", "Abdi", "Yilmaz", "Vestergaard",
		"Fogh", "Mørk", "Kløve", "Hjortshøj", "Dalsgaard", "Bækgaard", "Nørgaard-Pedersen", "Lund-Åberg",
		"Søgaard", "Krogh", "Winther", "Præstholm", "Schrøder", "Aagaard", "Kjeldsen", "Mølgaard", "Ravnsbæk"}
	caseworkers = []person{{"Mette", "Kjær"}, {"Ib", "Mørch"}, {"Kirsten", "Dahl-Poulsen"}, {"Anders", "Bæk"},
		{"Louise", "Fjord"}, {"Jakob", "Ølgaard"}, {"Nanna", "Steen-Hviid"}, {"Peter", "Åkjær"}}
	titles  = []string{"Specialkonsulent", "Fuldmægtig", "Chefkonsulent", "Juridisk konsulent"}
	streets = []string{"Skovvej", "Niels Juels Gade", "Åboulevarden", "Bøgevænget", "Østerbrogade", "Klosterstræde",
		"Kærhøjen", "Rønnebærvej", "Lærkens Allé", "Søndergade", "Tværvej", "Mågevej", "Fasanvænget", "Ørnebakken",
		"Enghavevej", "Vølundsgade", "Hyldebærvej", "Æblehaven", "Pilestræde", "Birkeparken"}
	floors = []string{"", "", ", 2. th.", ", st. tv.", ", 1. mf.", ", 3. tv.", ", 4. sal", ", 1. th."}
	places = []struct{ postcode, town, municipality string }{
		{"8000", "Aarhus C", "Aarhus"}, {"2100", "København Ø", "Københavns"}, {"5000", "Odense C", "Odense"},
		{"9000", "Aalborg", "Aalborg"}, {"7100", "Vejle", "Vejle"}, {"6700", "Esbjerg", "Esbjerg"},
		{"4600", "Køge", "Køge"}, {"8600", "Silkeborg", "Silkeborg"}, {"3400", "Hillerød", "Hillerød"},
		{"2630", "Taastrup", "Høje-Taastrup"}, {"7400", "Herning", "Herning"}, {"4700", "Næstved", "Næstved"},
	}
	institutionStreets = map[string]string{"Aarhus": "Værkmestergade 2", "Københavns": "Nyropsgade 1",
		"Odense": "Flakhaven 2", "Aalborg": "Boulevarden 13", "Vejle": "Kirketorvet 22", "Esbjerg": "Torvegade 74",
		"Køge": "Torvet 1", "Silkeborg": "Søvej 1", "Hillerød": "Trollesmindealle 27", "Høje-Taastrup": "Bygaden 2",
		"Herning": "Torvet 5", "Næstved": "Rådmandshaven 20"}
	relations = []string{"mor", "far", "datter", "søn", "ægtefælle", "samlever"}
	months    = []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
)

// topic is a law area with the words a letter uses about it.
type topic struct {
	name, law, yes, no string
}

var topics = []topic{
	{"kontanthjælp", "aktivloven", "Du har ret til kontanthjælp fra den dag, du søgte.", "Du har ikke ret til kontanthjælp, så længe du har en formue på over 10.000 kr."},
	{"sygedagpenge", "sygedagpengeloven", "Du har ret til sygedagpenge i hele perioden.", "Du har ikke ret til sygedagpenge efter den 1. juni."},
	{"fleksjob", "lov om en aktiv beskæftigelsesindsats", "Du opfylder betingelserne for fleksjob.", "Du opfylder ikke betingelserne for fleksjob."},
	{"ressourceforløb", "lov om en aktiv beskæftigelsesindsats", "Du har ret til et ressourceforløb.", "Du har ikke ret til et ressourceforløb nu."},
	{"sanktion i kontanthjælpen", "aktivloven", "Kommunen måtte ikke nedsætte din hjælp.", "Kommunen måtte nedsætte din hjælp i tre dage."},
	{"tilbagebetaling af uddannelseshjælp", "aktivloven", "Du skal ikke betale hjælpen tilbage.", "Du skal betale 8.400 kr. tilbage."},
}

// Generate makes n letters from seed, grouped into documents: most hold one letter, some two
// or three (as real files do), and one document in seven (the 4th, 11th, …) is scanned. The same seed always
// gives the same letters.
func Generate(seed uint64, n int) []Document {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var docs []Document
	for i := 0; i < n; {
		k := 1
		switch rng.IntN(6) {
		case 0:
			k = 2
		case 1:
			if rng.IntN(2) == 0 {
				k = 3
			}
		}
		d := Document{Name: fmt.Sprintf("brev-%03d.pdf", len(docs)+1), Scanned: len(docs)%7 == 3}
		if d.Scanned {
			k = 1 // OCR is slow; a scanned file holds one letter
		}
		k = min(k, n-i)
		for j := 0; j < k; j++ {
			d.Letters = append(d.Letters, newLetter(rng, i+j))
		}
		if d.Scanned {
			d.Name = strings.TrimSuffix(d.Name, ".pdf") + "-scannet.pdf"
		}
		docs = append(docs, d)
		i += k
	}
	return docs
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// cprForm writes a CPR number in one of the forms letters and OCR produce.
func cprForm(rng *rand.Rand, d string) string {
	switch rng.IntN(7) {
	case 0:
		return d[:6] + d[6:]
	case 1:
		return d[:6] + " " + d[6:]
	case 2:
		return d[:2] + "." + d[2:4] + "." + d[4:6] + "-" + d[6:]
	case 3:
		return d[:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:]
	case 4:
		return d[:6] + " - " + d[6:]
	}
	return d[:6] + "-" + d[6:]
}

// newCPR makes ten digits behind a valid date; the last four are random, so modulus 11 holds
// only by chance, as for numbers issued since 2007.
func newCPR(rng *rand.Rand) string {
	m := 1 + rng.IntN(12)
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	return fmt.Sprintf("%02d%02d%02d%04d", 1+rng.IntN(days), m, rng.IntN(100), rng.IntN(10000))
}

func danishDate(t time.Time) string {
	return fmt.Sprintf("%d. %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// ascii folds a name for an e-mail address.
func ascii(s string) string {
	return strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "Æ", "Ae", "Ø", "Oe", "Å", "Aa", " ", "", "-", "").Replace(strings.ToLower(s))
}

// newLetter writes letter number i.
func newLetter(rng *rand.Rand, i int) *Letter {
	pl := pick(rng, places)
	muni := pl.municipality + " Kommune"
	l := &Letter{
		ID:           fmt.Sprintf("L%03d", i+1),
		Municipality: muni,
		Date:         time.Date(2025, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC),
		ToCitizen:    rng.IntN(4) != 0,
		MarginColumn: rng.IntN(3) != 0,
	}
	used := map[string]bool{}
	newPerson := func() person {
		for {
			p := person{pick(rng, firstNames), pick(rng, lastNames)}
			if !used[p.first] && !used[p.last] {
				used[p.first], used[p.last] = true, true
				return p
			}
		}
	}
	citizen := newPerson()
	cw := pick(rng, caseworkers)
	street := fmt.Sprintf("%s %d%s", pick(rng, streets), 1+rng.IntN(140), pick(rng, floors))
	postTown := pl.postcode + " " + pl.town
	cpr := newCPR(rng)
	cprText := cprForm(rng, cpr)
	phone := fmt.Sprintf("%02d %02d %02d %02d", 20+rng.IntN(80), rng.IntN(100), rng.IntN(100), rng.IntN(100))
	if rng.IntN(3) == 0 {
		phone = "+45 " + strings.ReplaceAll(phone, " ", "")
	}
	email := fmt.Sprintf("%s.%s@%s", ascii(citizen.first), ascii(citizen.last), pick(rng, []string{"mail.dk", "gmail.com", "post.tele.dk"}))
	var relative, rep *person
	if rng.IntN(2) == 0 {
		p := newPerson()
		if rng.IntN(2) == 0 {
			p.last = citizen.last // a relative often shares the surname
		}
		relative = &p
	}
	if rng.IntN(3) == 0 {
		p := newPerson()
		rep = &p
	}
	nCases := 1
	if rng.IntN(5) == 0 {
		nCases = 2
	}
	year := l.Date.Year() % 100
	for c := 0; c < nCases; c++ {
		l.Cases = append(l.Cases, Case{
			JNr:     fmt.Sprintf("%02d-%05d", year, 10000+rng.IntN(89999)),
			Topic:   pick(rng, topics).name,
			Outcome: pick(rng, []omgjort.Outcome{omgjort.OutcomeStadfaestet, omgjort.OutcomeStadfaestet, omgjort.OutcomeAendret, omgjort.OutcomeOphaevet, omgjort.OutcomeHjemvist, omgjort.OutcomeAfvist}),
		})
	}

	plant := func(cat, s string) string {
		for _, p := range l.Planted {
			if p.Category == cat && p.Text == s {
				return s
			}
		}
		l.Planted = append(l.Planted, Planted{cat, s})
		return s
	}

	// the margin column (or inline header)
	l.margin = []string{"Ankestyrelsen", "Teglholmsgade 3", "2450 København SV", "Tlf. 33 41 12 00", "ast@ast.dk", ""}
	for _, c := range l.Cases {
		l.margin = append(l.margin, "J.nr. "+c.JNr)
	}
	l.margin = append(l.margin, "Dato: "+danishDate(l.Date))
	if rng.IntN(2) == 0 {
		l.margin = append(l.margin, "", "Sagsbehandler:", plant(Name, cw.full()))
	}

	// the address block
	if l.ToCitizen {
		l.block = []string{plant(Name, citizen.full())}
		if rng.IntN(6) == 0 && relative != nil {
			l.block = append(l.block, "c/o "+plant(Name, relative.full()))
			plant(Address, "c/o "+relative.full())
		}
		l.block = append(l.block, plant(Address, street), plant(Postcode, postTown))
	} else {
		l.block = []string{muni, "Jobcenter " + pl.municipality, institutionStreets[pl.municipality], pl.postcode + " " + strings.Fields(pl.town)[0]}
		l.Public = append(l.Public, l.block...)
	}

	// the body
	add := func(s string) { l.body = append(l.body, para{text: s}) }
	head := func(s string) { l.body = append(l.body, para{text: s, bold: true}) }
	if l.ToCitizen {
		add("Cpr.nr. " + plant(CPR, cprText))
		add("Kære " + citizen.full())
	} else {
		add("Vedr.: " + citizen.full() + ", cpr.nr. " + plant(CPR, cprText))
		if rng.IntN(2) == 0 {
			add("Sagen vedrører: " + citizen.full() + ", " + plant(Address, street) + ", " + plant(Postcode, postTown))
		}
	}
	if rep != nil {
		add("Partsrepræsentant: advokat " + plant(Name, rep.full()) + ", " + plant(Address, "Strandvejen "+fmt.Sprint(2+rng.IntN(90))) + ", 2900 Hellerup")
		plant(Postcode, "2900 Hellerup")
	}
	for ci, c := range l.Cases {
		tp := topicByName(c.Topic)
		if nCases > 1 {
			head(fmt.Sprintf("Sag nr. %d, j.nr. %s", ci+1, c.JNr))
		}
		you, your := "Du", "din"
		if !l.ToCitizen {
			you, your = citizen.first, plant(Name, genitive(citizen.first))
			plant(Name, citizen.first)
		}
		add(fmt.Sprintf("%s har klaget over %ss afgørelse af %s om %s. Ankestyrelsen har nu afgjort %s sag.",
			you, muni, danishDate(l.Date.AddDate(0, -2-rng.IntN(4), 0)), c.Topic, your))
		head("Resultatet er:")
		switch c.Outcome {
		case omgjort.OutcomeStadfaestet:
			add(tp.no)
			add("Det betyder, at vi stadfæster kommunens afgørelse, og at afgørelsen ikke ændres.")
		case omgjort.OutcomeAendret:
			add(tp.yes)
			add("Det betyder, at vi ændrer kommunens afgørelse.")
		case omgjort.OutcomeOphaevet:
			add("Det betyder, at vi ophæver kommunens afgørelse. Du skal have udbetalt det beløb, der blev trukket.")
		case omgjort.OutcomeHjemvist:
			add(muni + " skal behandle sagen igen.")
			add("Det betyder, at vi hjemviser sagen til ny behandling.")
		case omgjort.OutcomeAfvist:
			add("Vi afviser at behandle klagen, fordi klagen er kommet for sent.")
		}
		head("Begrundelse for afgørelsen")
		head("Sådan vurderer vi sagen")
		var s []string
		switch rng.IntN(3) {
		case 0:
			s = append(s, plant(Name, citizen.first)+" har oplyst, at helbredet er forværret siden afgørelsen.")
		case 1:
			s = append(s, "Ifølge "+plant(Name, genitive(citizen.last))+" egne oplysninger er helbredet forværret siden afgørelsen.")
		default:
			s = append(s, "Vi har lagt vægt på oplysningerne fra "+plant(Name, citizen.full())+" og fra lægen.")
		}
		if relative != nil && ci == 0 {
			rel := pick(rng, relations)
			s = append(s, fmt.Sprintf("Din %s, %s, har skrevet til os og oplyst, at %s hjælper til i hjemmet.", rel, plant(Name, relative.full()), plant(Name, relative.first)))
		}
		if ci == 0 && rng.IntN(2) == 0 {
			st := strings.SplitN(street, ",", 2)[0]
			s = append(s, "Kommunen har besøgt boligen på "+plant(Address, st)+" og beskrevet forholdene.")
		}
		if ci == 0 && rng.IntN(2) == 0 {
			s = append(s, "Du har bedt os kontakte dig på telefon "+plant(Phone, phone)+" eller på "+plant(Email, email)+".")
		}
		s = append(s, fmt.Sprintf("Vi vurderer sagen efter reglerne i %s, og vi har set på alle oplysningerne i sagen, herunder kommunens notater og de lægelige oplysninger.", tp.law))
		add(strings.Join(s, " "))
		head("Regler")
		add(fmt.Sprintf("Du kan læse mere om reglerne i %s og i forvaltningsloven.", tp.law))
	}
	head("Du kan ikke klage")
	add("Du kan ikke klage over afgørelsen til en anden myndighed. Hvis du vil have afgørelsen prøvet ved domstolene, skal du anlægge sag inden 6 måneder.")
	add("Med venlig hilsen")
	add(plant(Name, cw.full()) + "\n" + pick(rng, titles))
	kopi := "Kopi til:\n" + muni
	if rep != nil {
		kopi += "\nAdvokat " + rep.full()
	}
	add(kopi)

	// the text in reading order
	var b strings.Builder
	for _, x := range l.margin {
		b.WriteString(x + "\n")
	}
	b.WriteString("\n")
	for _, x := range l.block {
		b.WriteString(x + "\n")
	}
	for _, p := range l.body {
		b.WriteString("\n" + p.text + "\n")
	}
	l.Text = b.String()
	return l
}

// genitive is the Danish genitive of a name: "Hansens", but "Claus'" and "Yilmaz'".
func genitive(n string) string {
	if strings.HasSuffix(n, "s") || strings.HasSuffix(n, "x") || strings.HasSuffix(n, "z") {
		return n + "'"
	}
	return n + "s"
}

func topicByName(n string) topic {
	for _, t := range topics {
		if t.name == n {
			return t
		}
	}
	return topics[0]
}
