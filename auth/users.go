// Package auth signs people and programs in to Omgjort: local accounts with argon2id passwords,
// server-side sessions with CSRF tokens, personal API tokens, and OpenID Connect against the
// municipality's identity provider (Entra ID, AD FS, Keycloak …). Everything it keeps lives in
// its own buckets of the store's bbolt file. Secrets are stored only as hashes: a copy of the
// file gives no one a password, a live session or a token.
package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"

	"omgjort"
)

var (
	bucketUsers    = []byte("auth_users")    // name → JSON account
	bucketSessions = []byte("auth_sessions") // sha256(session id) → JSON Session
	bucketTokens   = []byte("auth_tokens")   // sha256(token) → JSON Token
	bucketPending  = []byte("auth_pending")  // OIDC state → JSON pending sign-in
	allBuckets     = [][]byte{bucketUsers, bucketSessions, bucketTokens, bucketPending}
)

// Params are the argon2id parameters a password was hashed with; they are stored with the hash,
// so raising them later does not lock anyone out.
type Params struct {
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"` // KiB
	Threads uint8  `json:"p"`
	KeyLen  uint32 `json:"k"`
}

// DefaultParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane).
var DefaultParams = Params{Time: 2, Memory: 19 * 1024, Threads: 1, KeyLen: 32}

// Throttling of failed sign-ins: after freeFailures failures in a row each further attempt must
// wait a delay that doubles from baseDelay; at lockFailures the account is locked for lockFor.
const (
	freeFailures = 3
	baseDelay    = time.Second
	lockFailures = 10
	lockFor      = 15 * time.Minute
	// MinPasswordLen is the shortest password accepted for a local account.
	MinPasswordLen = 12
	maxPasswordLen = 1024
)

// account is a stored local user.
type account struct {
	Name     string         `json:"name"`
	Roles    []omgjort.Role `json:"roles"`
	Team     string         `json:"team,omitempty"`
	Salt     []byte         `json:"salt,omitempty"`
	Hash     []byte         `json:"hash,omitempty"`
	Params   Params         `json:"params"`
	Created  time.Time      `json:"created"`
	Failures int            `json:"failures,omitempty"`
	// NotBefore is when the next sign-in attempt may be made (growing delay or lock).
	NotBefore time.Time `json:"not_before,omitzero"`
	// External is set for OIDC users recorded on first sign-in (no password).
	External bool `json:"external,omitempty"`
}

// UserInfo is a user as listed by `omgjort user list` and the admin pages; it has no secrets.
type UserInfo struct {
	Name     string
	Roles    []omgjort.Role
	Team     string
	Created  time.Time
	Locked   bool
	Failures int
}

// Service is the sign-in service over the store's bbolt file. It is safe for concurrent use.
type Service struct {
	db         *bolt.DB
	now        func() time.Time
	params     Params
	sessionTTL time.Duration
	// dummy is a hash computed for unknown user names, so their sign-in takes as long as a
	// known user's with a wrong password.
	dummy account
}

// DefaultSessionTTL is how long a session lasts from sign-in: a working day.
const DefaultSessionTTL = 10 * time.Hour

// Open prepares the auth buckets in db (see store.DB.Bolt).
func Open(db *bolt.DB) (*Service, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: open: %w", err)
	}
	s := &Service{db: db, now: time.Now, params: DefaultParams, sessionTTL: DefaultSessionTTL}
	s.dummy.Params = s.params
	s.dummy.Salt = make([]byte, 16)
	s.dummy.Hash = hashPassword("omgjort-dummy", s.dummy.Salt, s.params)
	return s, nil
}

// SetClock replaces the clock (tests of throttling and expiry).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// SetParams sets the argon2id parameters used for new passwords (tests use cheap ones).
func (s *Service) SetParams(p Params) { s.params = p }

// SetSessionTTL sets how long new sessions last.
func (s *Service) SetSessionTTL(d time.Duration) { s.sessionTTL = d }

