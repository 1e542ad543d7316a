// Package root assembles the coreclaw command tree.
package root

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// NewCmdRoot builds the root command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command { return newCmdRoot(f, "") }

// newCmdRoot builds the root with every subcommand, or with only the one
// named (see NewCmdRootFor).
func newCmdRoot(f *cmdutil.Factory, only string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "coreclaw <command> [flags]",
		Short: "Run CoreClaw Workers from the command line",
		Long: `coreclaw starts CoreClaw Worker runs, waits for them and prints their
results, for shells, scripts and CI pipelines.

stdout carries data only (a run slug, JSON, rows); everything for humans
goes to stderr. See ` + "`coreclaw help exit-codes`" + ` for the exit status.`,
		Example: `  export CORECLAW_API_KEY=...          # or: coreclaw config set api_key -
  coreclaw run coreclaw/google-maps-scraper -f input.json --wait -o csv > places.csv
  slug=$(coreclaw run coreclaw/google-maps-scraper -f input.json)
  coreclaw wait "$slug" --timeout 30m`,
		Version:       f.Build.String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if f.Global.NoColor {
				f.IOStreams.DisableColor()
			}
			return nil
		},
	}
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetFlagErrorFunc(cmdutil.FlagError)

	// Our own --version flag, so that cobra does not claim -v for it.
	cmd.Flags().Bool("version", false, "print the version, commit and build date")

	pf := cmd.PersistentFlags()
	pf.BoolVar(&f.Global.Debug, "debug", false, "print each HTTP request and reply on stderr: headers and up to 4 KiB of each body, secrets redacted (also CORECLAW_DEBUG=1)")
	pf.BoolVar(&f.Global.NoColor, "no-color", false, "no colour on any stream (also NO_COLOR)")
	pf.StringVar(&f.Global.BaseURL, "base-url", "", "API base `URL` (default https://openapi.coreclaw.com; also CORECLAW_BASE_URL)")
	f.Global.Set = pf

	cmd.AddCommand(buildSubcommands(f, only)...)
	// Mistakes in command names are usage errors, never help on stdout
	// with exit 0: a help command that refuses unknown topics, and groups
	// (completion included) that refuse unknown subcommands.
	cmd.SetHelpCommand(cmdutil.NewHelpCmd())
	cmd.InitDefaultCompletionCmd()
	for _, c := range cmd.Commands() {
		if c.Name() == "completion" {
			for _, shell := range c.Commands() {
				shell.Args = cmdutil.NoArgs
			}
		}
	}
	cmdutil.SetUpGroups(cmd)
	setUpHelp(cmd)
	completeWorkerFlags(cmd, f)
	return cmd
}

// completeWorkerFlags completes every --worker flag of the tree (runs,
// tasks, and the RUN "last --worker" of every run command) with the
// account's Workers.
func completeWorkerFlags(c *cobra.Command, f *cmdutil.Factory) {
	if c.Flags().Lookup("worker") != nil {
		f.CompleteWorkerFlag(c, "worker")
	}
	for _, sub := range c.Commands() {
		completeWorkerFlags(sub, f)
	}
}
