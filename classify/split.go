package classify

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"omgjort"
)

var (
	// concreteHeading is the heading before the letters in a whole principmeddelelse.
	concreteHeading = regexp.MustCompile(`(?:^|[\s\x{a0}])(?:\d+\.[ \t]+)?(?:De konkrete afgørelser|Den konkrete afgørelse):?(?:[\s\x{a0}]|$)`)
	// caseHeading is a letter's own heading: "Sag nr. 1, j.nr. 24-123875", "Sag j.nr. 24-68818",
	// "Sag nr. 2, tidligere principmeddelelse O-26-96, j.nr. 21321-94[1]". It must be followed by
	// a line break, the end, or the capitalised first word of the letter.
	caseHeading = regexp.MustCompile(`^(Sag(?: nr\. ?(\d+))?(?:, tidligere [^,\n]{1,60})?(?:,? j\. ?nr\.(?: ?(\d[\d-]*\d))?)?(?:\[\d+\])?[.:]?)(?:[ \t\x{a0}]*(?:\n|$)|[ \t\x{a0}]+\p{Lu})`)
	// wholeMarker tells a whole principmeddelelse from a bare letter.
	wholeMarker = regexp.MustCompile(`Princip(?:meddelelsen|afgørelsen) fastslår`)
	// letterStart is the first sentence of a 2018– letter, used when a whole principmeddelelse
	// has neither a concrete-decision heading nor case headings.
	letterStart = regexp.MustCompile(`(?:^|[\s\x{a0}])((?:Du|I|Din \p{L}+|Jeres \p{L}+) har klaget over)`)
	// pageTrailer starts the site footer or metadata box that may follow the last letter.
	pageTrailer = regexp.MustCompile(`\n[ \t\x{a0}]*(?:Ankestyrelsen[ \t\x{a0}]+Teglholmsgade|Dato for underskrift|Offentliggørelsesdato)`)
)

// SplitCases cuts plain text into its case letters (for the CLI `omgjort classify file.txt` and
// for whole decisions as plain text). A whole principmeddelelse is first cut to the part after
// "De konkrete afgørelser"/"Den konkrete afgørelse". Letters start at "Sag nr. N, j.nr. …",
// "Sag nr. N" or "Sag j.nr. …" headings, and text before the first heading is dropped. Without
// headings the text is one case "1". Each case's Text is trimmed; evidence offsets later point
// into it. Empty text gives no cases.
func SplitCases(text string) []omgjort.Case {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	body := text
	whole := wholeMarker.MatchString(text)
	m := concreteHeading.FindStringIndex(text)
	if m != nil {
		body = text[m[1]:]
	}
	headed := m != nil
	if whole {
		if m := pageTrailer.FindStringIndex(body); m != nil {
			body = body[:m[0]]
		}
	}

	heads := caseHeadings(body)
	if len(heads) == 0 {
		if whole && !headed {
			if m := letterStart.FindStringSubmatchIndex(body); m != nil {
				body = body[m[2]:]
			}
		}
		t := strings.TrimSpace(body)
		if t == "" {
			return nil
		}
		return []omgjort.Case{{ID: "1", Text: t}}
	}

	cases := make([]omgjort.Case, 0, len(heads))
	for i, m := range heads {
		end := len(body)
		if i+1 < len(heads) {
			end = heads[i+1][2]
		}
		c := omgjort.Case{
			ID:      strconv.Itoa(i + 1),
			Heading: strings.TrimRight(strings.TrimSpace(body[m[2]:m[3]]), ".:"),
			Text:    trimLetter(body[m[3]:end]),
		}
		if m[4] >= 0 {
			c.ID = body[m[4]:m[5]]
		}
		if m[6] >= 0 {
			c.Journal = body[m[6]:m[7]]
		}
		cases = append(cases, c)
	}
	return cases
}

// caseHeadings finds the case headings in body. Each is tried only where "Sag" starts a word,
// which keeps the scan linear and fast. The returned submatch indexes are relative to body.
func caseHeadings(body string) [][]int {
	var heads [][]int
	for from := 0; ; {
		i := strings.Index(body[from:], "Sag")
		if i < 0 {
			return heads
		}
		at := from + i
		from = at + len("Sag")
		if at > 0 {
			r, _ := utf8.DecodeLastRuneInString(body[:at])
			if !unicode.IsSpace(r) && r != '\u00a0' {
				continue
			}
		}
		m := caseHeading.FindStringSubmatchIndex(body[at:])
		if m == nil || (m[4] < 0 && m[6] < 0) { // neither a number nor a journal number
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += at
			}
		}
		heads = append(heads, m)
		from = m[3]
	}
}

// trimLetter trims white space (NBSP included) around a letter.
func trimLetter(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' })
}
