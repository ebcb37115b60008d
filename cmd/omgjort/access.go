package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"omgjort"
	"omgjort/audit"
	"omgjort/auth"
	"omgjort/server"
	"omgjort/store"
)

// accessStore is the store with the user store and the audit log, for the commands that
// manage users, tokens and the log without the search index.
type accessStore struct {
	db  *store.DB
	svc *auth.Service
	log *audit.Log
}

func openAccess(dir string) (*accessStore, error) {
	db, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	svc, err := auth.Open(db.Bolt())
	if err != nil {
		db.Close()
		return nil, err
	}
	l, err := audit.Open(db.Bolt())
	if err != nil {
		db.Close()
		return nil, err
	}
	return &accessStore{db: db, svc: svc, log: l}, nil
}

func (s *accessStore) Close() error { return s.db.Close() }

// cliActor names the person at the command line in the audit log.
func cliActor() string {
	if u := os.Getenv("USER"); u != "" {
		return "kommandolinje:" + u
	}
	return "kommandolinje"
}

func (s *accessStore) record(action, detail string) error {
	return s.log.Record(context.Background(), omgjort.AuditEntry{User: cliActor(), Action: action,
		Outcome: omgjort.AuditOK, Detail: detail, Client: "lokal"})
}

// readPassword reads the password from the first line of standard input, so it never appears
// in the process list or the shell history.
func readPassword(env *environ) (string, error) {
	if env.stdin == nil {
		return "", fmt.Errorf("%w: the password is read from standard input, which is not available", errUsage)
	}
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("%w: give the password on standard input (e.g. printf '%%s\\n' \"$PASSWORD\" | omgjort user add …)", errUsage)
	}
	return pw, nil
}

func runUser(_ context.Context, env *environ, args []string) error {
	const synopsis = "user add|list|remove|roles|password|unlock [--data DIR] [--role ROLE[,ROLE]] [NAME]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("%w: omgjort %s", errUsage, synopsis)
	}
	sub := args[0]
	fs := newFlags(env, "user "+sub, synopsis)
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	roleList := fs.String("role", "", "roles, comma-separated: laeser, sagsbehandler, jurist, teamleder, admin")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	name := strings.TrimSpace(fs.Arg(0))
	needName := sub != "list"
	if needName && (name == "" || fs.NArg() > 1) {
		return fmt.Errorf("%w: omgjort user %s needs exactly one user name", errUsage, sub)
	}
	var roles []omgjort.Role
	if sub == "add" || sub == "roles" {
		var err error
		if roles, err = omgjort.ParseRoles(*roleList); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if len(roles) == 0 {
			return fmt.Errorf("%w: give the roles with --role (laeser, sagsbehandler, jurist, teamleder, admin)", errUsage)
		}
	}
	var pw string
	if sub == "add" || sub == "password" {
		var err error
		if pw, err = readPassword(env); err != nil {
			return err
		}
	}
	s, err := openAccess(*data)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "add":
		if err := s.svc.AddUser(name, pw, roles); err != nil {
			return userErr(err)
		}
		fmt.Fprintf(env.stdout, "Bruger %s oprettet med rollerne %s.\n", name, roleNames(roles))
		return s.record(omgjort.AuditUserChange, "bruger "+name+" oprettet; roller: "+roleSlugs(roles))
	case "list":
		users, err := s.svc.Users()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "BRUGER\tROLLER\tOPRETTET\tSTATUS")
		for _, u := range users {
			state := "aktiv"
			if u.Locked {
				state = "låst"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, roleSlugs(u.Roles), u.Created.Format(time.DateOnly), state)
		}
		return tw.Flush()
	case "remove":
		if err := s.svc.RemoveUser(name); err != nil {
			return userErr(err)
		}
		fmt.Fprintf(env.stdout, "Bruger %s slettet; brugerens sessioner og API-nøgler er ophørt.\n", name)
		return s.record(omgjort.AuditUserChange, "bruger "+name+" slettet")
	case "roles":
		if err := s.svc.SetRoles(name, roles); err != nil {
			return userErr(err)
		}
		fmt.Fprintf(env.stdout, "Bruger %s har nu rollerne %s; brugerens sessioner er afsluttet.\n", name, roleNames(roles))
		return s.record(omgjort.AuditUserChange, "roller for "+name+" sat til "+roleSlugs(roles))
	case "password":
		if err := s.svc.SetPassword(name, pw); err != nil {
			return userErr(err)
		}
		if _, err := s.svc.EndSessions(name); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Ny adgangskode sat for %s; brugerens sessioner er afsluttet.\n", name)
		return s.record(omgjort.AuditUserChange, "adgangskode skiftet for "+name)
	case "unlock":
		if err := s.svc.Unlock(name); err != nil {
			return userErr(err)
		}
		fmt.Fprintf(env.stdout, "Bruger %s er låst op.\n", name)
		return s.record(omgjort.AuditUserChange, "bruger "+name+" låst op")
	}
	return fmt.Errorf("%w: unknown subcommand %q: omgjort %s", errUsage, sub, synopsis)
}

