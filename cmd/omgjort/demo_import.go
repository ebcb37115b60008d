package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"omgjort"
	"omgjort/importer"
	"omgjort/importer/sample"
)

// demoLetters writes the demo's own letters — invented from end to end (no real citizen, no
// real case) — into dir: a PDF with two letters, a scanned letter (read by OCR), and a letter
// whose layout the redaction is unsure of, so the review queue has an entry.
func demoLetters(dir string) ([]string, error) {
	note := "\n\nDette brev er opdigtet til demonstrationen af Omgjort."
	a := sample.Fictitious("26-90001", "3. februar 2026", "Frida Fiktiv-Sørensen", "Opdigtetvej 14, 2. tv.", "8000 Aarhus C", "hjemviser")
	b := sample.Fictitious("26-90002", "10. marts 2026", "Bo Demo Ørum", "Eksempelgade 3", "7100 Vejle", "stadfæster")
	c := sample.Fictitious("26-90003", "17. april 2026", "Åse Prøve-Lund", "Testvej 1, st. th.", "5000 Odense C", "ændrer")
	for _, l := range []*sample.Letter{&a, &b, &c} {
		l.Body += note
	}
	two, scan := filepath.Join(dir, "demo-to-breve.pdf"), filepath.Join(dir, "demo-scannet.pdf")
	if err := sample.WritePDF(two, a, b); err != nil {
		return nil, err
	}
	files := []string{two}
	if err := sample.WriteScannedPDF(scan, c); err == nil {
		files = append(files, scan)
	}
	unsure := filepath.Join(dir, "demo-uklar.txt")
	text := "Ankestyrelsen\nJ.nr. 26-90004\nDato: 5. maj 2026\n\nVedr. Karl Opdigt\n\nDu har klaget over Aarhus Kommunes afgørelse af 2. marts 2026 om kontanthjælp.\n\n" +
		"Resultat\nVi stadfæster kommunens afgørelse.\nSagen indgår i vores statistik som en stadfæstelse.\n\nKarl Opdigts søster Tove har ringet til os." + note + "\n"
	if err := os.WriteFile(unsure, []byte(text), 0o600); err != nil {
		return nil, err
	}
	return append(files, unsure), nil
}

// importDemoLetters imports the demo's own letters through the real importer (extraction,
// OCR, redaction, classification), so the demo shows own decisions, the Egne facet and a
// review-queue entry. Without poppler, Tesseract or the font it says so and goes on.
// It returns how many own decisions it stored.
func (a *app) importDemoLetters(ctx context.Context, env *environ) int {
	dir, err := os.MkdirTemp("", "omgjort-demo-letters-")
	if err != nil {
		return 0
	}
	defer os.RemoveAll(dir)
	files, err := demoLetters(dir)
	if err != nil {
		fmt.Fprintf(env.stdout, "Own demo letters skipped: %v\n", err)
		return 0
	}
	o := &importOpts{minConfidence: importer.DefaultMinConfidence, timeout: importer.DefaultLimits().ToolTimeout, team: "Team Sygedagpenge"}
	opts, _ := o.options()
	opts.Route = omgjort.IntakeDemo
	rep, err := a.importFiles(ctx, files, opts, a.auditLog(), "demo", nil)
	if err != nil {
		fmt.Fprintf(env.stdout, "Own demo letters: %v\n", err)
		return 0
	}
	fmt.Fprintf(env.stdout, "%d made-up own letters imported (%d stored, %d waiting for review at /admin/review)\n", rep.Letters, rep.New+rep.Duplicates, rep.Review)
	for _, r := range rep.Reports {
		if r.Err != nil {
			fmt.Fprintf(env.stdout, "  %s: %s\n", filepath.Base(r.File), r.Message)
		}
	}
	return rep.New + rep.Versions + rep.Duplicates
}
