package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/oauth2-proxy/mockoidc"

	"omgjort"
	"omgjort/auth"
)

// provider is a real OpenID provider (mockoidc) on loopback, with a switch that rewrites the
// ID token its token endpoint returns, so the relying party's checks meet real bad tokens.
type provider struct {
	*mockoidc.MockOIDC
	mu     sync.Mutex
	tamper func(claims map[string]any) (key *rsa.PrivateKey)
}

func startProvider(t *testing.T) *provider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{MockOIDC: m}
	if err := m.AddMiddleware(p.rewrite); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return p
}

// rewrite re-signs the token endpoint's ID token after tamper changed its claims, with the
// provider's own key unless tamper returns another one (a bad signature). JOSE by go-jose.
func (p *provider) rewrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		tamper := p.tamper
		p.mu.Unlock()
		if tamper == nil || !strings.HasSuffix(r.URL.Path, mockoidc.TokenEndpoint) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["id_token"] == nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		obj, err := jose.ParseSigned(body["id_token"].(string), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		var claims map[string]any
		_ = json.Unmarshal(obj.UnsafePayloadWithoutVerification(), &claims)
		key := tamper(claims)
		if key == nil {
			key = p.Keypair.PrivateKey
		}
		kid, _ := p.Keypair.KeyID()
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		payload, _ := json.Marshal(claims)
		sig, err := signer.Sign(payload)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		body["id_token"], _ = sig.CompactSerialize()
		out, _ := json.Marshal(body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	})
}

func (p *provider) setTamper(f func(map[string]any) *rsa.PrivateKey) {
	p.mu.Lock()
	p.tamper = f
	p.mu.Unlock()
}

// authorize follows the authorization URL to the provider and returns the state and code it
// sends back to the redirect URI (the browser's part of the flow).
func authorize(t *testing.T, authURL string) (state, code string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("state"), loc.Query().Get("code")
}

func newRP(t *testing.T, p *provider, s *auth.Service) *auth.OIDC {
	t.Helper()
	roleMap, err := auth.ParseRoleMap("Omgjort-Jurister=jurist,Omgjort-IT=admin")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: p.Issuer(), ClientID: p.ClientID,
		ClientSecret: p.ClientSecret, RedirectURL: "http://127.0.0.1:9/auth/oidc/callback",
		RolesClaim: "groups", RoleMap: roleMap, Scopes: []string{"profile", "email", "groups"}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOIDCSignIn(t *testing.T) {
	p := startProvider(t)
	s, _ := openService(t)
	o := newRP(t, p, s)

	p.QueueUser(&mockoidc.MockUser{Subject: "s-1", PreferredUsername: "jens@kommune.dk", Groups: []string{"Omgjort-Jurister", "Andet"}})
	state, authURL, err := o.Begin("/d/17-25")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"code_challenge=", "code_challenge_method=S256", "nonce=", "state=" + state} {
		if !strings.Contains(authURL, want) {
			t.Errorf("authorization URL lacks %s: %s", want, authURL)
		}
	}
	gotState, code := authorize(t, authURL)
	if gotState != state {
		t.Fatalf("state came back as %q", gotState)
	}
	u, returnTo, err := o.Finish(context.Background(), gotState, code)
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if u.Name != "jens@kommune.dk" || !u.Has(omgjort.RoleJurist) || u.Has(omgjort.RoleAdmin) || u.Method != "oidc" || returnTo != "/d/17-25" {
		t.Fatalf("user = %+v, return to %q", u, returnTo)
	}
	// The same callback again: the state is used up.
	_, _, err = o.Finish(context.Background(), gotState, code)
	assertRefused(t, "replayed state", err, "allerede brugt")

	// A user whose groups map to no role is refused.
	p.QueueUser(&mockoidc.MockUser{Subject: "s-2", PreferredUsername: "x", Groups: []string{"Andet"}})
	st, au, _ := o.Begin("/")
	st, code = authorize(t, au)
	_, _, err = o.Finish(context.Background(), st, code)
	assertRefused(t, "no role", err, "ingen rolle")
}

func assertRefused(t *testing.T, what string, err error, danish string) {
	t.Helper()
	var se *auth.SignInError
	if !errors.As(err, &se) {
		t.Fatalf("%s: err = %v; want a *SignInError", what, err)
	}
	if !strings.Contains(se.Message, danish) {
		t.Fatalf("%s: message %q lacks %q", what, se.Message, danish)
	}
}

func TestOIDCBadTokensRefused(t *testing.T) {
	p := startProvider(t)
	s, _ := openService(t)
	o := newRP(t, p, s)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		tamper func(c map[string]any) *rsa.PrivateKey
		danish string
	}{
		{"expired", func(c map[string]any) *rsa.PrivateKey {
			past := time.Now().Add(-2 * time.Hour).Unix()
			c["exp"], c["iat"], c["nbf"] = past+60, past, past
			return nil
		}, "udløbet"},
		{"wrong audience", func(c map[string]any) *rsa.PrivateKey { c["aud"] = []string{"en-anden-app"}; return nil }, "forkert audience"},
		{"wrong issuer", func(c map[string]any) *rsa.PrivateKey { c["iss"] = "https://evil.example/oidc"; return nil }, "forkert issuer"},
		{"bad signature", func(c map[string]any) *rsa.PrivateKey { return other }, "signatur"},
		{"wrong nonce", func(c map[string]any) *rsa.PrivateKey { c["nonce"] = "fremmed"; return nil }, "nonce"},
		{"untouched", func(c map[string]any) *rsa.PrivateKey { return nil }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.setTamper(c.tamper)
			defer p.setTamper(nil)
			p.QueueUser(&mockoidc.MockUser{Subject: "s-3", PreferredUsername: "it", Groups: []string{"Omgjort-IT"}})
			_, au, err := o.Begin("/")
			if err != nil {
				t.Fatal(err)
			}
			st, code := authorize(t, au)
			u, _, err := o.Finish(context.Background(), st, code)
			if c.danish == "" {
				// The rewrite itself keeps a good token good: the refusals above are the checks'.
				if err != nil || !u.Has(omgjort.RoleAdmin) {
					t.Fatalf("re-signed good token refused: %v", err)
				}
				return
			}
			assertRefused(t, c.name, err, c.danish)
		})
	}
}
