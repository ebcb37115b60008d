// Package alerts keeps users' saved searches and mails them what is new: a daily alert mail
// (all of a user's daily alerts in one mail, at most one a day) and a section in the weekly
// digest. Each decision reaches an alert once: the alert keeps the set of decisions it has
// mailed, written in the same bbolt transaction that records the mail as sent. Own decisions
// are only counted in a mail, never described, and the user's roles are checked again at
// every send. Mails carry an unsubscribe link signed with HMAC-SHA256 (a key in the data
// directory), so it works without signing in and names nobody.
package alerts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"omgjort"
	"omgjort/digest"
)

var (
	bucketAlerts  = []byte("alerts")         // alert ID → JSON Alert
	bucketSeen    = []byte("alerts_seen")    // alert ID → bucket: decision ID → outbox key it went out in
	bucketOutbox  = []byte("alerts_outbox")  // kind 0x00 period 0x00 owner → JSON outbox
	bucketProfile = []byte("alerts_profile") // lower-cased user name → JSON profile
	allBuckets    = [][]byte{bucketAlerts, bucketSeen, bucketOutbox, bucketProfile}
)

// Frequency is how a saved search tells its user about new decisions.
type Frequency string

// The frequencies a user can choose.
const (
	// Weekly puts the alert in the user's weekly digest mail.
	Weekly Frequency = "ugentlig"
	// Daily mails it every morning with the user's other daily alerts.
	Daily Frequency = "daglig"
	// Never keeps the search saved without mail.
	Never Frequency = "ingen"
)

// Frequencies lists the choices in the order the pages show them.
var Frequencies = []Frequency{Weekly, Daily, Never}

// Label is the Danish name of the frequency on the pages.
func (f Frequency) Label() string {
	switch f {
	case Weekly:
		return "Ugentlig i nyhedsbrevet"
	case Daily:
		return "Dagligt på mail"
	case Never:
		return "Ingen besked"
	}
	return string(f)
}

// Valid reports whether f is one of Frequencies.
func (f Frequency) Valid() bool { return f == Weekly || f == Daily || f == Never }

// Alert is one saved search.
type Alert struct {
	ID string `json:"id"`
	// User is the owner's user name (lower-cased), the only one who sees or changes it.
	User string `json:"user"`
	Name string `json:"name"`
	// Query is the canonical query string (Canonical) of the search page.
	Query string    `json:"query"`
	Freq  Frequency `json:"freq"`
	// Created is when the search was saved: decisions first stored before it are never new
	// to it.
	Created  time.Time `json:"created"`
	LastSent time.Time `json:"last_sent,omitzero"`
	// Sent counts the decisions mailed for it.
	Sent int `json:"sent,omitempty"`
	// LastError is the Danish reason the last run could not mail it; empty when it could.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// InputError is a Danish message about input that cannot be saved; the server answers it
// with 400.
type InputError struct{ Message string }

func (e *InputError) Error() string { return e.Message }

func invalid(msg string) error { return &InputError{Message: msg} }

// ErrNotFound is an alert that does not exist or belongs to someone else (not told apart, so
// nobody learns another user's alert IDs).
var ErrNotFound = errors.New("alerts: no such saved search")

// Decisions reads stored decisions; the store implements it.
type Decisions interface {
	ForEach(fn func(d *omgjort.Decision) error) error
}

// Users finds a user's current roles at send time; auth.Service implements it.
type Users interface {
	User(name string) (*omgjort.User, error)
}

// SendLog is the digest's send log with a way to commit more in the send's transaction; the
// store implements it.
type SendLog interface {
	digest.SendLog
	PutSendAnd(rec omgjort.Send, also func(tx *bolt.Tx) error) error
}

// Config is what the service works with.
type Config struct {
	// Search runs the saved searches (the index; own decisions only when asked for).
	Search omgjort.Searcher
	// Decisions finds the decisions stored since a search was saved (the store).
	Decisions Decisions
	// Users re-reads each user's roles at send time (the auth service).
	Users Users
	// Audit records each own decision a mail counted; nothing is recorded when nil.
	Audit omgjort.AuditLogger
	// Key signs unsubscribe links (LoadKey).
	Key []byte
	// SiteURL is the site's public address, the root of every link in a mail.
	SiteURL string
	// From is the sender address of the daily mail.
	From string
	// Mailer sends the daily mail; without it the daily run fails on /status.
	Mailer digest.Mailer
	Logger *slog.Logger
	// Location cuts days and weeks; Europe/Copenhagen when nil.
	Location *time.Location
	// Attempts and Backoff retry a transient SMTP error within a run (defaults 3 and 5s).
	Attempts int
	Backoff  time.Duration
}

// Service keeps the saved searches in their own buckets of the store's bbolt file and sends
// the alerts. It is safe for concurrent use.
type Service struct {
	db  *bolt.DB
	cfg Config
	log *slog.Logger
	loc *time.Location
	now func() time.Time
	// run serialises sends, so a scheduled run and an admin's run never plan the same mail.
	run sync.Mutex
	// hook is called at the named stages of a send; tests stop the process there.
	hook func(stage, owner string) error
	// wcache holds the decisions read for the digest's recipients (under run).
	wcache weeklyCache
}

// weeklyCache is the candidates of one digest run.
type weeklyCache struct {
	week  string
	since time.Time
	at    time.Time
	cands []candidate
}

// Open prepares the buckets in db (store.DB.Bolt) and returns the service.
func Open(db *bolt.DB, cfg Config) (*Service, error) {
	if len(cfg.Key) < 32 {
		return nil, errors.New("alerts: open: signing key missing or shorter than 32 bytes")
	}
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: open: %w", err)
	}
	loc := cfg.Location
	if loc == nil {
		if loc, err = time.LoadLocation("Europe/Copenhagen"); err != nil {
			return nil, fmt.Errorf("alerts: open: %w", err)
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Audit == nil {
		cfg.Audit = omgjort.NopAudit{}
	}
	return &Service{db: db, cfg: cfg, log: log.With("component", "alerts"), loc: loc, now: time.Now}, nil
}

// SetClock replaces the clock (tests that move from one day to the next).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func userKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func newID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// maxNameRunes bounds a saved search's name.
const maxNameRunes = 100

// maxPerUser bounds how many searches one user may save.
const maxPerUser = 100

func checkName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		return "", invalid("Giv søgningen et navn, så du kan kende den igen.")
	case !utf8.ValidString(name):
		return "", invalid("Navnet indeholder ugyldige tegn.")
	case utf8.RuneCountInString(name) > maxNameRunes:
		return "", invalid(fmt.Sprintf("Navnet er for langt. Brug højst %d tegn.", maxNameRunes))
	}
	return name, nil
}

