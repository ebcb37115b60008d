// Command omgjort crawls Ankestyrelsen's published decisions, classifies and indexes them, and
// serves a Danish search site. Run `omgjort help` for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	_ "time/tzdata" // schedules and dates are in Europe/Copenhagen, also on minimal hosts

	"omgjort"
)

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environ, args []string) error
}

// environ is what every subcommand gets from main: where to write and how to log.
type environ struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	// stdin is where passwords are read from (user add, user password).
	stdin io.Reader
}

func commands() []command {
	return []command{
		{"serve", "serve the search site and JSON API from the data directory", runServe},
		{"crawl", "crawl ast.dk, classify and index what is new or changed", runCrawl},
		{"reindex", "rebuild the search index from the store", runReindex},
		{"reparse", "rebuild every decision from the raw page archive, without network", runReparse},
		{"classify", "classify decision files (text or HTML) and print their labels", runClassify},
		{"eval", "measure the classifier on labelled letters (gold set or real decisions)", runEval},
		{"reclassify", "re-label every stored decision with the current rules and update the index", runReclassify},
		{"export", "print every stored decision (JSON Lines or CSV)", runExport},
		{"demo", "crawl the built-in replica site, classify, index and serve it, offline", runDemo},
		{"gen", "write a deterministic synthetic corpus (JSON Lines) and optionally load it", runGen},
		{"digest", "preview the weekly digest of an ISO week (text or HTML), or send it", runDigest},
		{"stats", "import Ankestyrelsen's official statistics (Talportal CSV, ANKEAST): stats import FILE", runStats},
		{"import", "import the municipality's own decision letters (PDF, scans, DOCX, text, e-mail): redact, classify, store", runImport},
		{"backup", "write a hot backup of the store into the backup folder, keeping the newest N", runBackup},
		{"corrections", "jurists' label corrections: add, list, export (in the eval format)", runCorrections},
		{"delete", "delete decisions for good (store, versions, raw pages, index, digests); own decisions' keys are destroyed", runDelete},
		{"restore", "restore a backup into a new data directory and rebuild its search index", runRestore},
		{"user", "manage local users and their roles (add, list, remove, roles, password, unlock)", runUser},
		{"token", "create, list or revoke personal API tokens", runToken},
		{"audit", "verify the audit log's hash chain or export it", runAudit},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code, so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, os.Stdin, stdout, stderr)
}

// runWith is run with standard input given (tests feed passwords through it).
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	level := new(slog.LevelVar)
	if v := os.Getenv("OMGJORT_LOG_LEVEL"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	env := &environ{stdout: stdout, stderr: stderr, stdin: stdin,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "omgjort %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "omgjort %s: %v\n", c.name, err)
			if hint := lockedHint(err, c.name, args[1:]); hint != "" {
				fmt.Fprintln(stderr, hint)
			}
			return 1
		}
	}
	fmt.Fprintf(stderr, "omgjort: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintf(w, "omgjort %s — learn from Ankestyrelsen's decisions\n\nUsage: omgjort <command> [flags]\n\nCommands:\n", omgjort.Version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nEvery flag can also be set in the environment as OMGJORT_<FLAG> (e.g. --data → OMGJORT_DATA).\nRun `omgjort <command> --help` for its flags.\n")
}

// newFlags makes a flag set whose usage lists each flag's environment variable.
func newFlags(env *environ, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: omgjort %s\n\nFlags (environment fallback in brackets):\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(fs.Output(), "  --%s [%s]\n        %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	return fs
}

func envName(flagName string) string {
	return "OMGJORT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags applies OMGJORT_* environment values first, then the command line, so a flag always
// wins over the environment.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var envErrs []string
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				envErrs = append(envErrs, fmt.Sprintf("%s=%q: %v", envName(f.Name), v, err))
			}
		}
	})
	if len(envErrs) > 0 {
		sort.Strings(envErrs)
		return fmt.Errorf("%w: bad environment value %s", errUsage, strings.Join(envErrs, "; "))
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

func runVersion(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "omgjort %s\n", omgjort.Version)
	return nil
}
