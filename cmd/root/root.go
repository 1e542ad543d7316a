// Package root assembles the coreclaw command tree.
package root

import (
	"github.com/spf13/cobra"

	abortCmd "github.com/coreclaw/coreclaw/cmd/abort"
	accountCmd "github.com/coreclaw/coreclaw/cmd/account"
	configCmd "github.com/coreclaw/coreclaw/cmd/config"
	doctorCmd "github.com/coreclaw/coreclaw/cmd/doctor"
	exportCmd "github.com/coreclaw/coreclaw/cmd/export"
	inputCmd "github.com/coreclaw/coreclaw/cmd/input"
	logsCmd "github.com/coreclaw/coreclaw/cmd/logs"
	queueCmd "github.com/coreclaw/coreclaw/cmd/queue"
	rerunCmd "github.com/coreclaw/coreclaw/cmd/rerun"
	resultsCmd "github.com/coreclaw/coreclaw/cmd/results"
	runCmd "github.com/coreclaw/coreclaw/cmd/run"
	runsCmd "github.com/coreclaw/coreclaw/cmd/runs"
	statusCmd "github.com/coreclaw/coreclaw/cmd/status"
	taskCmd "github.com/coreclaw/coreclaw/cmd/task"
	versionCmd "github.com/coreclaw/coreclaw/cmd/version"
	waitCmd "github.com/coreclaw/coreclaw/cmd/wait"
	workersCmd "github.com/coreclaw/coreclaw/cmd/workers"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// NewCmdRoot builds the root command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
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

	cmd.AddCommand(
		runCmd.NewCmdRun(f, nil),
		waitCmd.NewCmdWait(f, nil),
		statusCmd.NewCmdStatus(f, nil),
		resultsCmd.NewCmdResults(f, nil),
		logsCmd.NewCmdLogs(f, nil),
		abortCmd.NewCmdAbort(f, nil),
		rerunCmd.NewCmdRerun(f, nil),
		exportCmd.NewCmdExport(f, nil),
		runsCmd.NewCmdRuns(f, nil),
		taskCmd.NewCmdTasks(f, nil),
		taskCmd.NewCmdTask(f),
		queueCmd.NewCmdQueue(f, nil),
		workersCmd.NewCmdWorkers(f),
		accountCmd.NewCmdAccount(f, nil),
		doctorCmd.NewCmdDoctor(f, nil),
		configCmd.NewCmdConfig(f),
		inputCmd.NewCmdInput(f),
		versionCmd.NewCmdVersion(f),
		newEnvironmentTopic(),
		newExitCodesTopic(),
	)
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
