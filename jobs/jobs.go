// Package jobs runs Omgjort's scheduled work (crawls, the weekly digest, backups) on a cron
// schedule in Europe/Copenhagen, records every run, and is the one place that says who triggers
// what: the schedule, or an operator through RunNow. It wraps github.com/robfig/cron/v3, which
// is unmaintained, so nothing else in the program depends on that library.
//
// Guarantees: a job never overlaps itself (a due run is skipped while the last one runs); a
// panic is recovered, logged with its stack and recorded as a failed run; Stop waits for running
// jobs up to a timeout and then cancels them, so they record how they ended; runs left "running"
// by a killed process are marked failed at the next start.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"omgjort"
)

// Func is the work of one job. run is the job's run record: the job fills in its counts (and may
// set Result and Error); the scheduler sets start, end and result around it. The context is
// cancelled when shutdown runs out of patience.
type Func func(ctx context.Context, run *omgjort.CrawlRun) error

// Job is one scheduled job.
type Job struct {
	// Name is the job's stable name in run records, metrics and the admin URL ("crawl-astdk").
	Name string
	// Title is the Danish name operators see on /status.
	Title string
	// Spec is a standard 5-field cron spec or a descriptor (@daily), read in Europe/Copenhagen.
	Spec string
	// Source is the crawl source the job feeds ("astdk"), empty for other jobs; it goes into
	// the run record so freshness can be judged per source.
	Source string
	// Window, when set, are the only hours of the day the job may run.
	Window *Window
	// SelfRecorded says Run stores its own run record (the crawls do); the scheduler then only
	// repairs the record when Run panics.
	SelfRecorded bool
	Run          Func
}

// Recorder stores run records; the store implements it.
type Recorder interface {
	StartRun(r *omgjort.CrawlRun) error
	FinishRun(r *omgjort.CrawlRun) error
	Runs(n int) ([]omgjort.CrawlRun, error)
}

// Config configures a Scheduler.
type Config struct {
	// Location is the time zone of the schedules; Europe/Copenhagen when nil.
	Location *time.Location
	Logger   *slog.Logger
	Recorder Recorder
	// Metrics receives run counts and durations; optional.
	Metrics *Metrics
}

// Scheduler runs the jobs. Build it with New, then Start and finally Stop.
type Scheduler struct {
	cfg     Config
	log     *slog.Logger
	cron    *cron.Cron
	entries []*entry
	byName  map[string]*entry

	ctx    context.Context // the jobs' context, cancelled when Stop gives up waiting
	cancel context.CancelFunc

	mu      sync.Mutex // guards stopped and the wg.Add calls against Stop's Wait
	stopped bool
	wg      sync.WaitGroup
}

type entry struct {
	job     Job
	id      cron.EntryID
	wrapped cron.Job // Recover(SkipIfStillRunning(run)): the cron path and RunNow share it
	admin   cron.Job // the same chain, recording the run as started by an admin
	running atomic.Bool
}