func checkFreq(f string) (Frequency, error) {
	fr := Frequency(strings.TrimSpace(f))
	if !fr.Valid() {
		return "", invalid("Vælg, hvor ofte du vil have besked: ugentlig i nyhedsbrevet, dagligt på mail eller ingen besked.")
	}
	return fr, nil
}

// Save saves the search given by a search page's query string for the user in ctx. Bad input
// (an empty name, an unknown frequency, a query the index cannot run) is an *InputError.
func (s *Service) Save(ctx context.Context, name, rawQuery, freq string) (Alert, error) {
	u := omgjort.UserFrom(ctx)
	if u == nil {
		return Alert{}, invalid("Log ind for at gemme søgninger.")
	}
	name, err := checkName(name)
	if err != nil {
		return Alert{}, err
	}
	fr, err := checkFreq(freq)
	if err != nil {
		return Alert{}, err
	}
	q, msg := Canonical(rawQuery)
	if msg != "" {
		return Alert{}, invalid(msg)
	}
	if err := s.check(ctx, q); err != nil {
		return Alert{}, err
	}
	id, err := newID()
	if err != nil {
		return Alert{}, fmt.Errorf("alerts: save: %w", err)
	}
	a := Alert{ID: id, User: userKey(u.Name), Name: name, Query: q, Freq: fr, Created: s.now()}
	err = s.db.Update(func(tx *bolt.Tx) error {
		n := 0
		if err := forEachAlert(tx, func(x Alert) error {
			if x.User == a.User {
				n++
			}
			return nil
		}); err != nil {
			return err
		}
		if n >= maxPerUser {
			return invalid(fmt.Sprintf("Du har allerede %d gemte søgninger. Slet nogle, før du gemmer flere.", n))
		}
		return putJSON(tx.Bucket(bucketAlerts), []byte(a.ID), a)
	})
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return Alert{}, err
		}
		return Alert{}, fmt.Errorf("alerts: save: %w", err)
	}
	return a, nil
}

