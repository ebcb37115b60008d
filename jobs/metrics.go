package jobs

import (
	"fmt"

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
	lastSuccess *prometheus.GaugeVec
	lastFailure *prometheus.GaugeVec
	decisions   *prometheus.CounterVec
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
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "omgjort_job_last_success_timestamp_seconds",
			Help: "Unix time the job last finished successfully; alert when it grows old."}, []string{"job"}),
		lastFailure: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "omgjort_job_last_failure_timestamp_seconds",
			Help: "Unix time the job last failed."}, []string{"job"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "omgjort_crawl_decisions_total",
			Help: "Decisions stored by crawl runs, by source and kind (new, changed)."}, []string{"source", "kind"}),
	}
	for _, c := range []prometheus.Collector{m.runs, m.failures, m.skips, m.duration, m.running, m.lastSuccess, m.lastFailure, m.decisions} {
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
	} else {
		m.lastSuccess.WithLabelValues(r.Job).Set(float64(r.Ended.Unix()))
	}
	if r.Source != "" {
		m.decisions.WithLabelValues(r.Source, "new").Add(float64(r.New))
		m.decisions.WithLabelValues(r.Source, "changed").Add(float64(r.Changed))
	}
}
