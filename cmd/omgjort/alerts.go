package main

import (
	"context"
	"fmt"

	"omgjort"
	"omgjort/alerts"
	"omgjort/auth"
	"omgjort/digest"
)

// defaultAlertsSpec is the daily alert mail's schedule: after the morning crawls.
const defaultAlertsSpec = "30 7 * * *"

// openAlerts opens the saved searches over the app's store and index, with the signing key
// of the unsubscribe links in the data directory. siteURL roots the mails' links; the daily
// mail goes through mailer (nil: built from the mail flags when they are set).
func (a *app) openAlerts(m mailFlags, siteURL string, mailer digest.Mailer, users alerts.Users, audit omgjort.AuditLogger) (*alerts.Service, error) {
	key, err := alerts.LoadKey(a.dir)
	if err != nil {
		return nil, err
	}
	if mailer == nil && m.smtp != "" && m.from != "" {
		smtp, err := m.mailer(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		mailer = smtp
	}
	return alerts.Open(a.db.Bolt(), alerts.Config{Search: a.Index(), Decisions: a.db, Users: users, Audit: audit,
		Key: key, SiteURL: siteURL, From: m.from, Mailer: mailer, Logger: a.log})
}

// alertsJob is the scheduled daily alert mail: one mail per user with what is new to their
// daily saved searches. A failing search or mail is a run error on /status, by alert ID.
func alertsJob(ctx context.Context, al *alerts.Service, run *omgjort.CrawlRun) error {
	rep, err := al.RunDaily(ctx)
	run.Fetched = rep.Sent
	run.Errors = append(run.Errors, rep.Errors...)
	return err
}

// cliAlerts opens the saved searches for the digest command, which runs without the server.
func (a *app) cliAlerts(m mailFlags) (*alerts.Service, error) {
	users, err := auth.Open(a.db.Bolt())
	if err != nil {
		return nil, err
	}
	return a.openAlerts(m, m.siteURL, nil, users, a.auditLog())
}

// demoSavedSearch gives the demo user a saved search with a weekly alert and a mail address,
// so "Mine gemte søgninger" has something to show.
func (a *app) demoSavedSearch(site string) error {
	users, err := auth.Open(a.db.Bolt())
	if err != nil {
		return err
	}
	al, err := a.openAlerts(mailFlags{}, site, nil, users, omgjort.NopAudit{})
	if err != nil {
		return err
	}
	if list, err := al.List("demo"); err != nil || len(list) > 0 {
		return err // a kept --data directory has it already
	}
	ctx := omgjort.WithUser(context.Background(), &omgjort.User{Name: "demo", Roles: []omgjort.Role{omgjort.RoleAdmin}})
	if _, err := al.Save(ctx, "Sygedagpenge, hjemviste", "q=sygedagpenge&udfald=hjemvist", string(alerts.Weekly)); err != nil {
		return fmt.Errorf("demo saved search: %w", err)
	}
	return al.SetEmail("demo", "demo@example.org")
}
