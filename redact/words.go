package redact

import (
	"strings"
	"unicode"
)

// institutionWords name public bodies. A line holding one is an institution's line (its
// address, phone and mailbox are kept), and a name phrase holding one is not a person.
var institutionWords = map[string]bool{
	"ankestyrelsen": true, "ankestyrelsens": true, "kommune": true, "kommunes": true, "kommunen": true,
	"kommunens": true, "jobcenter": true, "jobcentret": true, "jobcentrets": true, "jobcentre": true,
	"borgerservice": true, "ydelsesservice": true, "statsservice": true, "udbetaling": true,
	"region": true, "regionen": true, "styrelsen": true, "ministeriet": true, "familieretshuset": true,
	"forvaltning": true, "forvaltningen": true, "socialforvaltningen": true, "beskæftigelsesforvaltningen": true,
	"afdeling": true, "afdelingen": true, "center": true, "centret": true, "sekretariat": true,
	"advokatfirma": true, "advokatfirmaet": true, "fagforening": true, "a-kasse": true, "a-kassen": true,
	"3f": true, "hk": true, "foa": true, "dansk": true, "danmark": true, "danmarks": true,
}

// institutionWord reports whether w (any case) names a public body or an organisation.
func institutionWord(w string) bool {
	return institutionWords[strings.ToLower(strings.Trim(w, ",.:;()"))]
}

// institutionLine reports whether a line names an institution: "Aarhus Kommune", "Jobcenter
// Vejle", "Ankestyrelsen", "7998 Statsservice".
func institutionLine(t string) bool {
	found := false
	forEachWord(t, func(s, e int) {
		if !found && institutionWord(t[s:e]) {
			found = true
		}
	})
	return found
}

// titles are the role words before a name ("advokat Jens Holm"), kept in the text.
var titles = map[string]bool{
	"advokat": true, "advokatfuldmægtig": true, "fuldmægtig": true, "specialkonsulent": true,
	"chefkonsulent": true, "konsulent": true, "juridisk": true, "jurist": true, "socialrådgiver": true,
	"sagsbehandler": true, "kontorchef": true, "teamleder": true, "partsrepræsentant": true,
	"partsrepræsentanten": true, "bisidder": true, "værge": true, "hr": true, "fru": true, "frk": true,
	"dr": true, "cand": true, "jur": true, "att": true, "mor": true, "far": true, "datter": true,
	"søn": true, "ægtefælle": true, "hustru": true, "mand": true, "samlever": true, "barn": true,
	"kopi": true, "til": true, "din": true, "dit": true, "dine": true, "og": true, "samt": true,
	"vedr": true, "vedrørende": true, "navn": true, "borger": true, "modtager": true, "pårørende": true,
	"c": true, "o": true, "v": true, "enhedschef": true, "ankechef": true, "souschef": true,
}

// title reports whether w is a role or relation word rather than a name.
func title(w string) bool { return titles[strings.ToLower(strings.Trim(w, ".,:"))] }

// particle reports whether w is a name particle too short or common to hunt alone.
func particle(w string) bool {
	switch strings.ToLower(w) {
	case "von", "van", "de", "la", "le", "af", "du", "da", "der", "den":
		return true
	}
	return false
}

// keepWords are capitalised words a letter uses that are never names: the letter's own
// headings, pronouns at a sentence start, and legal terms.
var keepWords = map[string]bool{
	"kære": true, "med": true, "venlig": true, "hilsen": true, "resultatet": true, "resultat": true,
	"du": true, "vi": true, "det": true, "den": true, "de": true, "i": true, "hvis": true, "sagen": true,
	"dato": true, "side": true, "j": true, "nr": true, "jnr": true, "j.nr": true, "sagsnummer": true,
	"cpr": true, "cpr-nr": true, "tlf": true, "telefon": true, "e-mail": true, "mail": true,
	"lov": true, "loven": true, "bekendtgørelse": true, "bekendtgørelsen": true, "forvaltningsloven": true,
	"retssikkerhedsloven": true, "aktivloven": true, "sygedagpengeloven": true, "serviceloven": true,
	"lov om": true, "afgørelse": true, "afgørelsen": true, "begrundelse": true, "klage": true,
	"klagevejledning": true, "om": true, "at": true, "en": true, "et": true, "som": true, "efter": true,
	"kopi": true, "til": true, "vedr": true, "sagsbehandler": true, "ankestyrelsen": true,
	"principmeddelelse": true, "principafgørelse": true, "kommunens": true, "kommunen": true,
	"skal": true, "kan": true, "har": true, "er": true, "var": true, "ikke": true, "og": true,
	"januar": true, "februar": true, "marts": true, "april": true, "maj": true, "juni": true,
	"juli": true, "august": true, "september": true, "oktober": true, "november": true, "december": true,
	"mandag": true, "tirsdag": true, "onsdag": true, "torsdag": true, "fredag": true,
	"danmark": true, "digital": true, "post": true, "mitid": true, "nemid": true, "borger.dk": true,
}

// keepWord reports whether w is a word the letter uses that is never a name. Law names
// ("Aktivloven", "Lov om social service") and their paragraphs are kept too.
func keepWord(w string) bool {
	lw := strings.ToLower(strings.Trim(w, ".,:;()"))
	if keepWords[lw] || institutionWords[lw] {
		return true
	}
	if strings.HasSuffix(lw, "loven") || strings.HasSuffix(lw, "lovens") || strings.HasSuffix(lw, "bekendtgørelsen") {
		return true
	}
	for _, r := range lw {
		if !unicode.IsLetter(r) && r != '-' && r != '.' && r != '\'' && r != '’' {
			return true
		}
	}
	return false
}
