package jobs

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Backuper writes a consistent copy of the database while it is in use; the store implements it.
type Backuper interface {
	Backup(w io.Writer) (int64, error)
}

// backupPrefix and backupSuffix frame the time stamp in a backup's file name, so rotation only
// ever touches files this program wrote.
const (
	backupPrefix = "omgjort-"
	backupSuffix = ".db"
	stampLayout  = "20060102T150405Z"
)

// Backup writes a hot backup of src into dir as omgjort-<UTC time>.db and then deletes the
// oldest backups beyond keep. The copy is written to a temporary file, synced and renamed, so a
// crash never leaves a half backup under a backup's name. It returns the new file's path.
func Backup(src Backuper, dir string, keep int, now time.Time) (string, int64, error) {
	if keep < 1 {
		return "", 0, fmt.Errorf("jobs: backup: keep must be at least 1, not %d", keep)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", 0, fmt.Errorf("jobs: backup: %w", err)
	}
	name := filepath.Join(dir, backupPrefix+now.UTC().Format(stampLayout)+backupSuffix)
	tmp, err := os.CreateTemp(dir, ".backup-*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("jobs: backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	n, err := src.Backup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return "", n, fmt.Errorf("jobs: backup to %s: %w", name, err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		d.Close()
	}
	if err := rotate(dir, keep); err != nil {
		return name, n, err
	}
	return name, n, nil
}

// Backups lists the backups in dir, oldest first.
func Backups(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("jobs: list backups: %w", err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			if _, err := time.Parse(stampLayout, strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)); err == nil {
				out = append(out, filepath.Join(dir, n))
			}
		}
	}
	sort.Strings(out) // the UTC stamp sorts by time
	return out, nil
}

func rotate(dir string, keep int) error {
	all, err := Backups(dir)
	if err != nil {
		return err
	}
	for len(all) > keep {
		if err := os.Remove(all[0]); err != nil {
			return fmt.Errorf("jobs: rotate backups: %w", err)
		}
		all = all[1:]
	}
	return nil
}
