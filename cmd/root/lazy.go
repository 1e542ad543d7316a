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

// subcommand is one of the root's commands, by name, built on demand.
type subcommand struct {
	name  string
	build func(f *cmdutil.Factory) *cobra.Command
}

// subcommands are the root's commands in the order they are added. The
// names are the commands' own (TestSubcommandNames holds them to it).
func subcommands() []subcommand {
	return []subcommand{
		{"run", func(f *cmdutil.Factory) *cobra.Command { return runCmd.NewCmdRun(f, nil) }},
		{"wait", func(f *cmdutil.Factory) *cobra.Command { return waitCmd.NewCmdWait(f, nil) }},
		{"status", func(f *cmdutil.Factory) *cobra.Command { return statusCmd.NewCmdStatus(f, nil) }},
		{"results", func(f *cmdutil.Factory) *cobra.Command { return resultsCmd.NewCmdResults(f, nil) }},
		{"logs", func(f *cmdutil.Factory) *cobra.Command { return logsCmd.NewCmdLogs(f, nil) }},
		{"abort", func(f *cmdutil.Factory) *cobra.Command { return abortCmd.NewCmdAbort(f, nil) }},
		{"rerun", func(f *cmdutil.Factory) *cobra.Command { return rerunCmd.NewCmdRerun(f, nil) }},
		{"export", func(f *cmdutil.Factory) *cobra.Command { return exportCmd.NewCmdExport(f, nil) }},
		{"runs", func(f *cmdutil.Factory) *cobra.Command { return runsCmd.NewCmdRuns(f, nil) }},
		{"tasks", func(f *cmdutil.Factory) *cobra.Command { return taskCmd.NewCmdTasks(f, nil) }},
		{"task", taskCmd.NewCmdTask},
		{"queue", func(f *cmdutil.Factory) *cobra.Command { return queueCmd.NewCmdQueue(f, nil) }},
		{"workers", workersCmd.NewCmdWorkers},
		{"account", func(f *cmdutil.Factory) *cobra.Command { return accountCmd.NewCmdAccount(f, nil) }},
		{"doctor", func(f *cmdutil.Factory) *cobra.Command { return doctorCmd.NewCmdDoctor(f, nil) }},
		{"config", configCmd.NewCmdConfig},
		{"input", inputCmd.NewCmdInput},
		{"version", func(f *cmdutil.Factory) *cobra.Command { return versionCmd.NewCmdVersion(f, nil) }},
		{"environment", func(*cmdutil.Factory) *cobra.Command { return newEnvironmentTopic() }},
		{"exit-codes", func(*cmdutil.Factory) *cobra.Command { return newExitCodesTopic() }},
	}
}

// noSubcommand names no command: the root alone.
const noSubcommand = "-"

// buildSubcommands builds every subcommand, or the one named and the help
// topics its help points to (its "Learn more").
func buildSubcommands(f *cmdutil.Factory, only string) []*cobra.Command {
	var built []*cobra.Command
	for _, sub := range subcommands() {
		if only == "" || sub.name == only {
			built = append(built, sub.build(f))
		}
	}
	if only == "" || len(built) == 0 {
		return built
	}
	topics := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, t := range cmdutil.SeeAlso(c) {
			topics[t] = true
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(built[0])
	for _, sub := range subcommands() {
		if topics[sub.name] && sub.name != only {
			built = append(built, sub.build(f))
		}
	}
	return built
}

// NewCmdRootFor builds the tree that the command line args needs, for a
// quick start: every command costs its construction on every start. A
// line that starts with a command's exact name gets the root and that
// command; --version alone the root alone; completion the root and
// `version` (cobra adds completion to a root that has subcommands); anything
// else (help, completion's hidden requests, a flag first, a typo to
// suggest a correction for) gets the whole tree, as NewCmdRoot builds it.
func NewCmdRootFor(f *cmdutil.Factory, args []string) *cobra.Command {
	if len(args) == 1 && args[0] == "--version" {
		// No subcommand at all, and so no completion command either.
		return newCmdRoot(f, noSubcommand)
	}
	if len(args) > 0 && args[0] != "help" {
		for _, sub := range subcommands() {
			if sub.name == args[0] {
				return newCmdRoot(f, sub.name)
			}
		}
		if args[0] == "completion" {
			// cobra adds completion to a root that has subcommands.
			return newCmdRoot(f, "version")
		}
	}
	return newCmdRoot(f, "")
}
