package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/jobs"
	"omgjort/server"
	"omgjort/store"
)

// TestSignedInAdminStartsJobs: on /status a signed-in administrator starts a job with the
// session's CSRF token (no admin token asked for); a jurist is asked for the admin token and
// refused when posting with the session alone.
func TestSignedInAdminStartsJobs(t *testing.T) {
	ran := make(chan struct{}, 1)
	var sched *jobs.Scheduler
	f := newAuthFixture(t, func(c *server.Config, _ string, db *store.DB) {
		var err error
		sched, err = jobs.New(jobs.Config{Recorder: db}, jobs.Job{Name: "noop", Title: "Prøvejob", Spec: "0 5 * * *",
			Run: func(context.Context, *omgjort.CrawlRun) error { ran <- struct{}{}; return nil }})
		if err != nil {
			t.Fatal(err)
		}
		c.Jobs = sched
	})
	sched.Start()
	t.Cleanup(func() { _ = sched.Stop(time.Second) })

	signIn := func(user string) (*http.Client, string) {
		c := browserClient(t)
		csrf := getCSRF(t, c, f.ts.URL+"/signin")
		resp, _ := post(t, c, f.ts.URL+"/signin", url.Values{"csrf": {csrf}, "username": {user}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", user, resp.StatusCode)
		}
		resp, err := c.Get(f.ts.URL + "/status")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return c, string(b)
	}
	c, page := signIn("u-admin")
	if !strings.Contains(page, `action="/admin/run/noop"`) || strings.Contains(page, `name="token"`) {
		t.Fatalf("admin's /status: start form missing or asks for the token")
	}
	csrf := csrfRe.FindStringSubmatch(page[strings.Index(page, `action="/admin/run/noop"`):])[1]
	resp, _ := post(t, c, f.ts.URL+"/admin/run/noop", url.Values{"csrf": {csrf}})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("admin start: %d", resp.StatusCode)
	}
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("the job did not run")
	}
	if resp, _ := post(t, c, f.ts.URL+"/admin/run/noop", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("admin start without CSRF: %d", resp.StatusCode)
	}

	c, page = signIn("u-jurist")
	// With --admin-token set, others see the token form (as before sign-in), never a
	// session-only one.
	if !strings.Contains(page, `name="token"`) {
		t.Error("a jurist gets a start form without the admin token field")
	}
	csrf = csrfRe.FindStringSubmatch(page)[1]
	if resp, _ := post(t, c, f.ts.URL+"/admin/run/noop", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("jurist start: %d", resp.StatusCode)
	}
}
