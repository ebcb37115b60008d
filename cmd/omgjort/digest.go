package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"omgjort"
	"omgjort/alerts"
	"omgjort/digest"
)

// mailFlags are the mail settings of serve and digest (architecture.md): --smtp, --smtp-user,
// the password only from OMGJORT_SMTP_PASSWORD (never on a command line), --mail-from,
// --digest-to, plus the site's public address for the links.
type mailFlags struct {
	smtp, user, tls, from, to, siteURL string
	timeout                            time.Duration
	// skipEmpty sends nothing for a week without new decisions (the default sends a short
	// "ingen nye afgørelser" mail, so a silent week is told apart from a broken digest).
	skipEmpty bool
}

func (m *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.smtp, "smtp", "", "SMTP submission server host:port (password in OMGJORT_SMTP_PASSWORD)")
	fs.StringVar(&m.user, "smtp-user", "", "SMTP AUTH user (no AUTH when empty)")
	fs.StringVar(&m.tls, "smtp-tls", digest.TLSStartTLS, "starttls (required), tls (SMTPS) or none (local relay only)")
	fs.StringVar(&m.from, "mail-from", "", "sender address of the digest")
	fs.StringVar(&m.to, "digest-to", "", `recipients: "a@x.dk,b@y.dk=Aktivloven|Sygedagpengeloven" (after "=": only those law areas)`)
	fs.StringVar(&m.siteURL, "site-url", "", "public address of this site, e.g. https://omgjort.kommune.dk: links in the digest (default: to ast.dk), Atom feeds and CSV exports (default: http://ADDR), the OIDC redirect URI, and Secure cookies when https")
	fs.DurationVar(&m.timeout, "smtp-timeout", 30*time.Second, "timeout of the SMTP connection and each command")
	fs.BoolVar(&m.skipEmpty, "digest-skip-empty", false, `send nothing for a week without new decisions (default: a short "ingen nye afgørelser" mail)`)
}

// configured reports whether enough is set to send mail.
func (m *mailFlags) configured() bool { return m.smtp != "" && m.from != "" && m.to != "" }

func (m *mailFlags) mailer(a *app) (*digest.SMTP, error) {
	return digest.NewSMTP(digest.SMTPConfig{Addr: m.smtp, User: m.user, Password: os.Getenv("OMGJORT_SMTP_PASSWORD"),
		TLS: m.tls, Timeout: m.timeout, Logger: a.log})
}

// makeDigest builds the digest of week for the law filter and renders it. It covers what was
// stored since the digest before it (digest.Window), so every decision is in exactly one.
func (a *app) makeDigest(week omgjort.Week, laws []string, siteURL string) (*omgjort.Digest, error) {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	from, through, err := digest.Window(a.db, week, now, loc)
	if err != nil {
		return nil, err
	}
	d, err := digest.Build(a.db, digest.Options{Week: week, Laws: laws, SiteURL: siteURL, Now: now, Location: loc, From: from, Through: through})
	if err != nil {
		return nil, err
	}
	r, err := digest.NewRenderer(nil)
	if err != nil {
		return nil, err
	}
	if _, err := r.Render(d); err != nil {
		return nil, err
	}
	return d, nil
}

// sendDigest builds and stores the week's digest (for every area, and once per law filter a
// recipient has), then delivers it to each recipient exactly once. With saved searches (al),
// the users with weekly alerts get it too, each with their alerts as a section of their copy,
// recorded as sent in the digest send's transaction.
func (a *app) sendDigest(ctx context.Context, m mailFlags, week omgjort.Week, dv *digest.Deliverer, al *alerts.Service) (*omgjort.Digest, digest.Report, error) {
	all, err := a.makeDigest(week, nil, m.siteURL)
	if err != nil {
		return nil, digest.Report{}, err
	}
	if err := a.db.PutDigest(all); err != nil {
		return all, digest.Report{}, err
	}
	if all.Empty() && m.skipEmpty {
		a.log.Info("digest: no new decisions; nothing sent (--digest-skip-empty)", "week", week.String())
		return all, digest.Report{}, nil
	}
	var rcpts []omgjort.Recipient
	if m.to != "" {
		if rcpts, err = omgjort.ParseRecipients(m.to); err != nil {
			return all, digest.Report{}, fmt.Errorf("%w: --digest-to: %v", errUsage, err)
		}
	}
	if al != nil {
		extra, err := al.WeeklyRecipients()
		if err != nil {
			return all, digest.Report{}, err
		}
		have := map[string]bool{}
		for _, r := range rcpts {
			have[strings.ToLower(r.Email)] = true
		}
		for _, e := range extra {
			if !have[strings.ToLower(e)] {
				have[strings.ToLower(e)] = true
				rcpts = append(rcpts, omgjort.Recipient{Email: e})
			}
		}
	}
	if m.smtp == "" || m.from == "" || len(rcpts) == 0 {
		return all, digest.Report{}, errors.New("digest stored, but not sent: --smtp, --mail-from and --digest-to (or users with weekly saved searches) are needed to send")
	}
	renderer, err := digest.NewRenderer(nil)
	if err != nil {
		return all, digest.Report{}, err
	}
	filtered := map[string]*omgjort.Digest{"": all}
	compose := func(r omgjort.Recipient) (*digest.Message, error) {
		key := strings.ToLower(strings.Join(r.Laws, "|"))
		d := filtered[key]
		if d == nil {
			if d, err = a.makeDigest(week, r.Laws, m.siteURL); err != nil {
				return nil, err
			}
			if err := a.db.PutDigest(d); err != nil {
				return nil, err
			}
			filtered[key] = d
		}
		if al != nil {
			return al.DigestMessage(ctx, week, r.Email, d, renderer)
		}
		return &digest.Message{Subject: d.Subject, Date: time.Now(), HTML: d.Rendered.HTML, Text: d.Rendered.Text}, nil
	}
	if dv.Mailer == nil {
		mailer, err := m.mailer(a)
		if err != nil {
			return all, digest.Report{}, fmt.Errorf("%w: %v", errUsage, err)
		}
		dv.Mailer = mailer
	}
	dv.Log, dv.Logger = a.db, a.log
	if al != nil {
		dv.Log = al.DigestLog(a.db)
	}
	rep, err := dv.Deliver(ctx, week, m.from, rcpts, compose)
	return all, rep, err
}

