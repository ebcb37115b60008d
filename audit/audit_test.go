package audit_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
	"omgjort/audit"
)

func openLog(t *testing.T, path string) (*audit.Log, *bolt.DB) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	l, err := audit.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	return l, db
}

func fill(t *testing.T, l *audit.Log, start time.Time, n int) {
	t.Helper()
	ctx := omgjort.WithUser(context.Background(), &omgjort.User{Name: "karin", Roles: []omgjort.Role{omgjort.RoleSagsbehandler}})
	for i := range n {
		e := omgjort.AuditEntry{Time: start.Add(time.Duration(i) * time.Hour), Action: omgjort.AuditReadOwn,
			DecisionID: "egen-25-" + string(rune('a'+i%3)), Client: "127.0.0.1"}
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// edit changes the stored JSON of entry seq in the bbolt file at path.
func edit(t *testing.T, path string, seq uint64, change func(m map[string]any)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit_log"))
		k := binary.BigEndian.AppendUint64(nil, seq)
		var m map[string]any
		if err := json.Unmarshal(b.Get(k), &m); err != nil {
			return err
		}
		if change == nil {
			return b.Delete(k)
		}
		change(m)
		v, _ := json.Marshal(m)
		return b.Put(k, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChainVerifiesAndFindsTheEditedEntry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	l, db := openLog(t, path)
	fill(t, l, time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), 6)
	if n, err := l.Verify(); err != nil || n != 6 {
		t.Fatalf("Verify = %d, %v; want 6, nil", n, err)
	}
	if w, f := l.Counts(); w != 6 || f != 0 {
		t.Fatalf("Counts = %d, %d", w, f)
	}
	recs, err := l.List(audit.Filter{})
	if err != nil || len(recs) != 6 || recs[0].Seq != 6 || recs[0].Entry.User != "karin" {
		t.Fatalf("List = %+v, %v", recs, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name    string
		seq     uint64
		change  func(m map[string]any)
		wantSeq uint64
	}{
		{"edited user", 3, func(m map[string]any) { m["entry"].(map[string]any)["user"] = "someone" }, 3},
		{"edited time", 2, func(m map[string]any) { m["entry"].(map[string]any)["time"] = "2025-01-01T00:00:00Z" }, 2},
		{"rehashed entry", 4, func(m map[string]any) { m["hash"] = strings.Repeat("0", 64) }, 4},
		{"removed entry", 3, nil, 4},
		{"removed last entry", 6, nil, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "copy.db")
			copyFile(t, path, cp)
			edit(t, cp, c.seq, c.change)
			l2, _ := openLog(t, cp)
			_, err := l2.Verify()
			var be *audit.BrokenError
			if !errors.As(err, &be) || be.Seq != c.wantSeq {
				t.Fatalf("Verify after %s of entry %d = %v; want broken at %d", c.name, c.seq, err, c.wantSeq)
			}
		})
	}
}

func TestPruneKeepsTheChainVerifiable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	l, db := openLog(t, path)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fill(t, l, start, 10)
	l.SetClock(func() time.Time { return start.Add(48 * time.Hour) })
	n, err := l.Prune(context.Background(), start.Add(4*time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("Prune = %d, %v; want 4", n, err)
	}
	if n, err := l.Verify(); err != nil || n != 7 { // 6 left + the prune record
		t.Fatalf("Verify after prune = %d, %v; want 7, nil", n, err)
	}
	recs, _ := l.List(audit.Filter{Action: omgjort.AuditPrune})
	if len(recs) != 1 || !strings.Contains(recs[0].Entry.Detail, "anchor=4:") {
		t.Fatalf("prune record = %+v", recs)
	}
	// Records after pruning continue the chain.
	fill(t, l, start.Add(50*time.Hour), 2)
	if _, err := l.Verify(); err != nil {
		t.Fatal(err)
	}
	// Removing the first remaining record (and moving the anchor to hide it) is found.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	copyFile(t, path, cp)
	edit(t, cp, 5, nil)
	db2, _ := bolt.Open(cp, 0o600, nil)
	_ = db2.Update(func(tx *bolt.Tx) error {
		// Forge the anchor so the chain links: seq 5 with the hash entry 6 points to.
		var six audit.Record
		_ = json.Unmarshal(tx.Bucket([]byte("audit_log")).Get(binary.BigEndian.AppendUint64(nil, 6)), &six)
		v, _ := json.Marshal(map[string]any{"seq": 5, "hash": six.Prev})
		return tx.Bucket([]byte("audit_meta")).Put([]byte("anchor"), v)
	})
	_ = db2.Close()
	l3, _ := openLog(t, cp)
	var be *audit.BrokenError
	if _, err := l3.Verify(); !errors.As(err, &be) {
		t.Fatalf("Verify with a forged anchor = %v; want broken", err)
	}
}

func TestFiltersReadersAndExport(t *testing.T) {
	l, _ := openLog(t, filepath.Join(t.TempDir(), "a.db"))
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	fill(t, l, start, 6)
	ctx := context.Background()
	if err := l.Record(ctx, omgjort.AuditEntry{Time: start.Add(10 * time.Hour), User: "ole", Action: omgjort.AuditSearch,
		Query: "sygedagpenge", Client: "10.0.0.2"}); err != nil {
		t.Fatal(err)
	}
	rs, _ := l.ReadersOf("egen-25-a")
	if len(rs) != 2 || rs[0].Entry.Time.Before(rs[1].Entry.Time) {
		t.Fatalf("ReadersOf = %+v; want 2 newest first", rs)
	}
	if rs, _ := l.List(audit.Filter{User: "OLE"}); len(rs) != 1 || rs[0].Entry.Query != "sygedagpenge" {
		t.Fatalf("user filter = %+v", rs)
	}
	// A package deep in a request records without knowing the client: it comes from ctx.
	cctx := omgjort.WithClient(ctx, "10.1.2.3")
	if err := l.Record(cctx, omgjort.AuditEntry{User: "ole", Action: omgjort.AuditCorrectLabels, DecisionID: "x"}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := l.List(audit.Filter{Action: omgjort.AuditCorrectLabels}); len(rs) != 1 || rs[0].Entry.Client != "10.1.2.3" {
		t.Fatalf("client from ctx = %+v", rs)
	}
	if rs, _ := l.List(audit.Filter{From: start.Add(2 * time.Hour), To: start.Add(4 * time.Hour)}); len(rs) != 2 {
		t.Fatalf("period filter = %d records, want 2", len(rs))
	}
	var buf bytes.Buffer
	n, err := l.Export(&buf, audit.Filter{User: "karin"})
	if err != nil || n != 6 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	dec := json.NewDecoder(&buf)
	var first audit.Record
	if err := dec.Decode(&first); err != nil || first.Seq != 1 {
		t.Fatalf("export starts with %+v, %v", first, err)
	}
	for {
		var r audit.Record
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// TestRecordAllInOneWrite: a batch (an export's reads) joins the chain whole, each entry with
// the user and client of the request, and the chain still verifies.
func TestRecordAllInOneWrite(t *testing.T) {
	l, _ := openLog(t, filepath.Join(t.TempDir(), "a.db"))
	fill(t, l, time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), 2)
	ctx := omgjort.WithClient(omgjort.WithUser(context.Background(), &omgjort.User{Name: "tl"}), "127.0.0.9")
	var es []omgjort.AuditEntry
	for _, id := range []string{"egen-1", "egen-2", "egen-3"} {
		es = append(es, omgjort.AuditEntry{Action: omgjort.AuditReadOwn, DecisionID: id, Detail: "udtræk"})
	}
	if err := omgjort.RecordAll(ctx, l, es); err != nil {
		t.Fatal(err)
	}
	n, err := l.Verify()
	if err != nil || n != 5 {
		t.Fatalf("verify: %d entries, %v; want 5 and a whole chain", n, err)
	}
	recs, err := l.ReadersOf("egen-2")
	if err != nil || len(recs) != 1 || recs[0].Entry.User != "tl" || recs[0].Entry.Client != "127.0.0.9" || recs[0].Entry.Time.IsZero() {
		t.Errorf("readers of egen-2: %+v %v", recs, err)
	}
	if w, f := l.Counts(); w != 5 || f != 0 {
		t.Errorf("counts = %d written, %d failed; want 5, 0", w, f)
	}
}
