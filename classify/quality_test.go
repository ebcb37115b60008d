package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"omgjort"
)

// TestBadInputIsUkendtWithReason: an empty, foreign, garbled or overlong case is labelled
// ukendt with the reason, and gets no other label (issue 10, "what bad input gets").
func TestBadInputIsUkendtWithReason(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("Vi stadfæster kommunens afgørelse, fordi kommunen ikke har partshørt dig. ", MaxCaseBytes/70+10)
	for _, tc := range []struct{ name, text, reason string }{
		{"empty", "", ReasonEmpty},
		{"blank", " \n\t\u00a0 \n", ReasonEmpty},
		{"english", "The National Social Appeals Board upholds the decision of the municipality. We criticise that the municipality did not hear you before the decision.", ReasonForeign},
		{"german", "Die Beschwerdeinstanz bestätigt die Entscheidung der Gemeinde. Die Gemeinde hat Sie vor der Entscheidung nicht angehört, und das kritisieren wir.", ReasonForeign},
		{"ocr letters", "A n k e s t y r e l s e n  h a r  b e h a n d l e t  d i n  k l a g e  o g  v i  s t a d f æ s t e r", ReasonGarbled},
		{"ocr symbols", "|| ## 0 0 1 ~~ ^^ ;; 3 3 3 -- __ ¤¤ §§ ½½ ,,, ... 11 22 33 (( )) == ++ vi stadfæster", ReasonGarbled},
		{"invalid utf-8", "Vi stadfæster \xff\xfe kommunens afgørelse og kritiserer at kommunen ikke har partshørt dig", ReasonGarbled},
		{"huge", huge, ReasonTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.ClassifyCase(tc.text)
			if got.Outcome != omgjort.OutcomeUkendt || got.OutcomeReason != tc.reason {
				t.Errorf("outcome %s reason %q, want ukendt with %q", got.Outcome, got.OutcomeReason, tc.reason)
			}
			if len(got.Errors) != 0 || got.Kritik || got.Ugyldig || len(got.OutcomeEvidence) != 0 || got.OutcomeConfidence != 0 {
				t.Errorf("labels on bad input: %+v", got)
			}
		})
	}
	// A Danish letter with a line of noise in it is still read.
	got := c.ClassifyCase("Resultatet er:\n\nVi stadfæster kommunens afgørelse.\n\n|| ## ~~ 0 0 1\n\nVi kritiserer, at kommunen ikke har partshørt dig.")
	if got.Outcome != omgjort.OutcomeStadfaestet || got.OutcomeReason != "" {
		t.Errorf("noisy Danish letter: %s %q", got.Outcome, got.OutcomeReason)
	}
}

// TestConfidencesAndReasons: every label of every labelled letter carries a confidence in
// [0,1] and evidence; an unknown outcome has confidence 0 and a reason, a known one none.
func TestConfidencesAndReasons(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"gold", "heldout3", "dev"} {
		gold, err := LoadGold(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gold {
			got := c.ClassifyCase(g.Text)
			checkOffsets(t, got)
			if got.Outcome == omgjort.OutcomeUkendt {
				if got.OutcomeReason == "" || got.OutcomeConfidence != 0 || len(got.OutcomeEvidence) != 0 {
					t.Errorf("%s: ukendt with reason %q, confidence %v, %d evidence", g.Name, got.OutcomeReason, got.OutcomeConfidence, len(got.OutcomeEvidence))
				}
			} else if got.OutcomeReason != "" || got.OutcomeConfidence <= 0 || got.OutcomeConfidence > 1 || len(got.OutcomeEvidence) == 0 {
				t.Errorf("%s: %s with reason %q, confidence %v, %d evidence", g.Name, got.Outcome, got.OutcomeReason, got.OutcomeConfidence, len(got.OutcomeEvidence))
			}
			for _, l := range got.Errors {
				if l.Confidence <= 0 || l.Confidence > 1 || len(l.Evidence) == 0 {
					t.Errorf("%s: %s confidence %v, %d evidence", g.Name, l.Type, l.Confidence, len(l.Evidence))
				}
			}
		}
	}
}

