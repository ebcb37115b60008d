package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// Session is a signed-in browser. Only the hash of its id is stored, so the bbolt file (or a
// backup of it) holds no usable session.
type Session struct {
	User    string         `json:"user"`
	Roles   []omgjort.Role `json:"roles"`
	Team    string         `json:"team,omitempty"`
	Method  string         `json:"method"`
	Created time.Time      `json:"created"`
	Expires time.Time      `json:"expires"`
	// CSRF is the token every state-changing form of this session must carry.
	CSRF string `json:"csrf"`
}

// Principal is the session's user, for the request context.
func (s *Session) Principal() *omgjort.User {
	return &omgjort.User{Name: s.User, Roles: s.Roles, Team: s.Team, Method: s.Method}
}

// RandomToken returns n random bytes from crypto/rand as unpadded base64url.
func RandomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func secretKey(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// NewSession starts a session for u and returns its id (for the cookie) and the session.
func (s *Service) NewSession(u *omgjort.User) (string, *Session, error) {
	id, err := RandomToken(32)
	if err != nil {
		return "", nil, err
	}
	csrf, err := RandomToken(32)
	if err != nil {
		return "", nil, err
	}
	now := s.now().UTC()
	sess := &Session{User: u.Name, Roles: u.Roles, Team: u.Team, Method: u.Method, Created: now,
		Expires: now.Add(s.sessionTTL), CSRF: csrf}
	err = s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketSessions), secretKey(id), sess) })
	if err != nil {
		return "", nil, fmt.Errorf("auth: new session: %w", err)
	}
	return id, sess, nil
}

// Session returns the live session with the given id, or ErrNoSession for an unknown (forged)
// or expired one; an expired one is deleted.
func (s *Service) Session(id string) (*Session, error) {
	if id == "" || len(id) > 100 {
		return nil, ErrNoSession
	}
	key := secretKey(id)
	var sess Session
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketSessions), key, &sess)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	if !found {
		return nil, ErrNoSession
	}
	if !s.now().Before(sess.Expires) {
		_ = s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketSessions).Delete(key) })
		return nil, ErrNoSession
	}
	return &sess, nil
}

// EndSession signs one browser out.
func (s *Service) EndSession(id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketSessions).Delete(secretKey(id)) })
	if err != nil {
		return fmt.Errorf("auth: end session: %w", err)
	}
	return nil
}

// EndSessions signs a user out everywhere and returns how many sessions ended.
func (s *Service) EndSessions(user string) (int, error) {
	var n int
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = endSessionsTx(tx, user)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("auth: end sessions of %s: %w", user, err)
	}
	return n, nil
}

func endSessionsTx(tx *bolt.Tx, user string) (int, error) {
	b := tx.Bucket(bucketSessions)
	if b == nil {
		return 0, errNoBucket
	}
	var dels [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var sess Session
		if json.Unmarshal(v, &sess) != nil || strings.EqualFold(sess.User, user) {
			dels = append(dels, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range dels {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(dels), nil
}

// SweepSessions deletes expired sessions and stale pending OIDC sign-ins.
func (s *Service) SweepSessions() (int, error) {
	now := s.now()
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSessions, bucketPending} {
			b := tx.Bucket(name)
			var dels [][]byte
			if err := b.ForEach(func(k, v []byte) error {
				var exp struct {
					Expires time.Time `json:"expires"`
				}
				if json.Unmarshal(v, &exp) != nil || !now.Before(exp.Expires) {
					dels = append(dels, append([]byte(nil), k...))
				}
				return nil
			}); err != nil {
				return err
			}
			for _, k := range dels {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n += len(dels)
		}
		return nil
	})
	return n, err
}

// CheckCSRF reports whether got is the session's CSRF token (constant time).
func CheckCSRF(want, got string) bool {
	if want == "" || got == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(want)), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// TokenPrefix starts every personal API token, so a leaked one is easy to recognise (and to
// search for in logs and repositories).
const TokenPrefix = "omgjort_"

// Token is a personal API token as listed; the secret itself is never stored.
type Token struct {
	// ID identifies the token for `token revoke`: the first 12 hex digits of its hash.
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
}

// CreateToken makes a personal API token for a stored user and returns the secret (shown once)
// and its record.
func (s *Service) CreateToken(user, label string) (string, Token, error) {
	u, err := s.User(user)
	if err != nil {
		return "", Token{}, err
	}
	r, err := RandomToken(32)
	if err != nil {
		return "", Token{}, err
	}
	secret := TokenPrefix + r
	key := secretKey(secret)
	t := Token{ID: hex.EncodeToString(key)[:12], User: u.Name, Label: label, Created: s.now().UTC()}
	err = s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketTokens), key, t) })
	if err != nil {
		return "", Token{}, fmt.Errorf("auth: create token: %w", err)
	}
	return secret, t, nil
}

// TokenUser returns the principal a bearer token stands for, with the user's current roles, or
// ErrBadToken.
func (s *Service) TokenUser(secret string) (*omgjort.User, *Token, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 200 {
		return nil, nil, ErrBadToken
	}
	var t Token
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketTokens), secretKey(secret), &t)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("auth: token: %w", err)
	}
	if !found {
		return nil, nil, ErrBadToken
	}
	u, err := s.User(t.User)
	if err != nil {
		return nil, nil, ErrBadToken
	}
	u.Method = "token"
	return u, &t, nil
}

// Tokens lists the tokens of user (all users when empty).
func (s *Service) Tokens(user string) ([]Token, error) {
	var out []Token
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(_, v []byte) error {
			var t Token
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("%w: %v", errCorruptRec, err)
			}
			if user == "" || strings.EqualFold(t.User, user) {
				out = append(out, t)
			}
			return nil
		})
	})
	return out, err
}

// RevokeToken deletes the token with the given ID; it returns the token's owner.
func (s *Service) RevokeToken(id string) (Token, error) {
	var t Token
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		var key []byte
		if err := b.ForEach(func(k, v []byte) error {
			var x Token
			if json.Unmarshal(v, &x) == nil && id != "" && x.ID == id {
				key, t = append([]byte(nil), k...), x
			}
			return nil
		}); err != nil {
			return err
		}
		if key == nil {
			return fmt.Errorf("%w: no token with id %q", ErrBadToken, id)
		}
		return b.Delete(key)
	})
	return t, err
}

func revokeTokensTx(tx *bolt.Tx, user string) error {
	b := tx.Bucket(bucketTokens)
	var dels [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		var t Token
		if json.Unmarshal(v, &t) != nil || strings.EqualFold(t.User, user) {
			dels = append(dels, append([]byte(nil), k...))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range dels {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
