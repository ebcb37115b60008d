package omgjort

import "testing"

// Evidence offsets count characters, not bytes: Danish letters are two bytes in UTF-8.
func TestEvidenceCharacterOffsets(t *testing.T) {
	text := "Kommunen har ikke partshørt. Afgørelsen er ugyldig på grund af fejl i høringen."
	for _, want := range []string{"Kommunen har ikke partshørt.", "Afgørelsen er ugyldig på grund af fejl i høringen.", "ø", "n."} {
		bs := len(text) - len(want)
		for bs >= 0 && text[bs:bs+len(want)] != want {
			bs--
		}
		start, end := CharRange(text, bs, bs+len(want))
		runes := []rune(text)
		if string(runes[start:end]) != want {
			t.Errorf("%q: characters %d:%d are %q", want, start, end, string(runes[start:end]))
		}
		e := Evidence{Text: want, Start: start, End: end}
		gs, ge, ok := e.ByteRange(text)
		if !ok || gs != bs || ge != bs+len(want) {
			t.Errorf("%q: ByteRange = %d:%d %v, want %d:%d", want, gs, ge, ok, bs, bs+len(want))
		}
	}
	n := len([]rune(text))
	for _, bad := range []Evidence{{Start: -1, End: 3}, {Start: 5, End: 5}, {Start: 7, End: 2}, {Start: 3, End: n + 1}, {Start: n, End: n + 2}} {
		if s, e, ok := bad.ByteRange(text); ok {
			t.Errorf("%d:%d fits a text of %d characters: %d:%d", bad.Start, bad.End, n, s, e)
		}
	}
	if s, e, ok := (Evidence{Start: 0, End: n}).ByteRange(text); !ok || s != 0 || e != len(text) {
		t.Errorf("whole text: %d:%d %v", s, e, ok)
	}
}
