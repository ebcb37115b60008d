package alerts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
	"omgjort/digest"
)

// Delivery, and why a decision reaches an alert once:
//
// A mail is planned before it is sent: the decisions new to each alert are frozen in an outbox
// record (one per user and day for the daily mail, per address and week for the digest), with
// a Message-ID derived from owner and period. The record turns "sending" just before the SMTP
// transaction, and once the server has accepted the message one bbolt transaction marks the
// record sent AND adds its decisions to each alert's set of sent decisions. So a failed or
// interrupted delivery leaves the decisions unsent (the rerun sends the same frozen mail, with
// the same Message-ID, exactly once), and a committed one never lists them again. The one
// window that cannot be closed is between the server's acceptance and that commit: a crash
// there resends the same message, recognisable by its Message-ID (SMTP is at-least-once).
//
// "New to the alert" is the set of sent decisions, not a date mark: a decision first stored
// after the search was saved that matches it and is not in the set. Re-indexing, a new
// version of a decision, or a crawl that stores late but with an old publication date neither
// repeats nor skips anything, and a decision that starts to match after a reclassification
// is new to the alert then.

// outbox is one planned alert mail.
type outbox struct {
	Key    string `json:"key"`
	Kind   string `json:"kind"`   // "daily" or "weekly"
	Period string `json:"period"` // YYYY-MM-DD or YYYY-Www
	// Owner is the user name (daily) or the mail address (weekly).
	Owner     string            `json:"owner"`
	Email     string            `json:"email"`
	MessageID string            `json:"message_id"`
	State     omgjort.SendState `json:"state"`
	Attempts  int               `json:"attempts,omitempty"`
	Permanent bool              `json:"permanent,omitempty"`
	Error     string            `json:"error,omitempty"`
	Items     []item            `json:"items"`
	Created   time.Time         `json:"created"`
	Updated   time.Time         `json:"updated"`
	SentAt    time.Time         `json:"sent_at,omitzero"`
}

// stateSuperseded marks a daily mail that never went out and whose decisions a later day's
// mail carries instead (a user gets one alert mail a day, never yesterday's and today's).
const stateSuperseded omgjort.SendState = "superseded"

// item is one alert's part of a mail.
type item struct {
	AlertID string                `json:"alert_id"`
	User    string                `json:"user"`
	Name    string                `json:"name"`
	Query   string                `json:"query"`
	Entries []omgjort.DigestEntry `json:"entries,omitempty"`
	// Own are the IDs of the new own decisions: counted in the mail, never described.
	Own []string `json:"own,omitempty"`
}

func (it item) count() int { return len(it.Entries) + len(it.Own) }

func outboxKey(kind, period, owner string) []byte {
	return []byte(kind + "\x00" + period + "\x00" + strings.ToLower(strings.TrimSpace(owner)))
}

func (s *Service) getOutbox(key []byte) (*outbox, error) {
	var ob *outbox
	err := s.db.View(func(tx *bolt.Tx) error {
		var o outbox
		ok, err := getJSON(tx.Bucket(bucketOutbox), key, &o)
		if ok {
			ob = &o
		}
		return err
	})
	return ob, err
}

func (s *Service) putOutbox(ob *outbox) error {
	ob.Updated = s.now()
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketOutbox), []byte(ob.Key), ob)
	})
}

// candidate is what planning needs of a stored decision.
type candidate struct {
	omgjort.DigestEntry
	own   bool
	first time.Time
}

