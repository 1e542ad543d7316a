package cmdutil

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/config"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// GlobalFlags are the root command's persistent flags.
type GlobalFlags struct {
	Debug   bool
	NoColor bool
	BaseURL string
	// Set is the flag set the flags were parsed into (to see which were
	// given); filled by the root command.
	Set *pflag.FlagSet
}

// Factory gives commands their dependencies. Everything is lazy, so that
// `--help` never reads the config file or builds an HTTP client.
type Factory struct {
	Build     build.Info
	IOStreams *iostreams.IOStreams
	Global    *GlobalFlags
	// LookupEnv reads the environment.
	LookupEnv func(string) (string, bool)
	Now       func() time.Time
	// Sleep waits for d or until ctx is done; every wait goes through it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Transport overrides the HTTP transport (tests); nil uses the default.
	Transport api.Transport
	// Timeouts overrides the per-phase HTTP timeouts (tests); zero uses
	// the defaults.
	Timeouts api.Timeouts
	// CompletionTimeout bounds the API calls behind Tab completion (tests);
	// zero uses DefaultCompletionTimeout.
	CompletionTimeout time.Duration

	Config    func() (*config.Config, error)
	APIClient func() (*api.Client, error)
}

// New returns a factory wired to the real process.
func New(info build.Info, ios *iostreams.IOStreams) *Factory {
	f := &Factory{
		Build:     info,
		IOStreams: ios,
		Global:    &GlobalFlags{},
		LookupEnv: os.LookupEnv,
		Now:       time.Now,
		Sleep:     api.SleepContext,
	}
	f.Config = sync.OnceValues(f.loadConfig)
	f.APIClient = sync.OnceValues(f.newClient)
	return f
}

func (f *Factory) loadConfig() (*config.Config, error) {
	f.ProtectEnvKey()
	cfg, err := config.Load(config.Options{Lookup: f.LookupEnv, Flags: f.Global.Set})
	if err != nil {
		return nil, err
	}
	// The file's key is a secret too, even when the environment's wins.
	if v, ok := cfg.FileValue(config.KeyAPIKey); ok {
		f.IOStreams.AddSecret(strings.TrimSpace(v))
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", iostreams.SanitizeLine(w))
	}
	return cfg, nil
}

// ProtectEnvKey tells the streams the key in the environment, so that no
// output shows it, whatever carries it (a server's echo, a panic).
func (f *Factory) ProtectEnvKey() {
	if v, ok := f.LookupEnv(config.EnvAPIKey); ok {
		f.IOStreams.AddSecret(strings.TrimSpace(v))
	}
}

// badKeyError refuses a key that would fail every request, before any is
// sent: it is an authentication error (exit 4).
func badKeyError(cfg *config.Config, source config.Source, problem string) error {
	where, fix := "in "+config.EnvAPIKey, "set "+config.EnvAPIKey+" again"
	if source == config.SourceFile {
		where, fix = "in the config file "+cfg.Path(), "run `coreclaw config set api_key -`"
	}
	return &ExitError{
		Code: ExitAuth,
		Err:  fmt.Errorf("the API key %s contains %s; nothing was sent", where, problem),
		Hint: "copy the key again from Console → Settings → API & Integrations and " + fix,
	}
}

func (f *Factory) newClient() (*api.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	key, keySource := cfg.Get(config.KeyAPIKey)
	if problem := config.APIKeyProblem(key); problem != "" {
		return nil, badKeyError(cfg, keySource, problem)
	}
	base, source := cfg.Get(config.KeyBaseURL)
	if _, err := api.ParseBaseURL(base); err != nil {
		return nil, UsageErrorf("%v (from %s)", err, source)
	}
	opts := f.clientOptions(base, key)
	opts.Notify = func(msg string) {
		fmt.Fprintf(f.IOStreams.ErrOut, "notice: %s\n", iostreams.SanitizeLine(msg))
	}
	if f.Debug() {
		opts.Debug = f.IOStreams.ErrOut
	}
	return api.New(opts)
}

// clientOptions are the options of every API client of the factory.
func (f *Factory) clientOptions(base, key string) api.Options {
	return api.Options{
		BaseURL:   base,
		APIKey:    key,
		UserAgent: f.Build.UserAgent(),
		Transport: f.Transport,
		Proxy:     api.ProxyFromEnv(f.LookupEnv),
		Timeouts:  f.Timeouts,
		Now:       f.Now,
		Sleep:     f.Sleep,
	}
}

// completionClient is the API client behind Tab completion: the same
// settings as APIClient's, but silent (no notices, no --debug trace, no
// config warnings: completion output is data for the shell) and with no
// retries; nil without a usable key, so that no request is sent.
func (f *Factory) completionClient() *api.Client {
	f.ProtectEnvKey()
	cfg, err := config.Load(config.Options{Lookup: f.LookupEnv, Flags: f.Global.Set})
	if err != nil {
		return nil
	}
	// Suggestions are the server's text: the key stays out of them too.
	if v, ok := cfg.FileValue(config.KeyAPIKey); ok {
		f.IOStreams.AddSecret(strings.TrimSpace(v))
	}
	key, _ := cfg.Get(config.KeyAPIKey)
	if key == "" || config.APIKeyProblem(key) != "" {
		return nil
	}
	base, _ := cfg.Get(config.KeyBaseURL)
	opts := f.clientOptions(base, key)
	opts.Retry = api.NoRetries()
	client, err := api.New(opts)
	if err != nil {
		return nil
	}
	return client
}

// Debug reports --debug or CORECLAW_DEBUG.
func (f *Factory) Debug() bool {
	return f.Global.Debug || envTrue(f.LookupEnv, "CORECLAW_DEBUG")
}

func envTrue(lookup func(string) (string, bool), name string) bool {
	v, ok := lookup(name)
	return ok && v != "" && v != "0" && v != "false"
}
