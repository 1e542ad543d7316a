// Package doctor is `coreclaw doctor`: checks of everything between the
// CLI and the API, one line each.
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/config"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
)

// MaxSkew is the largest clock difference with the API that passes.
const MaxSkew = 5 * time.Minute

// Options are everything `doctor` needs.
type Options struct {
	IO        *iostreams.IOStreams
	Config    func() (*config.Config, error)
	APIClient func() (*api.Client, error)
	LookupEnv func(string) (string, bool)
	// Stat reads a file's mode (os.Stat); GOOS skips the mode check on
	// Windows.
	Stat   func(string) (fs.FileInfo, error)
	GOOS   string
	Output output.Flags
}

// Check is the outcome of one check.
type Check struct {
	Name   string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// NewCmdDoctor builds the command; runF replaces the action in tests.
func NewCmdDoctor(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, APIClient: f.APIClient, LookupEnv: f.LookupEnv,
		Stat: os.Stat, GOOS: runtime.GOOS}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the key, the API, the config file, the proxy and the clock",
		Long: `Check everything between coreclaw and the API, one line each, ✓ or ✗:

  API key      set (and where from), and accepted by the API
  API          reachable at the base URL, and how long one request took
  config file  not readable by others (mode 0600), in a directory that
               is not open to others (mode 0700)
  proxy        HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and whether the API
               goes through a proxy (credentials in proxy URLs are hidden)
  clock        within 5m of the API's clock (its replies' Date header)

The report is the command's output, so it goes to stdout, as these lines
whatever stdout is (paste it into a bug report); -o json, jsonl or csv
gives the checks as data (check, ok, detail). The exit status is 0 when
every check passes and 1 otherwise; nothing is retried, so a flaky network
shows.`,
		Example: `  coreclaw doctor
  coreclaw doctor -o json --jq '.[] | select(.ok | not) | .check'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	output.AddFlags(cmd, &opts.Output)
	cmdutil.SeeTopics(cmd, "exit-codes")
	return cmd
}

// Run runs the checks and prints them.
func Run(ctx context.Context, opts *Options) error {
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	// A report for humans unless a format is asked for: -o table is the
	// same ✓/✗ lines.
	text := (opts.Output.Output == "" || printer.Format == output.Table) && !printer.HasJQ()
	checks := Checks(ctx, opts)

	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	if text {
		cs := opts.IO.Stdout()
		var b strings.Builder
		for _, c := range checks {
			icon := cs.SuccessIcon()
			if !c.OK {
				icon = cs.FailureIcon()
			}
			fmt.Fprintf(&b, "%s %s: %s\n", icon, c.Name, iostreams.SanitizeLine(c.Detail))
		}
		if _, err := fmt.Fprint(opts.IO.Out, b.String()); err != nil {
			return err
		}
	} else if err := printRows(ctx, printer, checks); err != nil {
		return err
	}
	if failed > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%d of %d checks failed", failed, len(checks))}
	}
	return nil
}

// printRows prints the checks as rows: a JSON array, JSON lines or CSV.
func printRows(ctx context.Context, p *output.Printer, checks []Check) error {
	rows := p.Rows(ctx)
	rows.Columns([]string{"check", "ok", "detail"})
	for _, c := range checks {
		raw, err := json.Marshal(c)
		if err != nil {
			return err
		}
		row, err := jsonobj.Parse(raw)
		if err != nil {
			return err
		}
		if err := rows.Row(row); err != nil {
			return err
		}
	}
	return rows.Close()
}

// Checks runs every check, in the order they are printed.
func Checks(ctx context.Context, opts *Options) []Check {
	cfg, cfgErr := opts.Config()
	var client *api.Client
	clientErr := cfgErr
	if cfgErr == nil {
		client, clientErr = opts.APIClient()
	}
	var ping *api.Ping
	pingErr := clientErr
	if client != nil {
		ping, pingErr = client.Ping(ctx)
	}
	base := ""
	if client != nil {
		base = client.BaseURL()
	}
	return []Check{
		keyCheck(ctx, cfg, client, clientErr, pingErr),
		apiCheck(base, ping, pingErr),
		configCheck(opts, cfg, cfgErr),
		proxyCheck(opts.LookupEnv, base),
		clockCheck(ping, pingErr),
	}
}

func describe(err error) string {
	msg, _ := cmdutil.Describe(err)
	return msg
}

func keyCheck(ctx context.Context, cfg *config.Config, client *api.Client, clientErr, pingErr error) Check {
	c := Check{Name: "API key"}
	if cfg == nil {
		c.Detail = "not checked: " + describe(clientErr)
		return c
	}
	key, source := cfg.Get(config.KeyAPIKey)
	if key == "" {
		c.Detail = "not set: set " + config.EnvAPIKey + " or run `coreclaw config set api_key -`"
		return c
	}
	from := "from the config file"
	if source == config.SourceEnv {
		from = "from " + config.EnvAPIKey
	}
	if problem := config.APIKeyProblem(key); problem != "" {
		c.Detail = from + ", refused: it contains " + problem
		return c
	}
	if client == nil {
		c.Detail = from + ", not checked: " + describe(clientErr)
		return c
	}
	var netErr *api.NetworkError
	if errors.As(pingErr, &netErr) {
		// Do not wait for the retries of a read that cannot get through.
		c.Detail = from + ", not checked: the API cannot be reached"
		return c
	}
	acc, err := client.Account(ctx)
	var apiErr *api.Error
	switch {
	case err == nil:
		c.OK = true
		c.Detail = fmt.Sprintf("%s, accepted (balance %s)", from, acc.Balance)
	case errors.As(err, &apiErr) && apiErr.IsAuth():
		c.Detail = from + ", rejected: " + describe(err)
	default:
		c.Detail = from + ", not checked: " + describe(err)
	}
	return c
}

func apiCheck(base string, ping *api.Ping, err error) Check {
	c := Check{Name: "API"}
	if err != nil {
		c.Detail = describe(err)
		if base != "" {
			c.Detail = base + ": " + c.Detail
		}
		return c
	}
	c.OK = true
	c.Detail = fmt.Sprintf("%s reachable, %s for one request", base, roundLatency(ping.Latency))
	return c
}

func roundLatency(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func configCheck(opts *Options, cfg *config.Config, cfgErr error) Check {
	c := Check{Name: "config file"}
	if cfgErr != nil {
		c.Detail = describe(cfgErr)
		return c
	}
	if c := dirCheck(opts, cfg.Dir()); !c.OK {
		return c
	}
	return statCheck(opts, cfg.Path())
}

// dirCheck checks the config directory's mode: 0700, as coreclaw creates
// it (a directory open to others lets them swap the file).
func dirCheck(opts *Options, dir string) Check {
	c := Check{Name: "config file", OK: true}
	info, err := opts.Stat(dir)
	if err == nil && config.DirOpen(info, opts.GOOS) {
		c.OK = false
		c.Detail = fmt.Sprintf("directory %s is open to other users (mode %04o): run `chmod 700 %s`", dir, info.Mode().Perm(), dir)
	}
	return c
}

// statCheck checks the config file's mode: nobody but its owner may read
// it (it may hold the key).
func statCheck(opts *Options, path string) Check {
	c := Check{Name: "config file"}
	info, err := opts.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.OK = true
		c.Detail = path + " (none yet)"
	case err != nil:
		c.Detail = describe(err)
	case opts.GOOS == "windows":
		c.OK = true
		c.Detail = path + " (permissions not checked on Windows)"
	case info.Mode().Perm()&0o077 != 0:
		c.Detail = fmt.Sprintf("%s is open to other users (mode %04o): run `chmod 600 %s`", path, info.Mode().Perm(), path)
	default:
		c.OK = true
		c.Detail = fmt.Sprintf("%s (mode %04o)", path, info.Mode().Perm())
	}
	return c
}

// proxyCheck reports the proxy settings and whether the API goes through
// a proxy, decided as the client's transport decides it (loopback
// addresses never do).
func proxyCheck(lookup func(string) (string, bool), base string) Check {
	c := Check{Name: "proxy", OK: true}
	env := func(names ...string) (string, string) {
		for _, n := range names {
			if v, ok := lookup(n); ok && v != "" {
				return n, v
			}
		}
		return "", ""
	}
	httpsName, httpsVal := env("HTTPS_PROXY", "https_proxy")
	httpName, httpVal := env("HTTP_PROXY", "http_proxy")
	noName, noVal := env("NO_PROXY", "no_proxy")
	var set []string
	for _, v := range [][2]string{{httpsName, httpsVal}, {httpName, httpVal}} {
		if v[0] == "" {
			continue
		}
		shown, ok := redactProxy(v[1])
		if !ok {
			c.OK = false
			c.Detail = fmt.Sprintf("%s is not a proxy URL", v[0])
			return c
		}
		set = append(set, v[0]+"="+shown)
	}
	if noName != "" {
		set = append(set, noName+"="+noVal)
	}
	if len(set) == 0 {
		c.Detail = "none (HTTPS_PROXY, HTTP_PROXY and NO_PROXY are not set)"
		return c
	}
	settings := strings.Join(set, ", ")
	u, err := url.Parse(base)
	if base == "" || err != nil {
		c.Detail = settings
		return c
	}
	proxy, err := api.ProxyFromEnv(lookup)(u)
	switch {
	case err != nil:
		c.OK = false
		c.Detail = fmt.Sprintf("%s: %v", settings, err)
	case proxy == nil:
		c.Detail = fmt.Sprintf("the API (%s) is reached directly; %s", u.Host, settings)
	default:
		shown, _ := redactProxy(proxy.String())
		c.Detail = fmt.Sprintf("the API (%s) is reached through %s; %s", u.Host, shown, settings)
	}
	return c
}

// redactProxy hides the credentials of a proxy URL; a value without a
// scheme is read as http://, as net/http does.
func redactProxy(v string) (string, bool) {
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return "", false
	}
	if u.User == nil {
		return u.String(), true
	}
	u.User = nil
	return strings.Replace(u.String(), "://", "://"+iostreams.Redacted+"@", 1), true
}

func clockCheck(ping *api.Ping, pingErr error) Check {
	c := Check{Name: "clock"}
	switch {
	case pingErr != nil:
		c.Detail = "not checked: the API did not answer"
		return c
	case ping.Date.IsZero():
		c.OK = true
		c.Detail = "not checked: the API's reply had no Date header"
		return c
	}
	// Date has whole seconds: within 2s counts as in step.
	skew := ping.Date.Sub(ping.At).Round(time.Second)
	ahead := "behind"
	if skew < 0 {
		skew, ahead = -skew, "ahead of"
	}
	switch {
	case skew <= 2*time.Second:
		c.OK = true
		c.Detail = "in step with the API's"
	case skew <= MaxSkew:
		c.OK = true
		c.Detail = fmt.Sprintf("%s %s the API's", skew, ahead)
	default:
		c.Detail = fmt.Sprintf("%s %s the API's (more than %s): set the system clock (NTP)", skew, ahead, MaxSkew)
	}
	return c
}
