package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
)

func TestNewCmdConfig(t *testing.T) {
	builders := map[string]func(*Options, func(context.Context, *Options) error) *cobra.Command{
		"set": newCmdSet, "get": newCmdGet, "unset": newCmdUnset, "list": newCmdList, "path": newCmdPath,
	}
	tests := []struct {
		name    string
		verb    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "set", verb: "set", argv: []string{"base_url", "https://example.com"},
			want: Options{Key: "base_url", Value: "https://example.com"}},
		{name: "set from stdin", verb: "set", argv: []string{"api_key", "-"}, want: Options{Key: "api_key", Value: "-"}},
		{name: "set without a value", verb: "set", argv: []string{"api_key"},
			wantErr: "error: coreclaw config set: missing KEY and VALUE (- reads VALUE from stdin)\n(exit 2)"},
		{name: "set, three arguments", verb: "set", argv: []string{"a", "b", "c"},
			wantErr: "error: coreclaw config set: too many arguments (got \"a\" \"b\" \"c\"); expected KEY and VALUE (- reads VALUE from stdin)\n" +
				"(exit 2)"},
		{name: "get", verb: "get", argv: []string{"api_key"}, want: Options{Key: "api_key"}},
		{name: "get --show-secrets", verb: "get", argv: []string{"api_key", "--show-secrets"}, want: Options{Key: "api_key", ShowSecrets: true}},
		{name: "get without a key", verb: "get", argv: nil, wantErr: "error: coreclaw config get: missing KEY\n(exit 2)"},
		{name: "get, unknown flag", verb: "get", argv: []string{"api_key", "--show-secret"},
			wantErr: "error: unknown flag: --show-secret; did you mean --show-secrets?\n" +
				"hint: see `coreclaw config get --help`\n" +
				"(exit 2)"},
		{name: "unset", verb: "unset", argv: []string{"base_url"}, want: Options{Key: "base_url"}},
		{name: "list", verb: "list", want: Options{}},
		{name: "list, both flags", verb: "list", argv: []string{"--show-secrets", "--show-origin"}, want: Options{ShowSecrets: true, ShowOrigin: true}},
		{name: "list takes no arguments", verb: "list", argv: []string{"api_key"},
			wantErr: "error: coreclaw config list takes no arguments (got \"api_key\")\n(exit 2)"},
		{name: "path", verb: "path", want: Options{}},
		{name: "path, --show-secrets is not its flag", verb: "path", argv: []string{"--show-secrets"},
			wantErr: "error: unknown flag: --show-secrets\nhint: see `coreclaw config path --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			opts := &Options{IO: f.IOStreams, Config: f.Config, LookupEnv: f.LookupEnv}
			cmd := builders[tt.verb](opts, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Parse(t, wrap(cmd), append([]string{tt.verb}, tt.argv...)...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			if tt.wantErr != "" {
				if got != nil {
					t.Error("runF was called")
				}
				return
			}
			if got == nil {
				t.Fatal("runF was not called")
			}
			if got.Key != tt.want.Key || got.Value != tt.want.Value || got.ShowSecrets != tt.want.ShowSecrets || got.ShowOrigin != tt.want.ShowOrigin {
				t.Errorf("options: got key %q value %q secrets %v origin %v, want %+v", got.Key, got.Value, got.ShowSecrets, got.ShowOrigin, tt.want)
			}
		})
	}
}

// wrap puts a config subcommand under a `config` group, as the root does.
func wrap(sub *cobra.Command) *cobra.Command {
	group := &cobra.Command{Use: "config"}
	group.AddCommand(sub)
	return group
}

