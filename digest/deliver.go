package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"omgjort"
)

// Message is one digest mail to one recipient.
type Message struct {
	From, To  string
	Subject   string
	MessageID string // without angle brackets
	Date      time.Time
	Week      string
	HTML      string
	Text      string
	// Headers are extra header fields (List-Unsubscribe for mails with saved-search alerts).
	Headers map[string]string
}

// Mailer hands one message to an SMTP server. An error that is a *PermanentError is a refusal
// that retrying cannot fix; any other error is treated as transient.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}

// PermanentError is an SMTP refusal with a 5xx code: the address or the message is refused for
// good, so the send is recorded as failed and not retried.
type PermanentError struct {
	Code int
	Err  error
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("permanent SMTP error %d: %v", e.Code, e.Err)
}
func (e *PermanentError) Unwrap() error { return e.Err }

// SendLog is where the delivery state per week and recipient is kept; the store implements it.
type SendLog interface {
	BeginSend(week omgjort.Week, rcpt, messageID string, now time.Time) (omgjort.Send, error)
	PutSend(rec omgjort.Send) error
}

// Deliverer sends a week's digest to its recipients exactly once each.
//
// The protocol per (week, recipient): BeginSend records the intent with a Message-ID derived
// from week and recipient (pending); just before the SMTP transaction the state becomes
// "sending"; once the server has accepted DATA it becomes "sent". A re-run skips "sent" and
// permanently failed recipients and resumes everyone else. The one window that cannot be closed
// is between the server's acceptance of DATA and the "sent" commit (milliseconds): a crash there
// leaves "sending", and the resumed run sends again with the same Message-ID, so the duplicate
// is recognisable and mail systems that de-duplicate on Message-ID drop it. We chose this over
// skipping "sending" records because a missed digest goes unnoticed while a duplicate does not.
type Deliverer struct {
	Log    SendLog
	Mailer Mailer
	Logger *slog.Logger
	// Attempts is how often one message is tried within a run on transient errors (default 4).
	Attempts int
	// Backoff is the pause before the second attempt; it doubles each time (default 5s).
	Backoff time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	// hook is called at the named stages of a send; tests use it to stop the process there.
	hook func(stage, rcpt string)
}

// Result is what a Deliver call did for one recipient.
type Result struct {
	Recipient string
	// Action is "sent", "skipped" (sent earlier), or "failed".
	Action string
	Send   omgjort.Send
}

// Report sums up one Deliver call.
type Report struct {
	Sent, Skipped, Failed int
	Results               []Result
}

// Compose renders the message for one recipient; it is called only for recipients that still
// need the digest.
type Compose func(r omgjort.Recipient) (*Message, error)

// MessageID is the stable Message-ID of a week's digest to a recipient: the same on every
// attempt, so a duplicate caused by a crash is recognisable.
func MessageID(week omgjort.Week, rcpt, from string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(rcpt))))
	domain := "omgjort.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = strings.Trim(from[at+1:], "<> ")
	}
	return fmt.Sprintf("digest.%s.%s@%s", week, hex.EncodeToString(sum[:8]), domain)
}

// Deliver sends week's digest to every recipient that has not had it. It stops between
// recipients when ctx is cancelled. The returned error is non-nil when some recipient failed or
// the send log could not be written; the report says who.
func (dv *Deliverer) Deliver(ctx context.Context, week omgjort.Week, from string, rcpts []omgjort.Recipient, compose Compose) (Report, error) {
	var rep Report
	var errs []error
	for _, r := range rcpts {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("digest: delivery of %s stopped: %w", week, err))
			break
		}
		res, err := dv.deliverOne(ctx, week, from, r, compose)
		rep.Results = append(rep.Results, res)
		switch res.Action {
		case "sent":
			rep.Sent++
		case "skipped":
			rep.Skipped++
		default:
			rep.Failed++
		}
		if err != nil {
			errs = append(errs, err)
		}
		var ce *ConfigError
		if errors.As(err, &ce) {
			// The settings are wrong for everyone: stop now rather than fail each recipient.
			break
		}
	}
	return rep, errors.Join(errs...)
}

func (dv *Deliverer) now() time.Time {
	if dv.Now != nil {
		return dv.Now()
	}
	return time.Now()
}

