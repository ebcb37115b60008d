package server

import (
	"maps"
	"net/http"
	"time"

	"omgjort"
)

// statusRuns is how many of the newest run records /status lists.
const statusRuns = 40

// statusPage is the data of /status: the sources' health, the jobs with their next run, the
// newest runs, and the delivery of the newest digest, so an operator sees at a glance what failed.
type statusPage struct {
	base
	Sources   []sourceView
	JobsOff   bool
	Jobs      []jobView
	Runs      []runView
	RunsError bool
	Admin     bool
	// Detail is true for an admin (the admin token or a signed-in administrator): raw error
	// messages are shown. Others see that something failed and when, never the raw text,
	// which can hold internal addresses.
	Detail bool
	// SignedInAdmin is set for a signed-in user who may start jobs: the form carries the
	// session's CSRF token instead of asking for the admin token.
	SignedInAdmin bool
	CSRF          string
	Week          string
	Sends         []sendView
	// IndexDegraded: a write to the search index failed; IndexSince is when.
	IndexDegraded bool
	IndexSince    string
	// FailingAlerts are the saved searches whose last run failed, for admins only.
	FailingAlerts []failingAlertView
}

type failingAlertView struct {
	ID, User, Reason, When string
}

type sourceView struct {
	Name, LastOK, Error, FailedAt string
	Failed, Stale, Never          bool
	// Days since the last success, for a stale source.
	Days int
}

type jobView struct {
	Name, Title, Spec, Next string
	Running                 bool
}

type runView struct {
	ID                          uint64
	Job, Title, Started         string
	Duration                    string
	Result                      string
	Failed, Running             bool
	New, Changed, Fetched, Errs int
	Error                       string
	// ByAdmin: an operator started the run through the admin route.
	ByAdmin bool
}

type sendView struct {
	Recipient, State, When, Error string
	Failed                        bool
	Attempts                      int
}

// hiddenError is what /status says instead of a raw error message to those who are not admins.
const hiddenError = "Fejlbeskeden vises kun for administratorer (log ind som administrator)."

// handleStatus serves /status. Who reads it: operators, and monitoring that scrapes it for
// the word "mislykkedes"; /metrics is the machine-readable twin. An administrator (signed in,
// or with the admin token as a bearer token) sees the raw error messages; everyone else sees
// what failed and when.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	// Run errors and the admin forms are for operators: never kept by a cache or a browser.
	w.Header().Set("Cache-Control", "no-store")
	adminUser := omgjort.UserFrom(r.Context()).Can(omgjort.PermAdminJobs)
	signedInAdmin := adminUser && !infoFrom(r.Context()).bearer
	detail := adminUser
	p := statusPage{base: base{Title: "Driftsstatus", Fresh: s.freshness()}, Admin: s.cfg.AdminToken != "", Detail: detail}
	if signedInAdmin {
		p.Admin, p.SignedInAdmin, p.CSRF = true, true, infoFrom(r.Context()).csrf
	}
	raw := func(msg string) string {
		if detail || msg == "" {
			return msg
		}
		return hiddenError
	}
	if s.cfg.IndexHealth != nil {
		if bad, since := s.cfg.IndexHealth(); bad {
			p.IndexDegraded, p.IndexSince = true, s.danishTime(since)
		}
	}
	runs, err := s.decisions.Runs(freshnessRuns)
	if err != nil {
		s.log.Error("server: status: read runs", "error", err)
		p.RunsError = true
	}
	now := time.Now()
	for _, sc := range omgjort.SourceChecks(runs, now) {
		v := sourceView{Name: sc.Name, Failed: sc.Failed, Stale: sc.Stale, Error: raw(sc.Error), LastOK: "aldrig", Never: sc.LastOK.IsZero()}
		if !sc.LastOK.IsZero() {
			v.LastOK = s.danishTime(sc.LastOK)
			v.Days = int(now.Sub(sc.LastOK).Hours() / 24)
		}
		if sc.Failed {
			v.FailedAt = s.danishTime(sc.FailedAt)
		}
		p.Sources = append(p.Sources, v)
	}
	if s.cfg.Jobs == nil {
		p.JobsOff = true
	} else {
		for _, j := range s.cfg.Jobs.Jobs() {
			v := jobView{Name: j.Name, Title: j.Title, Spec: j.Spec, Running: j.Running, Next: "ikke planlagt"}
			if v.Title == "" {
				v.Title = j.Name
			}
			if !j.Next.IsZero() {
				v.Next = s.danishTime(j.Next)
			}
			p.Jobs = append(p.Jobs, v)
		}
	}
	titles := maps.Clone(omgjort.JobTitles)
	for _, j := range p.Jobs {
		titles[j.Name] = j.Title
	}
	for i, run := range runs {
		if i == statusRuns {
			break
		}
		v := runView{ID: run.ID, Job: run.Job, Title: titles[run.Job], Started: s.danishTime(run.Started), New: run.New,
			Changed: run.Changed, Fetched: run.Fetched, Errs: run.ParseFailed + run.FetchFailed, Error: raw(run.Error),
			ByAdmin: run.Trigger == omgjort.TriggerAdmin}
		if v.Title == "" {
			v.Title = run.Job
		}
		switch run.Result {
		case omgjort.RunOK:
			v.Result = "OK"
		case omgjort.RunFailed:
			v.Result, v.Failed = "Mislykkedes", true
		default:
			v.Result, v.Running = "Kører", true
		}
		if !run.Ended.IsZero() {
			v.Duration = run.Ended.Sub(run.Started).Round(time.Second).String()
		}
		p.Runs = append(p.Runs, v)
	}
	if s.cfg.Digests != nil {
		if ds, err := s.cfg.Digests.Digests(); err == nil && len(ds) > 0 {
			p.Week = ds[0].WeekName
			sends, err := s.cfg.Digests.Sends(ds[0].Week)
			if err != nil {
				s.log.Error("server: status: read sends", "error", err)
			}
			for _, sd := range sends {
				v := sendView{Recipient: sd.Recipient, Attempts: sd.Attempts, Error: raw(sd.Error)}
				switch sd.State {
				case omgjort.SendSent:
					v.State, v.When = "Sendt", s.danishTime(sd.SentAt)
				case omgjort.SendFailed:
					v.State, v.Failed, v.When = "Mislykkedes", true, s.danishTime(sd.Updated)
					if sd.Permanent {
						v.State = "Afvist af mailserveren"
					}
				default:
					v.State, v.When = "Venter", s.danishTime(sd.Updated)
				}
				p.Sends = append(p.Sends, v)
			}
		}
	}
	if detail && s.cfg.Alerts != nil {
		all, err := s.cfg.Alerts.All()
		if err != nil {
			s.log.Error("server: status: read saved searches", "error", err)
		}
		for _, a := range all {
			if a.LastError != "" {
				p.FailingAlerts = append(p.FailingAlerts, failingAlertView{ID: a.ID, User: a.User, Reason: a.LastError, When: s.danishTime(a.LastErrorAt)})
			}
		}
	}
	s.render(w, r, http.StatusOK, "status.html", p)
}
