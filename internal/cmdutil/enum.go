package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Enum describes a flag that takes one of a fixed list of values (-o,
// --format, --status, --schedule, --on-interrupt). AddEnumFlag gives every
// such flag the same help, checks and completion.
type Enum struct {
	Name      string
	Shorthand string
	// Values are the accepted values as the command uses them (lower
	// case); the user may write them in any case, with spaces around.
	Values []string
	// Default is the value when the flag is not given. When it is "",
	// the flag given as "" also means "not given" (-o "$FORMAT" with an
	// empty variable).
	Default string
	// Usage says what the flag does; the values are added to it unless
	// the placeholder already lists them, then Note.
	Usage string
	Note  string
	// Placeholder is the word the help shows after the flag's name when
	// the values are too long to show there (--format format).
	Placeholder string
}

// enumListMax is the longest a|b|c list shown as the placeholder itself
// (--on-interrupt detach|abort); longer ones are listed in the usage, so
// that one flag does not push every flag's description to the right.
const enumListMax = 16

// enumValue is the pflag.Value of an Enum flag.
type enumValue struct {
	target *string
	e      Enum
}

func (v *enumValue) String() string { return *v.target }

// Set accepts one of the values, in any case, and keeps it as listed.
func (v *enumValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if s == "" && v.e.Default == "" {
		*v.target = ""
		return nil
	}
	for _, want := range v.e.Values {
		if strings.EqualFold(s, want) {
			*v.target = want
			return nil
		}
	}
	return fmt.Errorf("must be %s", orList(v.e.Values))
}

// Type is the placeholder in the help: pflag shows it after the flag's
// name when the usage has no `word` of its own.
func (v *enumValue) Type() string { return v.e.placeholder() }

func (e Enum) placeholder() string {
	if list := strings.Join(e.Values, "|"); len(list) <= enumListMax || e.Placeholder == "" {
		return list
	}
	return e.Placeholder
}

// usage is the flag's description, with the values unless the
// placeholder shows them.
func (e Enum) usage() string {
	u := e.Usage
	if e.placeholder() != strings.Join(e.Values, "|") {
		u += ": " + orList(e.Values)
	}
	if e.Note != "" {
		u += " " + e.Note
	}
	return u
}

// problem is the usage error for a value the flag does not take.
func (v *enumValue) problem(value string) string {
	return fmt.Sprintf("--%s must be %s, not %q", v.e.Name, orList(v.e.Values), value)
}

// AddEnumFlag defines the flag on cmd, stores its value in target, and
// completes its values on Tab. A value not in the list is a usage error
// (exit 2) before the command runs, naming every value.
func AddEnumFlag(cmd *cobra.Command, target *string, e Enum) {
	*target = e.Default
	cmd.Flags().VarP(&enumValue{target: target, e: e}, e.Name, e.Shorthand, e.usage())
	_ = cmd.RegisterFlagCompletionFunc(e.Name, func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, v := range e.Values {
			if strings.HasPrefix(v, strings.ToLower(toComplete)) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// orList is "a, b or c".
func orList(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