// New validates every job's schedule (collecting every problem into one error) and builds a
// scheduler. Nothing runs until Start.
func New(cfg Config, jobs ...Job) (*Scheduler, error) {
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Europe/Copenhagen")
		if err != nil {
			return nil, fmt.Errorf("jobs: load time zone: %w", err)
		}
		cfg.Location = loc
	}
	if cfg.Recorder == nil {
		return nil, errors.New("jobs: no run recorder")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "jobs")
	clog := cronLogger{log}
	s := &Scheduler{cfg: cfg, log: log, byName: map[string]*entry{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.cron = cron.New(cron.WithLocation(cfg.Location), cron.WithLogger(clog), cron.WithParser(parser))
	chain := cron.NewChain(cron.Recover(clog), cron.SkipIfStillRunning(clog))
	var errs []error
	for _, j := range jobs {
		if j.Name == "" || j.Run == nil {
			errs = append(errs, fmt.Errorf("job %q: name and function are required", j.Name))
			continue
		}
		if s.byName[j.Name] != nil {
			errs = append(errs, fmt.Errorf("job %q: defined twice", j.Name))
			continue
		}
		sched, err := CheckSpec(j.Spec, cfg.Location, j.Window)
		if err != nil {
			errs = append(errs, fmt.Errorf("job %s: %w", j.Name, err))
			continue
		}
		e := &entry{job: j}
		e.wrapped = chain.Then(cron.FuncJob(func() { s.execute(e, omgjort.TriggerSchedule) }))
		e.admin = chain.Then(cron.FuncJob(func() { s.execute(e, omgjort.TriggerAdmin) }))
		e.id = s.cron.Schedule(sched, e.wrapped)
		s.entries = append(s.entries, e)
		s.byName[j.Name] = e
		if cfg.Metrics != nil {
			cfg.Metrics.declare(j.Name)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if cfg.Metrics != nil {
		cfg.Metrics.sched.Store(s)
	}
	return s, nil
}

// Start starts the schedule. (Runs a killed process left "running" are marked failed when the
// data directory is opened, before any scheduler exists.)
func (s *Scheduler) Start() {
	s.cron.Start()
	for _, st := range s.Jobs() {
		s.log.Info("job scheduled", "job", st.Name, "spec", st.Spec, "next", st.Next.In(s.cfg.Location).Format(time.DateTime))
	}
}

// Stop stops scheduling and waits up to timeout for running jobs. Jobs still running then are
// cancelled and given a short grace period to record how they ended. It returns an error when
// a job had to be cancelled or did not stop.
func (s *Scheduler) Stop(timeout time.Duration) error {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	cronDone := s.cron.Stop()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		<-cronDone.Done()
		close(done)
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		s.cancel()
		s.log.Info("jobs stopped")
		return nil
	case <-t.C:
	}
	var names []string
	for _, e := range s.entries {
		if e.running.Load() {
			names = append(names, e.job.Name)
		}
	}
	s.log.Warn("shutdown timeout: cancelling running jobs", "jobs", names, "timeout", timeout)
	s.cancel()
	grace := time.NewTimer(cancelGrace)
	defer grace.Stop()
	select {
	case <-done:
		return fmt.Errorf("jobs: stop: cancelled %v after waiting %s", names, timeout)
	case <-grace.C:
		return fmt.Errorf("jobs: stop: %v still running %s after being cancelled", names, cancelGrace)
	}
}

// cancelGrace is how long a cancelled job gets to write its run record at shutdown.
const cancelGrace = 10 * time.Second

// Jobs lists the jobs in name order with their next planned run; it implements
// omgjort.JobRunner.
func (s *Scheduler) Jobs() []omgjort.JobStatus {
	out := make([]omgjort.JobStatus, 0, len(s.entries))
	for _, e := range s.entries {
		st := omgjort.JobStatus{Name: e.job.Name, Title: e.job.Title, Spec: e.job.Spec, Running: e.running.Load()}
		if ce := s.cron.Entry(e.id); ce.Valid() {
			st.Next = ce.Next
			if st.Next.IsZero() { // not started yet: compute it
				st.Next = ce.Schedule.Next(time.Now().In(s.cfg.Location))
			}
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RunNow starts the named job in the background, through the same no-overlap and recovery
// wrappers as a scheduled run; it implements omgjort.JobRunner.
func (s *Scheduler) RunNow(name string) error {
	return s.RunNowAs(name, omgjort.TriggerSchedule)
}

// RunNowAs is RunNow with the run recorded as started by trigger (omgjort.TriggerAdmin from
// the admin route), so /status tells an operator's runs from the schedule's.
func (s *Scheduler) RunNowAs(name, trigger string) error {
	e := s.byName[name]
	if e == nil {
		return fmt.Errorf("jobs: run %q: %w", name, omgjort.ErrUnknownJob)
	}
	if e.running.Load() {
		return fmt.Errorf("jobs: run %s: %w", name, omgjort.ErrJobRunning)
	}
	if w := e.job.Window; w != nil && !w.Contains(time.Now().In(s.cfg.Location)) {
		return fmt.Errorf("jobs: run %s: %w (allowed %s)", name, omgjort.ErrOutsideWindow, w)
	}
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return fmt.Errorf("jobs: run %s: the scheduler is shutting down", name)
	}
	if trigger == omgjort.TriggerAdmin {
		go e.admin.Run()
	} else {
		go e.wrapped.Run()
	}
	return nil
}

// Wait blocks until no job is running or ctx is done; tests and commands use it after RunNow.
func (s *Scheduler) Wait(ctx context.Context) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		busy := false
		for _, e := range s.entries {
			busy = busy || e.running.Load()
		}
		if !busy {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// execute runs one job once and records it. It is what cron calls (inside Recover and
// SkipIfStillRunning) and what RunNow starts.
func (s *Scheduler) execute(e *entry, trigger string) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		s.log.Info("not starting job: shutting down", "job", e.job.Name)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	if !e.running.CompareAndSwap(false, true) {
		s.log.Info("job still running; this run is skipped", "job", e.job.Name)
		s.cfg.Metrics.skipped(e.job.Name)
		return
	}
	defer e.running.Store(false)

	j := e.job
	log := s.log.With("job", j.Name, "trigger", trigger)
	run := &omgjort.CrawlRun{Job: j.Name, Source: j.Source, Started: time.Now(), Result: omgjort.RunRunning, Trigger: trigger}
	if !j.SelfRecorded {
		if err := s.cfg.Recorder.StartRun(run); err != nil {
			log.Error("cannot record job start", "error", err)
		}
	}
	s.cfg.Metrics.started(j.Name)
	log.Info("job started")
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		msg := fmt.Sprintf("panik i kørslen: %v", v)
		log.Error("job panicked", "panic", v, "stack", string(debug.Stack()))
		run.Result, run.Error, run.Ended = omgjort.RunFailed, msg, time.Now().UTC()
		if j.SelfRecorded {
			s.repairJob(j.Name, run.Started, msg)
		} else if err := s.cfg.Recorder.FinishRun(run); err != nil {
			log.Error("cannot record job panic", "error", err)
		}
		s.cfg.Metrics.finished(run)
	}()

	err := j.Run(omgjort.WithTrigger(s.ctx, trigger), run)
	run.Finish(err)
	if run.Trigger == "" {
		run.Trigger = trigger
	}
	if !j.SelfRecorded {
		if ferr := s.cfg.Recorder.FinishRun(run); ferr != nil {
			log.Error("cannot record job end", "error", ferr)
		}
	}
	s.cfg.Metrics.finished(run)
	if run.Result == omgjort.RunFailed {
		log.Error("job failed", "error", run.Error, "duration", run.Ended.Sub(run.Started))
		return
	}
	log.Info("job finished", "duration", run.Ended.Sub(run.Started), "new", run.New, "changed", run.Changed)
}

// repairJob marks the self-recorded run of job that started at or after since and is still
// "running" as failed with msg, after the job panicked before it could finish its record.
func (s *Scheduler) repairJob(job string, since time.Time, msg string) {
	runs, err := s.cfg.Recorder.Runs(50)
	if err != nil {
		s.log.Error("cannot read runs to record a panic", "job", job, "error", err)
		return
	}
	for _, r := range runs {
		if r.Job != job || r.Result != omgjort.RunRunning || r.Started.Before(since.Add(-time.Second)) {
			continue
		}
		r.Result, r.Error, r.Ended = omgjort.RunFailed, msg, time.Now()
		if err := s.cfg.Recorder.FinishRun(&r); err != nil {
			s.log.Error("cannot record a panic", "job", job, "error", err)
		}
		return
	}
	// The job panicked before it recorded a start: record the failure on its own.
	r := &omgjort.CrawlRun{Job: job, Source: s.byName[job].job.Source, Started: since, Ended: time.Now(), Result: omgjort.RunFailed, Error: msg}
	if err := s.cfg.Recorder.StartRun(r); err != nil {
		s.log.Error("cannot record a panic", "job", job, "error", err)
		return
	}
	if err := s.cfg.Recorder.FinishRun(r); err != nil {
		s.log.Error("cannot record a panic", "job", job, "error", err)
	}
}

// cronLogger adapts slog to cron's logr-like Logger, so cron's own messages (and Recover's
// stack traces) reach the program's log instead of stdout.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" { // SkipIfStillRunning: an operator wants to see that a run was skipped
		c.l.Info("cron: a due run was skipped because the job is still running", kv...)
		return
	}
	c.l.Debug("cron: "+msg, kv...)
}
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
