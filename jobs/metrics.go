package jobs

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"omgjort"
)

// Metrics are the Prometheus metrics of the scheduled runs: how many ran and failed, how long
// they took, when each last succeeded, and what the crawls brought in. A nil *Metrics records
// nothing, so a scheduler without metrics needs no checks.
type Metrics struct {
	runs        *prometheus.CounterVec
	failures    *prometheus.CounterVec
	skips       *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	running     *prometheus.GaugeVec
	lastFailure *prometheus.GaugeVec
	decisions   *prometheus.CounterVec
	// sched is the scheduler whose run records the freshness metrics are read from.
	sched atomic.Pointer[Scheduler]
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "omgjort_job_runs_total",
			Help: "Finished runs of scheduled jobs, by job and result (ok, failed)."}, []string{"job", "result"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "omgjort_job_failures_total",
			Help: "Failed runs of scheduled jobs, panics included."}, []string{"job"}),
		skips: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "omgjort_job_skipped_total",
			Help: "Runs skipped because the job was still running."}, []string{"job"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "omgjort_job_duration_seconds",
			Help:    "Duration of finished job runs.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200}}, []string{"job"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "omgjort_job_running",
			Help: "1 while the job runs."}, []string{"job"}),
		lastFailure: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "omgjort_job_last_failure_timestamp_seconds",
			Help: "Unix time the job last failed."}, []string{"job"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "omgjort_crawl_decisions_total",
			Help: "Decisions stored by crawl runs, by source and kind (new, changed)."}, []string{"source", "kind"}),
	}
	for _, c := range []prometheus.Collector{m.runs, m.failures, m.skips, m.duration, m.running, m.lastFailure, m.decisions, freshness{m}} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("jobs: register metrics: %w", err)
		}
	}
	return m, nil
}

// RegisterDecisionCount exports the number of stored decisions, read from count at each scrape.
func RegisterDecisionCount(reg prometheus.Registerer, count func() (int, error)) error {
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "omgjort_decisions",
		Help: "Decisions in the store (current versions)."}, func() float64 {
		n, err := count()
		if err != nil {
			return -1
		}
		return float64(n)
	})
	if err := reg.Register(g); err != nil {
		return fmt.Errorf("jobs: register decision count: %w", err)
	}
	return nil
}

// declare makes a job's series exist at zero before its first run, so dashboards and alerts
// see the job from the start.
func (m *Metrics) declare(job string) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(job, string(omgjort.RunOK))
	m.runs.WithLabelValues(job, string(omgjort.RunFailed))
	m.failures.WithLabelValues(job)
	m.skips.WithLabelValues(job)
	m.running.WithLabelValues(job)
}

func (m *Metrics) started(job string) {
	if m != nil {
		m.running.WithLabelValues(job).Set(1)
	}
}

func (m *Metrics) skipped(job string) {
	if m != nil {
		m.skips.WithLabelValues(job).Inc()
	}
}

func (m *Metrics) finished(r *omgjort.CrawlRun) {
	if m == nil {
		return
	}
	m.running.WithLabelValues(r.Job).Set(0)
	m.runs.WithLabelValues(r.Job, string(r.Result)).Inc()
	m.duration.WithLabelValues(r.Job).Observe(r.Ended.Sub(r.Started).Seconds())
	if r.Result == omgjort.RunFailed {
		m.failures.WithLabelValues(r.Job).Inc()
		m.lastFailure.WithLabelValues(r.Job).Set(float64(r.Ended.Unix()))
	}
	if r.Source != "" {
		m.decisions.WithLabelValues(r.Source, "new").Add(float64(r.New))
		m.decisions.WithLabelValues(r.Source, "changed").Add(float64(r.Changed))
	}
}

// Freshness metrics, read from the run records at each scrape so they survive restarts: per
// source and per job, when it last succeeded and whether it is stale.
var (
	descSourceLast = prometheus.NewDesc("omgjort_source_last_success_timestamp_seconds",
		"Unix time of the source's last successful crawl; 0 when it never succeeded.", []string{"source"}, nil)
	descSourceStale = prometheus.NewDesc("omgjort_source_stale",
		"1 when the source has had no successful crawl for 8 days, or never had one.", []string{"source"}, nil)
	descJobLast = prometheus.NewDesc("omgjort_job_last_success_timestamp_seconds",
		"Unix time the job last finished successfully (from the run records); 0 when it never did.", []string{"job"}, nil)
	descJobStale = prometheus.NewDesc("omgjort_job_stale",
		"1 when the job has not succeeded within two of its schedule's intervals (plus an hour), or has only failed.", []string{"job"}, nil)
)

// freshnessRuns is how many run records a scrape reads: several jobs a day over more than the
// longest staleness window (a weekly job's two weeks).
const freshnessRuns = 1000

type freshness struct{ m *Metrics }

func (f freshness) Describe(ch chan<- *prometheus.Desc) {
	ch <- descSourceLast
	ch <- descSourceStale
	ch <- descJobLast
	ch <- descJobStale
}

func (f freshness) Collect(ch chan<- prometheus.Metric) {
	s := f.m.sched.Load()
	if s == nil {
		return
	}
	runs, err := s.cfg.Recorder.Runs(freshnessRuns)
	if err != nil {
		s.log.Error("metrics: read runs", "error", err)
		return
	}
	now := time.Now()
	collectSources(ch, runs, now)
	for _, e := range s.entries {
		var last time.Time
		ran := false
		for _, r := range runs {
			if r.Job != e.job.Name || r.Result == omgjort.RunRunning {
				continue
			}
			ran = true
			if r.Succeeded() {
				last = r.Ended
				break
			}
		}
		stale := false
		if last.IsZero() {
			stale = ran // it ran and never succeeded
		} else if ce := s.cron.Entry(e.id); ce.Valid() {
			n1 := ce.Schedule.Next(last)
			period := ce.Schedule.Next(n1).Sub(n1)
			stale = now.Sub(last) > 2*period+time.Hour
		}
		ch <- prometheus.MustNewConstMetric(descJobLast, prometheus.GaugeValue, unix(last), e.job.Name)
		ch <- prometheus.MustNewConstMetric(descJobStale, prometheus.GaugeValue, flag(stale), e.job.Name)
	}
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.Unix())
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func collectSources(ch chan<- prometheus.Metric, runs []omgjort.CrawlRun, now time.Time) {
	for _, sc := range omgjort.SourceChecks(runs, now) {
		ch <- prometheus.MustNewConstMetric(descSourceLast, prometheus.GaugeValue, unix(sc.LastOK), sc.Source)
		ch <- prometheus.MustNewConstMetric(descSourceStale, prometheus.GaugeValue, flag(sc.Stale), sc.Source)
	}
}

// RegisterSourceFreshness exports the per-source freshness metrics for a process that runs no
// jobs (serve --jobs=false, with the crawls run elsewhere): the sources can still go stale.
func RegisterSourceFreshness(reg prometheus.Registerer, rec Recorder) error {
	if err := reg.Register(sourceFreshness{rec}); err != nil {
		return fmt.Errorf("jobs: register source freshness: %w", err)
	}
	return nil
}

type sourceFreshness struct{ rec Recorder }

func (f sourceFreshness) Describe(ch chan<- *prometheus.Desc) {
	ch <- descSourceLast
	ch <- descSourceStale
}

func (f sourceFreshness) Collect(ch chan<- prometheus.Metric) {
	runs, err := f.rec.Runs(freshnessRuns)
	if err != nil {
		return
	}
	collectSources(ch, runs, time.Now())
}
