package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"omgjort"
	"omgjort/alerts"
	"omgjort/digest"
	"omgjort/jobs"
	"omgjort/officialstats"
	"omgjort/server"
)

// Default schedules (Europe/Copenhagen). None may fall between 02:00 and 03:00.
const (
	defaultCrawlSpec    = "15 6 * * *"
	defaultRetsinfoSpec = "45 6 * * *"
	defaultDigestSpec   = "0 7 * * 1"
	defaultBackupSpec   = "30 5 * * *"
	// retsinfoWindow is when retsinformation.dk may be crawled.
	retsinfoWindow = "03:00-23:45"
)

// serveOptions is how the site and the scheduled jobs run.
type serveOptions struct {
	addr            string
	adminToken      string
	jobs            bool
	crawlSpec       string
	retsinfoSpec    string
	digestSpec      string
	alertsSpec      string
	backupSpec      string
	backupDir       string
	backupKeep      int
	retentionOwn    string
	retentionSpec   string
	shutdownTimeout time.Duration
	debugAddr       string
	crawl           crawlFlags
	mail            mailFlags
	// imports are the upload's settings (team list, OCR confidence, tool timeout).
	imports *importOpts
	access  accessFlags
	// listener, when set, is used instead of listening on addr (tests).
	listener net.Listener
	// maintainEvery, when set, replaces releaseEvery (tests of the index repair).
	maintainEvery time.Duration
	// started, when set, receives the scheduler once it runs (tests).
	started func(*jobs.Scheduler)
	// mailer, when set, replaces the SMTP mailer built from the mail flags (tests that trust
	// a private CA).
	mailer digest.Mailer
	// alerts are the saved searches, opened by serveWith once sign-in is set up.
	alerts *alerts.Service
}

func runServe(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "serve", "serve [--data DIR] [--addr HOST:PORT] [--admin-token T] [--smtp HOST:PORT --mail-from A --digest-to A,B]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	var o serveOptions
	o.register(fs)
	o.crawl.register(skipFlags{fs, map[string]bool{"source": true, "full": true, "since": true}})
	o.mail.register(fs)
	var rules rulesFlag
	rules.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.backupDir == "" {
		o.backupDir = filepath.Join(*data, "backups")
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := rules.apply(a); err != nil {
		return err
	}
	// The start-up checks mapped pages of the store that searches never read; nothing writes
	// yet, so they can be dropped from the process's memory (they stay in the page cache).
	if err := a.db.ReleaseMemory(); err != nil {
		a.log.Warn("could not release the store's mapped pages", "error", err)
	}
	if err := a.Index().Warm(ctx); err != nil {
		a.log.Warn("could not prepare the search index's facet table and common words; the first searches will", "error", err)
	}
	// Warm read its postings into memory: their pages of the index files are not needed.
	if err := a.Index().ReleaseMemory(); err != nil {
		a.log.Warn("could not release the index's mapped pages", "error", err)
	}
	return a.serveWith(ctx, o)
}

func (o *serveOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.adminToken, "admin-token", "", "token for POST /admin/… (Authorization: Bearer …); admin routes are off without it")
	fs.BoolVar(&o.jobs, "jobs", true, "run the scheduled jobs (crawls, digest, backup) in this process")
	fs.StringVar(&o.crawlSpec, "schedule-crawl", defaultCrawlSpec, `cron schedule of the ast.dk crawl, Europe/Copenhagen ("off" disables it)`)
	fs.StringVar(&o.retsinfoSpec, "schedule-retsinformation", defaultRetsinfoSpec, `cron schedule of the retsinformation crawl, within `+retsinfoWindow+` ("off" disables it)`)
	fs.StringVar(&o.digestSpec, "schedule-digest", defaultDigestSpec, `cron schedule of the weekly digest of the previous ISO week ("off" disables it)`)
	fs.StringVar(&o.alertsSpec, "schedule-alerts", defaultAlertsSpec, `cron schedule of the daily mail of saved-search alerts ("off" disables it)`)
	fs.StringVar(&o.backupSpec, "schedule-backup", defaultBackupSpec, `cron schedule of the hot backup ("off" disables it)`)
	fs.StringVar(&o.backupDir, "backup-dir", "", "folder for backups (default DATA/backups)")
	fs.IntVar(&o.backupKeep, "backup-keep", 14, "number of backups kept; older ones are deleted")
	fs.StringVar(&o.retentionOwn, "retention-own", "off", `how long own decisions are kept after their date, e.g. 5y, 18m, 1y6m ("off" keeps them)`)
	fs.StringVar(&o.retentionSpec, "schedule-retention", "20 5 * * *", `cron schedule of the daily deletion of own decisions older than --retention-own`)
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 2*time.Minute, "how long shutdown waits for a running job before cancelling it")
	fs.StringVar(&o.debugAddr, "debug-addr", "", "loopback address for Go's profiler (/debug/pprof/); off when empty")
	o.imports = importFlags(skipFlags{fs, map[string]bool{"team": true}})
	o.access.register(fs)
}