// userErr makes the user store's input errors usage errors (exit 2).
func userErr(err error) error {
	if errors.Is(err, auth.ErrInvalid) || errors.Is(err, auth.ErrExists) || errors.Is(err, auth.ErrNoUser) || errors.Is(err, auth.ErrLastAdmin) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}

func roleSlugs(rs []omgjort.Role) string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, string(r))
	}
	return strings.Join(out, ",")
}

func roleNames(rs []omgjort.Role) string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Label())
	}
	return strings.Join(out, ", ")
}

func runToken(_ context.Context, env *environ, args []string) error {
	const synopsis = "token create --user NAME [--label TEXT] | token list [--user NAME] | token revoke ID  [--data DIR]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("%w: omgjort %s", errUsage, synopsis)
	}
	sub := args[0]
	fs := newFlags(env, "token "+sub, synopsis)
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	user := fs.String("user", "", "the user the token acts as")
	label := fs.String("label", "", "what the token is for, e.g. \"Power BI\"")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if sub == "create" && *user == "" {
		return fmt.Errorf("%w: omgjort token create needs --user NAME", errUsage)
	}
	if sub == "revoke" && fs.NArg() != 1 {
		return fmt.Errorf("%w: omgjort token revoke needs the token's ID (see omgjort token list)", errUsage)
	}
	s, err := openAccess(*data)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "create":
		secret, t, err := s.svc.CreateToken(*user, *label)
		if err != nil {
			return userErr(err)
		}
		fmt.Fprintf(env.stderr, "API-nøgle %s oprettet for %s. Den vises kun denne ene gang; send den som \"Authorization: Bearer …\".\n", t.ID, t.User)
		fmt.Fprintln(env.stdout, secret)
		return s.record(omgjort.AuditTokenChange, "API-nøgle "+t.ID+" oprettet for "+t.User)
	case "list":
		ts, err := s.svc.Tokens(*user)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tBRUGER\tOPRETTET\tFORMÅL")
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.User, t.Created.Format(time.DateOnly), t.Label)
		}
		return tw.Flush()
	case "revoke":
		t, err := s.svc.RevokeToken(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		fmt.Fprintf(env.stdout, "API-nøgle %s (%s) er tilbagekaldt.\n", t.ID, t.User)
		return s.record(omgjort.AuditTokenChange, "API-nøgle "+t.ID+" tilbagekaldt for "+t.User)
	}
	return fmt.Errorf("%w: unknown subcommand %q: omgjort %s", errUsage, sub, synopsis)
}

