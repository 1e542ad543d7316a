package cmdutil

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// tree is a small command tree set up as the root command does it.
func tree(out *bytes.Buffer) *cobra.Command {
	root := &cobra.Command{Use: "coreclaw", SilenceErrors: true, SilenceUsage: true}
	root.SetOut(out)
	root.SetErr(out)
	root.SetFlagErrorFunc(FlagError)
	root.PersistentFlags().Bool("debug", false, "")
	group := &cobra.Command{Use: "workers <command>", Short: "Workers"}
	run := func(*cobra.Command, []string) error { return nil }
	list := &cobra.Command{Use: "list", RunE: run, Args: NoArgs}
	list.Flags().Int("limit", 0, "")
	search := &cobra.Command{Use: "search", RunE: run}
	group.AddCommand(list, search)
	wait := &cobra.Command{Use: "wait RUN", RunE: run}
	wait.Flags().Duration("timeout", 0, "")
	wait.Flags().Duration("interval", time.Second, "")
	wait.Flags().Bool("no-results", false, "")
	root.AddCommand(group, wait)
	root.SetHelpCommand(NewHelpCmd())
	SetUpGroups(root)
	return root
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // the error; "" for none
	}{
		{[]string{"workers", "lst"}, `unknown command "lst" for "coreclaw workers"; did you mean "list"?`},
		{[]string{"workers", "sear", "x"}, `unknown command "sear" for "coreclaw workers"; did you mean "search"?`},
		{[]string{"workers", "zzzzzz"}, `unknown command "zzzzzz" for "coreclaw workers"`},
		{[]string{"workers", "lst", "--limit", "5"}, `unknown command "lst" for "coreclaw workers"; did you mean "list"?`},
		{[]string{"workers", "--limit", "5"}, `unknown flag: --limit`},
		{[]string{"wiat"}, `unknown command "wiat" for "coreclaw"; did you mean "wait"?`},
		{[]string{"help", "wiat"}, `unknown help topic "wiat"; did you mean "wait"?`},
		{[]string{"help", "workers", "lst"}, `unknown help topic "workers lst"; did you mean "list"?`},
		{[]string{"wait", "x", "--timeout", "10"}, `--timeout 10 needs a unit: 10s (seconds), 10m (minutes) or 10h (hours)`},
		{[]string{"wait", "x", "--timeout", "-5"}, `--timeout -5 needs a unit: -5s (seconds), -5m (minutes) or -5h (hours)`},
		{[]string{"wait", "x", "--interval", "soon"}, `--interval "soon" is not a duration: write a number and a unit, e.g. 90s, 5m or 1h30m`},
		{[]string{"wait", "x", "--interval", "1..5"}, `--interval "1..5" is not a duration: write a number and a unit, e.g. 90s, 5m or 1h30m`},
		{[]string{"wait", "x", "--no-results=maybe"}, `--no-results takes no value, or =true or =false (not "maybe")`},
		{[]string{"wait", "x", "--timout", "5s"}, `unknown flag: --timout; did you mean --timeout?`},
		{[]string{"wait", "x", "--intreval", "5s"}, `unknown flag: --intreval; did you mean --interval?`},
		{[]string{"wait", "x", "--no-res"}, `unknown flag: --no-res; did you mean --no-results?`},
		{[]string{"wait", "x", "--DEBUG"}, `unknown flag: --DEBUG; did you mean --debug?`},
		{[]string{"wait", "x", "--colour"}, `unknown flag: --colour`},
		{[]string{"wait", "x", "-z"}, `unknown shorthand flag: 'z' in -z`},
		{[]string{"workers", "list", "--limit", "x"}, `--limit "x" is not a whole number`},
		{[]string{"workers", "list", "extra"}, `coreclaw workers list takes no arguments (got "extra")`},
		{[]string{"workers"}, ""},
		{[]string{"help", "workers"}, ""},
		{[]string{"wait", "x", "--timeout", "10s"}, ""},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		root := tree(&out)
		root.SetArgs(tt.args)
		err := root.Execute()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tt.args, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: error %v, want %q", tt.args, err, tt.want)
			continue
		}
		if ExitCode(err) != ExitUsage {
			t.Errorf("%q: exit %d, want %d", tt.args, ExitCode(err), ExitUsage)
		}
		if out.Len() != 0 {
			t.Errorf("%q: printed %q", tt.args, out.String())
		}
	}
}

func TestUnknownCommandHint(t *testing.T) {
	var out bytes.Buffer
	root := tree(&out)
	err := UnknownCommand(root.Commands()[1], "lst")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Hint != "see `coreclaw workers --help`" {
		t.Errorf("error %#v", err)
	}
}
