package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"omgjort"
	"omgjort/importer"
	"omgjort/importer/sample"
)

// needImportTools skips when poppler, Tesseract or the font are absent outside CI.
func needImportTools(t testing.TB) {
	t.Helper()
	missing := ""
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = tool
		}
	}
	if _, err := os.Stat(sample.FontPath); err != nil {
		missing = sample.FontPath
	}
	if missing == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing (.ci/run installs poppler-utils, tesseract-ocr, tesseract-ocr-dan, fonts-dejavu-core)", missing)
	}
	t.Skipf("%s is missing: apt-get install -y poppler-utils tesseract-ocr tesseract-ocr-dan fonts-dejavu-core", missing)
}

// textLetter is a fictitious letter as a text file (margin lines first, as extracted).
func textLetter(i int, outcome string) string {
	l := sample.Fictitious(fmt.Sprintf("25-%05d", 10000+i), fmt.Sprintf("%d. marts 2025", 1+i%28),
		fmt.Sprintf("Ida Mørk-Ølgaard%c", 'a'+rune(i%26)), fmt.Sprintf("Åbrinken %d", 1+i%90), "8000 Aarhus C", outcome)
	return strings.Join(l.Margin, "\n") + "\n\n" + l.Body + "\n"
}

func TestImportCommand(t *testing.T) {
	needImportTools(t)
	in, data := t.TempDir(), t.TempDir()
	a := sample.Fictitious("25-12345", "3. marts 2025", "Frida Æbelø-Sørensen", "Østergade 14, 2. tv.", "8000 Aarhus C", "ændrer")
	b := sample.Fictitious("25-22222", "4. marts 2025", "Bo Ørum", "Vestervej 3", "7100 Vejle", "stadfæster")
	if err := sample.WritePDF(filepath.Join(in, "to-breve.pdf"), a, b); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(in, "brev.txt"), []byte(textLetter(1, "hjemviser")), 0o600)
	os.WriteFile(filepath.Join(in, "tom.txt"), []byte("\n \n"), 0o600)
	os.WriteFile(filepath.Join(in, "ukendt.txt"), []byte("Ankestyrelsen\n\nKære Hans Hansen\n\nVi har modtaget dit brev og vender tilbage.\n"), 0o600)
	os.WriteFile(filepath.Join(in, "indkøb.txt"), []byte("Mælk, brød og ost\n"), 0o600)

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"import", "--data", data, "--team", "Team Syd", "--teams", "Team Syd,Team Nord", in}, &out, &errb); code != 0 {
		t.Fatalf("import exit %d:\n%s\n%s", code, out.String(), errb.String())
	}
	report := out.String()
	for _, want := range []string{"[5/5]", "3 nye", "1 til gennemsyn", "Der blev ikke fundet nogen tekst", "ligner ikke en afgørelse", "stemmer med Ankestyrelsens statistikregistrering i 3 af 3"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// Once only: the same folder again stores nothing new.
	out.Reset()
	if code := run(context.Background(), []string{"import", "--data", data, in}, &out, &errb); code != 0 {
		t.Fatalf("second import exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "0 nye, 0 nye versioner, 3 fandtes allerede, 0 til gennemsyn") {
		t.Errorf("second import:\n%s", out.String())
	}
	// A corrected letter for a stored journal number (new date) is a new version.
	c := sample.Fictitious("25-12345", "20. marts 2025", "Frida Æbelø-Sørensen", "Østergade 14, 2. tv.", "8000 Aarhus C", "hjemviser")
	fix := filepath.Join(t.TempDir(), "rettet.pdf")
	if err := sample.WritePDF(fix, c); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"import", "--data", data, fix}, &out, &errb); code != 0 || !strings.Contains(out.String(), "1 nye versioner") {
		t.Fatalf("corrected letter: exit %d\n%s", code, out.String())
	}
	// A team outside the configured list is refused before anything is read.
	if code := run(context.Background(), []string{"import", "--data", data, "--team", "Team Vest", "--teams", "Team Syd", fix}, &out, &errb); code == 0 {
		t.Error("an unknown team was accepted")
	}

	app, err := openApp(data, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	d, err := app.db.Get("egen-25-12345")
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 2 || d.Signed != "2025-03-20" || d.Outcome != omgjort.OutcomeHjemvist || d.Statistic != omgjort.OutcomeHjemvist || d.Team != "Team Syd" || !d.IsOwn() {
		t.Errorf("corrected decision: version %d signed %s outcome %s statistic %s team %q", d.Version, d.Signed, d.Outcome, d.Statistic, d.Team)
	}
	if n, _ := app.db.Count(); n != 3 {
		t.Errorf("%d decisions stored, want 3", n)
	}
	// Searchable for those who may see own decisions, and no personal detail in the index.
	ctx := context.Background()
	res, err := app.Index().Search(ctx, omgjort.SearchRequest{Query: "sygedagpenge", IncludeOwn: true, Size: 10})
	if err != nil || res.Total != 3 {
		t.Errorf("search own: %v %v", res, err)
	}
	if res, _ := app.Index().Search(ctx, omgjort.SearchRequest{Query: "sygedagpenge", Size: 10}); res.Total != 0 {
		t.Errorf("own decisions found by a search that did not ask for them: %d", res.Total)
	}
	for _, name := range []string{"Æbelø", "Sørensen", "Ørum", "Østergade", "010190", "Holm", "Vestervej"} {
		if res, _ := app.Index().Search(ctx, omgjort.SearchRequest{Query: name, IncludeOwn: true, Size: 1}); res.Total != 0 {
			t.Errorf("%q is in the index", name)
		}
	}
	// The uncertain letter waits in the review queue, redacted.
	var entries []importer.ReviewEntry
	app.db.ForEachReview(func(_ string, v []byte) error {
		e, err := importer.UnmarshalEntry(v)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
		return nil
	})
	if len(entries) != 1 || strings.Contains(entries[0].Redaction.Text, "Hans Hansen") || len(entries[0].Reasons) == 0 {
		t.Fatalf("review queue: %+v", entries)
	}
}

