package root

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

func newRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(cmdutil.New(build.Info{Version: "test"}, ios))
	root.InitDefaultHelpCmd()
	return root
}

// Every command of the root is in one of the groups of `coreclaw help`,
// and every group name is a command: a new command must be placed.
func TestEveryCommandIsGrouped(t *testing.T) {
	root := newRoot()
	names := map[string]bool{}
	for _, c := range root.Commands() {
		names[c.Name()] = true
		if (c.IsAvailableCommand() || c.Name() == "help") && c.GroupID == "" {
			t.Errorf("%s is in no group", c.Name())
		}
	}
	for _, g := range commandGroups() {
		for _, name := range g.commands {
			if !names[name] {
				t.Errorf("group %q lists %s, which is no command", g.title, name)
			}
		}
	}
}

// The flags named first come first, in that order (names a command does
// not have are skipped), then the rest alphabetically, -h/--help last;
// hidden flags are left out.
func TestFlagUsagesOrder(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Bool("zeta", false, "z")
	fs.BoolP("help", "h", false, "help")
	fs.Bool("alpha", false, "a")
	fs.Bool("mid", false, "m")
	fs.Bool("secret", false, "s")
	_ = fs.MarkHidden("secret")
	fs.StringP("output", "o", "", "o")
	got := flagUsages(fs, []string{"zeta", "missing", "output"})
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		for _, w := range strings.Fields(line) {
			if strings.HasPrefix(w, "--") {
				names = append(names, w)
				break
			}
		}
	}
	if strings.Join(names, " ") != "--zeta --output --alpha --mid --help" {
		t.Errorf("order %v in\n%s", names, got)
	}
}

// A group's help has no use line of its own; a runnable command with
// subcommands has both; a topic's text comes first.
func TestHelpUsageLines(t *testing.T) {
	root := newRoot()
	for args, want := range map[string]string{
		"workers": "Usage:\n  coreclaw workers <command> [flags]\n\nCommands:\n",
		"queue":   "Usage:\n  coreclaw queue [flags]\n  coreclaw queue <command> [flags]\n\nCommands:\n",
		"input":   "How a run's input is built; a starter input for a Worker\n\nThe input of a run",
	} {
		c, _, err := root.Find(strings.Fields(args))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		c.InitDefaultHelpFlag()
		writeHelp(&out, c)
		if !strings.Contains(out.String(), want) {
			t.Errorf("help of %s lacks %q:\n%s", args, want, out.String())
		}
	}
}
