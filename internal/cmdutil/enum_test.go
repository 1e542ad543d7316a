package cmdutil

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// enumCmd is a command with one enum flag, its errors handled as the root
// command handles them (FlagError).
func enumCmd(target *string, e Enum) *cobra.Command {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil },
		SilenceErrors: true, SilenceUsage: true}
	cmd.SetFlagErrorFunc(FlagError)
	AddEnumFlag(cmd, target, e)
	return cmd
}

func TestEnumFlagValues(t *testing.T) {
	short := Enum{Name: "on-interrupt", Values: []string{"detach", "abort"}, Default: "detach", Usage: "what to do"}
	auto := Enum{Name: "output", Shorthand: "o", Values: []string{"json", "csv"}, Usage: "output format"}
	for _, c := range []struct {
		e    Enum
		args []string
		want string // the value, or the error
	}{
		{short, nil, "detach"},
		{short, []string{"--on-interrupt", "abort"}, "abort"},
		{short, []string{"--on-interrupt=ABORT "}, "abort"},
		{short, []string{"--on-interrupt", "explode"}, `error: --on-interrupt must be detach or abort, not "explode"`},
		// With a default, "" is no value.
		{short, []string{"--on-interrupt="}, `error: --on-interrupt must be detach or abort, not ""`},
		// Without one, "" means "not given" (-o "$FORMAT").
		{auto, nil, ""},
		{auto, []string{"-o", ""}, ""},
		{auto, []string{"-o", "Csv"}, "csv"},
		{auto, []string{"-o", "yaml"}, `error: --output must be json or csv, not "yaml"`},
		{auto, []string{"-oyaml"}, `error: --output must be json or csv, not "yaml"`},
	} {
		var got string
		cmd := enumCmd(&got, c.e)
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err != nil {
			if ExitCode(err) != ExitUsage {
				t.Errorf("%v: exit %d, want 2", c.args, ExitCode(err))
			}
			got = "error: " + err.Error()
		}
		if got != c.want {
			t.Errorf("%v: got %q, want %q", c.args, got, c.want)
		}
	}
}

// The help shows the values: as the placeholder when they are short,
// else after the usage; a default that is not "" is shown bare.
func TestEnumFlagHelp(t *testing.T) {
	for _, c := range []struct {
		e    Enum
		want string
	}{
		{Enum{Name: "on-interrupt", Values: []string{"detach", "abort"}, Default: "detach", Usage: "on Ctrl-C"},
			"      --on-interrupt detach|abort   on Ctrl-C (default detach)\n"},
		{Enum{Name: "output", Shorthand: "o", Values: []string{"json", "jsonl", "csv", "table"}, Usage: "output format", Placeholder: "format"},
			"  -o, --output format   output format: json, jsonl, csv or table\n"},
		{Enum{Name: "format", Values: []string{"csv", "json", "jsonl", "xlsx", "xls", "xml"}, Default: "csv", Usage: "file format", Placeholder: "format"},
			"      --format format   file format: csv, json, jsonl, xlsx, xls or xml (default csv)\n"},
		// No placeholder given: the list, however long.
		{Enum{Name: "kind", Values: []string{"alphabetical", "chronological"}, Usage: "order"},
			"      --kind alphabetical|chronological   order\n"},
	} {
		var v string
		cmd := enumCmd(&v, c.e)
		if got := cmd.Flags().FlagUsages(); got != c.want {
			t.Errorf("help:\n%q\nwant\n%q", got, c.want)
		}
	}
}

func TestEnumFlagCompletion(t *testing.T) {
	var v string
	cmd := enumCmd(&v, Enum{Name: "status", Values: []string{"ready", "running", "failed"}, Usage: "status"})
	complete, ok := cmd.GetFlagCompletionFunc("status")
	if !ok {
		t.Fatal("no completion for --status")
	}
	for prefix, want := range map[string]string{"": "ready running failed", "r": "ready running", "RU": "running", "x": ""} {
		got, directive := complete(cmd, nil, prefix)
		if strings.Join(got, " ") != want || directive != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("complete %q = %v, %v; want %q", prefix, got, directive, want)
		}
	}
}