// check runs the query once, so a query the index cannot run is refused when it is saved.
func (s *Service) check(ctx context.Context, canonical string) error {
	req, msg := Request(canonical)
	if msg != "" {
		return invalid(msg)
	}
	if s.cfg.Search == nil {
		return nil
	}
	req.Size, req.IncludeOwn = 1, omgjort.CanReadOwn(ctx)
	_, err := s.cfg.Search.Search(ctx, req)
	var qe *omgjort.QueryError
	if errors.As(err, &qe) {
		return invalid("Søgningen kan ikke køres: " + qe.Message)
	}
	if err != nil {
		return fmt.Errorf("alerts: check search: %w", err)
	}
	return nil
}

func forEachAlert(tx *bolt.Tx, fn func(a Alert) error) error {
	return tx.Bucket(bucketAlerts).ForEach(func(k, v []byte) error {
		var a Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("decode alert %q: %w", k, err)
		}
		return fn(a)
	})
}

// List returns the user's saved searches by name.
func (s *Service) List(user string) ([]Alert, error) {
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachAlert(tx, func(a Alert) error {
			if a.User == userKey(user) {
				out = append(out, a)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: list: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !strings.EqualFold(out[i].Name, out[j].Name) {
			return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// All returns every saved search (the admin's view of failing ones, the runs).
func (s *Service) All() ([]Alert, error) {
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachAlert(tx, func(a Alert) error { out = append(out, a); return nil })
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: all: %w", err)
	}
	return out, nil
}

// Get returns the user's saved search id, or ErrNotFound.
func (s *Service) Get(user, id string) (Alert, error) {
	var a Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketAlerts), []byte(id), &a)
		if err != nil {
			return err
		}
		if !ok || a.User != userKey(user) {
			return ErrNotFound
		}
		return nil
	})
	return a, err
}

// update changes the user's alert id with fn in one transaction.
func (s *Service) update(user, id string, fn func(a *Alert) error) (Alert, error) {
	var a Alert
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlerts)
		ok, err := getJSON(b, []byte(id), &a)
		if err != nil {
			return err
		}
		if !ok || (user != "" && a.User != userKey(user)) {
			return ErrNotFound
		}
		if err := fn(&a); err != nil {
			return err
		}
		return putJSON(b, []byte(id), a)
	})
	return a, err
}

// Rename gives the user's alert a new name.
func (s *Service) Rename(user, id, name string) (Alert, error) {
	name, err := checkName(name)
	if err != nil {
		return Alert{}, err
	}
	return s.update(user, id, func(a *Alert) error { a.Name = name; return nil })
}

// SetFrequency changes how the user's alert tells about new decisions.
func (s *Service) SetFrequency(user, id, freq string) (Alert, error) {
	fr, err := checkFreq(freq)
	if err != nil {
		return Alert{}, err
	}
	return s.update(user, id, func(a *Alert) error { a.Freq = fr; return nil })
}

// Delete removes the user's alert and what it has sent.
func (s *Service) Delete(user, id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var a Alert
		ok, err := getJSON(tx.Bucket(bucketAlerts), []byte(id), &a)
		if err != nil {
			return err
		}
		if !ok || a.User != userKey(user) {
			return ErrNotFound
		}
		if tx.Bucket(bucketSeen).Bucket([]byte(id)) != nil {
			if err := tx.Bucket(bucketSeen).DeleteBucket([]byte(id)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketAlerts).Delete([]byte(id))
	})
}

// profile is what the service keeps about a user besides the alerts: where to mail them.
type profile struct {
	Email string `json:"email"`
}

// Email is the address the user's alerts go to: the one they gave, else the user name when it
// is a mail address (OIDC users usually sign in with theirs); "" when none is known.
func (s *Service) Email(user string) (string, error) {
	var p profile
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketProfile), []byte(userKey(user)), &p)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("alerts: email: %w", err)
	}
	if p.Email != "" {
		return p.Email, nil
	}
	if a, err := mail.ParseAddress(user); err == nil && a.Address == user && strings.Contains(user, ".") {
		return user, nil
	}
	return "", nil
}

// SetEmail sets the address the user's alerts go to; a malformed one is an *InputError.
func (s *Service) SetEmail(user, email string) error {
	email = strings.TrimSpace(email)
	a, err := mail.ParseAddress(email)
	if email == "" || err != nil || a.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") || len(email) > 254 {
		return invalid("Skriv en gyldig mailadresse, fx navn@kommune.dk.")
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketProfile), []byte(userKey(user)), profile{Email: email})
	})
	if err != nil {
		return fmt.Errorf("alerts: set email: %w", err)
	}
	return nil
}