func (dv *Deliverer) logger() *slog.Logger {
	if dv.Logger != nil {
		return dv.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (dv *Deliverer) at(stage, rcpt string) {
	if dv.hook != nil {
		dv.hook(stage, rcpt)
	}
}

func (dv *Deliverer) deliverOne(ctx context.Context, week omgjort.Week, from string, r omgjort.Recipient, compose Compose) (Result, error) {
	log := dv.logger().With("week", week.String(), "recipient", r.Email)
	rec, err := dv.Log.BeginSend(week, r.Email, MessageID(week, r.Email, from), dv.now())
	if err != nil {
		return Result{Recipient: r.Email, Action: "failed"}, err
	}
	switch {
	case rec.State == omgjort.SendSent:
		log.Info("digest already sent", "sent_at", rec.SentAt)
		return Result{Recipient: r.Email, Action: "skipped", Send: rec}, nil
	case rec.State == omgjort.SendFailed && rec.Permanent:
		log.Warn("digest refused permanently earlier; not retried", "error", rec.Error)
		return Result{Recipient: r.Email, Action: "failed", Send: rec}, fmt.Errorf("digest: %s to %s: refused earlier: %s", week, r.Email, rec.Error)
	case rec.State == omgjort.SendSending:
		log.Warn("resuming a send interrupted during the SMTP transaction; same Message-ID", "message_id", rec.MessageID)
	}
	dv.at("begun", r.Email)
	msg, err := compose(r)
	if err != nil {
		return Result{Recipient: r.Email, Action: "failed", Send: rec}, fmt.Errorf("digest: compose %s for %s: %w", week, r.Email, err)
	}
	msg.MessageID, msg.From, msg.To, msg.Week = rec.MessageID, from, r.Email, week.String()
	attempts := max(dv.Attempts, 1)
	if dv.Attempts == 0 {
		attempts = 4
	}
	backoff := dv.Backoff
	if backoff == 0 {
		backoff = 5 * time.Second
	}
	for attempt := 1; ; attempt++ {
		rec.State, rec.Attempts, rec.Updated = omgjort.SendSending, rec.Attempts+1, dv.now()
		if err := dv.Log.PutSend(rec); err != nil {
			return Result{Recipient: r.Email, Action: "failed", Send: rec}, err
		}
		dv.at("sending", r.Email)
		sendErr := dv.Mailer.Send(ctx, msg)
		dv.at("handed-over", r.Email)
		rec.Updated = dv.now()
		if sendErr == nil {
			rec.State, rec.SentAt, rec.Error, rec.Permanent = omgjort.SendSent, rec.Updated, "", false
			if err := dv.Log.PutSend(rec); err != nil {
				return Result{Recipient: r.Email, Action: "failed", Send: rec}, err
			}
			dv.at("recorded", r.Email)
			log.Info("digest sent", "message_id", rec.MessageID, "attempts", rec.Attempts)
			return Result{Recipient: r.Email, Action: "sent", Send: rec}, nil
		}
		rec.Error = sendErr.Error()
		var ce *ConfigError
		if errors.As(sendErr, &ce) {
			// Retrying cannot help until the settings are fixed; the next run retries.
			rec.State = omgjort.SendFailed
			log.Error("digest not sent: the mail settings are wrong", "error", sendErr)
			return Result{Recipient: r.Email, Action: "failed", Send: rec},
				errors.Join(fmt.Errorf("digest: %s to %s: %w", week, r.Email, sendErr), dv.Log.PutSend(rec))
		}
		var perm *PermanentError
		if errors.As(sendErr, &perm) {
			rec.State, rec.Permanent = omgjort.SendFailed, true
			log.Error("digest refused permanently", "error", sendErr)
			return Result{Recipient: r.Email, Action: "failed", Send: rec},
				errors.Join(fmt.Errorf("digest: %s to %s: %w", week, r.Email, sendErr), dv.Log.PutSend(rec))
		}
		if attempt >= attempts || ctx.Err() != nil {
			// Transient to the end: failed for this run, retried by the next one.
			rec.State = omgjort.SendFailed
			log.Error("digest not sent; the next run retries", "attempts", attempt, "error", sendErr)
			return Result{Recipient: r.Email, Action: "failed", Send: rec},
				errors.Join(fmt.Errorf("digest: %s to %s after %d attempts: %w", week, r.Email, attempt, sendErr), dv.Log.PutSend(rec))
		}
		// The server answered with an error, so it did not take the message: back to pending.
		rec.State = omgjort.SendPending
		if err := dv.Log.PutSend(rec); err != nil {
			return Result{Recipient: r.Email, Action: "failed", Send: rec}, err
		}
		wait := backoff << (attempt - 1)
		log.Warn("transient SMTP error, retrying", "attempt", attempt, "wait", wait, "error", sendErr)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}