func runAudit(_ context.Context, env *environ, args []string) error {
	const synopsis = "audit verify | audit export [--user NAME] [--decision ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]  [--data DIR]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("%w: omgjort %s", errUsage, synopsis)
	}
	sub := args[0]
	fs := newFlags(env, "audit "+sub, synopsis)
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	user := fs.String("user", "", "only entries of this user")
	decision := fs.String("decision", "", "only entries about this decision ID (an access request)")
	from := fs.String("from", "", "only entries from this day (YYYY-MM-DD)")
	to := fs.String("to", "", "only entries up to and including this day (YYYY-MM-DD)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	f := audit.Filter{User: *user, DecisionID: *decision}
	for _, d := range []struct {
		v   string
		dst *time.Time
		add int
	}{{*from, &f.From, 0}, {*to, &f.To, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.v, time.Local)
		if err != nil {
			return fmt.Errorf("%w: date %q: write YYYY-MM-DD", errUsage, d.v)
		}
		*d.dst = t.AddDate(0, 0, d.add)
	}
	s, err := openAccess(*data)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "verify":
		n, err := s.log.Verify()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Revisionsloggen er hel: %d poster kontrolleret.\n", n)
		return nil
	case "export":
		n, err := s.log.Export(env.stdout, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "%d poster eksporteret.\n", n)
		return nil
	}
	return fmt.Errorf("%w: unknown subcommand %q: omgjort %s", errUsage, sub, synopsis)
}

// optBool is a boolean flag that may be left unset ("auto").
type optBool struct{ set, v bool }

func (b *optBool) String() string {
	if b == nil || !b.set {
		return "auto"
	}
	return strconv.FormatBool(b.v)
}

func (b *optBool) Set(s string) error {
	if s == "auto" {
		b.set = false
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.v = true, v
	return nil
}

func (b *optBool) IsBoolFlag() bool { return true }

// accessFlags are serve's sign-in, roles and audit settings.
type accessFlags struct {
	// siteURL is serve's --site-url (registered with the mail flags, which use it for links):
	// the OIDC redirect is built from it, and https makes the cookies Secure.
	siteURL        string
	public         optBool
	oidcIssuer     string
	oidcClientID   string
	oidcRolesClaim string
	oidcRoleMap    string
	oidcScopes     string
	auditRetention string
}

func (o *accessFlags) register(fs *flag.FlagSet) {
	fs.Var(&o.public, "public", "let anyone read the published decisions without signing in (default: on when --addr is loopback only); own decisions always need sign-in")
	fs.StringVar(&o.oidcIssuer, "oidc-issuer", "", "OpenID Connect issuer URL of the municipality's identity provider (Entra ID: https://login.microsoftonline.com/TENANT/v2.0); the client secret is read from OMGJORT_OIDC_CLIENT_SECRET")
	fs.StringVar(&o.oidcClientID, "oidc-client-id", "", "OpenID Connect client (application) ID")
	fs.StringVar(&o.oidcRolesClaim, "oidc-roles-claim", "groups", "ID-token claim with the user's groups or roles (e.g. groups, roles, realm_access.roles)")
	fs.StringVar(&o.oidcRoleMap, "oidc-role-map", "", `map claim values to roles: "GROUP=role,GROUP2=role2+role3"`)
	fs.StringVar(&o.oidcScopes, "oidc-scopes", "profile,email", "scopes requested besides openid, comma-separated")
	fs.StringVar(&o.auditRetention, "audit-retention", "6m", "how long audit entries are kept: e.g. 180d, 6m, 1y, or a Go duration")
}

// parseRetention reads "180d", "6m", "1y" or a Go duration.
func parseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return audit.DefaultRetention, nil
	}
	unit := s[len(s)-1]
	if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && n > 0 {
		switch unit {
		case 'd':
			return time.Duration(n) * 24 * time.Hour, nil
		case 'm':
			return time.Duration(n) * 30 * 24 * time.Hour, nil
		case 'y':
			return time.Duration(n) * 365 * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%w: --audit-retention %q: write e.g. 180d, 6m, 1y", errUsage, s)
	}
	return d, nil
}