// skipFlags registers every flag except the named ones: serve shares the crawl settings but
// not the one-off switches of the crawl command.
type skipFlags struct {
	fs   *flag.FlagSet
	skip map[string]bool
}

func (s skipFlags) StringVar(p *string, name, value, usage string) {
	*p = value
	if !s.skip[name] {
		s.fs.StringVar(p, name, value, usage)
	}
}

func (s skipFlags) DurationVar(p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	if !s.skip[name] {
		s.fs.DurationVar(p, name, value, usage)
	}
}

func (s skipFlags) BoolVar(p *bool, name string, value bool, usage string) {
	*p = value
	if !s.skip[name] {
		s.fs.BoolVar(p, name, value, usage)
	}
}

// serve serves the site without scheduled jobs (the demo).
func (a *app) serve(ctx context.Context, env *environ, addr string) error {
	return a.serveWith(ctx, serveOptions{addr: addr})
}

// releaseEvery is how often serve drops the store's mapped pages from its memory.
const releaseEvery = 30 * time.Second

// serveWith serves the site and, when enabled, runs the scheduled jobs. Shutdown order on ctx:
// the HTTP server stops taking requests, then the scheduler waits for (and if need be cancels)
// running jobs; the caller closes the index and then the store.
func (a *app) serveWith(ctx context.Context, o serveOptions) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := jobs.RegisterDecisionCount(reg, a.db.Count); err != nil {
		return err
	}
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "omgjort_search_cache_hits_total",
			Help: "Searches answered from the result cache."},
			func() float64 { h, _ := a.Index().CacheStats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "omgjort_search_cache_misses_total",
			Help: "Searches computed (not in the result cache)."},
			func() float64 { _, m := a.Index().CacheStats(); return float64(m) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "omgjort_index_write_failures_total",
			Help: "Writes to the search index that failed (a full disk); searches then answer from the last snapshot on disk."},
			func() float64 { return float64(a.Index().Health().Failures) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "omgjort_index_degraded",
			Help: "1 while the search index lacks decisions of the store after a failed write, until it is repaired from the store."},
			func() float64 {
				if a.Index().Health().Degraded {
					return 1
				}
				return 0
			}))
	if err := server.CheckAdminToken(o.adminToken); err != nil {
		return fmt.Errorf("%w: --admin-token: %v", errUsage, err)
	}
	warnIfExposed(a.log, o.addr, o.mail.siteURL)
	official := officialstats.New(a.db)
	cfg := server.Config{Addr: o.addr, Logger: a.log, Digests: a.db, Metrics: reg, AdminToken: o.adminToken,
		Official: official, TeamStats: official, SiteURL: o.mail.siteURL,
		IndexHealth: func() (bool, time.Time) { h := a.Index().Health(); return h.Degraded, h.LastFailure }}
	cfg.Curation = newCuration(a)
	imports, err := a.importService(o.imports, a.auditLog())
	if err != nil {
		return err
	}
	cfg.Imports = imports
	listenAddr := o.addr
	if o.listener != nil {
		listenAddr = o.listener.Addr().String()
	}
	acc := o.access
	acc.siteURL = o.mail.siteURL
	stopAccess, err := a.setupAccess(ctx, listenAddr, acc, &cfg) // sign-in, roles, audit (access.go)
	if err != nil {
		return err
	}
	defer stopAccess()
	if cfg.Audit != nil {
		imports.audit = cfg.Audit // uploads and reviews go to the audit log of the sign-in work
	}
	site := o.mail.siteURL
	if site == "" {
		site = "http://" + listenAddr
	}
	if o.alerts, err = a.openAlerts(o.mail, site, o.mailer, cfg.Auth, cfg.Audit); err != nil {
		return err
	}
	cfg.Alerts = o.alerts
	var sched *jobs.Scheduler
	if !o.jobs {
		if err := jobs.RegisterSourceFreshness(reg, a.db); err != nil {
			return err
		}
	}
	if o.jobs {
		metrics, err := jobs.NewMetrics(reg)
		if err != nil {
			return err
		}
		list, err := a.jobList(o)
		if err != nil {
			return err
		}
		sched, err = jobs.New(jobs.Config{Logger: a.log, Recorder: a.db, Metrics: metrics}, list...)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		cfg.Jobs = sched
	}
	srv, err := server.New(cfg, a.Index(), a.db)
	if err != nil {
		return err
	}
	// Reading decisions (decision pages, feeds) and searching map pages of the store and of
	// the index that stay in the process's memory map; drop them now and then (they stay in
	// the page cache, and what searches need is mapped again at once).
	// The same ticker repairs the index from the store after a failed write (a full disk).
	relCtx, stopRelease := context.WithCancel(ctx)
	released := make(chan struct{})
	every := releaseEvery
	if o.maintainEvery > 0 {
		every = o.maintainEvery
	}
	go func() {
		defer close(released)
		t := time.NewTicker(every)
		defer t.Stop()
		var seen uint64
		for {
			select {
			case <-relCtx.Done():
				return
			case <-t.C:
				a.repairIndex(&seen)
				if err := a.db.ReleaseMemory(); err != nil {
					a.log.Warn("could not release the store's mapped pages", "error", err)
				}
				if err := a.Index().ReleaseMemory(); err != nil {
					a.log.Warn("could not release the index's mapped pages", "error", err)
				}
			}
		}
	}()
	defer func() { stopRelease(); <-released }()
	if o.debugAddr != "" {
		stop, err := serveDebug(o.debugAddr, a.log)
		if err != nil {
			return err
		}
		defer stop()
	}
	if sched != nil {
		sched.Start()
		if o.started != nil {
			o.started(sched)
		}
	}
	if o.listener != nil {
		err = srv.Serve(ctx, o.listener)
	} else {
		a.log.Info("serving", "url", "http://"+o.addr+"/")
		err = srv.ListenAndServe(ctx)
	}
	if sched != nil {
		timeout := o.shutdownTimeout
		if timeout == 0 {
			timeout = 2 * time.Minute
		}
		err = errors.Join(err, sched.Stop(timeout))
	}
	return err
}