func hashPassword(pw string, salt []byte, p Params) []byte {
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// ValidName reports whether name can be a user name: 1–64 letters, digits, and . _ @ -.
func ValidName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._@-", r) {
			return false
		}
	}
	return true
}

func checkPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return fmt.Errorf("%w: the password must have at least %d characters", ErrInvalid, MinPasswordLen)
	case len(pw) > maxPasswordLen:
		return fmt.Errorf("%w: the password is longer than %d bytes", ErrInvalid, maxPasswordLen)
	}
	return nil
}

// Errors of the user store; the CLI and the pages turn them into messages.
var (
	ErrInvalid    = errors.New("invalid input")
	ErrExists     = errors.New("user already exists")
	ErrNoUser     = errors.New("no such user")
	ErrBadLogin   = errors.New("wrong user name or password")
	ErrThrottled  = errors.New("too many failed sign-ins; wait before trying again")
	ErrNoSession  = errors.New("no such session or it has expired")
	ErrBadToken   = errors.New("unknown or revoked API token")
	ErrNoRoles    = errors.New("the user has no role in Omgjort")
	ErrLastAdmin  = errors.New("the last administrator cannot be removed or lose the admin role")
	errNoBucket   = errors.New("auth buckets missing (auth.Open not called)")
	errCorruptRec = errors.New("stored record cannot be read")
)

// ThrottledError says until when sign-in is refused for a user.
type ThrottledError struct {
	Until  time.Time
	Locked bool
}

func (e *ThrottledError) Error() string       { return ErrThrottled.Error() }
func (e *ThrottledError) Unwrap() error       { return ErrThrottled }
func (e *ThrottledError) Wait() time.Duration { return time.Until(e.Until).Round(time.Second) }

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("%w: %v", errCorruptRec, err)
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

func userKey(name string) []byte { return []byte(strings.ToLower(name)) }

// AddUser creates a local account with the given password and roles.
func (s *Service) AddUser(name, password string, roles []omgjort.Role) error {
	if !ValidName(name) {
		return fmt.Errorf("%w: user name %q (use 1–64 letters, digits and . _ @ -)", ErrInvalid, name)
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	if err := validRoles(roles); err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("auth: salt: %w", err)
	}
	a := account{Name: name, Roles: roles, Salt: salt, Params: s.params,
		Hash: hashPassword(password, salt, s.params), Created: s.now().UTC()}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b.Get(userKey(name)) != nil {
			return fmt.Errorf("%w: %s", ErrExists, name)
		}
		return putJSON(b, userKey(name), a)
	})
}

func validRoles(roles []omgjort.Role) error {
	if len(roles) == 0 {
		return fmt.Errorf("%w: give at least one role", ErrInvalid)
	}
	for _, r := range roles {
		if !r.Valid() {
			return fmt.Errorf("%w: %v", ErrInvalid, &omgjort.UnknownRoleError{Role: string(r)})
		}
	}
	return nil
}

// SetPassword replaces a local user's password and clears its failures.
func (s *Service) SetPassword(name, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("auth: salt: %w", err)
	}
	return s.update(name, func(a *account) error {
		a.Salt, a.Params, a.Hash = salt, s.params, hashPassword(password, salt, s.params)
		a.Failures, a.NotBefore, a.External = 0, time.Time{}, false
		return nil
	})
}

func (s *Service) update(name string, fn func(a *account) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		var a account
		ok, err := getJSON(b, userKey(name), &a)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		if err := fn(&a); err != nil {
			return err
		}
		return putJSON(b, userKey(name), a)
	})
}

// countAdmins counts the accounts holding the admin role other than except.
func countAdmins(tx *bolt.Tx, except string) (int, error) {
	n := 0
	err := tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var a account
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		if !bytes.Equal(k, userKey(except)) && (&omgjort.User{Roles: a.Roles}).Has(omgjort.RoleAdmin) && !a.External {
			n++
		}
		return nil
	})
	return n, err
}

