package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"omgjort"
	"omgjort/store"
)

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func cph(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCheckSpec(t *testing.T) {
	loc := cph(t)
	win, err := ParseWindow("03:00-23:45")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec   string
		window *Window
		errHas string
	}{
		{"15 6 * * *", nil, ""},
		{"0 7 * * 1", nil, ""},
		{"30 5 * * *", nil, ""},
		{"@daily", nil, ""},
		{"45 6 * * *", win, ""},
		{"30 2 * * *", nil, "between 02:00 and 03:00"},
		{"0 2 * * 1", nil, "between 02:00 and 03:00"},
		{"@hourly", nil, "between 02:00 and 03:00"},
		{"*/20 1-3 * * *", nil, "between 02:00 and 03:00"},
		{"@every 7h", nil, "between 02:00 and 03:00"},
		{"50 23 * * *", win, "outside the job's window"},
		{"0 1 * * *", win, "outside the job's window"},
		{"CRON_TZ=UTC 0 6 * * *", nil, "time zone"},
		{"61 6 * * *", nil, "schedule"},
	} {
		_, err := CheckSpec(tc.spec, loc, tc.window)
		switch {
		case tc.errHas == "" && err != nil:
			t.Errorf("%q refused: %v", tc.spec, err)
		case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
			t.Errorf("%q: error %v, want one containing %q", tc.spec, err, tc.errHas)
		}
	}
	// New refuses a bad schedule and names the job.
	_, err = New(Config{Recorder: openStore(t)}, Job{Name: "backup", Spec: "30 2 * * *", Run: func(context.Context, *omgjort.CrawlRun) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "backup") {
		t.Errorf("New: %v", err)
	}
}

func TestNextRunInCopenhagen(t *testing.T) {
	s, err := New(Config{Recorder: openStore(t)}, Job{Name: "digest", Title: "Ugebrev", Spec: "0 7 * * 1", Run: func(context.Context, *omgjort.CrawlRun) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	st := s.Jobs()
	next := st[0].Next.In(cph(t))
	if len(st) != 1 || next.Weekday() != time.Monday || next.Hour() != 7 || next.Minute() != 0 {
		t.Errorf("next = %v, want a Monday 07:00 Copenhagen time", next)
	}
}

func TestRunRecordedNoOverlapAndPanic(t *testing.T) {
	db := openStore(t)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf syncBuffer
	release := make(chan struct{})
	var calls atomic.Int32
	s, err := New(Config{Recorder: db, Metrics: m, Logger: slog.New(slog.NewTextHandler(&logBuf, nil))},
		Job{Name: "slow", Title: "Langsom", Spec: "15 6 * * *", Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			calls.Add(1)
			<-release
			run.New = 2
			return nil
		}},
		Job{Name: "boom", Title: "Fejler", Spec: "0 7 * * 1", Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			var m map[string]int
			m["x"] = 1 // a real nil-map panic
			return nil
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(time.Second)

	if err := s.RunNow("slow"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return s.Jobs()[1].Running })
	if err := s.RunNow("slow"); !errors.Is(err, omgjort.ErrJobRunning) {
		t.Errorf("second RunNow: %v, want ErrJobRunning", err)
	}
	// The cron path (Recover + SkipIfStillRunning) skips too.
	s.byName["slow"].wrapped.Run()
	close(release)
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("slow ran %d times, want 1 (no overlap)", calls.Load())
	}
	if err := s.RunNow("nope"); !errors.Is(err, omgjort.ErrUnknownJob) {
		t.Errorf("unknown job: %v", err)
	}

	if err := s.RunNow("boom"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		runs, _ := db.Runs(5)
		return len(runs) == 2 && runs[0].Result == omgjort.RunFailed
	})
	// The record is written before the metrics are counted; Wait returns once the job is done.
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	runs, _ := db.Runs(5)
	if r := runs[0]; r.Job != "boom" || !strings.Contains(r.Error, "panik") || r.Ended.IsZero() {
		t.Errorf("panic run = %+v", r)
	}
	if r := runs[1]; r.Job != "slow" || r.Result != omgjort.RunOK || r.New != 2 {
		t.Errorf("slow run = %+v", r)
	}
	if !strings.Contains(logBuf.String(), "job panicked") || !strings.Contains(logBuf.String(), "goroutine") {
		t.Errorf("panic not logged with stack:\n%s", logBuf.String())
	}
	if got := value(m.failures.WithLabelValues("boom")); got != 1 {
		t.Errorf("failures{boom} = %v", got)
	}
	if got := value(m.runs.WithLabelValues("slow", "ok")); got != 1 {
		t.Errorf("runs{slow,ok} = %v", got)
	}
	if !strings.Contains(logBuf.String(), "skipped because the job is still running") {
		t.Errorf("the skipped cron run was not logged:\n%s", logBuf.String())
	}
	// The scheduler survived the panic.
	if err := s.RunNow("slow"); err != nil {
		t.Errorf("after panic: %v", err)
	}
	_ = s.Wait(context.Background())
}

func TestSelfRecordedPanicRepairsItsRecord(t *testing.T) {
	db := openStore(t)
	s, err := New(Config{Recorder: db}, Job{Name: "crawl-astdk", Source: "astdk", Spec: "15 6 * * *", SelfRecorded: true,
		Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			r := &omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: time.Now()}
			if err := db.StartRun(r); err != nil {
				return err
			}
			panic("parser exploded")
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.execute(s.byName["crawl-astdk"], "test")
	runs, _ := db.Runs(5)
	if len(runs) != 1 || runs[0].Result != omgjort.RunFailed || !strings.Contains(runs[0].Error, "parser exploded") {
		t.Errorf("runs = %+v, want the crawl's own record marked failed", runs)
	}
}

func TestShutdownWaitsThenCancels(t *testing.T) {
	db := openStore(t)
	started := make(chan struct{}, 2)
	s, err := New(Config{Recorder: db},
		Job{Name: "short", Spec: "15 6 * * *", Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			started <- struct{}{}
			time.Sleep(150 * time.Millisecond)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	_ = s.RunNow("short")
	<-started
	if err := s.Stop(5 * time.Second); err != nil {
		t.Fatalf("stop: %v", err)
	}
	runs, _ := db.Runs(1)
	if runs[0].Result != omgjort.RunOK {
		t.Errorf("the running job was not waited for: %+v", runs[0])
	}
	if err := s.RunNow("short"); err == nil {
		t.Error("RunNow after Stop started a job")
	}

	db2 := openStore(t)
	s2, err := New(Config{Recorder: db2},
		Job{Name: "stuck", Spec: "15 6 * * *", Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			started <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	s2.Start()
	_ = s2.RunNow("stuck")
	<-started
	t0 := time.Now()
	if err := s2.Stop(100 * time.Millisecond); err == nil || !strings.Contains(err.Error(), "stuck") {
		t.Errorf("stop: %v, want an error naming the cancelled job", err)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Errorf("stop took %s", d)
	}
	runs, _ = db2.Runs(1)
	if runs[0].Result != omgjort.RunFailed || !strings.Contains(runs[0].Error, "context canceled") {
		t.Errorf("cancelled run = %+v, want failed with the cancellation", runs[0])
	}
}

func TestBackupRotation(t *testing.T) {
	db := openStore(t)
	if _, err := db.PutDecision(&omgjort.Decision{ID: "1-26", Number: "1-26", ContentHash: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	// A file that is not ours is never rotated away.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)
	var last string
	for i := 0; i < 5; i++ {
		p, n, err := Backup(db, dir, 3, base.AddDate(0, 0, i))
		if err != nil || n == 0 {
			t.Fatalf("backup %d: %v (%d bytes)", i, err, n)
		}
		last = p
	}
	got, _ := Backups(dir)
	if len(got) != 3 || got[2] != last || !strings.Contains(got[0], "20261103") {
		t.Errorf("kept %v, want the 3 newest", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Error("rotation removed a foreign file")
	}
	// The backup is a usable store.
	rdir := t.TempDir()
	data, _ := os.ReadFile(last)
	if err := os.WriteFile(filepath.Join(rdir, store.FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	rdb, err := store.Open(rdir)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if _, err := rdb.Decision("1-26"); err != nil {
		t.Errorf("restored backup lacks the decision: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// value reads a counter or gauge.
func value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

// gauges gathers the registry into name{label} → value.
func gauges(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				key += "{" + l.GetValue() + "}"
			}
			if g := m.GetGauge(); g != nil {
				out[key] = g.GetValue()
			}
		}
	}
	return out
}

func TestFreshnessMetricsFromRunRecords(t *testing.T) {
	db := openStore(t)
	now := time.Now()
	record := func(job, source string, ago time.Duration, res omgjort.RunResult) {
		r := &omgjort.CrawlRun{Job: job, Source: source, Started: now.Add(-ago - time.Minute), Result: omgjort.RunRunning}
		if err := db.StartRun(r); err != nil {
			t.Fatal(err)
		}
		r.Ended, r.Result = now.Add(-ago), res
		if err := db.FinishRun(r); err != nil {
			t.Fatal(err)
		}
	}
	record("crawl-astdk", "astdk", 10*24*time.Hour, omgjort.RunOK) // last success 10 days ago
	record("crawl-astdk", "astdk", time.Hour, omgjort.RunFailed)
	record("backup", "", 2*time.Hour, omgjort.RunOK)
	record("digest", "", time.Hour, omgjort.RunFailed) // never succeeded
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	noop := func(context.Context, *omgjort.CrawlRun) error { return nil }
	if _, err := New(Config{Recorder: db, Metrics: m, Location: cph(t)},
		Job{Name: "crawl-astdk", Spec: "15 6 * * *", Source: "astdk", Run: noop},
		Job{Name: "backup", Spec: "30 5 * * *", Run: noop},
		Job{Name: "digest", Spec: "0 7 * * 1", Run: noop},
		Job{Name: "never", Spec: "0 7 * * 1", Run: noop}); err != nil {
		t.Fatal(err)
	}
	g := gauges(t, reg)
	want := map[string]float64{
		"omgjort_source_stale{astdk}":                          1,
		"omgjort_job_stale{crawl-astdk}":                       1, // a daily job without success for 10 days
		"omgjort_job_stale{backup}":                            0,
		"omgjort_job_stale{digest}":                            1, // ran, never succeeded
		"omgjort_job_stale{never}":                             0, // has not run yet
		"omgjort_job_last_success_timestamp_seconds{digest}":   0,
		"omgjort_job_last_success_timestamp_seconds{backup}":   float64(now.Add(-2 * time.Hour).Unix()),
		"omgjort_source_last_success_timestamp_seconds{astdk}": float64(now.Add(-10 * 24 * time.Hour).Unix()),
	}
	for k, v := range want {
		if got, ok := g[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
}

func TestSourceFreshnessWithoutJobs(t *testing.T) {
	db := openStore(t)
	r := &omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: time.Now().Add(-time.Hour), Result: omgjort.RunRunning}
	if err := db.StartRun(r); err != nil {
		t.Fatal(err)
	}
	r.Ended, r.Result = time.Now(), omgjort.RunOK
	if err := db.FinishRun(r); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	if err := RegisterSourceFreshness(reg, db); err != nil {
		t.Fatal(err)
	}
	g := gauges(t, reg)
	if g["omgjort_source_stale{astdk}"] != 0 || g["omgjort_source_last_success_timestamp_seconds{astdk}"] != float64(r.Ended.Unix()) {
		t.Errorf("%v", g)
	}
}
