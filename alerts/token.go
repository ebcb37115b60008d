package alerts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// KeyFile is the name of the unsubscribe-link signing key in the data directory.
const KeyFile = "alerts.key"

// LoadKey reads the signing key of the unsubscribe links from dir, creating a random 32-byte
// key (mode 0600) the first time. It lives beside the store so a restored backup of the data
// directory keeps old links working, and outside the store so a copy of omgjort.db alone
// cannot forge them.
func LoadKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, KeyFile)
	if b, err := os.ReadFile(path); err == nil {
		if len(b) < 32 {
			return nil, fmt.Errorf("alerts: key %s is shorter than 32 bytes", path)
		}
		return b, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("alerts: read key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("alerts: new key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadKey(dir) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("alerts: write key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("alerts: write key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("alerts: write key: %w", err)
	}
	return key, f.Close()
}

// Token is the unsubscribe token of one or more alerts: their random IDs and an HMAC-SHA256
// over them, so it names no one and cannot be made up or changed to stop someone else's.
func (s *Service) Token(ids ...string) string {
	payload := strings.Join(ids, "-")
	return payload + "." + s.mac(payload)
}

func (s *Service) mac(payload string) string {
	m := hmac.New(sha256.New, s.cfg.Key)
	m.Write([]byte("omgjort-unsubscribe\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// maxTokenIDs bounds how many alerts one token may name (a user's daily mail).
const maxTokenIDs = maxPerUser

// verify returns the alert IDs of a token whose signature is right.
func (s *Service) verify(token string) ([]string, bool) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || payload == "" || len(token) > 20*maxTokenIDs+64 {
		return nil, false
	}
	if !hmac.Equal([]byte(sig), []byte(s.mac(payload))) {
		return nil, false
	}
	ids := strings.Split(payload, "-")
	return ids, len(ids) <= maxTokenIDs
}

// UnsubscribeURL is the link that stops the given alerts without signing in.
func (s *Service) UnsubscribeURL(ids ...string) string {
	return s.site() + "/afmeld/" + s.Token(ids...)
}

// ErrBadToken is an unsubscribe token that is malformed or not signed by this site.
var ErrBadToken = errors.New("alerts: unsubscribe token not valid")

// Unsubscribing returns the alerts a token would stop, for the confirmation page, or
// ErrBadToken. Alerts deleted since are left out.
func (s *Service) Unsubscribing(token string) ([]Alert, error) {
	ids, ok := s.verify(token)
	if !ok {
		return nil, ErrBadToken
	}
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			var a Alert
			if ok, err := getJSON(tx.Bucket(bucketAlerts), []byte(id), &a); err != nil {
				return err
			} else if ok {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, err
}

// Unsubscribe sets the token's alerts to Never (they stay saved) and returns them.
func (s *Service) Unsubscribe(token string) ([]Alert, error) {
	ids, ok := s.verify(token)
	if !ok {
		return nil, ErrBadToken
	}
	var out []Alert
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlerts)
		for _, id := range ids {
			var a Alert
			if ok, err := getJSON(b, []byte(id), &a); err != nil {
				return err
			} else if !ok {
				continue
			}
			a.Freq = Never
			if err := putJSON(b, []byte(id), a); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: unsubscribe: %w", err)
	}
	return out, nil
}

func (s *Service) site() string { return strings.TrimRight(s.cfg.SiteURL, "/") }