// SetRoles replaces a user's roles. Its sessions end, so the change applies at once; API tokens
// read the roles on every use. Taking admin from the last local administrator is refused.
func (s *Service) SetRoles(name string, roles []omgjort.Role) error {
	if err := validRoles(roles); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		var a account
		ok, err := getJSON(b, userKey(name), &a)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		if (&omgjort.User{Roles: a.Roles}).Has(omgjort.RoleAdmin) && !(&omgjort.User{Roles: roles}).Has(omgjort.RoleAdmin) {
			if n, err := countAdmins(tx, name); err != nil {
				return err
			} else if n == 0 {
				return ErrLastAdmin
			}
		}
		a.Roles = roles
		if err := putJSON(b, userKey(name), a); err != nil {
			return err
		}
		_, err = endSessionsTx(tx, name)
		return err
	})
}

// RemoveUser deletes a user, its sessions and its API tokens.
func (s *Service) RemoveUser(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		var a account
		ok, err := getJSON(b, userKey(name), &a)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		if (&omgjort.User{Roles: a.Roles}).Has(omgjort.RoleAdmin) {
			if n, err := countAdmins(tx, name); err != nil {
				return err
			} else if n == 0 && !a.External {
				return ErrLastAdmin
			}
		}
		if err := b.Delete(userKey(name)); err != nil {
			return err
		}
		if _, err := endSessionsTx(tx, name); err != nil {
			return err
		}
		return revokeTokensTx(tx, name)
	})
}

// Users lists every user, sorted by name.
func (s *Service) Users() ([]UserInfo, error) {
	var out []UserInfo
	now := s.now()
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(_, v []byte) error {
			var a account
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("%w: %v", errCorruptRec, err)
			}
			out = append(out, UserInfo{Name: a.Name, Roles: a.Roles, Team: a.Team, Created: a.Created,
				Locked: a.Failures >= lockFailures && now.Before(a.NotBefore), Failures: a.Failures})
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// User returns the roles of a stored user, as a principal.
func (s *Service) User(name string) (*omgjort.User, error) {
	var a account
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketUsers), userKey(name), &a)
		if err == nil && !ok {
			err = fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &omgjort.User{Name: a.Name, Roles: a.Roles, Team: a.Team}, nil
}

// delayAfter is the wait imposed after n failures in a row.
func delayAfter(n int) time.Duration {
	switch {
	case n >= lockFailures:
		return lockFor
	case n < freeFailures:
		return 0
	}
	return baseDelay << (n - freeFailures)
}

// CheckPassword signs a local user in. A wrong password counts a failure: after three, each
// attempt must wait longer (1 s, 2 s, 4 s …) and after ten the account is locked for 15 minutes;
// an attempt made too early is refused with a *ThrottledError without checking the password.
// An unknown user takes as long as a wrong password and gives the same error.
func (s *Service) CheckPassword(name, password string) (*omgjort.User, error) {
	now := s.now()
	var a account
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketUsers), userKey(name), &a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: sign in: %w", err)
	}
	if !found || a.External || len(a.Hash) == 0 || len(password) > maxPasswordLen {
		hashPassword(password, s.dummy.Salt, s.dummy.Params)
		return nil, ErrBadLogin
	}
	if now.Before(a.NotBefore) {
		return nil, &ThrottledError{Until: a.NotBefore, Locked: a.Failures >= lockFailures}
	}
	got := hashPassword(password, a.Salt, a.Params)
	ok := subtle.ConstantTimeCompare(got, a.Hash) == 1
	err = s.update(name, func(st *account) error {
		if ok {
			st.Failures, st.NotBefore = 0, time.Time{}
			return nil
		}
		st.Failures++
		if d := delayAfter(st.Failures); d > 0 {
			st.NotBefore = now.Add(d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: sign in: %w", err)
	}
	if !ok {
		return nil, ErrBadLogin
	}
	return &omgjort.User{Name: a.Name, Roles: a.Roles, Team: a.Team, Method: "password"}, nil
}

// Unlock clears a user's failed sign-ins (an administrator's action).
func (s *Service) Unlock(name string) error {
	return s.update(name, func(a *account) error {
		a.Failures, a.NotBefore = 0, time.Time{}
		return nil
	})
}
