package root

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/config"
	"github.com/coreclaw/coreclaw/internal/schema"
)

// Help topics: commands that are only text, printed as it is by `coreclaw
// help TOPIC` (or `coreclaw TOPIC --help`). `coreclaw help` lists them.
// The input topic is the `input` command's own help (cmd/input).

func newTopic(name, short, text string) *cobra.Command {
	cmd := &cobra.Command{Use: name, Short: short, Long: text}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprint(c.OutOrStdout(), c.Long)
	})
	return cmd
}

// newExitCodesTopic is `coreclaw help exit-codes`.
func newExitCodesTopic() *cobra.Command {
	return newTopic("exit-codes", "Exit status codes and what they mean", cmdutil.ExitCodesHelp)
}

// newEnvironmentTopic is `coreclaw help environment`: every setting with
// its environment variable, flag and default (from config.Keys, the one
// list of settings), then the variables that are not settings.
func newEnvironmentTopic() *cobra.Command {
	return newTopic("environment", "Environment variables and settings, and which one wins", EnvironmentHelp())
}

// EnvironmentHelp is the text of `coreclaw help environment` (also the
// ENVIRONMENT section of the man page).
func EnvironmentHelp() string {
	var b strings.Builder
	b.WriteString(`Settings

Each setting is read from the first of these that has it:
  1. its flag (--base-url)
  2. its environment variable
  3. the config file (` + "`coreclaw config set KEY VALUE`" + `)
  4. its default

`)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  key\tenvironment\tflag\tdefault")
	for _, k := range config.Keys() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", k.Name, k.Env, orDash(k.Flag, "--"), orDash(k.Default, ""))
	}
	tw.Flush()
	b.WriteString(`
` + "`coreclaw config list --show-origin`" + ` shows where each value comes from.
There is no --api-key flag: a key on the command line leaks through ps
and the shell history; ` + "`coreclaw config set api_key -`" + ` reads it from stdin.
The base URL must be https, or http on a loopback address.

Other environment variables

`)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, v := range [][2]string{
		{config.EnvConfigDir, "the directory of config.yaml (default: coreclaw in the user config\n\tdirectory: ~/.config on Linux, ~/Library/Application Support on\n\tmacOS, %AppData% on Windows)"},
		{schema.EnvCacheDir, "the directory of cached input schemas (default: coreclaw in the\n\tuser cache directory)"},
		{"CORECLAW_DEBUG", "1: as --debug (each HTTP request and reply on stderr, secrets redacted)"},
		{"NO_COLOR", "any value: no colour on any stream, as --no-color"},
		{"CLICOLOR_FORCE", "1: colour even where the stream is not a terminal (NO_COLOR and\n\t--no-color win)"},
		{"CORECLAW_FORCE_TTY", "1: behave as if stdout and stderr were terminals (tables by\n\tdefault, spinner, progress bars)"},
		{"CI", "any value but 0 or false: no spinner or progress bar, even on a\n\tterminal (CORECLAW_FORCE_TTY wins)"},
		{"HTTPS_PROXY, HTTP_PROXY", "the proxy for API requests and downloads (or lower case);"},
		{"NO_PROXY", "hosts that bypass it (credentials in proxy URLs are never printed)"},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", v[0], v[1])
	}
	tw.Flush()
	return b.String()
}

func orDash(s, prefix string) string {
	if s == "" {
		return "–"
	}
	return prefix + s
}