// warnIfExposed warns when serve listens beyond loopback while the public address is not
// https: the admin token and everything else would cross the network in clear text unless a
// TLS proxy stands in front, which is the documented way to expose Omgjort.
func warnIfExposed(log interface {
	Warn(msg string, args ...any)
}, addr, siteURL string) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if loopback || strings.HasPrefix(strings.ToLower(siteURL), "https://") {
		return
	}
	log.Warn("serve listens beyond loopback without TLS in front: put a TLS reverse proxy before it and set --site-url https://…, or listen on 127.0.0.1",
		"addr", addr, "site_url", siteURL)
}

// jobList is the one place that says which jobs run and what each does.
func (a *app) jobList(o serveOptions) ([]jobs.Job, error) {
	var list []jobs.Job
	add := func(spec string, j jobs.Job) {
		if strings.TrimSpace(spec) == "off" {
			a.log.Info("job disabled", "job", j.Name)
			return
		}
		j.Spec = spec
		list = append(list, j)
	}
	// scheduled: crawl ast.dk. The crawl records its own run; a failure is retried by the
	// next scheduled run, and every page shows it in red until a crawl succeeds.
	add(o.crawlSpec, jobs.Job{Name: "crawl-astdk", Title: omgjort.JobTitles["crawl-astdk"], Source: "astdk", SelfRecorded: true,
		Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			r, err := a.crawl(ctx, o.crawl.config())
			*run = r
			return err
		}})
	// scheduled: crawl retsinformation.dk, only inside its window.
	window, err := jobs.ParseWindow(retsinfoWindow)
	if err != nil {
		return nil, err
	}
	add(o.retsinfoSpec, jobs.Job{Name: "crawl-retsinformation", Title: omgjort.JobTitles["crawl-retsinformation"], Source: "retsinformation",
		Window: window, SelfRecorded: true,
		Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			r, err := a.crawlRetsinfo(ctx, o.crawl.retsinfoConfig())
			*run = r
			return err
		}})
	// scheduled: the digest of the ISO week that just ended. Re-running it (schedule or admin)
	// rebuilds the stored digest and sends only to recipients that have not had it.
	add(o.digestSpec, jobs.Job{Name: "digest", Title: omgjort.JobTitles["digest"],
		Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			return a.digestJob(ctx, o.mail, &digest.Deliverer{Mailer: o.mailer}, o.alerts, run)
		}})
	// scheduled: the daily mail of saved-search alerts, after the morning crawls. Re-running it
	// the same day sends only mails that an earlier run planned and could not deliver.
	if o.alerts != nil {
		if o.alertsSpec == "" {
			o.alertsSpec = defaultAlertsSpec // options built in code (tests, demo) leave it unset
		}
		add(o.alertsSpec, jobs.Job{Name: "alerts", Title: omgjort.JobTitles["alerts"],
			Run: func(ctx context.Context, run *omgjort.CrawlRun) error { return alertsJob(ctx, o.alerts, run) }})
	}
	// scheduled: hot backup with rotation; a failure shows on /status and in the metrics.
	add(o.backupSpec, jobs.Job{Name: "backup", Title: omgjort.JobTitles["backup"],
		Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
			path, n, err := jobs.Backup(a.db, o.backupDir, o.backupKeep, time.Now())
			if err != nil {
				return err
			}
			a.log.Info("backup written", "file", path, "bytes", n)
			return nil
		}})
	// scheduled: delete own decisions older than the retention, for good (delete.go).
	ret, err := jobs.ParseRetention(o.retentionOwn)
	if err != nil {
		return nil, err
	}
	if !ret.IsZero() {
		add(o.retentionSpec, jobs.Job{Name: retentionJob, Title: omgjort.JobTitles[retentionJob],
			Run: func(ctx context.Context, run *omgjort.CrawlRun) error {
				return a.expireOwn(ctx, ret, time.Now(), run)
			}})
	}
	return list, nil
}
