package digest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// TLS modes of an SMTP connection.
const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses to send without it.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone sends in clear text; only for a relay on the same host.
	TLSNone = "none"
)

// SMTPConfig is how to reach the mail server.
type SMTPConfig struct {
	// Addr is host:port of the submission server.
	Addr string
	// User and Password are for SMTP AUTH; no AUTH when User is empty.
	User, Password string
	// TLS is TLSStartTLS (default), TLSImplicit or TLSNone.
	TLS string
	// TLSConfig overrides the TLS settings (e.g. a private CA); the server name is set from Addr.
	TLSConfig *tls.Config
	// Timeout bounds the connection and each command (default 30s).
	Timeout time.Duration
	// HELO is the name the client greets with; the library default when empty.
	HELO   string
	Logger *slog.Logger
}

// SMTP is a Mailer that delivers through an SMTP server with github.com/wneessen/go-mail, one
// connection per message so a broken connection never affects the next recipient.
type SMTP struct {
	cfg  SMTPConfig
	host string
	port int
}

// NewSMTP checks the configuration and returns a mailer.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("digest: smtp address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("digest: smtp address %q: bad port", cfg.Addr)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("digest: smtp tls mode %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg, host: host, port: port}, nil
}

// Send delivers m. A 5xx answer becomes a *PermanentError; a 4xx answer, a network failure or a
// failed handshake is returned as a transient error.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(m.From); err != nil {
		return &PermanentError{Err: fmt.Errorf("sender %q: %w", m.From, err)}
	}
	if err := msg.To(m.To); err != nil {
		return &PermanentError{Err: fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	msg.SetGenHeader(mail.HeaderUserAgent, "Omgjort")
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	if m.Week != "" {
		msg.SetGenHeader("X-Omgjort-Week", m.Week)
	}
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		msg.SetGenHeader(mail.Header(k), m.Headers[k])
	}
	// Plain text first, HTML last: clients show the last alternative they understand.
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)

	opts := []mail.Option{mail.WithPort(s.port), mail.WithTimeout(s.cfg.Timeout)}
	tlsConf := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		tlsConf = s.cfg.TLSConfig.Clone()
		tlsConf.ServerName = s.host
	}
	switch s.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithTLSConfig(tlsConf))
	case TLSImplicit:
		opts = append(opts, mail.WithSSL(), mail.WithTLSConfig(tlsConf))
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.cfg.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.cfg.User), mail.WithPassword(s.cfg.Password))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, mail.WithHELO(s.cfg.HELO))
	}
	client, err := mail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client for %s: %w", s.cfg.Addr, err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if ce := s.configProblem(err); ce != nil {
			return ce
		}
		return fmt.Errorf("smtp connect %s: %w", s.cfg.Addr, err)
	}
	sendErr := client.SendWithSMTPClient(conn, msg)
	// Once DATA is accepted the message is the server's; a failing QUIT must not make us resend.
	if err := client.CloseWithSMTPClient(conn); err != nil && sendErr == nil && s.cfg.Logger != nil {
		s.cfg.Logger.Warn("smtp: closing the connection failed after the message was accepted", "error", err)
	}
	if sendErr != nil {
		if ce := s.configProblem(sendErr); ce != nil {
			return ce
		}
		return classify(fmt.Errorf("smtp send to %s: %w", m.To, sendErr))
	}
	return nil
}

// ConfigError is a problem with the mail settings rather than with a recipient or the network:
// the server offers no STARTTLS, refuses the login, or its certificate is not trusted. Retrying
// cannot help, so delivery stops at once with Message, which says what to fix; the sends stay
// retryable, so the next run, with the settings fixed, reaches everyone.
type ConfigError struct {
	Message string
	Err     error
}

func (e *ConfigError) Error() string { return e.Message + " (" + e.Err.Error() + ")" }
func (e *ConfigError) Unwrap() error { return e.Err }

// configProblem recognises the configuration errors among go-mail's errors, which name them
// only in their text.
func (s *SMTP) configProblem(err error) *ConfigError {
	msg := err.Error()
	var cv *tls.CertificateVerificationError
	var se *mail.SendError
	code := 0
	if errors.As(err, &se) {
		code = se.ErrorCode()
	}
	switch {
	case strings.Contains(msg, "does not support STARTTLS"):
		return &ConfigError{Message: fmt.Sprintf("SMTP-serveren %s tilbyder ikke STARTTLS, som --smtp-tls=starttls kræver: brug --smtp-tls=tls for en server med TLS fra start (port 465), eller ret serveren", s.cfg.Addr), Err: err}
	case errors.As(err, &cv):
		return &ConfigError{Message: fmt.Sprintf("SMTP-serverens certifikat (%s) kan ikke godkendes: ret --smtp eller serverens certifikat", s.cfg.Addr), Err: err}
	case strings.Contains(msg, "SMTP AUTH failed") || strings.Contains(msg, "does not support SMTP AUTH") || strings.Contains(msg, "AuthNotSupported") || strings.Contains(msg, "auth mechanism"):
		return &ConfigError{Message: fmt.Sprintf("SMTP-serveren %s afviste login for brugeren %q: ret --smtp-user og OMGJORT_SMTP_PASSWORD", s.cfg.Addr, s.cfg.User), Err: err}
	case code == 530 || code == 534 || code == 535 || code == 538:
		return &ConfigError{Message: fmt.Sprintf("SMTP-serveren %s kræver login eller kryptering, som indstillingerne ikke giver (svar %d): ret --smtp-user, OMGJORT_SMTP_PASSWORD eller --smtp-tls", s.cfg.Addr, code), Err: err}
	}
	return nil
}

// classify turns a 5xx answer to RCPT TO or to the message itself into a PermanentError: the
// server refuses this recipient or this mail for good. Everything else, including a refused
// login or sender, is a problem of the connection or the configuration, not of the recipient,
// and stays transient so that the next run, with the configuration fixed, still reaches everyone.
func classify(err error) error {
	var se *mail.SendError
	if !errors.As(err, &se) || se.IsTemp() {
		return err
	}
	code := se.ErrorCode()
	switch se.Reason {
	case mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
		if code >= 500 && code < 600 {
			return &PermanentError{Code: code, Err: err}
		}
	}
	return err
}
