package classify

import (
	"testing"

	"omgjort"
)

// Families of wording held-out sets BP–BS showed after their first score: deadlines named and
// not kept, compliance stated in the past tense or as a verdict on the part itself, and a
// statement of what the next decision depends on. The rules' reading (model veto off), with
// and without the finding.
func TestSetsBPToBS(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	c = c.WithModelVeto(0)
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
	} {
		_, got := errorTypes(c.ClassifyCase(assessed(result, tc.sentence)))[tc.typ]
		if got != tc.want {
			t.Errorf("%q: %s set = %v, want %v", tc.sentence, tc.typ, got, tc.want)
		}
	}
}
