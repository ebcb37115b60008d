package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/oauth2"

	"omgjort"
)

// OIDCConfig is how Omgjort meets the municipality's OpenID provider.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL (discovery at Issuer/.well-known/openid-configuration).
	// For Entra ID use the tenant's own issuer, https://login.microsoftonline.com/TENANT/v2.0.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the site's callback, SITE/auth/oidc/callback.
	RedirectURL string
	// RolesClaim names the ID-token claim with the user's groups or roles ("groups", "roles",
	// or a dotted path such as "realm_access.roles").
	RolesClaim string
	// RoleMap maps a claim value (a group name or object id) to Omgjort roles. When it is empty
	// a claim value that is itself a role slug grants that role.
	RoleMap map[string][]omgjort.Role
	// Scopes requested besides openid; profile and email when nil.
	Scopes []string
	// HTTPClient talks to the provider; http.DefaultClient when nil.
	HTTPClient *http.Client
}

// ParseRoleMap reads --oidc-role-map: "GROUP=role,GROUP2=role2"; a group may be named several
// times to grant several roles, and "GROUP=jurist+teamleder" grants two at once.
func ParseRoleMap(s string) (map[string][]omgjort.Role, error) {
	out := map[string][]omgjort.Role{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		group, roles, ok := strings.Cut(pair, "=")
		group = strings.TrimSpace(group)
		if !ok || group == "" {
			return nil, fmt.Errorf("role map entry %q: write GROUP=role", pair)
		}
		rs, err := omgjort.ParseRoles(strings.ReplaceAll(roles, "+", ","))
		if err != nil {
			return nil, fmt.Errorf("role map entry %q: %w", pair, err)
		}
		if len(rs) == 0 {
			return nil, fmt.Errorf("role map entry %q: no role", pair)
		}
		out[group] = append(out[group], rs...)
	}
	return out, nil
}

// OIDC runs the authorization code flow with PKCE, state and nonce against one provider.
type OIDC struct {
	cfg      OIDCConfig
	svc      *Service
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
}

// pendingTTL is how long a started sign-in may take at the provider.
const pendingTTL = 10 * time.Minute

// pending is a sign-in started with Begin and not yet finished; stored under the hash of its
// state, deleted on first use, so a replayed callback finds nothing.
type pending struct {
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	ReturnTo string    `json:"return_to"`
	Expires  time.Time `json:"expires"`
}

// NewOIDC discovers the provider (its endpoints and signing keys) and prepares the flow.
func (s *Service) NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("auth: oidc: issuer, client id and redirect URL are required")
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = "groups"
	}
	if cfg.Scopes == nil {
		cfg.Scopes = []string{"profile", "email"}
	}
	if cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, cfg.HTTPClient)
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: oidc: discovery at %s: %w", cfg.Issuer, err)
	}
	o := &OIDC{cfg: cfg, svc: s, provider: p,
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: s.now}),
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: cfg.RedirectURL, Scopes: append([]string{oidc.ScopeOpenID}, cfg.Scopes...)}}
	return o, nil
}

// Begin starts a sign-in: it stores a fresh state, nonce and PKCE verifier and returns the
// state (for the browser-binding cookie) and the provider's authorization URL.
func (o *OIDC) Begin(returnTo string) (state, authURL string, err error) {
	if state, err = RandomToken(32); err != nil {
		return "", "", err
	}
	nonce, err := RandomToken(32)
	if err != nil {
		return "", "", err
	}
	p := pending{Nonce: nonce, Verifier: oauth2.GenerateVerifier(), ReturnTo: returnTo,
		Expires: o.svc.now().Add(pendingTTL)}
	err = o.svc.db.Update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketPending), secretKey(state), p) })
	if err != nil {
		return "", "", fmt.Errorf("auth: oidc: begin: %w", err)
	}
	return state, o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(p.Verifier)), nil
}

// SignInError is a refused sign-in: Message is Danish and tells the user what happened and
// what to do; Err is the cause for the log.
type SignInError struct {
	Message string
	Err     error
}

func (e *SignInError) Error() string { return e.Message + ": " + fmt.Sprint(e.Err) }
func (e *SignInError) Unwrap() error { return e.Err }

func refuse(msg string, err error) error { return &SignInError{Message: msg, Err: err} }

