package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"

	"omgjort/auth"
	"omgjort/server"
)

// signInLocal fills the sign-in form the 401 page leads to and submits it.
func signInLocal(t *testing.T, ctx context.Context, user, password string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form.signin-form button[type=submit]`)),
	); err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
}

// TestBrowserLocalSignInAndSignOut: an anonymous visitor opening an own decision gets the
// Danish 401 page, follows "Log ind", signs in (a wrong password first, announced with
// role=alert), lands on the decision, signs out, and is refused again.
func TestBrowserLocalSignInAndSignOut(t *testing.T) {
	ctx := browser(t)
	f := newAuthFixture(t, nil)
	own := f.ts.URL + "/d/" + f.own.ID

	if err := chromedp.Do(ctx, chromedp.Navigate(own)); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector("h1") !== null`)
	if h := eval[string](t, ctx, `document.querySelector("h1").textContent`); h != "Log ind for at fortsætte" {
		t.Fatalf("anonymous own decision: h1 %q", h)
	}
	if eval[bool](t, ctx, `document.body.textContent.includes("`+ownMarker+`")`) {
		t.Fatal("the 401 page shows the own decision's text")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`main a.button`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.pathname === "/signin"`)
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "da" {
		t.Errorf("lang = %q", lang)
	}
	// Every field has a label.
	if n := eval[int](t, ctx, `[...document.querySelectorAll("form.signin-form input:not([type=hidden])")].filter(i => !document.querySelector("label[for='"+i.id+"']")).length`); n != 0 {
		t.Errorf("%d sign-in fields without a label", n)
	}
	signInLocal(t, ctx, "u-sagsbehandler", "forkert forkert")
	waitPage(t, ctx, `document.querySelector("[role=alert]") !== null`)
	if msg := eval[string](t, ctx, `document.querySelector("[role=alert]").textContent`); !strings.Contains(msg, "Forkert brugernavn eller adgangskode") {
		t.Errorf("error message = %q", msg)
	}
	if !eval[bool](t, ctx, `document.getElementById("username").getAttribute("aria-invalid") === "true"`) {
		t.Error("the fields are not marked invalid")
	}
	if err := chromedp.Do(ctx, chromedp.Clear(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form.signin-form button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.pathname === "/d/`+f.own.ID+`" && document.querySelector("article.decision") !== null`)
	if !eval[bool](t, ctx, `document.body.textContent.includes("`+ownMarker+`")`) {
		t.Fatal("signed in as sagsbehandler, the own decision's text is not shown")
	}
	if who := eval[string](t, ctx, `document.querySelector(".user-menu").textContent`); !strings.Contains(who, "u-sagsbehandler") || !strings.Contains(who, "Sagsbehandler") {
		t.Errorf("user menu = %q", who)
	}
	// The cookie is not readable from scripts (HttpOnly).
	if c := eval[string](t, ctx, `document.cookie`); strings.Contains(c, "omgjort_session") {
		t.Errorf("session cookie visible to scripts: %q", c)
	}
	// Sign out.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.user-menu form button`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.pathname === "/signin"`)
	if err := chromedp.Do(ctx, chromedp.Navigate(own)); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector("h1") !== null`)
	if h := eval[string](t, ctx, `document.querySelector("h1").textContent`); h != "Log ind for at fortsætte" {
		t.Fatalf("after sign-out: h1 %q", h)
	}
}

// TestBrowserForbiddenOwnDecision: a reader (laeser) is signed in but may not read own
// decisions: the Danish 403 page says so and what to do.
func TestBrowserForbiddenOwnDecision(t *testing.T) {
	ctx := browser(t)
	f := newAuthFixture(t, nil)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+"/signin?next=/d/"+f.own.ID)); err != nil {
		t.Fatal(err)
	}
	signInLocal(t, ctx, "u-laeser", testPassword)
	waitPage(t, ctx, `location.pathname === "/d/`+f.own.ID+`" && document.querySelector("h1") !== null`)
	if h := eval[string](t, ctx, `document.querySelector("h1").textContent`); h != "Adgang nægtet" {
		t.Fatalf("h1 = %q", h)
	}
	body := eval[string](t, ctx, `document.querySelector("main").textContent`)
	if !strings.Contains(body, "har ikke en rolle") || !strings.Contains(body, "administrator") || strings.Contains(body, ownMarker) {
		t.Errorf("403 page = %q", body)
	}
	if eval[string](t, ctx, `document.querySelector("[role=alert]").textContent`) == "" {
		t.Error("the refusal is not announced (role=alert)")
	}
	// The published decision is still there for a reader.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+"/d/17-25")); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector("article.decision") !== null`)
}

// TestBrowserOIDCSignIn signs in through a real OpenID provider on loopback (mockoidc): the
// browser goes to the provider and back, the groups claim maps to sagsbehandler, and the own
// decision opens.
func TestBrowserOIDCSignIn(t *testing.T) {
	ctx := browser(t)
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	m.QueueUser(&mockoidc.MockUser{Subject: "a1b2", PreferredUsername: "mette@kommune.dk", Groups: []string{"GG-Omgjort-Sagsbehandlere"}})
	f := newAuthFixture(t, func(c *server.Config, base string) {
		roleMap, err := auth.ParseRoleMap("GG-Omgjort-Sagsbehandlere=sagsbehandler")
		if err != nil {
			t.Fatal(err)
		}
		c.OIDC, err = c.Auth.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: m.Issuer(), ClientID: m.ClientID,
			ClientSecret: m.ClientSecret, RedirectURL: base + "/auth/oidc/callback", RolesClaim: "groups",
			RoleMap: roleMap, Scopes: []string{"profile", "email", "groups"}})
		if err != nil {
			t.Fatal(err)
		}
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+"/signin?next=/d/"+f.own.ID)); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector("a[href^='/auth/oidc/start']") !== null`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href^='/auth/oidc/start']`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.pathname === "/d/`+f.own.ID+`" && document.querySelector("article.decision") !== null`)
	if who := eval[string](t, ctx, `document.querySelector(".user-menu").textContent`); !strings.Contains(who, "mette@kommune.dk") {
		t.Errorf("user menu = %q", who)
	}
	ok, _ := f.log.List(auditFilterSignIn("mette@kommune.dk"))
	if len(ok) != 1 || !strings.Contains(ok[0].Entry.Detail, "oidc") {
		t.Errorf("OIDC sign-in audit = %+v", ok)
	}
}
