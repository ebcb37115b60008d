package auth_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
	"omgjort/auth"
)

// cheap argon2id parameters keep the tests fast; the stored params make them checkable.
var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}

func openService(t *testing.T) (*auth.Service, *bolt.DB) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "auth.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s, err := auth.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	s.SetParams(cheap)
	return s, db
}

const pw = "korrekt hest batteri"

func TestPasswordSignInAndThrottling(t *testing.T) {
	s, _ := openService(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	if err := s.AddUser("karin", pw, []omgjort.Role{omgjort.RoleJurist}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("Karin", pw, []omgjort.Role{omgjort.RoleJurist}); !errors.Is(err, auth.ErrExists) {
		t.Fatalf("second Karin: %v", err)
	}
	if err := s.AddUser("ole", "kort", []omgjort.Role{omgjort.RoleLaeser}); !errors.Is(err, auth.ErrInvalid) {
		t.Fatalf("short password accepted: %v", err)
	}
	if err := s.AddUser("x y", pw, []omgjort.Role{omgjort.RoleLaeser}); !errors.Is(err, auth.ErrInvalid) {
		t.Fatalf("bad name accepted: %v", err)
	}
	u, err := s.CheckPassword("karin", pw)
	if err != nil || u.Name != "karin" || !u.Can(omgjort.PermCorrectLabels) || u.Method != "password" {
		t.Fatalf("CheckPassword = %+v, %v", u, err)
	}
	if _, err := s.CheckPassword("nobody", pw); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("unknown user: %v", err)
	}
	// Three free failures, then growing delays: 1 s, 2 s, 4 s …
	for i := range 3 {
		if _, err := s.CheckPassword("karin", "forkert forkert"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	// The third failure imposes a 1 s wait: an attempt before it is refused unchecked.
	var te0 *auth.ThrottledError
	if _, err := s.CheckPassword("karin", pw); !errors.As(err, &te0) || te0.Until.Sub(now) != time.Second {
		t.Fatalf("right password at once after 3 failures = %v; want a 1 s wait", err)
	}
	now = now.Add(time.Second)
	if _, err := s.CheckPassword("karin", pw); err != nil {
		t.Fatalf("right password after the wait: %v", err)
	}
	// Reset by that success; now fail on until locked.
	var last error
	for i := range 10 {
		_, last = s.CheckPassword("karin", "forkert forkert")
		var te *auth.ThrottledError
		if errors.As(last, &te) {
			wait := te.Until.Sub(now)
			if wait <= 0 {
				t.Fatalf("attempt %d throttled with no wait", i+1)
			}
			now = te.Until // wait it out
			_, last = s.CheckPassword("karin", "forkert forkert")
		}
	}
	// Ten failures: locked for 15 minutes, even with the right password.
	_, err = s.CheckPassword("karin", pw)
	var te *auth.ThrottledError
	if !errors.As(err, &te) || !te.Locked || te.Until.Sub(now) != 15*time.Minute {
		t.Fatalf("after ten failures = %v (%+v); want locked for 15m", err, te)
	}
	users, _ := s.Users()
	if len(users) != 1 || !users[0].Locked {
		t.Fatalf("Users = %+v; want karin locked", users)
	}
	now = now.Add(15 * time.Minute)
	if _, err := s.CheckPassword("karin", pw); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
}

func TestDelaysGrow(t *testing.T) {
	s, _ := openService(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	_ = s.AddUser("ole", pw, []omgjort.Role{omgjort.RoleLaeser})
	var waits []time.Duration
	for range 40 {
		_, err := s.CheckPassword("ole", "forkert forkert")
		var te *auth.ThrottledError
		if errors.As(err, &te) {
			waits = append(waits, te.Until.Sub(now))
			now = te.Until
			if te.Locked {
				break
			}
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, 64 * time.Second, 15 * time.Minute}
	if len(waits) < len(want) {
		t.Fatalf("waits = %v; want at least %v", waits, want)
	}
	for i, w := range want {
		if waits[i] != w {
			t.Fatalf("waits = %v; want %v first", waits, want)
		}
	}
}

func TestRolesSessionsAndTokens(t *testing.T) {
	s, _ := openService(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	_ = s.AddUser("admin", pw, []omgjort.Role{omgjort.RoleAdmin})
	_ = s.AddUser("ole", pw, []omgjort.Role{omgjort.RoleLaeser})
	if err := s.SetRoles("admin", []omgjort.Role{omgjort.RoleLaeser}); !errors.Is(err, auth.ErrLastAdmin) {
		t.Fatalf("demoting the last admin: %v", err)
	}
	if err := s.RemoveUser("admin"); !errors.Is(err, auth.ErrLastAdmin) {
		t.Fatalf("removing the last admin: %v", err)
	}
	if err := s.SetRoles("ole", []omgjort.Role{"superuser"}); !errors.Is(err, auth.ErrInvalid) {
		t.Fatalf("unknown role: %v", err)
	}

	u, _ := s.CheckPassword("ole", pw)
	id1, sess, err := s.NewSession(u)
	if err != nil || sess.CSRF == "" || len(id1) < 40 {
		t.Fatalf("NewSession = %q %+v %v", id1, sess, err)
	}
	id2, _, _ := s.NewSession(u)
	if got, err := s.Session(id1); err != nil || got.User != "ole" || got.CSRF != sess.CSRF {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	if _, err := s.Session(id1 + "x"); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("forged session: %v", err)
	}
	if !auth.CheckCSRF(sess.CSRF, sess.CSRF) || auth.CheckCSRF(sess.CSRF, "") || auth.CheckCSRF(sess.CSRF, sess.CSRF+"x") {
		t.Fatal("CheckCSRF")
	}
	// A role change ends the user's sessions everywhere.
	if err := s.SetRoles("ole", []omgjort.Role{omgjort.RoleSagsbehandler}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{id1, id2} {
		if _, err := s.Session(id); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("session survived a role change: %v", err)
		}
	}
	// Expiry.
	id3, _, _ := s.NewSession(u)
	now = now.Add(auth.DefaultSessionTTL)
	if _, err := s.Session(id3); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("expired session: %v", err)
	}
	// Sign-out everywhere.
	a, b := mustSession(t, s, u), mustSession(t, s, u)
	if n, err := s.EndSessions("ole"); err != nil || n != 2 {
		t.Fatalf("EndSessions = %d, %v", n, err)
	}
	for _, id := range []string{a, b} {
		if _, err := s.Session(id); !errors.Is(err, auth.ErrNoSession) {
			t.Fatal("session survived sign-out everywhere")
		}
	}

	// Tokens: shown once, stored hashed, roles read live, revocable.
	secret, tok, err := s.CreateToken("ole", "Power BI")
	if err != nil || len(secret) < 40 || tok.ID == "" {
		t.Fatalf("CreateToken = %q %+v %v", secret, tok, err)
	}
	tu, _, err := s.TokenUser(secret)
	if err != nil || tu.Name != "ole" || !tu.Can(omgjort.PermReadOwn) || tu.Method != "token" {
		t.Fatalf("TokenUser = %+v, %v", tu, err)
	}
	_ = s.SetRoles("ole", []omgjort.Role{omgjort.RoleLaeser})
	if tu, _, _ := s.TokenUser(secret); tu.Can(omgjort.PermReadOwn) {
		t.Fatal("token kept a role the user lost")
	}
	// One character in the middle changed (the last character of unpadded base64 carries
	// spare bits, so changing it may decode to the same secret).
	mid := len(secret) / 2
	c := byte('A')
	if secret[mid] == c {
		c = 'B'
	}
	forged := secret[:mid] + string(c) + secret[mid+1:]
	if _, _, err := s.TokenUser(forged); !errors.Is(err, auth.ErrBadToken) {
		t.Fatalf("forged token: %v", err)
	}
	if _, err := s.RevokeToken(tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(secret); !errors.Is(err, auth.ErrBadToken) {
		t.Fatalf("revoked token still works: %v", err)
	}
	// Removing a user removes its tokens.
	secret2, _, _ := s.CreateToken("ole", "")
	if err := s.RemoveUser("ole"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(secret2); !errors.Is(err, auth.ErrBadToken) {
		t.Fatal("token of a removed user still works")
	}
}

func mustSession(t *testing.T, s *auth.Service, u *omgjort.User) string {
	t.Helper()
	id, _, err := s.NewSession(u)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSecretsNotStored: the bbolt file holds no password, session id or token in clear.
func TestSecretsNotStored(t *testing.T) {
	s, db := openService(t)
	_ = s.AddUser("karin", pw, []omgjort.Role{omgjort.RoleAdmin})
	u, _ := s.CheckPassword("karin", pw)
	id, _, _ := s.NewSession(u)
	secret, _, _ := s.CreateToken("karin", "")
	var all []byte
	_ = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error { all = append(append(all, k...), v...); return nil })
		})
	})
	for _, sec := range []string{pw, id, secret} {
		if contains(all, sec) {
			t.Errorf("secret %.8s… stored in clear", sec)
		}
	}
}

func contains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

func TestParseRoleMap(t *testing.T) {
	m, err := auth.ParseRoleMap("Omgjort-Jurister=jurist, Omgjort-Ledere=teamleder+jurist,IT=admin")
	if err != nil || len(m["Omgjort-Ledere"]) != 2 || m["IT"][0] != omgjort.RoleAdmin {
		t.Fatalf("ParseRoleMap = %v, %v", m, err)
	}
	for _, bad := range []string{"G=chef", "=jurist", "G"} {
		if _, err := auth.ParseRoleMap(bad); err == nil {
			t.Errorf("ParseRoleMap(%q) accepted", bad)
		}
	}
}
