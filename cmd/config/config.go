// Package config is `coreclaw config`: read and change the settings file.
package config

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	cfg "github.com/coreclaw/coreclaw/internal/config"
	"github.com/coreclaw/coreclaw/internal/ctxread"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Options are everything the config commands need.
type Options struct {
	IO          *iostreams.IOStreams
	Config      func() (*cfg.Config, error)
	LookupEnv   func(string) (string, bool)
	Key         string
	Value       string
	ShowSecrets bool
	ShowOrigin  bool
}

// NewCmdConfig builds `config` and its subcommands.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Read and change settings (api_key, base_url)",
		Long: `Read and change coreclaw's settings.

Keys:
  api_key   the API key (Console → Settings → API & Integrations)
  base_url  the API base URL (default https://openapi.coreclaw.com; http only on loopback)

Values are resolved flag > environment > config file > default. The
environment variables are CORECLAW_API_KEY and CORECLAW_BASE_URL; the file
is $CORECLAW_CONFIG_DIR/config.yaml, else coreclaw/config.yaml in the user
config directory. It is written with mode 0600 inside a 0700 directory;
coreclaw warns when either is open to other users.

Whitespace around the API key is ignored; a key with a control character
or a space inside it is refused before any request (exit 4). The key is
never printed, except by get and list with --show-secrets.`,
		Args: cmdutil.NoArgs,
	}
	newOpts := func() *Options {
		return &Options{IO: f.IOStreams, Config: f.Config, LookupEnv: f.LookupEnv}
	}
	cmd.AddCommand(newCmdSet(newOpts(), nil), newCmdGet(newOpts(), nil), newCmdUnset(newOpts(), nil),
		newCmdList(newOpts(), nil), newCmdPath(newOpts(), nil))
	return cmd
}

