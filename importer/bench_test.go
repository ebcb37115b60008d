package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"omgjort/importer/sample"
)

// BenchmarkOCRPage reads a scanned one-page letter: pdfinfo, pdftotext (no usable layer),
// pdftoppm at 300 dpi and tesseract -l dan. Target: ≤ 3 s per page per core
// (go test ./importer -run '^$' -bench OCRPage -benchtime 3x -cpu 1).
func BenchmarkOCRPage(b *testing.B) {
	needTools(b, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	p := filepath.Join(b.TempDir(), "scan.pdf")
	if err := sample.WriteScannedPDF(p, sample.Fictitious("25-12345", "3. marts 2025", "Frida Æbelø-Sørensen", "Østergade 14", "8000 Aarhus C", "ændrer")); err != nil {
		b.Fatal(err)
	}
	before := childCPU()
	b.ResetTimer()
	for b.Loop() {
		d, err := Extract(context.Background(), p, Limits{})
		if err != nil || !d.OCR() {
			b.Fatalf("%v ocr=%v", err, d.OCR())
		}
	}
	// CPU seconds of the tools per page: what one core spends, whatever else the machine runs.
	b.ReportMetric((childCPU()-before)/float64(b.N), "cpu-s/page")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/page")
}

// childCPU is the user and system CPU time, in seconds, of every finished child process.
func childCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// BenchmarkExtractLargestPDF reads a 500-page text-layer PDF (the largest page count
// allowed): pdftotext runs on 25 pages at a time, so the Go heap and the tools' memory stay
// bounded whatever the file's size. Reported: peak heap in use and the largest resident set
// of a child tool (go test ./importer -run '^$' -bench LargestPDF -benchtime 1x).
func BenchmarkExtractLargestPDF(b *testing.B) {
	needTools(b, "pdftotext", "pdfinfo")
	p := filepath.Join(b.TempDir(), "500.pdf")
	var ls []sample.Letter
	for i := range 500 {
		ls = append(ls, sample.Fictitious(fmt.Sprintf("25-%05d", i), "3. marts 2025", "Frida Æbelø-Sørensen", "Østergade 14", "8000 Aarhus C", "ændrer"))
	}
	if err := sample.WritePDF(p, ls...); err != nil {
		b.Fatal(err)
	}
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				default:
				}
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				runtime.Gosched()
			}
		}()
		d, err := Extract(context.Background(), p, Limits{})
		close(done)
		if err != nil || len(d.Pages) != 500 {
			b.Fatalf("%v pages=%d", err, len(d.Pages))
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
	b.ReportMetric(float64(ru.Maxrss)/1024, "MB-tool-rss")
}