// previousWeek is the ISO week before the one now falls in, in Copenhagen: the digest on a
// Monday covers the week that just ended.
func previousWeek(now time.Time) omgjort.Week {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		loc = time.UTC
	}
	return omgjort.WeekOf(now.In(loc).AddDate(0, 0, -7))
}

// digestJob is the scheduled digest: build, store and send last week's digest.
func (a *app) digestJob(ctx context.Context, m mailFlags, dv *digest.Deliverer, al *alerts.Service, run *omgjort.CrawlRun) error {
	d, rep, err := a.sendDigest(ctx, m, previousWeek(time.Now()), dv, al)
	if d != nil {
		run.New, run.Changed = len(d.New), len(d.Changed)
	}
	run.Fetched = rep.Sent
	for _, r := range rep.Results {
		if r.Action == "failed" {
			run.Errors = append(run.Errors, omgjort.URLError{URL: "mailto:" + r.Recipient, Reason: r.Send.Error})
		}
	}
	return err
}

func runDigest(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "digest", "digest [--week 2026-W47] [--html] [--law Aktivloven] [--send --smtp HOST:PORT --mail-from A --digest-to A,B] [--data DIR]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	weekFlag := fs.String("week", "", "ISO week, e.g. 2026-W47 (default: the week before this one)")
	html := fs.Bool("html", false, "preview the HTML body instead of the plain text")
	law := fs.String("law", "", `preview for some law areas only, e.g. "Aktivloven|Sygedagpengeloven"`)
	send := fs.Bool("send", false, "store the digest and send it to --digest-to (each recipient gets it once per week)")
	var m mailFlags
	m.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	week := previousWeek(time.Now())
	if *weekFlag != "" {
		w, err := omgjort.ParseWeek(*weekFlag)
		if err != nil {
			return fmt.Errorf("%w: --week: %v", errUsage, err)
		}
		week = w
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	if !*send {
		var laws []string
		for _, l := range strings.Split(*law, "|") {
			if l = strings.TrimSpace(l); l != "" {
				laws = append(laws, l)
			}
		}
		d, err := a.makeDigest(week, laws, m.siteURL)
		if err != nil {
			return err
		}
		if *html {
			fmt.Fprint(env.stdout, d.Rendered.HTML)
		} else {
			fmt.Fprintf(env.stdout, "Emne: %s\n\n%s", d.Subject, d.Rendered.Text)
		}
		return nil
	}
	al, err := a.cliAlerts(m)
	if err != nil {
		return err
	}
	d, rep, err := a.sendDigest(ctx, m, week, &digest.Deliverer{}, al)
	if err == nil && d != nil && d.Empty() && m.skipEmpty {
		fmt.Fprintf(env.stdout, "Ugebrev %s: ingen nye afgørelser – intet sendt (--digest-skip-empty).\n", week)
		return nil
	}
	for _, r := range rep.Results {
		switch r.Action {
		case "sent":
			fmt.Fprintf(env.stdout, "%s: sendt\n", r.Recipient)
		case "skipped":
			fmt.Fprintf(env.stdout, "%s: allerede sendt %s\n", r.Recipient, r.Send.SentAt.Local().Format("2006-01-02 15:04"))
		default:
			fmt.Fprintf(env.stdout, "%s: IKKE sendt: %s\n", r.Recipient, r.Send.Error)
		}
	}
	fmt.Fprintf(env.stdout, "Ugebrev %s: %d sendt, %d havde det allerede, %d fejlede.\n", week, rep.Sent, rep.Skipped, rep.Failed)
	return err
}
