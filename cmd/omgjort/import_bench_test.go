package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"

	"omgjort/importer"
	"omgjort/importer/sample"
)

// cpuSeconds is the CPU time (user + system) of this process and its finished children.
func cpuSeconds() float64 {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

// BenchmarkImportTextLayer imports one-letter text-layer PDFs end to end — extract (pdfinfo,
// pdftotext), split, redact, parse, classify, store (one transaction each) and index — on
// one core. Target ≥ 5 letters/s (go test ./cmd/omgjort -run '^$' -bench ImportTextLayer
// -benchtime 100x -cpu 1).
func BenchmarkImportTextLayer(b *testing.B) {
	needImportTools(b)
	in := b.TempDir()
	var files []string
	for i := range b.N {
		p := filepath.Join(in, fmt.Sprintf("brev-%04d.pdf", i))
		l := sample.Fictitious(fmt.Sprintf("25-%05d", 20000+i), fmt.Sprintf("%d. april 2025", 1+i%28), "Ida Mørk-Ølgaard", "Åbrinken 4", "8000 Aarhus C", []string{"ændrer", "stadfæster", "hjemviser"}[i%3])
		if err := sample.WritePDF(p, l); err != nil {
			b.Fatal(err)
		}
		files = append(files, p)
	}
	a, err := openApp(b.TempDir(), testLoggerB())
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	opts := importer.Options{Redactor: redactor{}, Limits: importer.DefaultLimits()}
	cpu := cpuSeconds()
	b.ResetTimer()
	rep, err := a.importFiles(context.Background(), files, opts, nil, "bench", nil)
	b.StopTimer()
	if err != nil || rep.New != b.N {
		b.Fatalf("%v: %d new of %d (%d review, %d errors)", err, rep.New, b.N, rep.Review, rep.LetterErrors)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
	b.ReportMetric(float64(b.N)/(cpuSeconds()-cpu), "letters/cpu-s")
}

func testLoggerB() *slog.Logger { return slog.New(slog.DiscardHandler) }
