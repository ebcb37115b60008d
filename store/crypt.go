package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	bolt "go.etcd.io/bbolt"

	"omgjort"
)

// KeysFileName is the file inside the data directory that holds the key of every own decision
// (Source "egen"). It is deliberately not in the bbolt file: bbolt never overwrites the pages it
// frees, so a key deleted from a bucket would stay readable in the file. This small file is
// rewritten whole (temporary file, fsync, rename) whenever a key is added or destroyed, so a
// destroyed key is in no file of the data directory. Backups of the bbolt file (jobs.Backup)
// do not include it: an own decision deleted here cannot be read from an older backup either.
const KeysFileName = "omgjort.keys"

// sealMagic starts every sealed value. JSON starts with '{' and gzip with 0x1f, so a sealed
// value is told from a plain one by its first byte; the rest names the format version.
var sealMagic = []byte{0, 'S', '1'}

// ErrKeyDestroyed is returned when a sealed value's key no longer exists: its decision was
// deleted, and with its key the value is unreadable for good.
var ErrKeyDestroyed = errors.New("the value's key has been destroyed (its decision was deleted)")

// keyring holds the AES-256 keys of own decisions by owner ID, mirrored in KeysFileName.
type keyring struct {
	path string
	mu   sync.RWMutex
	keys map[string][]byte
}

// openKeyring reads the keys file at path (none yet is an empty ring).
func openKeyring(path string) (*keyring, error) {
	k := &keyring{path: path, keys: map[string][]byte{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read keys %s: %w", path, err)
	}
	for len(data) > 0 {
		n, w := binary.Uvarint(data)
		if w <= 0 || uint64(len(data)-w) < n+32 {
			return nil, fmt.Errorf("read keys %s: the file is damaged", path)
		}
		id := string(data[w : w+int(n)])
		k.keys[id] = bytes.Clone(data[w+int(n) : w+int(n)+32])
		data = data[w+int(n)+32:]
	}
	return k, nil
}

// key returns the key of owner, or nil.
func (k *keyring) key(owner string) []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys[owner]
}

// has reports whether owner has a key (is, or was until deleted, an own decision).
func (k *keyring) has(owner string) bool { return k.key(owner) != nil }

// ensure gives every owner a key, writing the file once when any was missing. It runs before
// the bbolt transaction that seals with the keys: a crash in between leaves an unused key,
// never a sealed value without its key.
func (k *keyring) ensure(owners ...string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	added := false
	for _, o := range owners {
		if o == "" || k.keys[o] != nil {
			continue
		}
		key := make([]byte, 32)
		if _, err := io.ReadFull(rand.Reader, key); err != nil {
			return fmt.Errorf("new key: %w", err)
		}
		k.keys[o] = key
		added = true
	}
	if !added {
		return nil
	}
	return k.writeLocked()
}

// destroy removes the owners' keys and rewrites the file without them.
func (k *keyring) destroy(owners ...string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	removed := false
	for _, o := range owners {
		if key, ok := k.keys[o]; ok {
			clear(key)
			delete(k.keys, o)
			removed = true
		}
	}
	if !removed {
		return nil
	}
	return k.writeLocked()
}

// owners returns every owner with a key, sorted.
func (k *keyring) owners() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]string, 0, len(k.keys))
	for o := range k.keys {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

// writeLocked rewrites the keys file: a new file, synced, renamed over the old, and the
// directory synced, so a crash leaves the old or the new file, never half of one.
func (k *keyring) writeLocked() error {
	ids := make([]string, 0, len(k.keys))
	for o := range k.keys {
		ids = append(ids, o)
	}
	sort.Strings(ids)
	var buf []byte
	for _, id := range ids {
		buf = binary.AppendUvarint(buf, uint64(len(id)))
		buf = append(buf, id...)
		buf = append(buf, k.keys[id]...)
	}
	dir := filepath.Dir(k.path)
	tmp, err := os.CreateTemp(dir, ".keys-*.tmp")
	if err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	_, err = tmp.Write(buf)
	clear(buf)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), k.path)
	}
	if err != nil {
		return fmt.Errorf("write keys %s: %w", k.path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// seal encrypts plain with owner's key (AES-256-GCM, a random nonce), binding it to where it
// is stored (bucket and key as additional data), so a sealed value moved elsewhere fails to
// open. The result carries the owner, so a reader knows which key opens it.
func (k *keyring) seal(owner string, where []byte, plain []byte) ([]byte, error) {
	key := k.key(owner)
	if key == nil {
		return nil, fmt.Errorf("seal for %s: no key", owner)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), sealMagic...)
	out = binary.AppendUvarint(out, uint64(len(owner)))
	out = append(out, owner...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, where), nil
}

// sealed reports whether v is a sealed value.
func sealed(v []byte) bool { return bytes.HasPrefix(v, sealMagic) }

// sealOwner returns the owner a sealed value was sealed for.
func sealOwner(v []byte) (string, []byte, error) {
	rest := v[len(sealMagic):]
	n, w := binary.Uvarint(rest)
	if w <= 0 || uint64(len(rest)-w) < n {
		return "", nil, errors.New("open: damaged sealed value")
	}
	return string(rest[w : w+int(n)]), rest[w+int(n):], nil
}

// open returns v as stored plain: v itself when it is not sealed, else its decryption.
// A value whose key was destroyed fails with ErrKeyDestroyed.
func (k *keyring) open(where, v []byte) ([]byte, error) {
	if !sealed(v) {
		return v, nil
	}
	owner, rest, err := sealOwner(v)
	if err != nil {
		return nil, err
	}
	key := k.key(owner)
	if key == nil {
		return nil, fmt.Errorf("open value of %s: %w", owner, ErrKeyDestroyed)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(rest) < aead.NonceSize() {
		return nil, fmt.Errorf("open value of %s: damaged sealed value", owner)
	}
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], where)
	if err != nil {
		return nil, fmt.Errorf("open value of %s: %w", owner, err)
	}
	return plain, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return aead, nil
}

// where is the additional data a value is sealed with: its bucket and key.
func where(bucket, key []byte) []byte {
	w := append([]byte(nil), bucket...)
	w = append(w, 0)
	return append(w, key...)
}

// ownerOf is the owner whose key seals d's values: its ID for an own decision, else "".
func ownerOf(d *omgjort.Decision) string {
	if d.IsOwn() {
		return d.ID
	}
	return ""
}

// ensureKeys gives every own decision among ds a key before they are stored.
func (s *DB) ensureKeys(ds ...*omgjort.Decision) error {
	var owners []string
	for _, d := range ds {
		if o := ownerOf(d); o != "" {
			owners = append(owners, o)
		}
	}
	if len(owners) == 0 {
		return nil
	}
	return s.keys.ensure(owners...)
}

// putDecisionValue stores d as JSON under key in bucket, sealed with its key when it is an own
// decision.
func (s *DB) putDecisionValue(tx *bolt.Tx, bucket, key []byte, d *omgjort.Decision) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if o := ownerOf(d); o != "" {
		if data, err = s.keys.seal(o, where(bucket, key), data); err != nil {
			return err
		}
	}
	return tx.Bucket(bucket).Put(key, data)
}

// decodeDecision reads a decision stored under key in bucket, opening it when sealed.
func (s *DB) decodeDecision(bucket, key, v []byte, d *omgjort.Decision) error {
	plain, err := s.keys.open(where(bucket, key), v)
	if errors.Is(err, ErrKeyDestroyed) {
		// A record restored from a backup older than its deletion: deleted, for every reader.
		return fmt.Errorf("%w: %w", omgjort.ErrNotFound, err)
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, d)
}