// completeKeys completes KEY with the settings and what each is; for
// `config set api_key` the value "-" (read from stdin).
func completeKeys(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 1 && args[0] == cfg.KeyAPIKey && cmd.Name() == "set" {
		return []cobra.Completion{cobra.CompletionWithDesc("-", "read the key from stdin (it stays out of the shell history)")}, cobra.ShellCompDirectiveNoFileComp
	}
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, k := range cfg.Keys() {
		out = append(out, cobra.CompletionWithDesc(k.Name, k.Description))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func checkKey(name string) (cfg.Key, error) {
	k, ok := cfg.LookupKey(name)
	if !ok {
		return cfg.Key{}, cmdutil.UsageErrorf("unknown key %q: known keys are %s", name, strings.Join(cfg.KeyNames(), ", "))
	}
	return k, nil
}

func newCmdSet(opts *Options, runF func(context.Context, *Options) error) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Store a setting in the config file",
		Long: `Store a setting in the config file.

A VALUE of - reads the value from stdin (the first line), which keeps an API
key out of the shell history and the process list. On a terminal the key is
read without echo; Ctrl-C there exits 130 at once and stores nothing.`,
		Example: `  coreclaw config set api_key -
  printf '%s\n' "$KEY" | coreclaw config set api_key -
  coreclaw config set base_url https://openapi.coreclaw.com`,
		Args:              cmdutil.ExactArgs(2, "KEY and VALUE (- reads VALUE from stdin)"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key, opts.Value = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
}

func setRun(ctx context.Context, opts *Options) error {
	k, err := checkKey(opts.Key)
	if err != nil {
		return err
	}
	value := opts.Value
	if value == "-" {
		if value, err = readValue(ctx, opts.IO, k); err != nil {
			return err
		}
	} else if k.Secret {
		fmt.Fprintf(opts.IO.ErrOut, "warning: a key typed on the command line can end up in the shell history; `coreclaw config set %s -` reads it from stdin\n", k.Name)
	}
	if k.Secret {
		opts.IO.AddSecret(value)
	}
	if k.Validate != nil {
		if err := k.Validate(value); err != nil {
			return cmdutil.UsageErrorf("invalid %s: %v", k.Name, err)
		}
	}
	c, err := opts.Config()
	if err != nil {
		return err
	}
	if err := c.Set(k.Name, value); err != nil {
		return err
	}
	if k.Env != "" {
		if v, ok := opts.LookupEnv(k.Env); ok && v != "" {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s is set in the environment and takes precedence over the config file\n", k.Env)
		}
	}
	return nil
}

// readValue reads one line from stdin, without echo on a terminal. Ctrl-C
// or SIGTERM ends it at once (exit 130), with nothing stored.
func readValue(ctx context.Context, ios *iostreams.IOStreams, k cfg.Key) (string, error) {
	interrupted := cmdutil.Interrupted("", "interrupted while reading the %s; nothing was stored", k.Name)
	if f, ok := ios.In.(*os.File); ok && ios.IsStdinTTY() && k.Secret {
		fd := int(f.Fd())
		fmt.Fprintf(ios.ErrOut, "Paste the %s and press Enter: ", k.Name)
		// ReadPassword turns echo off; an interrupt leaves it blocked, so
		// the terminal is put back here.
		state, stateErr := term.GetState(fd)
		b, err := ctxread.Do(ctx, func() ([]byte, error) { return term.ReadPassword(fd) })
		fmt.Fprintln(ios.ErrOut)
		if ctx.Err() != nil {
			if stateErr == nil {
				_ = term.Restore(fd, state)
			}
			return "", interrupted
		}
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", k.Name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := ctxread.Do(ctx, func() (string, error) {
		return bufio.NewReader(io.LimitReader(ios.In, 64<<10)).ReadString('\n')
	})
	if ctx.Err() != nil {
		return "", interrupted
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading %s from stdin: %w", k.Name, err)
	}
	value := strings.TrimSpace(line)
	if value == "" {
		return "", cmdutil.UsageErrorf("no %s on stdin", k.Name)
	}
	return value, nil
}

func newCmdGet(opts *Options, runF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get KEY",
		Short: "Print a setting's effective value",
		Long: `Print a setting's effective value (flag > environment > file > default).
The API key is masked unless --show-secrets is given. A key that is not set
prints nothing and exits 1.`,
		Args:              cmdutil.ExactArgs(1, "KEY"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print the API key unmasked")
	return cmd
}

func getRun(opts *Options) error {
	k, err := checkKey(opts.Key)
	if err != nil {
		return err
	}
	c, err := opts.Config()
	if err != nil {
		return err
	}
	value, source := c.Get(k.Name)
	if source == cfg.SourceUnset {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%s is not set", k.Name),
			Hint: fmt.Sprintf("set it with `coreclaw config set %s -` or %s", k.Name, k.Env)}
	}
	_, err = fmt.Fprintln(out(opts, k.Secret), display(k, value, opts.ShowSecrets))
	return err
}

// out is stdout, unredacted when the user asked to see a secret: the one
// place where printing the key is the point.
func out(opts *Options, secret bool) io.Writer {
	if secret && opts.ShowSecrets {
		return opts.IO.UnredactedOut()
	}
	return opts.IO.Out
}

func display(k cfg.Key, value string, showSecrets bool) string {
	if k.Secret && !showSecrets {
		return cfg.Mask(value)
	}
	return value
}

func newCmdUnset(opts *Options, runF func(context.Context, *Options) error) *cobra.Command {
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the config file",
		Args:              cmdutil.ExactArgs(1, "KEY"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return unsetRun(opts)
		},
	}
}

func unsetRun(opts *Options) error {
	k, err := checkKey(opts.Key)
	if err != nil {
		return err
	}
	c, err := opts.Config()
	if err != nil {
		return err
	}
	return c.Unset(k.Name)
}

func newCmdList(opts *Options, runF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print every setting as key=value",
		Long: `Print every setting as key=value, the API key masked unless --show-secrets.
With --show-origin each line starts with where the value comes from and a
tab: flag:--base-url, env:CORECLAW_API_KEY, file:<path>, default or unset.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print the API key unmasked")
	cmd.Flags().BoolVar(&opts.ShowOrigin, "show-origin", false, "say where each value comes from")
	return cmd
}

func listRun(opts *Options) error {
	c, err := opts.Config()
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, k := range cfg.Keys() {
		value, source := c.Get(k.Name)
		if opts.ShowOrigin {
			b.WriteString(origin(k, source, c.Path()) + "\t")
		}
		b.WriteString(k.Name + "=" + display(k, value, opts.ShowSecrets) + "\n")
	}
	_, err = io.WriteString(out(opts, true), b.String())
	return err
}

func origin(k cfg.Key, s cfg.Source, path string) string {
	switch s {
	case cfg.SourceFlag:
		return "flag:--" + k.Flag
	case cfg.SourceEnv:
		return "env:" + k.Env
	case cfg.SourceFile:
		return "file:" + path
	}
	return string(s)
}

func newCmdPath(opts *Options, runF func(context.Context, *Options) error) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the config file's path",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pathRun(opts)
		},
	}
}

func pathRun(opts *Options) error {
	c, err := opts.Config()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, c.Path())
	return err
}
