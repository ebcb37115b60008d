package server_test

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkHTTPExportLoad sends OMGJORT_BENCH_EXPORTS (default 200) concurrent CSV exports of
// every decision (10,000 rows at 10,000 decisions) to a running `omgjort serve`. A client
// refused with 503 waits its Retry-After and asks again, until every one has its whole file.
// It reports the refusals, empty or short replies (there must be none) and, with
// OMGJORT_BENCH_PID set to serve's process ID, serve's peak RSS (VmHWM) and RSS afterwards:
//
//	omgjort gen --n 10000 --load --data /tmp/b10k
//	omgjort serve --data /tmp/b10k --addr 127.0.0.1:8099 &
//	OMGJORT_BENCH_URL=http://127.0.0.1:8099 OMGJORT_BENCH_PID=$! go test ./server -run XXX -bench HTTPExportLoad -benchtime 1x
func BenchmarkHTTPExportLoad(b *testing.B) {
	base := os.Getenv("OMGJORT_BENCH_URL")
	if base == "" {
		b.Skip("set OMGJORT_BENCH_URL to a running `omgjort serve`")
	}
	clients := 200
	if v, err := strconv.Atoi(os.Getenv("OMGJORT_BENCH_EXPORTS")); err == nil && v > 0 {
		clients = v
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 10 * time.Minute}
	var refused, short, failed atomic.Int64
	var rowsSeen atomic.Int64
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					resp, err := client.Get(base + "/export.csv")
					if err != nil {
						failed.Add(1)
						return
					}
					if resp.StatusCode == http.StatusServiceUnavailable {
						resp.Body.Close()
						refused.Add(1)
						wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
						time.Sleep(time.Duration(max(wait, 1)) * time.Second)
						continue
					}
					lines := 0
					sc := bufio.NewScanner(resp.Body)
					sc.Buffer(make([]byte, 1<<20), 1<<20)
					for sc.Scan() {
						lines++
					}
					resp.Body.Close()
					want, _ := strconv.Atoi(resp.Trailer.Get("X-Omgjort-Rows"))
					if resp.StatusCode != 200 || lines < 2 || want == 0 || lines-1 < want {
						short.Add(1)
					}
					rowsSeen.Add(int64(lines - 1))
					return
				}
			}()
		}
		close(start)
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(float64(refused.Load())/float64(b.N), "refused-503")
	b.ReportMetric(float64(short.Load()+failed.Load())/float64(b.N), "empty-or-short")
	b.ReportMetric(float64(rowsSeen.Load())/float64(b.N*clients), "rows/export")
	if pid := os.Getenv("OMGJORT_BENCH_PID"); pid != "" {
		hwm, rss := procMem(b, pid)
		b.ReportMetric(hwm, "peak-RSS-MB")
		b.ReportMetric(rss, "RSS-MB")
	}
}

// procMem reads VmHWM and VmRSS (MB) of a process from /proc.
func procMem(b *testing.B, pid string) (hwm, rss float64) {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		var kb float64
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
			hwm = kb / 1024
		}
		if strings.HasPrefix(l, "VmRSS:") {
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:")), "%f", &kb)
			rss = kb / 1024
		}
	}
	return hwm, rss
}
