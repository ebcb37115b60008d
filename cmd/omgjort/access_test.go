package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort/store"
)

func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runWith(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestUserTokenAuditCommands runs the access commands as an operator would: users with roles
// and a password from standard input, a token shown once and revoked, the audit log verified
// whole, then broken in a copy of the data directory (exit 1 naming the entry).
func TestUserTokenAuditCommands(t *testing.T) {
	dir := t.TempDir()
	pw := "en lang nok adgangskode\n"
	if code, out, errs := cli(t, pw, "user", "add", "--data", dir, "--role", "jurist,teamleder", "karin"); code != 0 || !strings.Contains(out, "Jurist, Teamleder") {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	if code, _, errs := cli(t, pw, "user", "add", "--data", dir, "--role", "admin", "it"); code != 0 {
		t.Fatalf("user add admin: %s", errs)
	}
	if code, _, errs := cli(t, pw, "user", "add", "--data", dir, "--role", "superbruger", "ole"); code != 2 || !strings.Contains(errs, "superbruger") {
		t.Fatalf("unknown role: %d %s", code, errs)
	}
	if code, _, errs := cli(t, "", "user", "add", "--data", dir, "--role", "laeser", "ole"); code != 2 || !strings.Contains(errs, "standard input") {
		t.Fatalf("no password: %d %s", code, errs)
	}
	if code, _, errs := cli(t, "kort\n", "user", "add", "--data", dir, "--role", "laeser", "ole"); code != 2 || !strings.Contains(errs, "12") {
		t.Fatalf("short password: %d %s", code, errs)
	}
	if code, _, _ := cli(t, "", "user", "roles", "--data", dir, "--role", "sagsbehandler", "karin"); code != 0 {
		t.Fatal("user roles")
	}
	if code, _, errs := cli(t, "", "user", "roles", "--data", dir, "--role", "laeser", "it"); code != 2 || !strings.Contains(errs, "last administrator") {
		t.Fatalf("demoting the last admin: %d %s", code, errs)
	}
	code, out, _ := cli(t, "", "user", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "karin") || !strings.Contains(out, "sagsbehandler") || strings.Contains(out, "teamleder") {
		t.Fatalf("user list: %s", out)
	}
	code, secret, errs := cli(t, "", "token", "create", "--data", dir, "--user", "karin", "--label", "Power BI")
	secret = strings.TrimSpace(secret)
	if code != 0 || !strings.HasPrefix(secret, "omgjort_") || !strings.Contains(errs, "kun denne ene gang") {
		t.Fatalf("token create: %d %q %s", code, secret, errs)
	}
	_, list, _ := cli(t, "", "token", "list", "--data", dir)
	if strings.Contains(list, secret) || !strings.Contains(list, "Power BI") {
		t.Fatalf("token list shows the secret or misses the token: %s", list)
	}
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	if code, out, _ := cli(t, "", "token", "revoke", "--data", dir, id); code != 0 || !strings.Contains(out, "tilbagekaldt") {
		t.Fatalf("token revoke: %d %s", code, out)
	}
	if code, _, _ := cli(t, "", "user", "remove", "--data", dir, "karin"); code != 0 {
		t.Fatal("user remove")
	}

	code, out, errs = cli(t, "", "audit", "verify", "--data", dir)
	if code != 0 || !strings.Contains(out, "hel") {
		t.Fatalf("audit verify: %d %s %s", code, out, errs)
	}
	code, out, _ = cli(t, "", "audit", "export", "--data", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 6 || strings.Contains(out, secret) || strings.Contains(out, "en lang nok adgangskode") {
		t.Fatalf("audit export: %d lines\n%s", len(lines), out)
	}

	// Edit entry 3 in a copy of the data directory: verify exits 1 and names it.
	cp := t.TempDir()
	b, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cp, store.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(cp, store.FileName), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("audit_log"))
		k := binary.BigEndian.AppendUint64(nil, 3)
		var m map[string]any
		if err := json.Unmarshal(bk.Get(k), &m); err != nil {
			return err
		}
		m["entry"].(map[string]any)["detail"] = "intet at se her"
		v, _ := json.Marshal(m)
		return bk.Put(k, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = cli(t, "", "audit", "verify", "--data", cp)
	if code != 1 || !strings.Contains(errs, "entry 3") {
		t.Fatalf("audit verify of an edited copy: %d %s", code, errs)
	}
	if code, _, _ := cli(t, "", "audit", "verify", "--data", dir); code != 0 {
		t.Fatal("the original was changed")
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]time.Duration{"180d": 180 * 24 * time.Hour, "6m": 180 * 24 * time.Hour, "1y": 365 * 24 * time.Hour, "72h": 72 * time.Hour} {
		if got, err := parseRetention(in); err != nil || got != want {
			t.Errorf("parseRetention(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"x", "-1d", "0d", "6 måneder"} {
		if _, err := parseRetention(bad); err == nil {
			t.Errorf("parseRetention(%q) accepted", bad)
		}
	}
	if !loopbackOnly("127.0.0.1:8080") || !loopbackOnly("[::1]:80") || !loopbackOnly("localhost:1") || loopbackOnly(":8080") || loopbackOnly("0.0.0.0:80") {
		t.Error("loopbackOnly")
	}
}
