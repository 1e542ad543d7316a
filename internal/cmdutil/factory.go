package cmdutil

import (
	"context"
	"fmt"
	"os"
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
	cfg, err := config.Load(config.Options{Lookup: f.LookupEnv, Flags: f.Global.Set})
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", w)
	}
	return cfg, nil
}

func (f *Factory) newClient() (*api.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	key, _ := cfg.Get(config.KeyAPIKey)
	base, source := cfg.Get(config.KeyBaseURL)
	if _, err := api.ParseBaseURL(base); err != nil {
		return nil, UsageErrorf("%v (from %s)", err, source)
	}
	opts := api.Options{
		BaseURL:   base,
		APIKey:    key,
		UserAgent: f.Build.UserAgent(),
		Transport: f.Transport,
		Proxy:     api.ProxyFromEnv(f.LookupEnv),
		Timeouts:  f.Timeouts,
		Now:       f.Now,
		Sleep:     f.Sleep,
		Notify: func(msg string) {
			fmt.Fprintf(f.IOStreams.ErrOut, "notice: %s\n", msg)
		},
	}
	if f.Global.Debug || envTrue(f.LookupEnv, "CORECLAW_DEBUG") {
		opts.Debug = f.IOStreams.ErrOut
	}
	return api.New(opts)
}

func envTrue(lookup func(string) (string, bool), name string) bool {
	v, ok := lookup(name)
	return ok && v != "" && v != "0" && v != "false"
}
