package classify

import (
	"strings"
	"testing"
)

func TestSplitCases(t *testing.T) {
	type wantCase struct{ id, heading, journal, prefix string }
	tests := []struct {
		name string
		text string
		want []wantCase
	}{
		{
			name: "paragraphed headings",
			text: "Sag nr. 1, j.nr. 24-1001\n\nDu har klaget over A.\n\nResultatet er:\n\nSag nr. 2, j.nr. 24-1002\n\nI har klaget over B.",
			want: []wantCase{{"1", "Sag nr. 1, j.nr. 24-1001", "24-1001", "Du har klaget over A."}, {"2", "Sag nr. 2, j.nr. 24-1002", "24-1002", "I har klaget over B."}},
		},
		{
			name: "flattened headings, missing journal number, j. nr. with space",
			text: "Sag nr. 1, j. nr. 25-7 Du har klaget over A. Du kan læse mere på www.ast.dk Sag nr. 2, j.nr. Du har klaget over B.",
			want: []wantCase{{"1", "Sag nr. 1, j. nr. 25-7", "25-7", "Du har klaget over A."}, {"2", "Sag nr. 2, j.nr", "", "Du har klaget over B."}},
		},
		{
			name: "journal only",
			text: "Sag j.nr. 24-68 I har klaget over kommunens afgørelse.",
			want: []wantCase{{"1", "Sag j.nr. 24-68", "24-68", "I har klaget over kommunens afgørelse."}},
		},
		{
			name: "rewritten older decision heading",
			text: "Sag nr. 2, tidligere principmeddelelse O-1-96, j.nr. 123-94[1] Følgende love blev anvendt.",
			want: []wantCase{{"2", "Sag nr. 2, tidligere principmeddelelse O-1-96, j.nr. 123-94[1]", "123-94", "Følgende love blev anvendt."}},
		},
		{
			name: "no heading: one case",
			text: "  Du har klaget over kommunens afgørelse. Sag nr. 1 og 2 handler om det samme.\n",
			want: []wantCase{{"1", "", "", "Du har klaget over kommunens afgørelse. Sag nr. 1 og 2"}},
		},
		{
			name: "whole principmeddelelse: only after the concrete-decision heading",
			text: "Principmeddelelsen fastslår Noget.\n\nDe konkrete sager I sag nr. 1 hjemviste Ankestyrelsen afgørelsen.\n\nDe konkrete afgørelser\n\nSag nr. 1, j.nr. 24-1 Du har klaget over A.\n\nSag nr. 2, j.nr. 24-2 Du har klaget over B.\n\nAnkestyrelsen Teglholmsgade 3",
			want: []wantCase{{"1", "Sag nr. 1, j.nr. 24-1", "24-1", "Du har klaget over A."}, {"2", "Sag nr. 2, j.nr. 24-2", "24-2", "Du har klaget over B."}},
		},
		{
			name: "whole principmeddelelse without headings: from the first sentence of the letter",
			text: "Principmeddelelsen fastslår Noget. Den konkrete sag Ankestyrelsen stadfæstede afgørelsen.\n\nLove og bekendtgørelser Loven. Du har klaget over X Kommunes afgørelse. Resultatet er: Ja.",
			want: []wantCase{{"1", "", "", "Du har klaget over X Kommunes afgørelse. Resultatet er: Ja."}},
		},
		{
			name: "2013 format: numbered heading",
			text: "Principafgørelsen fastslår Noget.\n\n4. Den konkrete afgørelse\n\nAfgørelse:\n\nVi ændrer således afgørelsen fra A Kommune.",
			want: []wantCase{{"1", "", "", "Afgørelse:\n\nVi ændrer"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SplitCases(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("%d cases %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.ID != w.id || g.Heading != w.heading || g.Journal != w.journal || !strings.HasPrefix(g.Text, w.prefix) {
					t.Errorf("case %d = {ID:%q Heading:%q Journal:%q Text:%q}, want %+v", i, g.ID, g.Heading, g.Journal, g.Text, w)
				}
				if strings.TrimSpace(g.Text) != g.Text {
					t.Errorf("case %d text not trimmed: %q", i, g.Text)
				}
			}
		})
	}
	if got := SplitCases(" \n\n "); got != nil {
		t.Errorf("blank text gave %+v, want no cases", got)
	}
	// The whole-page variant must not keep the footer in the last letter.
	got := SplitCases(tests[5].text)
	if strings.Contains(got[len(got)-1].Text, "Teglholmsgade") {
		t.Errorf("footer kept in %q", got[len(got)-1].Text)
	}
}
