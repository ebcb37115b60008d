package omgjort

import (
	"context"
	"errors"
	"time"
)

// JobStatus is how one scheduled job stands, for the status page: its schedule, when it runs
// next, and whether it is running now.
type JobStatus struct {
	Name string `json:"name"`
	// Title is the Danish name shown to operators.
	Title   string    `json:"title"`
	Spec    string    `json:"spec"`
	Next    time.Time `json:"next,omitzero"`
	Running bool      `json:"running"`
}

// Errors of JobRunner.RunNow.
var (
	// ErrUnknownJob: no job has that name.
	ErrUnknownJob = errors.New("no such job")
	// ErrJobRunning: the job is running already, and jobs never overlap themselves.
	ErrJobRunning = errors.New("job is already running")
)

// JobRunner is the scheduler as the server sees it: the status page lists the jobs and the
// admin route starts one now.
type JobRunner interface {
	// Jobs lists every job in a stable order.
	Jobs() []JobStatus
	// RunNow starts the named job in the background; it returns ErrUnknownJob or ErrJobRunning
	// instead of starting it.
	RunNow(name string) error
}

// How a run was started (CrawlRun.Trigger).
const (
	// TriggerSchedule: the scheduler started the run at its time.
	TriggerSchedule = "schedule"
	// TriggerAdmin: an operator started it through the admin route.
	TriggerAdmin = "admin"
)

type triggerKey struct{}

// WithTrigger tells the code that records a run (the crawl commands record their own) how it
// was started.
func WithTrigger(ctx context.Context, trigger string) context.Context {
	return context.WithValue(ctx, triggerKey{}, trigger)
}

// TriggerOf is the trigger WithTrigger put in ctx, or "" (a command run by hand).
func TriggerOf(ctx context.Context) string {
	v, _ := ctx.Value(triggerKey{}).(string)
	return v
}

// DigestReader reads stored digests and their deliveries; the store implements it.
type DigestReader interface {
	// Digests returns the stored digests for all law areas, newest week first, without their
	// rendered bodies.
	Digests() ([]Digest, error)
	// Digest returns the stored digest for all law areas of the week, or ErrNotFound.
	Digest(week Week) (*Digest, error)
	// Sends returns the delivery records of the week, by recipient.
	Sends(week Week) ([]Send, error)
}

// ErrOutsideWindow is returned by JobRunner.RunNow for a job whose source may only be crawled in
// certain hours, when asked outside them.
var ErrOutsideWindow = errors.New("job may not run at this time of day")
