package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
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

// TestServeWithOIDCAndPrivateSite runs serve as configured in production: --public=false, an
// OpenID provider (mockoidc on loopback) with a role map, --site-url, and a personal API token
// made with the CLI. Anonymous visitors are refused, the OIDC round trip signs in, the token
// reads the API, and the audit log verifies afterwards.
func TestServeWithOIDCAndPrivateSite(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	m.QueueUser(&mockoidc.MockUser{Subject: "x1", PreferredUsername: "lise@kommune.dk", Groups: []string{"GG-Jura"}})

	dir := t.TempDir()
	if code, _, errs := cli(t, "en lang nok adgangskode\n", "user", "add", "--data", dir, "--role", "laeser", "bi"); code != 0 {
		t.Fatal(errs)
	}
	_, tok, _ := cli(t, "", "token", "create", "--data", dir, "--user", "bi")
	tok = strings.TrimSpace(tok)

	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	o := serveOptions{listener: ln, crawlSpec: "off", retsinfoSpec: "off", digestSpec: "off", backupSpec: "off"}
	o.mail.siteURL = base
	o.access = accessFlags{oidcIssuer: m.Issuer(), oidcClientID: m.ClientID, oidcRolesClaim: "groups",
		oidcRoleMap: "GG-Jura=jurist", oidcScopes: "profile,email,groups", auditRetention: "180d"}
	_ = o.access.public.Set("false")
	t.Setenv("OMGJORT_OIDC_CLIENT_SECRET", m.ClientSecret)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- a.serveWith(ctx, o) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
		if code, out, errs := cli(t, "", "audit", "verify", "--data", dir); code != 0 {
			t.Errorf("audit verify after serving: %d %s %s", code, out, errs)
		}
		_, out, _ := cli(t, "", "audit", "export", "--data", dir, "--user", "lise@kommune.dk")
		if !strings.Contains(out, `"action":"signin"`) {
			t.Errorf("no OIDC sign-in in the audit export: %s", out)
		}
	}()
	waitUp(t, base+"/healthz")

	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous on a private site: %d", resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err = c.Get(base + "/auth/oidc/start?next=/stats")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/stats" || !strings.Contains(string(b), "lise@kommune.dk") {
		t.Fatalf("after the OIDC round trip: %d %s", resp.StatusCode, resp.Request.URL)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/search?q=kommune", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("API token on a private site: %d", resp.StatusCode)
	}
}

func waitUp(t *testing.T, u string) {
	t.Helper()
	for range 200 {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s never answered", u)
}
