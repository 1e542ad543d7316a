package root

import (
	"context"
	"testing"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// The root's own flags (the global ones) reach the factory, whatever
// command they come with; their usage errors are exit 2 and run nothing.
func TestNewCmdRoot(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    cmdutil.GlobalFlags
		noColor bool
		wantErr string
	}{
		{name: "none", argv: []string{"version"}},
		{name: "all three, before the command", argv: []string{"--debug", "--no-color", "--base-url", "http://127.0.0.1:9", "version"},
			want: cmdutil.GlobalFlags{Debug: true, NoColor: true, BaseURL: "http://127.0.0.1:9"}, noColor: true},
		{name: "after the command", argv: []string{"version", "--base-url=https://api.example.com", "--debug"},
			want: cmdutil.GlobalFlags{Debug: true, BaseURL: "https://api.example.com"}},
		{name: "--base-url without a value", argv: []string{"version", "--base-url"},
			wantErr: "error: flag needs an argument: --base-url\nhint: see `coreclaw version --help`\n(exit 2)"},
		{name: "--debug=maybe", argv: []string{"--debug=maybe", "version"},
			wantErr: "error: --debug takes no value, or =true or =false (not \"maybe\")\n" +
				"hint: see `coreclaw version --help`\n" +
				"(exit 2)"},
		{name: "a mistyped command", argv: []string{"runn"},
			wantErr: "error: unknown command \"runn\" for \"coreclaw\"; did you mean \"run\" or \"runs\"?\n" +
				"hint: see `coreclaw --help`\n" +
				"(exit 2)"},
		{name: "a mistyped global flag", argv: []string{"--debgu", "version"},
			wantErr: "error: unknown flag: --debgu; did you mean --debug?\nhint: see `coreclaw --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, streams, _ := cmdtest.Factory(t, nil, nil)
			f.IOStreams.SetTTY(false, true, true)
			root := NewCmdRoot(f)
			called := false
			version, _, err := root.Find([]string{"version"})
			if err != nil {
				t.Fatal(err)
			}
			version.RunE = func(*cobra.Command, []string) error { called = true; return nil }
			root.SetArgs(tt.argv)
			_, err = root.ExecuteContextC(context.Background())
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			if tt.wantErr != "" {
				if called {
					t.Error("the command ran")
				}
				cmdtest.Diff(t, "stdout", streams.Out.String(), "")
				return
			}
			if !called {
				t.Fatal("the command did not run")
			}
			got := *f.Global
			if got.Debug != tt.want.Debug || got.NoColor != tt.want.NoColor || got.BaseURL != tt.want.BaseURL {
				t.Errorf("global flags: got %+v, want %+v", got, tt.want)
			}
			if got.Set == nil || got.Set.Lookup("base-url") == nil || got.Set.Lookup("base-url").Changed != (tt.want.BaseURL != "") {
				t.Error("Global.Set is not the flag set --base-url was parsed into")
			}
			if f.IOStreams.ColorEnabledStdout() == tt.noColor {
				t.Errorf("colour on a terminal: %v, want %v", f.IOStreams.ColorEnabledStdout(), !tt.noColor)
			}
		})
	}
}

// What the root itself does: --version, help alone, and the errors that
// no subcommand sees.
func TestRootRun(t *testing.T) {
	run := func(argv ...string) (string, string, error) {
		f, streams, _ := cmdtest.Factory(t, nil, nil)
		root := NewCmdRootFor(f, argv)
		root.SetArgs(argv)
		_, err := root.ExecuteContextC(context.Background())
		return streams.Out.String(), streams.Err.String(), err
	}
	tests := []struct {
		name    string
		argv    []string
		stdout  string
		wantErr string
	}{
		{name: "--version", argv: []string{"--version"}, stdout: "coreclaw 1.2.3 (commit 0123456789ab, built 2026-11-30)\n"},
		{name: "version", argv: []string{"version"}, stdout: "coreclaw 1.2.3 (commit 0123456789ab, built 2026-11-30)\n"},
		{name: "an unknown help topic", argv: []string{"help", "exit-code"},
			wantErr: "error: unknown help topic \"exit-code\"; did you mean \"exit-codes\"?\n" +
				"hint: `coreclaw help` lists the commands and topics\n" +
				"(exit 2)"},
		{name: "an unknown shell", argv: []string{"completion", "tcsh"},
			wantErr: "error: unknown command \"tcsh\" for \"coreclaw completion\"; did you mean \"bash\", \"fish\" or \"zsh\"?\n" +
				"hint: see `coreclaw completion --help`\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := run(tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", stdout, tt.stdout)
			cmdtest.Diff(t, "stderr", stderr, "")
		})
	}
	// Alone, the root prints its help on stdout, as `coreclaw help` does,
	// and exits 0.
	alone, stderr, err := run()
	help, _, _ := run("help")
	if err != nil || stderr != "" || alone != help || len(alone) < 500 {
		t.Errorf("coreclaw alone: error %v, stderr %q, stdout %d bytes, the same as `coreclaw help`: %v", err, stderr, len(alone), alone == help)
	}
}
