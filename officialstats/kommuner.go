package officialstats

import (
	"strings"
	"unicode"
)

// Municipality is one of Denmark's 98 municipalities: its 3-digit code (Danmarks Statistik's
// kommunekode) and its official short name.
type Municipality struct {
	Code string
	Name string
}

// Municipalities are all 98 municipalities, by code. Talportal writes names, not codes, and
// spells some of them its own way ("Århus", "Ålborg"); Match resolves those.
var Municipalities = []Municipality{
	{"101", "København"}, {"147", "Frederiksberg"}, {"151", "Ballerup"}, {"153", "Brøndby"},
	{"155", "Dragør"}, {"157", "Gentofte"}, {"159", "Gladsaxe"}, {"161", "Glostrup"},
	{"163", "Herlev"}, {"165", "Albertslund"}, {"167", "Hvidovre"}, {"169", "Høje-Taastrup"},
	{"173", "Lyngby-Taarbæk"}, {"175", "Rødovre"}, {"183", "Ishøj"}, {"185", "Tårnby"},
	{"187", "Vallensbæk"}, {"190", "Furesø"}, {"201", "Allerød"}, {"210", "Fredensborg"},
	{"217", "Helsingør"}, {"219", "Hillerød"}, {"223", "Hørsholm"}, {"230", "Rudersdal"},
	{"240", "Egedal"}, {"250", "Frederikssund"}, {"253", "Greve"}, {"259", "Køge"},
	{"260", "Halsnæs"}, {"265", "Roskilde"}, {"269", "Solrød"}, {"270", "Gribskov"},
	{"306", "Odsherred"}, {"316", "Holbæk"}, {"320", "Faxe"}, {"326", "Kalundborg"},
	{"329", "Ringsted"}, {"330", "Slagelse"}, {"336", "Stevns"}, {"340", "Sorø"},
	{"350", "Lejre"}, {"360", "Lolland"}, {"370", "Næstved"}, {"376", "Guldborgsund"},
	{"390", "Vordingborg"}, {"400", "Bornholm"}, {"410", "Middelfart"}, {"420", "Assens"},
	{"430", "Faaborg-Midtfyn"}, {"440", "Kerteminde"}, {"450", "Nyborg"}, {"461", "Odense"},
	{"479", "Svendborg"}, {"480", "Nordfyns"}, {"482", "Langeland"}, {"492", "Ærø"},
	{"510", "Haderslev"}, {"530", "Billund"}, {"540", "Sønderborg"}, {"550", "Tønder"},
	{"561", "Esbjerg"}, {"563", "Fanø"}, {"573", "Varde"}, {"575", "Vejen"},
	{"580", "Aabenraa"}, {"607", "Fredericia"}, {"615", "Horsens"}, {"621", "Kolding"},
	{"630", "Vejle"}, {"657", "Herning"}, {"661", "Holstebro"}, {"665", "Lemvig"},
	{"671", "Struer"}, {"706", "Syddjurs"}, {"707", "Norddjurs"}, {"710", "Favrskov"},
	{"727", "Odder"}, {"730", "Randers"}, {"740", "Silkeborg"}, {"741", "Samsø"},
	{"746", "Skanderborg"}, {"751", "Aarhus"}, {"756", "Ikast-Brande"}, {"760", "Ringkøbing-Skjern"},
	{"766", "Hedensted"}, {"773", "Morsø"}, {"779", "Skive"}, {"787", "Thisted"},
	{"791", "Viborg"}, {"810", "Brønderslev"}, {"813", "Frederikshavn"}, {"820", "Vesthimmerlands"},
	{"825", "Læsø"}, {"840", "Rebild"}, {"846", "Mariagerfjord"}, {"849", "Jammerbugt"},
	{"851", "Aalborg"}, {"860", "Hjørring"},
}

// aliases are other spellings seen in Ankestyrelsen's and others' tables, by folded key.
var aliases = map[string]string{
	"aarhus": "751", "aalborg": "851", // Århus/Ålborg fold to these
	"koebenhavns": "101", "nordfyn": "480", "bornholmsregions": "400", "bornholms": "400",
	"hoejetaastrup": "169", "lyngbytaarbaek": "173", "lyngby": "173", "faaborgmidtfyn": "430",
	"ikastbrande": "756", "ringkoebingskjern": "760", "vesthimmerland": "820",
}

// countryNames are the names a file uses for the whole country.
var countryNames = map[string]bool{"helelandet": true, "landetialt": true, "ialt": true, "landsplan": true,
	"total": true, "alle": true, "allekommuner": true, "kommunerialt": true, "danmark": true, "heledanmark": true}

// otherBodies are rows a file may hold that are neither a municipality nor the country: they
// are skipped, not errors.
func otherBody(key string) bool {
	return strings.HasPrefix(key, "region") || strings.Contains(key, "faellesskab") || key == "uoplyst" || key == "ukendt" || key == "oevrige"
}

var byKey = func() map[string]Municipality {
	m := map[string]Municipality{}
	byCode := map[string]Municipality{}
	for _, k := range Municipalities {
		m[fold(k.Name)] = k
		m[k.Code] = k
		byCode[k.Code] = k
	}
	for a, code := range aliases {
		m[a] = byCode[code]
	}
	return m
}()

// fold makes the key names are compared by: lower case, æ/ø/å (and their old spellings aa, ae,
// oe) alike, without "Kommune", spaces, hyphens or punctuation, so "Århus Kommune", "Aarhus"
// and "AARHUS" meet.
func fold(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "é", "e", "ü", "u").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	k := b.String()
	k = strings.TrimSuffix(k, "regionskommune")
	k = strings.TrimSuffix(k, "kommune")
	k = strings.TrimPrefix(k, "kommune")
	return k
}

// Match finds the municipality a name (or 3-digit code) means. country is true for a name of
// the whole country; other is true for a region or a joint body, which has no municipality.
func Match(name string) (m Municipality, country, other, ok bool) {
	k := fold(name)
	if countryNames[k] || k == CountryKey {
		return Municipality{Code: "000", Name: "Hele landet"}, true, false, true
	}
	if m, ok := byKey[k]; ok {
		return m, false, false, true
	}
	if otherBody(k) {
		return Municipality{}, false, true, false
	}
	return Municipality{}, false, false, false
}

// CountryKey is the folded code of the whole country.
const CountryKey = "000"

// Suggest names the municipality whose name is closest to name, for an error message.
func Suggest(name string) string {
	k := fold(name)
	best, bestD := "", 4
	for _, m := range Municipalities {
		if d := distance(k, fold(m.Name)); d < bestD {
			best, bestD = m.Name, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b, bounded for short names.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
