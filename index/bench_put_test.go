package index_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"omgjort"
	"omgjort/index"
)

// BenchmarkPut measures the index build rate over a corpus written by `omgjort gen --n N --out
// FILE`, named by OMGJORT_BENCH_CORPUS (JSON Lines); it is skipped without one. It reports
// decisions per second for whole builds of the corpus in batches of 500.
//
//	omgjort gen --n 10000 --out /tmp/c10k.jsonl
//	OMGJORT_BENCH_CORPUS=/tmp/c10k.jsonl go test ./index -run XXX -bench Put -benchtime 1x
func BenchmarkPut(b *testing.B) {
	path := os.Getenv("OMGJORT_BENCH_CORPUS")
	if path == "" {
		b.Skip("set OMGJORT_BENCH_CORPUS to a corpus from `omgjort gen --n N --out FILE`")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var ds []*omgjort.Decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		d := new(omgjort.Decision)
		if err := json.Unmarshal(sc.Bytes(), d); err != nil {
			b.Fatal(err)
		}
		d.Citations = omgjort.CitationsOf(d)
		ds = append(ds, d)
	}
	b.ResetTimer()
	for range b.N {
		x, err := index.Open(filepath.Join(b.TempDir(), "index"))
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(ds); i += 500 {
			if err := x.Put(ds[i:min(i+500, len(ds))]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ds)*b.N)/b.Elapsed().Seconds(), "decisions/s")
}