// loopbackOnly reports whether addr listens on loopback only.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// retentionEvery is how often the audit log and expired sessions are pruned while serving.
const retentionEvery = 6 * time.Hour

// setupAccess opens the user store and the audit log in the data directory, sets up OIDC when
// configured, fills the server's config, and starts the pruning of the audit log (retention)
// and of expired sessions. The returned stop ends the pruning.
func (a *app) setupAccess(ctx context.Context, addr string, o accessFlags, cfg *server.Config) (stop func(), err error) {
	retention, err := parseRetention(o.auditRetention)
	if err != nil {
		return nil, err
	}
	svc, err := auth.Open(a.db.Bolt())
	if err != nil {
		return nil, err
	}
	alog, err := audit.Open(a.db.Bolt())
	if err != nil {
		return nil, err
	}
	cfg.Auth, cfg.Audit = svc, alog
	public := loopbackOnly(addr)
	if o.public.set {
		public = o.public.v
	}
	cfg.Private = !public
	site := strings.TrimRight(o.siteURL, "/")
	if site != "" {
		u, err := url.Parse(site)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: --site-url %q: write the full address, e.g. https://omgjort.kommune.dk", errUsage, o.siteURL)
		}
		cfg.SecureCookies = u.Scheme == "https"
	}
	if o.oidcIssuer != "" {
		if o.oidcClientID == "" || site == "" {
			return nil, fmt.Errorf("%w: --oidc-issuer needs --oidc-client-id and --site-url", errUsage)
		}
		roleMap, err := auth.ParseRoleMap(o.oidcRoleMap)
		if err != nil {
			return nil, fmt.Errorf("%w: --oidc-role-map: %v", errUsage, err)
		}
		var scopes []string
		for _, sc := range strings.Split(o.oidcScopes, ",") {
			if sc = strings.TrimSpace(sc); sc != "" && sc != "openid" {
				scopes = append(scopes, sc)
			}
		}
		if scopes == nil {
			scopes = []string{}
		}
		cfg.OIDC, err = svc.NewOIDC(ctx, auth.OIDCConfig{Issuer: o.oidcIssuer, ClientID: o.oidcClientID,
			ClientSecret: os.Getenv("OMGJORT_OIDC_CLIENT_SECRET"), RedirectURL: site + "/auth/oidc/callback",
			RolesClaim: o.oidcRolesClaim, RoleMap: roleMap, Scopes: scopes})
		if err != nil {
			return nil, err
		}
		a.log.Info("sign-in with OpenID Connect", "issuer", o.oidcIssuer, "redirect", site+"/auth/oidc/callback")
	}
	a.log.Info("access", "public", public, "audit_retention", retention.String())
	prune := func() {
		if n, err := alog.Prune(ctx, time.Now().Add(-retention)); err != nil {
			a.log.Error("audit log pruning failed", "error", err)
		} else if n > 0 {
			a.log.Info("audit log pruned", "entries", n, "retention", retention.String())
		}
		if _, err := svc.SweepSessions(); err != nil {
			a.log.Warn("expired sessions could not be removed", "error", err)
		}
	}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		prune()
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			select {
			case <-pctx.Done():
				return
			case <-t.C:
				prune()
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}

// demoAdmin creates (or resets) the demo's administrator with a fresh random password and
// returns the password, shown once on the terminal.
func (a *app) demoAdmin(log *slog.Logger) (string, error) {
	svc, err := auth.Open(a.db.Bolt())
	if err != nil {
		return "", err
	}
	pw, err := auth.RandomToken(12)
	if err != nil {
		return "", err
	}
	err = svc.AddUser("demo", pw, []omgjort.Role{omgjort.RoleAdmin})
	if errors.Is(err, auth.ErrExists) {
		err = svc.SetPassword("demo", pw)
	}
	if err != nil {
		return "", err
	}
	log.Debug("demo administrator ready")
	return pw, nil
}
