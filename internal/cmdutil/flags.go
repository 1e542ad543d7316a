package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/internal/input"
)

// AddInputFlags adds the input flags of CONTRACT §2.
func AddInputFlags(cmd *cobra.Command, src *input.Sources) {
	fl := cmd.Flags()
	fl.StringVarP(&src.File, "input-file", "f", "", "read the input from the JSON file at `PATH` (- for stdin)")
	fl.StringVar(&src.Inline, "input", "", "the input as inline `JSON`")
	fl.StringArrayVarP(&src.Params, "param", "p", nil, "set an input field: `key=value` (a string, or the type the Worker's schema declares) or key:=JSON (raw; repeatable)")
	fl.StringArrayVar(&src.System, "system", nil, "set a run setting under parameters.system: `key=value` or key:=JSON (repeatable; "+input.SystemKeys+")")
	fl.StringVar(&src.MaxCharge, "max-charge", "", "cap what the run may cost at this many `USD` (--system max_total_charge; 0 means no cap)")
	_ = cmd.MarkFlagFilename("input-file", "json")
	SeeTopics(cmd, "input")
}

// FinishInputFlags records whether --input was given (it may be empty).
func FinishInputFlags(cmd *cobra.Command, src *input.Sources) {
	src.HasInline = GivenFlags(cmd).Has("input")
}

// Given is the set of flags set on the command line, by name (without
// dashes): the one way a command tells a flag given, even as its default
// value, from one left alone. RunE records it with GivenFlags before runF,
// so tests of the action set it as a literal.
type Given map[string]bool

// GivenFlags records which of cmd's flags were given.
func GivenFlags(cmd *cobra.Command) Given {
	g := Given{}
	cmd.Flags().Visit(func(f *pflag.Flag) { g[f.Name] = true })
	return g
}

// Has reports whether the flag name was given.
func (g Given) Has(name string) bool { return g[name] }

// Which lists the named flags that were given, as --name, in the order
// named (for messages such as "--limit only applies with --wait").
func (g Given) Which(names ...string) []string {
	var out []string
	for _, n := range names {
		if g[n] {
			out = append(out, "--"+n)
		}
	}
	return out
}

// ExactArgs is cobra.ExactArgs with a usage error that says what is missing.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return UsageErrorf("%s: missing %s", cmd.CommandPath(), what)
		case len(args) > n:
			return UsageErrorf("%s: too many arguments (got %s); expected %s", cmd.CommandPath(), quoteArgs(args), what)
		}
		return nil
	}
}

// NoArgs rejects positional arguments with a usage error; for a command
// with subcommands, the argument is a mistyped subcommand.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 && cmd.HasAvailableSubCommands() {
		return UnknownCommand(cmd, args[0])
	}
	if len(args) > 0 {
		return UsageErrorf("%s takes no arguments (got %s)", cmd.CommandPath(), quoteArgs(args))
	}
	return nil
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}

// CheckLimit rejects a negative --limit (0 means no limit).
func CheckLimit(limit int) error {
	if limit < 0 {
		return UsageErrorf("--limit must be a positive number, not %d", limit)
	}
	return nil
}
