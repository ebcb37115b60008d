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
	Week      string
	Sends     []sendView
	// IndexDegraded: a write to the search index failed; IndexSince is when.
	IndexDegraded bool
	IndexSince    string
}

type sourceView struct {
	Name, LastOK, Error string
	Failed, Stale       bool
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

// handleStatus serves /status. Who reads it: operators, and monitoring that scrapes it for
// the word "mislykkedes"; /metrics is the machine-readable twin.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	// Run errors and the admin forms are for operators: never kept by a cache or a browser.
	w.Header().Set("Cache-Control", "no-store")
	p := statusPage{base: base{Title: "Driftsstatus", Fresh: s.freshness()}, Admin: s.cfg.AdminToken != ""}
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
	for _, sc := range omgjort.SourceChecks(runs, time.Now()) {
		v := sourceView{Name: sc.Name, Failed: sc.Failed, Stale: sc.Stale, Error: sc.Error, LastOK: "aldrig"}
		if !sc.LastOK.IsZero() {
			v.LastOK = s.danishTime(sc.LastOK)
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
			Changed: run.Changed, Fetched: run.Fetched, Errs: run.ParseFailed + run.FetchFailed, Error: run.Error,
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
				v := sendView{Recipient: sd.Recipient, Attempts: sd.Attempts, Error: sd.Error}
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
	s.render(w, r, http.StatusOK, "status.html", p)
}