// candidates reads the decisions first stored after since.
func (s *Service) candidates(since time.Time) ([]candidate, error) {
	var out []candidate
	err := s.cfg.Decisions.ForEach(func(d *omgjort.Decision) error {
		first := d.FirstStored
		if first.IsZero() {
			first = d.FetchedAt
		}
		if !first.After(since) {
			return nil
		}
		e := omgjort.DigestEntry{ID: d.ID, Number: d.Number, Title: d.Title, Published: d.Published, Outcome: d.Outcome, URL: d.URL}
		if e.Title == "" {
			e.Title = "Afgørelse " + d.Number
		}
		out = append(out, candidate{DigestEntry: e, own: d.IsOwn(), first: first})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: read new decisions: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Published != out[j].Published {
			return out[i].Published > out[j].Published
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// alertError is an alert that could not be evaluated, with a Danish reason.
type alertError struct {
	alert  Alert
	reason string
}

// plan finds, for each alert of user u, the decisions among cands that are new to it: first
// stored after it was saved, matching its search now, not sent before, and, for own
// decisions, only while u may read them.
func (s *Service) plan(ctx context.Context, u *omgjort.User, list []Alert, cands []candidate) ([]item, []alertError, error) {
	var items []item
	var bad []alertError
	for _, a := range list {
		req, msg := Request(a.Query)
		if msg != "" {
			bad = append(bad, alertError{a, "Den gemte søgning kan ikke længere læses: " + msg})
			continue
		}
		seen, err := s.seen(a.ID)
		if err != nil {
			return nil, nil, err
		}
		// Run once as it stands, so a search the index can no longer run is reported even on
		// a day without new decisions.
		probe := req
		probe.Size, probe.IncludeOwn = 1, u.Can(omgjort.PermReadOwn)
		if _, err := s.cfg.Search.Search(ctx, probe); err != nil {
			var qe *omgjort.QueryError
			if errors.As(err, &qe) {
				bad = append(bad, alertError{a, "Den gemte søgning kan ikke længere køres: " + qe.Message})
				continue
			}
			return nil, nil, fmt.Errorf("alerts: search for %s: %w", a.ID, err)
		}
		it := item{AlertID: a.ID, User: a.User, Name: a.Name, Query: a.Query}
		failed := false
		for _, c := range cands {
			if !c.first.After(a.Created) || seen[c.ID] || (c.own && !u.Can(omgjort.PermReadOwn)) {
				continue
			}
			number := omgjort.NormalizeNumber(c.Number)
			if number == "" || strings.ContainsRune(number, '"') {
				continue
			}
			r := req
			r.Query = strings.TrimSpace(r.Query + ` nr:"` + number + `"`)
			r.Size, r.IncludeOwn = 10, c.own
			res, err := s.cfg.Search.Search(ctx, r)
			var qe *omgjort.QueryError
			if errors.As(err, &qe) {
				bad = append(bad, alertError{a, "Den gemte søgning kan ikke længere køres: " + qe.Message})
				failed = true
				break
			}
			if err != nil {
				return nil, nil, fmt.Errorf("alerts: search for %s: %w", a.ID, err)
			}
			for _, h := range res.Hits {
				if h.ID != c.ID {
					continue
				}
				if c.own {
					it.Own = append(it.Own, c.ID)
				} else {
					e := c.DigestEntry
					e.URL = s.decisionURL(c.DigestEntry)
					it.Entries = append(it.Entries, e)
				}
				break
			}
		}
		if !failed && it.count() > 0 {
			items = append(items, it)
		}
	}
	return items, bad, nil
}

func (s *Service) seen(alertID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen).Bucket([]byte(alertID))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error { out[string(k)] = true; return nil })
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: read sent decisions of %s: %w", alertID, err)
	}
	return out, nil
}

func (s *Service) decisionURL(e omgjort.DigestEntry) string {
	if s.site() != "" {
		return s.site() + "/d/" + url.PathEscape(e.ID)
	}
	return e.URL
}

// recordErrors stores each failing alert's reason, for its owner's page and the run record.
func (s *Service) recordErrors(bad []alertError) []omgjort.URLError {
	var out []omgjort.URLError
	for _, b := range bad {
		_, err := s.update("", b.alert.ID, func(a *Alert) error {
			a.LastError, a.LastErrorAt = b.reason, s.now()
			return nil
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			s.log.Error("could not record a failing alert", "alert", b.alert.ID, "error", err)
		}
		out = append(out, omgjort.URLError{URL: "alert:" + b.alert.ID, Reason: b.reason})
	}
	return out
}

// commitTx marks the outbox sent and adds its decisions to each alert's sent set, in tx.
func (s *Service) commitTx(tx *bolt.Tx, key []byte, at time.Time) (*outbox, error) {
	ob := &outbox{}
	ok, err := getJSON(tx.Bucket(bucketOutbox), key, ob)
	if err != nil || !ok || ob.State == omgjort.SendSent {
		return nil, err
	}
	ob.State, ob.SentAt, ob.Updated, ob.Error = omgjort.SendSent, at, at, ""
	if err := putJSON(tx.Bucket(bucketOutbox), key, ob); err != nil {
		return nil, err
	}
	alerts := tx.Bucket(bucketAlerts)
	for _, it := range ob.Items {
		var a Alert
		if ok, err := getJSON(alerts, []byte(it.AlertID), &a); err != nil {
			return nil, err
		} else if !ok {
			continue // deleted since it was planned
		}
		seen, err := tx.Bucket(bucketSeen).CreateBucketIfNotExists([]byte(it.AlertID))
		if err != nil {
			return nil, err
		}
		for _, e := range it.Entries {
			if err := seen.Put([]byte(e.ID), key); err != nil {
				return nil, err
			}
		}
		for _, id := range it.Own {
			if err := seen.Put([]byte(id), key); err != nil {
				return nil, err
			}
		}
		a.LastSent, a.Sent, a.LastError = at, a.Sent+it.count(), ""
		if err := putJSON(alerts, []byte(a.ID), a); err != nil {
			return nil, err
		}
	}
	return ob, nil
}

// auditOwn records every own decision a sent mail counted.
func (s *Service) auditOwn(ctx context.Context, ob *outbox) {
	if ob == nil {
		return
	}
	for _, it := range ob.Items {
		for _, id := range it.Own {
			err := s.cfg.Audit.Record(ctx, omgjort.AuditEntry{Time: s.now(), User: it.User, Action: omgjort.AuditAlert,
				DecisionID: id, Query: it.Query, Outcome: omgjort.AuditOK,
				Detail: "talt med (uden tekst) i " + map[string]string{"daily": "daglig", "weekly": "ugentlig"}[ob.Kind] + " mail om gemt søgning"})
			if err != nil {
				s.log.Error("audit log write failed", "action", omgjort.AuditAlert, "error", err)
			}
		}
	}
}

// users returns the current principal of each user name, re-read at send time; a user who
// is gone or holds no role that reads published decisions is left out.
func (s *Service) users(names []string) map[string]*omgjort.User {
	out := map[string]*omgjort.User{}
	for _, n := range names {
		if s.cfg.Users == nil {
			continue
		}
		u, err := s.cfg.Users.User(n)
		if err != nil || !u.Can(omgjort.PermReadPublished) {
			s.log.Info("alerts of a user who is gone or has no role skipped") // no name: logs hold nothing personal
			continue
		}
		out[n] = u
	}
	return out
}

// Report sums up one daily run.
type Report struct {
	Sent, Skipped, Failed int
	// Errors are the alerts and mails that failed, for the run record on /status.
	Errors []omgjort.URLError
}

// RunDaily sends each user with daily alerts one mail with what is new to them, at most one
// mail per user and day (in Location). Run again the same day it sends only what an earlier
// run planned and could not deliver. The error is non-nil when some mail or alert failed.
func (s *Service) RunDaily(ctx context.Context) (Report, error) {
	s.run.Lock()
	defer s.run.Unlock()
	var rep Report
	now := s.now()
	day := now.In(s.loc).Format(time.DateOnly)
	all, err := s.All()
	if err != nil {
		return rep, err
	}
	byUser := map[string][]Alert{}
	since := now
	for _, a := range all {
		if a.Freq != Daily {
			continue
		}
		byUser[a.User] = append(byUser[a.User], a)
		if a.Created.Before(since) {
			since = a.Created
		}
	}
	names := make([]string, 0, len(byUser))
	for n := range byUser {
		names = append(names, n)
	}
	sort.Strings(names)
	users := s.users(names)
	var cands []candidate
	if len(users) > 0 {
		if cands, err = s.candidates(since); err != nil {
			return rep, err
		}
	}
	var errs []error
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("alerts: daily run stopped: %w", err))
			break
		}
		u := users[name]
		if u == nil {
			continue // roles re-checked: a user who lost access gets nothing more
		}
		key := outboxKey("daily", day, name)
		ob, err := s.getOutbox(key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ob != nil && (ob.State == omgjort.SendSent || ob.Permanent) {
			rep.Skipped++
			continue
		}
		email, err := s.Email(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if email == "" {
			var bad []alertError
			for _, a := range byUser[name] {
				bad = append(bad, alertError{a, "Der er ingen mailadresse til dine beskeder. Skriv den på siden Mine gemte søgninger."})
			}
			rep.Errors = append(rep.Errors, s.recordErrors(bad)...)
			rep.Failed++
			continue
		}
		if ob == nil {
			if err := s.supersede(name, day); err != nil {
				errs = append(errs, err)
				continue
			}
			items, bad, err := s.plan(ctx, u, byUser[name], cands)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rep.Errors = append(rep.Errors, s.recordErrors(bad)...)
			if len(items) == 0 {
				continue
			}
			ob = &outbox{Key: string(key), Kind: "daily", Period: day, Owner: name, Email: email,
				MessageID: messageID("alert", day, name, s.cfg.From), State: omgjort.SendPending, Items: items, Created: now}
			if err := s.putOutbox(ob); err != nil {
				errs = append(errs, err)
				continue
			}
		} else if ob = s.replan(ob, u, byUser[name]); ob.State == stateSuperseded {
			if err := s.putOutbox(ob); err != nil {
				errs = append(errs, err)
			}
			continue
		} else {
			ob.Email = email
		}
		if err := s.deliver(ctx, ob); err != nil {
			rep.Failed++
			rep.Errors = append(rep.Errors, omgjort.URLError{URL: "alert-mail:" + ob.Period, Reason: ob.Error})
			errs = append(errs, err)
			continue
		}
		rep.Sent++
	}
	if len(rep.Errors) > 0 && len(errs) == 0 {
		var why []string
		for _, e := range rep.Errors {
			why = append(why, e.URL+": "+e.Reason)
		}
		errs = append(errs, fmt.Errorf("alerts: %d saved searches could not be run or mailed (%s)", len(rep.Errors), strings.Join(why, "; ")))
	}
	return rep, errors.Join(errs...)
}

// replan trims a planned mail that is being retried to what may still be sent: searches
// still daily (not deleted or unsubscribed since) and own decisions only while the user may
// read them. Nothing left: the mail is given up.
func (s *Service) replan(ob *outbox, u *omgjort.User, daily []Alert) *outbox {
	still := map[string]bool{}
	for _, a := range daily {
		still[a.ID] = true
	}
	var items []item
	for _, it := range ob.Items {
		if !still[it.AlertID] {
			continue
		}
		if !u.Can(omgjort.PermReadOwn) {
			it.Own = nil
		}
		if it.count() > 0 {
			items = append(items, it)
		}
	}
	ob.Items = items
	if len(items) == 0 {
		ob.State = stateSuperseded
	}
	return ob
}

// supersede gives up the user's daily mails of earlier days that never went out: their
// decisions were not marked sent, so today's plan carries them.
func (s *Service) supersede(user, day string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		c := b.Cursor()
		prefix := []byte("daily\x00")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			parts := strings.SplitN(string(k), "\x00", 3)
			if len(parts) != 3 || parts[2] != userKey(user) || parts[1] >= day {
				continue
			}
			var ob outbox
			if err := json.Unmarshal(v, &ob); err != nil {
				return err
			}
			if ob.State == omgjort.SendSent || ob.State == stateSuperseded {
				continue
			}
			ob.State = stateSuperseded
			if err := putJSON(b, k, ob); err != nil {
				return err
			}
		}
		return nil
	})
}