// TestCalibrate: the fitted confidences never fall as the raw score rises, every bin holds
// enough labels, and a bin's confidence follows the share of right labels in it.
func TestCalibrate(t *testing.T) {
	var obs []Observation
	// Raw 0.5: 12 labels, 6 right; raw 0.7: 12 labels, 3 right (a violation to pool);
	// raw 0.9: 30 labels, 29 right; raw 1.0: 3 labels (too few alone).
	add := func(raw float64, n, ok int) {
		for i := 0; i < n; i++ {
			obs = append(obs, Observation{Raw: raw, Correct: i < ok})
		}
	}
	add(0.5, 12, 6)
	add(0.7, 12, 3)
	add(0.9, 30, 29)
	add(1.0, 3, 3)
	bins := calibrate(obs)
	if len(bins) != 2 {
		t.Fatalf("bins %+v, want 2 (0.5 and 0.7 pooled, 1.0 joined to 0.9)", bins)
	}
	if bins[0].conf >= bins[1].conf || bins[0].conf > 0.5 || bins[1].conf < 0.9 || bins[1].conf > maxConfidence {
		t.Errorf("confidences %+v", bins)
	}
	if got := confidence(bins, 0.6); got != bins[0].conf {
		t.Errorf("confidence(0.6) = %v", got)
	}
	if got := confidence(bins, 0.95); got != bins[1].conf {
		t.Errorf("confidence(0.95) = %v", got)
	}
	if _, err := parseCalibration(writeCalibration(bins, bins, []string{"x"})); err != nil {
		t.Fatal(err)
	}
}

// TestEmbeddedCalibrationIsCurrent: calibration.txt is what `omgjort eval --calibrate` fits on
// the labelled letters it names, so the confidences are reproducible. After a change to the
// rules, run the command in the file's header again.
func TestEmbeddedCalibrationIsCurrent(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sources, _ := headerSources(t, calibrationFile, "`omgjort eval --calibrate classify/calibration.txt ")
	want, _, err := c.CalibrationForDirs("..", sources)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(want) != strings.TrimSpace(calibrationFile) {
		t.Errorf("calibration.txt is stale; run `go run ./cmd/omgjort eval --calibrate classify/calibration.txt %s`", strings.Join(sources, " "))
	}
}

// headerSources reads the letter folders named in a generated file's header, after the command
// prefix (up to the closing backquote), and loads their letters.
func headerSources(t *testing.T, file, prefix string) ([]string, []GoldCase) {
	t.Helper()
	var sources []string
	for _, line := range strings.Split(file, "\n") {
		if _, rest, ok := strings.Cut(line, prefix); ok {
			src, _, _ := strings.Cut(rest, "`")
			sources = strings.Fields(src)
		}
	}
	if len(sources) == 0 {
		t.Fatalf("the file does not name the letters it was made from (no %q line)", prefix)
	}
	var all []GoldCase
	for _, s := range sources {
		g, err := LoadGold(filepath.Join("..", s))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, g...)
	}
	return sources, all
}

// TestLoadFirstScoreReadsMissesAndTheLetterModel: the first score's outcome misses are read up
// to the first comparison with another classifier, and a first score made with a letter model
// is marked, so the letter model's replay leaves it out.
func TestLoadFirstScoreReadsMissesAndTheLetterModel(t *testing.T) {
	dir := t.TempDir()
	src := "First score of held-out set setX (never tuned on): scored once, with main commit abc (rules, and the letter model of this commit).\n" +
		"Udfald: træfsikkerhed 0.500 (1/2); flertalsklassen \"aendret\" alene giver 0.5\n" +
		"Fejltyper: micro-F1 0.900 (præcision 0.950, genkald 0.850), macro-F1 0.9\n" +
		"- X-01.txt: udfald forventet aendret, fik ophaevet\n" +
		"Udfald: træfsikkerhed 1.000 (2/2); another classifier\n" +
		"- X-02.txt: udfald forventet aendret, fik stadfaestet\n"
	if err := os.WriteFile(filepath.Join(dir, FirstScoreFile), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, ok, err := LoadFirstScore(dir)
	if err != nil || !ok {
		t.Fatalf("LoadFirstScore: %v %v", ok, err)
	}
	if !fs.WithLetterModel || fs.Letters != 2 || fs.ErrorPrecision != 0.95 {
		t.Errorf("got %+v", fs)
	}
	if len(fs.Outcomes) != 1 || fs.Outcomes["X-01.txt"] != omgjort.OutcomeOphaevet {
		t.Errorf("misses %v, want only X-01.txt → ophaevet", fs.Outcomes)
	}
}
