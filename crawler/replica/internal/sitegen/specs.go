package sitegen

import "omgjort"

// specs lists every principmeddelelse of the demo site. The list is written by hand so that
// the site covers what the crawler, classifier and search must handle: every outcome, pages
// with several letters, criticism on upheld cases, a republished Historisk/Gældende pair,
// a folder year that differs from the number's year, empty and multiple paragraphs, escaped
// HTML in the text, flattened letters and pages without an outcome formula.
func specs() []spec {
	const (
		st = omgjort.OutcomeStadfaestet
		ae = omgjort.OutcomeAendret
		op = omgjort.OutcomeOphaevet
		hj = omgjort.OutcomeHjemvist
		af = omgjort.OutcomeAfvist
	)
	one := func(o omgjort.Outcome) []caseSpec { return []caseSpec{{out: o}} }
	return []spec{
		// 2022
		{number: "3-22", topic: "sanktion", published: "2022-02-10", cases: []caseSpec{{out: st, kritik: "partshoering"}}},
		{number: "5-22", topic: "uarb", published: "2022-03-03", cases: one(hj), noSigned: true},
		{number: "8-22", topic: "formue", published: "2022-04-07", cases: one(ae), flat: true},
		{number: "11-22", topic: "boligstoette", published: "2022-05-19", cases: one(op)},
		{number: "14-22", topic: "fleksjob", published: "2022-06-23", cases: one(st), status: omgjort.StatusHistorisk},
		{number: "17-22", topic: "klagefrist", published: "2022-08-25", cases: one(af)},
		{number: "21-22", topic: "pension", published: "2022-10-06", cases: []caseSpec{{out: hj}, {out: ae}}},
		{number: "26-22", topic: "hjaelpemiddel", published: "2022-11-17", cases: one(ae), noSigned: true},
		{number: "30-22", topic: "forl", published: "2022-12-15", folder: "2023", cases: one(st)},
		// 2023
		{number: "2-23", topic: "225", published: "2023-01-26", cases: one(ae)},
		{number: "4-23", topic: "bortfald", published: "2023-02-16", cases: one(op)},
		{number: "7-23", topic: "samliv", published: "2023-03-23", cases: []caseSpec{{out: st, kritik: "begrundelse"}}},
		{number: "10-23", topic: "barn", published: "2023-04-27", cases: one(hj)},
		{number: "14-23", topic: "omskrivning", published: "2023-05-25"},
		{number: "15-23", topic: "ressource", published: "2023-06-15", cases: []caseSpec{{out: hj}, {out: st}}, inlineSag: true},
		{number: "19-23", topic: "sanktion", published: "2023-08-24", cases: one(op), noSigned: true},
		{number: "23-23", topic: "uarb", published: "2023-09-21", cases: []caseSpec{{out: st, kritik: "genvurdering", long: true}}},
		{number: "27-23", topic: "klagefrist", published: "2023-10-19", cases: one(af)},
		{number: "31-23", topic: "formue", published: "2023-11-16", cases: one(hj),
			extra: "Kommunen har i et notat skrevet \"formue > 10.000 kr. & bil < 3 år = afslag\" uden at forholde sig til dine oplysninger."},
		{number: "35-23", topic: "boligstoette", published: "2023-12-14", cases: one(st)},
		// 2024
		{number: "1-24", topic: "forl", published: "2024-01-18", cases: one(ae)},
		{number: "4-24", topic: "fleksjob", published: "2024-02-22", cases: one(hj)},
		{number: "6-24", topic: "dom", published: "2024-03-14"},
		{number: "9-24", topic: "samliv", published: "2024-04-18", cases: one(op)},
		{number: "12-24", topic: "pension", published: "2024-05-23", cases: []caseSpec{{out: st, kritik: "partshoering"}}},
		{number: "16-24", topic: "225", published: "2024-06-20", cases: one(st),
			extra: "Du har i din klage via kommunens selvbetjening indsat teksten <script>alert(1)</script>, som kommunen har gengivet i sagens akter."},
		{number: "19-24", topic: "bortfald", published: "2024-08-29", cases: []caseSpec{{out: hj}, {out: st}, {out: af, afvistWhy: 1}}},
		{number: "22-24", topic: "hjaelpemiddel", published: "2024-09-26", cases: one(st), noSigned: true},
		{number: "25-24", topic: "barn", published: "2024-10-31", cases: []caseSpec{{out: st, kritik: "begrundelse"}}},
		{number: "27-24", topic: "sanktion", published: "2024-12-18", folder: "2025", cases: one(hj), flat: true},
		// 2025
		{number: "2-25", topic: "uarb", published: "2025-01-30", cases: one(ae)},
		{number: "5-25", topic: "ressource", published: "2025-02-27", cases: []caseSpec{{out: st, kritik: "genvurdering"}}},
		{number: "8-25", topic: "formue", published: "2025-03-27", cases: one(st), noParas: true},
		{number: "11-25", topic: "klagefrist", published: "2025-04-24", cases: one(af), noSigned: true},
		{number: "13-25", topic: "fleksjob", published: "2025-05-22", cases: []caseSpec{{out: ae}, {out: st}}},
		{number: "15-25", topic: "pension", published: "2025-06-26", cases: one(ae), status: omgjort.StatusHistorisk,
			republish: "5-26", repDate: "2026-03-04", lastmod: "2026-03-04"},
		{number: "18-25", topic: "forl", published: "2025-08-28", cases: one(hj),
			extra: "Kommunen har oplyst, at \"sagen skal afsluttes, når perioden er > 22 uger\"."},
		{number: "19-25", topic: "boligstoette", published: "2025-09-18", cases: []caseSpec{{out: op}, {out: st}}},
		{number: "23-25", topic: "sanktion", published: "2025-10-23", cases: one(st), status: omgjort.StatusHistorisk,
			republish: "6-26", repDate: "2026-03-04", lastmod: "2026-03-04"},
		{number: "24-25", topic: "barn", published: "2025-11-20", cases: one(hj), flat: true},
		{number: "26-25", topic: "hjaelpemiddel", published: "2025-12-11", folder: "2026", cases: one(ae)},
		// 2026
		{number: "5-26", topic: "pension", published: "2026-03-04", cases: one(ae), republish: "15-25", repDate: "2026-03-04", isNew: true},
		{number: "6-26", topic: "sanktion", published: "2026-03-04", cases: one(st), republish: "23-25", repDate: "2026-03-04", isNew: true},
		{number: "7-26", topic: "bortfald", published: "2026-03-12", cases: one(op)},
		{number: "8-26", topic: "samliv", published: "2026-03-19", cases: []caseSpec{{out: st, long: true}}},
		{number: "9-26", topic: "uarb", published: "2026-04-09", cases: []caseSpec{{out: hj}, {out: af}}},
		{number: "10-26", topic: "225", published: "2026-04-23", cases: one(ae), noParas: true},
	}
}