// messageID is the stable Message-ID of a planned mail, the same on every attempt.
func messageID(kind, period, owner, from string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(owner))))
	domain := "omgjort.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = strings.Trim(from[at+1:], "<> ")
	}
	return fmt.Sprintf("%s.%s.%s@%s", kind, period, hex.EncodeToString(sum[:8]), domain)
}

func (s *Service) at(stage, owner string) error {
	if s.hook != nil {
		return s.hook(stage, owner)
	}
	return nil
}

// deliver sends a planned daily mail and commits it; see the comment at the top.
func (s *Service) deliver(ctx context.Context, ob *outbox) error {
	if s.cfg.Mailer == nil || s.cfg.From == "" {
		ob.Error = "mail er ikke sat op (--smtp og --mail-from)"
		return errors.New("alerts: no mailer: --smtp and --mail-from are needed to send alerts")
	}
	msg, err := s.render(ob)
	if err != nil {
		return err
	}
	attempts := s.cfg.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	backoff := s.cfg.Backoff
	if backoff <= 0 {
		backoff = 5 * time.Second
	}
	for attempt := 1; ; attempt++ {
		ob.State, ob.Attempts = omgjort.SendSending, ob.Attempts+1
		if err := s.putOutbox(ob); err != nil {
			return fmt.Errorf("alerts: record sending: %w", err)
		}
		if err := s.at("sending", ob.Owner); err != nil {
			return err
		}
		sendErr := s.cfg.Mailer.Send(ctx, msg)
		if err := s.at("handed-over", ob.Owner); err != nil {
			return err
		}
		if sendErr == nil {
			var done *outbox
			err := s.db.Update(func(tx *bolt.Tx) error {
				var err error
				done, err = s.commitTx(tx, []byte(ob.Key), s.now())
				return err
			})
			if err != nil {
				return fmt.Errorf("alerts: record sent: %w", err)
			}
			s.auditOwn(ctx, done)
			s.log.Info("alert mail sent", "message_id", ob.MessageID, "alerts", len(ob.Items))
			return nil
		}
		ob.Error = sendErr.Error()
		var perm *digest.PermanentError
		var ce *digest.ConfigError
		switch {
		case errors.As(sendErr, &perm):
			ob.State, ob.Permanent = omgjort.SendFailed, true
		case errors.As(sendErr, &ce) || attempt >= attempts || ctx.Err() != nil:
			ob.State = omgjort.SendFailed
		default:
			ob.State = omgjort.SendPending
			if err := s.putOutbox(ob); err != nil {
				return err
			}
			t := time.NewTimer(backoff << (attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
			continue
		}
		s.log.Error("alert mail not sent", "permanent", ob.Permanent, "attempts", attempt, "error", sendErr)
		return errors.Join(fmt.Errorf("alerts: mail %s: %w", ob.MessageID, sendErr), s.putOutbox(ob))
	}
}

// sections turns an outbox into the mail's sections.
func (s *Service) sections(ob *outbox) []omgjort.DigestAlert {
	var out []omgjort.DigestAlert
	for _, it := range ob.Items {
		da := omgjort.DigestAlert{Name: it.Name, SearchURL: s.site() + "/?" + it.Query, Entries: it.Entries,
			Own: len(it.Own), Total: it.count(), UnsubscribeURL: s.UnsubscribeURL(it.AlertID)}
		if da.Own > 0 {
			da.OwnText = ownText(da.Own, it.Name)
			da.OwnURL = s.site() + "/signin?next=" + url.QueryEscape("/?"+it.Query)
		}
		out = append(out, da)
	}
	return out
}

// ownText is the only thing a mail says about own decisions.
func ownText(n int, name string) string {
	if n == 1 {
		return "1 ny egen afgørelse matcher «" + name + "» – log ind for at se den"
	}
	return omgjort.Thousands(n) + " nye egne afgørelser matcher «" + name + "» – log ind for at se dem"
}

// headers are the List-Unsubscribe fields (RFC 2369, one-click per RFC 8058) for the alerts
// of a mail.
func (s *Service) headers(ob *outbox) map[string]string {
	ids := make([]string, 0, len(ob.Items))
	for _, it := range ob.Items {
		ids = append(ids, it.AlertID)
	}
	return map[string]string{
		"List-Unsubscribe":      "<" + s.UnsubscribeURL(ids...) + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
}

// subject is the daily mail's subject with Danish agreement; a decision that several of the
// searches found counts once.
func subject(ob *outbox) string {
	ids := map[string]bool{}
	for _, it := range ob.Items {
		for _, e := range it.Entries {
			ids[e.ID] = true
		}
		for _, id := range it.Own {
			ids[id] = true
		}
	}
	n := len(ids)
	what := omgjort.CountOf(n, "ny afgørelse matcher", "nye afgørelser matcher")
	if len(ob.Items) == 1 {
		return "Omgjort: " + what + " «" + ob.Items[0].Name + "»"
	}
	return "Omgjort: " + what + " dine gemte søgninger"
}

// WeeklyRecipients are the addresses of users with weekly alerts who may still read published
// decisions: they get the digest with their alerts in it.
func (s *Service) WeeklyRecipients() ([]string, error) {
	all, err := s.All()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, a := range all {
		if a.Freq == Weekly && !seen[a.User] {
			seen[a.User] = true
			names = append(names, a.User)
		}
	}
	sort.Strings(names)
	users := s.users(names)
	var out []string
	have := map[string]bool{}
	for _, n := range names {
		if users[n] == nil {
			continue
		}
		email, err := s.Email(n)
		if err != nil {
			return nil, err
		}
		if email != "" && !have[strings.ToLower(email)] {
			have[strings.ToLower(email)] = true
			out = append(out, email)
		}
	}
	return out, nil
}

// DigestMessage is the digest mail for one recipient: d as rendered, or, when the
// recipient's weekly alerts have something new, d re-rendered with their section and a
// List-Unsubscribe header. The section is frozen the first time, so a resent digest carries
// the same; DigestLog marks it sent with the digest.
func (s *Service) DigestMessage(ctx context.Context, week omgjort.Week, email string, d *omgjort.Digest, r *digest.Renderer) (*digest.Message, error) {
	msg := &digest.Message{Subject: d.Subject, Date: s.now(), HTML: d.Rendered.HTML, Text: d.Rendered.Text}
	ob, err := s.weekly(ctx, week, email)
	if err != nil || ob == nil {
		return msg, err
	}
	cp := *d
	cp.Alerts = s.sections(ob)
	rd, err := r.Render(&cp)
	if err != nil {
		return nil, err
	}
	msg.HTML, msg.Text, msg.Headers = rd.HTML, rd.Text, s.headers(ob)
	return msg, nil
}

// weekly returns the planned weekly section for an address, planning it the first time; nil
// when there is nothing new (or it went out already).
func (s *Service) weekly(ctx context.Context, week omgjort.Week, email string) (*outbox, error) {
	s.run.Lock()
	defer s.run.Unlock()
	key := outboxKey("weekly", week.String(), email)
	ob, err := s.getOutbox(key)
	if err != nil {
		return nil, err
	}
	if ob != nil {
		if ob.State == omgjort.SendSent {
			return nil, nil
		}
		return ob, nil
	}
	all, err := s.All()
	if err != nil {
		return nil, err
	}
	byUser := map[string][]Alert{}
	since := s.now()
	for _, a := range all {
		if a.Freq != Weekly {
			continue
		}
		if e, err := s.Email(a.User); err != nil {
			return nil, err
		} else if !strings.EqualFold(e, email) {
			continue
		}
		byUser[a.User] = append(byUser[a.User], a)
		if a.Created.Before(since) {
			since = a.Created
		}
	}
	if len(byUser) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(byUser))
	for n := range byUser {
		names = append(names, n)
	}
	sort.Strings(names)
	users := s.users(names)
	cands, err := s.weeklyCandidates(week, since)
	if err != nil {
		return nil, err
	}
	var items []item
	for _, n := range names {
		if users[n] == nil {
			continue
		}
		its, bad, err := s.plan(ctx, users[n], byUser[n], cands)
		if err != nil {
			return nil, err
		}
		s.recordErrors(bad)
		items = append(items, its...)
	}
	if len(items) == 0 {
		return nil, nil
	}
	ob = &outbox{Key: string(key), Kind: "weekly", Period: week.String(), Owner: strings.ToLower(email), Email: email,
		State: omgjort.SendPending, Items: items, Created: s.now()}
	return ob, s.putOutbox(ob)
}

// DigestLog wraps the digest's send log so that recording a digest as sent also records its
// alert section as sent, in the same transaction.
func (s *Service) DigestLog(l SendLog) digest.SendLog { return digestLog{l, s} }

type digestLog struct {
	SendLog
	s *Service
}

// PutSend records rec; a "sent" record commits the recipient's weekly alert section with it.
func (d digestLog) PutSend(rec omgjort.Send) error {
	if rec.State != omgjort.SendSent {
		return d.SendLog.PutSend(rec)
	}
	var done *outbox
	err := d.SendLog.PutSendAnd(rec, func(tx *bolt.Tx) error {
		var err error
		done, err = d.s.commitTx(tx, outboxKey("weekly", rec.Week, rec.Recipient), rec.SentAt)
		return err
	})
	if err == nil {
		d.s.auditOwn(context.Background(), done)
	}
	return err
}

// weeklyCacheFor is how long the decisions read for one digest run are reused for the next
// recipients: a run composes every recipient's copy within minutes, and each copy would
// otherwise read the whole store. A decision stored meanwhile is not lost: it is not in any
// sent set, so next week's section has it.
const weeklyCacheFor = 30 * time.Minute

// weeklyCandidates is candidates for the digest of week, shared by its recipients.
func (s *Service) weeklyCandidates(week omgjort.Week, since time.Time) ([]candidate, error) {
	c := &s.wcache
	if c.week == week.String() && !since.Before(c.since) && s.now().Sub(c.at) < weeklyCacheFor && !s.now().Before(c.at) {
		out := make([]candidate, 0, len(c.cands))
		for _, x := range c.cands {
			if x.first.After(since) {
				out = append(out, x)
			}
		}
		return out, nil
	}
	cands, err := s.candidates(since)
	if err != nil {
		return nil, err
	}
	*c = weeklyCache{week: week.String(), since: since, at: s.now(), cands: cands}
	return cands, nil
}
