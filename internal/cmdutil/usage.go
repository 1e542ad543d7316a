package cmdutil

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/internal/text"
)

// Usage errors that cobra would otherwise get wrong: left to itself, it
// prints the help on stdout and exits 0 for a mistyped subcommand of a
// group (`coreclaw task creat x`), an unknown help topic or an unknown
// shell for `completion`, so that `slug=$(coreclaw task creat ...)`
// "succeeds" with the help text as the slug. Each becomes a usage error
// here (exit 2, one line on stderr, nothing on stdout).

// groupAnnotation marks a command that only groups subcommands; its help
// leaves out its own use line (it has no action of its own).
const groupAnnotation = "coreclaw/group"

// SetUpGroups gives every command of the tree that only groups
// subcommands an action: alone it prints its help; with an argument it is
// an unknown subcommand (UnknownCommand). Call it once the tree is built,
// the completion command included.
func SetUpGroups(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = NoArgs
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
			if c.Annotations == nil {
				c.Annotations = map[string]string{}
			}
			c.Annotations[groupAnnotation] = "true"
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// UnknownCommand is the usage error for an argument that names no
// subcommand of cmd, with cobra's suggestions.
func UnknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	return &ExitError{Code: ExitUsage, Err: errors.New(msg + text.DidYouMean(suggestCommands(cmd, name))),
		Hint: fmt.Sprintf("see `%s --help`", cmd.CommandPath())}
}

func suggestCommands(cmd *cobra.Command, name string) []string {
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	var out []string
	for _, s := range cmd.SuggestionsFor(name) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// NewHelpCmd is `coreclaw help [command]`: cobra's own prints the root help
// and exits 0 for an unknown topic; this one is a usage error.
func NewHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help prints the help of any command or help topic: coreclaw help [command].",
		// Any words: a command path, whose mistakes RunE reports as usage errors.
		Args: cobra.ArbitraryArgs,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range target.Commands() {
				if isHelpable(sub) && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil {
				return UsageError(err)
			}
			if len(rest) > 0 {
				msg := fmt.Sprintf("unknown help topic %q", strings.Join(args, " "))
				return &ExitError{Code: ExitUsage, Err: errors.New(msg + text.DidYouMean(suggestTopics(target, rest[0]))),
					Hint: "`coreclaw help` lists the commands and topics"}
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}

// isHelpable reports what `coreclaw help` can show: a command, or a help
// topic (a command that is only text).
func isHelpable(c *cobra.Command) bool {
	return c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand()
}

// suggestTopics is suggestCommands for `coreclaw help`, help topics
// included (cobra suggests only commands).
func suggestTopics(cmd *cobra.Command, name string) []string {
	out := suggestCommands(cmd, name)
	for _, c := range cmd.Commands() {
		if c.IsAdditionalHelpTopicCommand() && !slices.Contains(out, c.Name()) &&
			text.Near(name, c.Name(), true) {
			out = append(out, c.Name())
		}
	}
	return out
}

// FlagError turns pflag's errors into usage errors in the user's terms:
// an unknown flag names the nearest one, and a bad value says what a
// value of that kind looks like.
func FlagError(c *cobra.Command, err error) error {
	// In `coreclaw task creat x --title T` the flags are the subcommand's
	// that was meant: the mistyped word is the error to report.
	if words := c.Flags().Args(); c.Annotations[groupAnnotation] == "true" && len(words) > 0 {
		return UnknownCommand(c, words[0])
	}
	hint := fmt.Sprintf("see `%s --help`", c.CommandPath())
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() == "":
		name := notExist.GetSpecifiedName()
		if near := nearestFlag(c, name); near != "" {
			err = fmt.Errorf("unknown flag: --%s; did you mean --%s?", name, near)
		}
	case errors.As(err, &invalid):
		if msg := invalidValue(invalid.GetFlag(), invalid.GetValue()); msg != "" {
			err = errors.New(msg)
		}
	}
	return &ExitError{Code: ExitUsage, Err: err, Hint: hint}
}

// invalidValue explains a flag value of the wrong kind; "" leaves pflag's
// message.
func invalidValue(fl *pflag.Flag, value string) string {
	if enum, ok := fl.Value.(*enumValue); ok {
		return enum.problem(value)
	}
	name := "--" + fl.Name
	switch fl.Value.Type() {
	case "duration":
		if isNumber(value) {
			return fmt.Sprintf("%s %s needs a unit: %ss (seconds), %sm (minutes) or %sh (hours)", name, value, value, value, value)
		}
		return fmt.Sprintf("%s %q is not a duration: write a number and a unit, e.g. 90s, 5m or 1h30m", name, value)
	case "int", "int64", "int32":
		return fmt.Sprintf("%s %q is not a whole number", name, value)
	case "bool":
		return fmt.Sprintf("%s takes no value, or =true or =false (not %q)", name, value)
	}
	return ""
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot:
			dot = true
		case r == '-' && i == 0 && len(s) > 1:
		default:
			return false
		}
	}
	return s != "." && s != "-"
}

// nearestFlag is the flag of c whose name is closest to name (at most
// two edits away, or name is a prefix of it), or "".
func nearestFlag(c *cobra.Command, name string) string {
	var names []string
	visit := func(fl *pflag.Flag) {
		if !fl.Hidden {
			names = append(names, fl.Name)
		}
	}
	c.Flags().VisitAll(visit)
	c.InheritedFlags().VisitAll(visit)
	slices.Sort(names) // of equally near flags, the first by name
	return text.Nearest(name, names, true)
}