// Finish completes a sign-in at the callback: it takes the pending sign-in of state (once),
// exchanges the code with the PKCE verifier, verifies the ID token (signature from the
// provider's keys, issuer, audience, expiry, nonce) and maps the roles claim. It returns the
// principal and where to send the browser.
func (o *OIDC) Finish(ctx context.Context, state, code string) (*omgjort.User, string, error) {
	var p pending
	var found bool
	key := secretKey(state)
	err := o.svc.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPending)
		var err error
		if found, err = getJSON(b, key, &p); err != nil || !found {
			return err
		}
		return b.Delete(key)
	})
	if err != nil {
		return nil, "", fmt.Errorf("auth: oidc: finish: %w", err)
	}
	if state == "" || !found {
		return nil, "", refuse("Log ind-forsøget er ukendt eller er allerede brugt. Start forfra fra log ind-siden.", errors.New("unknown or replayed state"))
	}
	if !o.svc.now().Before(p.Expires) {
		return nil, "", refuse("Log ind-forsøget tog for lang tid. Start forfra fra log ind-siden.", errors.New("pending sign-in expired"))
	}
	if code == "" {
		return nil, "", refuse("Identitetsudbyderen sendte ingen kode tilbage. Start forfra fra log ind-siden.", errors.New("no code"))
	}
	if o.cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, "", refuse("Identitetsudbyderen afviste log ind-koden. Start forfra fra log ind-siden.", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, "", refuse("Identitetsudbyderen sendte intet ID-token. Kontakt it-afdelingen.", errors.New("no id_token in token response"))
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, "", refuse(verifyMessage(err), err)
	}
	if !CheckCSRF(p.Nonce, idt.Nonce) {
		return nil, "", refuse("ID-tokenet hører ikke til dette log ind-forsøg (nonce). Start forfra fra log ind-siden.", errors.New("nonce mismatch"))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, "", refuse("ID-tokenet kunne ikke læses. Kontakt it-afdelingen.", err)
	}
	u := &omgjort.User{Name: claimName(claims, idt.Subject), Method: "oidc"}
	u.Roles = o.mapRoles(claimValues(claims, o.cfg.RolesClaim))
	if len(u.Roles) == 0 {
		return nil, "", refuse("Din bruger har ingen rolle i Omgjort. Bed it-afdelingen om at give dig adgang (en gruppe, der giver en rolle).", ErrNoRoles)
	}
	return u, p.ReturnTo, nil
}

// verifyMessage is the Danish message for a refused ID token.
func verifyMessage(err error) string {
	var exp *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &exp):
		return "ID-tokenet fra identitetsudbyderen er udløbet. Start forfra fra log ind-siden; sker det igen, så tjek serverens ur."
	case strings.Contains(msg, "expected audience"):
		return "ID-tokenet er udstedt til en anden applikation end Omgjort (forkert audience). Kontakt it-afdelingen."
	case strings.Contains(msg, "issued by a different provider"):
		return "ID-tokenet er udstedt af en anden identitetsudbyder end den, Omgjort stoler på (forkert issuer). Kontakt it-afdelingen."
	case strings.Contains(msg, "signature"):
		return "ID-tokenets signatur kunne ikke verificeres med identitetsudbyderens nøgler. Log ind blev afvist."
	}
	return "ID-tokenet fra identitetsudbyderen blev afvist. Start forfra fra log ind-siden."
}

// claimName is the user name shown and logged: preferred_username, then upn, email, sub.
func claimName(c map[string]any, sub string) string {
	for _, k := range []string{"preferred_username", "upn", "email", "unique_name"} {
		if v, ok := c[k].(string); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return sub
}

// claimValues reads a claim (or a dotted path into nested objects) as a list of strings.
func claimValues(c map[string]any, path string) []string {
	var cur any = c
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	switch v := cur.(type) {
	case string:
		// AD FS sends a single group as a string; some providers join them with commas.
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (o *OIDC) mapRoles(values []string) []omgjort.Role {
	seen := map[omgjort.Role]bool{}
	var slugs []string
	for _, v := range values {
		var rs []omgjort.Role
		if len(o.cfg.RoleMap) > 0 {
			rs = o.cfg.RoleMap[v]
		} else if r := omgjort.Role(strings.ToLower(v)); r.Valid() {
			rs = []omgjort.Role{r}
		}
		for _, r := range rs {
			if !seen[r] {
				seen[r] = true
				slugs = append(slugs, string(r))
			}
		}
	}
	out, _ := omgjort.ParseRoles(strings.Join(slugs, ","))
	return out
}
