package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// bucketSends records the delivery of each week's digest to each recipient:
// week 0x00 lower-cased address → JSON omgjort.Send. It is what makes delivery exactly once.
var bucketSends = []byte("sends")

func sendKey(week, rcpt string) []byte {
	return []byte(week + "\x00" + strings.ToLower(strings.TrimSpace(rcpt)))
}

// BeginSend records the intent to send the week's digest to rcpt with the given Message-ID and
// returns the record. When a record exists already (an earlier run got that far), it is returned
// unchanged, Message-ID included, so a resumed delivery never picks a new identity.
func (s *DB) BeginSend(week omgjort.Week, rcpt, messageID string, now time.Time) (omgjort.Send, error) {
	var rec omgjort.Send
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSends)
		if err != nil {
			return err
		}
		key := sendKey(week.String(), rcpt)
		if v := b.Get(key); v != nil {
			return json.Unmarshal(v, &rec)
		}
		rec = omgjort.Send{Week: week.String(), Recipient: rcpt, MessageID: messageID,
			State: omgjort.SendPending, Created: now, Updated: now}
		return putJSON(b, key, rec)
	})
	if err != nil {
		return rec, fmt.Errorf("store: begin send %s to %s: %w", week, rcpt, err)
	}
	return rec, nil
}

// PutSend stores the new state of a send begun with BeginSend. The write is committed (and
// fsynced by bbolt) before PutSend returns, so a recorded "sent" survives a crash.
func (s *DB) PutSend(rec omgjort.Send) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSends)
		if err != nil {
			return err
		}
		return putJSON(b, sendKey(rec.Week, rec.Recipient), rec)
	})
	if err != nil {
		return fmt.Errorf("store: put send %s to %s: %w", rec.Week, rec.Recipient, err)
	}
	return nil
}

// Sends returns the delivery records of the week ordered by recipient; it implements part of
// omgjort.DigestReader.
func (s *DB) Sends(week omgjort.Week) ([]omgjort.Send, error) {
	var out []omgjort.Send
	prefix := []byte(week.String() + "\x00")
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSends)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec omgjort.Send
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: sends %s: %w", week, err)
	}
	return out, nil
}

// PutSendAnd stores rec like PutSend and runs also in the same transaction, so what the
// delivered mail carried (the saved-search alerts of a digest) is recorded as sent together
// with the send itself: a crash leaves both or neither. An error from also rolls back both.
func (s *DB) PutSendAnd(rec omgjort.Send, also func(tx *bolt.Tx) error) error {
	err := s.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSends)
		if err != nil {
			return err
		}
		if err := putJSON(b, sendKey(rec.Week, rec.Recipient), rec); err != nil {
			return err
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put send %s to %s: %w", rec.Week, rec.Recipient, err)
	}
	return nil
}