// TestImportKillChild is the subprocess of TestImportKilled.
func TestImportKillChild(t *testing.T) {
	dir, in := os.Getenv("OMGJORT_IMPORT_DIR"), os.Getenv("OMGJORT_IMPORT_IN")
	if dir == "" || in == "" {
		t.Skip("only runs as the subprocess of TestImportKilled")
	}
	if code := run(context.Background(), []string{"import", "--data", dir, in}, os.Stdout, os.Stderr); code != 0 {
		t.Fatalf("import exit %d", code)
	}
}

// TestImportKilled imports a folder of 300 letters, kills the import with SIGKILL at several
// points, and runs it again to the end: every letter is stored exactly once, and the index
// holds exactly the store's decisions.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess kill test skipped in -short mode")
	}
	in, dir := t.TempDir(), t.TempDir()
	const n = 300
	outcomes := []string{"ændrer", "stadfæster", "hjemviser"}
	for i := range n {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("brev-%03d.txt", i)), []byte(textLetter(i, outcomes[i%3])), 0o600)
	}
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "OMGJORT_IMPORT_DIR="+dir, "OMGJORT_IMPORT_IN="+in, "OMGJORT_LOG_LEVEL=ERROR")
		return cmd
	}
	kills := 0
	for _, at := range []int{20, 90, 150, 260} {
		cmd := child()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		done := 0
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "[") {
				fmt.Sscanf(sc.Text(), "[%d/", &done)
				if done >= at {
					time.Sleep(time.Duration(at%7) * time.Millisecond)
					if cmd.Process.Signal(syscall.SIGKILL) == nil {
						kills++
					}
					break
				}
			}
		}
		go func() {
			for sc.Scan() {
			}
		}()
		cmd.Wait()
	}
	if kills < 3 {
		t.Fatalf("only %d imports were killed mid-way", kills)
	}
	if out, err := child().CombinedOutput(); err != nil {
		t.Fatalf("final import: %v\n%s", err, out)
	}
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if c, _ := a.db.Count(); c != n {
		t.Fatalf("%d decisions stored, want %d", c, n)
	}
	for i := range n {
		if _, err := a.db.Get(fmt.Sprintf("egen-25-%05d", 10000+i)); err != nil {
			t.Fatalf("letter %d lost: %v", i, err)
		}
	}
	if c, _ := a.Index().Count(); int(c) != n {
		t.Fatalf("index holds %d, want %d", c, n)
	}
}
