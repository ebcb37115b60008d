package server_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// benchQueries are searches legal staff type: words, a phrase, fields and facet filters. Every
// one asks for the six facets (the index always counts them) and highlighted snippets.
var benchQueries = []string{
	"q=kontanthjælp+sanktion",
	"q=partshøring&udfald=hjemvist",
	"q=%22konkret+vurdering%22",
	"q=sygedagpenge+lægelige+oplysninger&fejl=sagsoplysning",
	"q=fleksjob&lov=Lov+om+en+aktiv+besk%C3%A6ftigelsesindsats",
	"q=%C2%A7%3A19+kommunen",
	"q=boligstøtte+-tilbagebetaling&sort=date",
	"q=hjælpemidler+kørestol&status=gaeldende",
	"q=udfald%3Aomgjort+begrundelse",
	"q=samlivsforhold&aar=2015",
}

// BenchmarkHTTPSearch runs searches with facets and highlights against a running `omgjort serve`
// named by OMGJORT_BENCH_URL, from 8 concurrent clients, and reports the p50 and p99 latency.
// It is skipped without the variable:
//
//	omgjort gen --n 100000 --load --data /tmp/b100k
//	omgjort serve --data /tmp/b100k --addr 127.0.0.1:8099 &
//	OMGJORT_BENCH_URL=http://127.0.0.1:8099 go test ./server -run XXX -bench HTTPSearch -benchtime 4000x
func BenchmarkHTTPSearch(b *testing.B) {
	base := os.Getenv("OMGJORT_BENCH_URL")
	if base == "" {
		b.Skip("set OMGJORT_BENCH_URL to a running `omgjort serve`")
	}
	if _, err := url.Parse(base); err != nil {
		b.Fatal(err)
	}
	const clients = 8
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	// Warm up: every query once.
	for _, q := range benchQueries {
		resp, err := client.Get(base + "/api/search?" + q)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: status %d", q, resp.StatusCode)
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	next := make(chan int)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := range next {
				start := time.Now()
				resp, err := client.Get(base + "/?" + benchQueries[i%len(benchQueries)])
				if err != nil {
					b.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
}