func TestConfigRun(t *testing.T) {
	const key = "cc_live_abcdefghijklmnop"
	dir := filepath.Join(t.TempDir(), "config")
	path := filepath.Join(dir, "config.yaml")
	tests := []struct {
		name    string
		run     func(context.Context, *Options) error
		opts    Options
		env     cmdtest.Env
		stdin   string
		stdout  string
		stderr  string
		wantErr string
		file    string // the config file afterwards; "-" when there is none
	}{
		{name: "path", run: wrapRun(pathRun), stdout: path + "\n", file: "-"},
		{name: "unset with no file writes none", run: wrapRun(unsetRun), opts: Options{Key: "base_url"}, file: "-"},
		{name: "get, not set", run: wrapRun(getRun), opts: Options{Key: "api_key"},
			wantErr: "error: api_key is not set\n" +
				"hint: set it with `coreclaw config set api_key -` or CORECLAW_API_KEY\n" +
				"(exit 1)", file: "-"},
		{name: "set, unknown key", run: setRun, opts: Options{Key: "colour", Value: "red"},
			wantErr: "error: unknown key \"colour\": known keys are api_key, base_url\n(exit 2)", file: "-"},
		{name: "set base_url, plain http elsewhere than loopback", run: setRun, opts: Options{Key: "base_url", Value: "http://example.com"},
			wantErr: "error: invalid base_url: base URL \"http://example.com\" uses http: only https is allowed, except on a loopback address\n" +
				"(exit 2)",
			file: "-"},
		{name: "set base_url", run: setRun, opts: Options{Key: "base_url", Value: "https://api.example.com"},
			file: "base_url: https://api.example.com\n"},
		{name: "set api_key from stdin", run: setRun, opts: Options{Key: "api_key", Value: "-"}, stdin: "  " + key + "  \nignored\n",
			file: "api_key: " + key + "\nbase_url: https://api.example.com\n"},
		{name: "get api_key, masked", run: wrapRun(getRun), opts: Options{Key: "api_key"}, stdout: "cc_l****mnop\n",
			file: "api_key: " + key + "\nbase_url: https://api.example.com\n"},
		{name: "get api_key --show-secrets", run: wrapRun(getRun), opts: Options{Key: "api_key", ShowSecrets: true}, stdout: key + "\n",
			file: "api_key: " + key + "\nbase_url: https://api.example.com\n"},
		{name: "list --show-origin, the environment wins", run: wrapRun(listRun), opts: Options{ShowOrigin: true},
			env:    cmdtest.Env{"CORECLAW_BASE_URL": "http://127.0.0.1:9"},
			stdout: "file:" + path + "\tapi_key=cc_l****mnop\nenv:CORECLAW_BASE_URL\tbase_url=http://127.0.0.1:9\n",
			file:   "api_key: " + key + "\nbase_url: https://api.example.com\n"},
		{name: "set api_key on the command line, the environment has one", run: setRun, opts: Options{Key: "api_key", Value: "cc_live_0000111122223333"},
			env: cmdtest.Env{"CORECLAW_API_KEY": key},
			stderr: "warning: a key typed on the command line can end up in the shell history; `coreclaw config set api_key -` reads it from stdin\n" +
				"warning: CORECLAW_API_KEY is set in the environment and takes precedence over the config file\n",
			file: "api_key: cc_live_0000111122223333\nbase_url: https://api.example.com\n"},
		{name: "set api_key, nothing on stdin", run: setRun, opts: Options{Key: "api_key", Value: "-"}, stdin: "\n",
			wantErr: "error: no api_key on stdin\n(exit 2)",
			file:    "api_key: cc_live_0000111122223333\nbase_url: https://api.example.com\n"},
		{name: "unset", run: wrapRun(unsetRun), opts: Options{Key: "api_key"}, file: "base_url: https://api.example.com\n"},
		{name: "list, unset and default", run: wrapRun(listRun), opts: Options{ShowOrigin: true},
			stdout: "unset\tapi_key=\n" +
				"file:" + path + "\tbase_url=https://api.example.com\n" +
				"", file: "base_url: https://api.example.com\n"},
	}
	// The steps share one config file, in order.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.Env{"CORECLAW_CONFIG_DIR": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			f, streams, _ := cmdtest.Factory(t, nil, env)
			streams.In.WriteString(tt.stdin)
			opts := tt.opts
			opts.IO, opts.Config, opts.LookupEnv = f.IOStreams, f.Config, f.LookupEnv
			err := tt.run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			b, err := os.ReadFile(path)
			if os.IsNotExist(err) {
				b = []byte("-")
			}
			cmdtest.Diff(t, "config file", string(b), tt.file)
		})
	}
}

func wrapRun(run func(*Options) error) func(context.Context, *Options) error {
	return func(_ context.Context, o *Options) error { return run(o) }
}

// The root's --base-url flag wins over everything, and list says so.
func TestConfigListFlagOrigin(t *testing.T) {
	f, streams, _ := cmdtest.Factory(t, nil, cmdtest.Env{"CORECLAW_BASE_URL": "https://env.example.com"})
	f.Global.Set = flagSet(t, "--base-url", "https://flag.example.com")
	opts := &Options{IO: f.IOStreams, Config: f.Config, LookupEnv: f.LookupEnv, ShowOrigin: true}
	if err := listRun(opts); err != nil {
		t.Fatal(err)
	}
	cmdtest.Diff(t, "stdout", streams.Out.String(), "unset\tapi_key=\nflag:--base-url\tbase_url=https://flag.example.com\n")
}

func flagSet(t *testing.T, argv ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("coreclaw", pflag.ContinueOnError)
	fs.String("base-url", "", "")
	if err := fs.Parse(argv); err != nil {
		t.Fatal(err)
	}
	return fs
}
