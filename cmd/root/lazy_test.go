package root

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// The table of subcommands names each command by its own name, and the
// whole tree has exactly those (and cobra's help and completion).
func TestSubcommandNames(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(build.Info{Version: "test"}, ios)
	table := map[string]bool{}
	for _, sub := range subcommands() {
		if got := sub.build(f).Name(); got != sub.name {
			t.Errorf("the table's %q builds %q", sub.name, got)
		}
		table[sub.name] = true
	}
	for _, c := range NewCmdRoot(f).Commands() {
		if !table[c.Name()] && c.Name() != "completion" && c.Name() != "help" {
			t.Errorf("%s is in the tree but not in the table of subcommands", c.Name())
		}
		if len(c.Aliases) > 0 {
			t.Errorf("%s has aliases, which NewCmdRootFor does not look up", c.Name())
		}
	}
}

// NewCmdRootFor builds less, and the command line cannot tell: stdout,
// stderr and the error are those of the whole tree.
func TestPartialTreeActsAsTheWhole(t *testing.T) {
	lines := []string{
		"--version", "version", "run --help", "run", "run a b c --wait", "results --bogus", "wait --help",
		"completion bash", "completion zsh", "completion fish", "completion powershell", "completion --help", "completion nope",
		"task --help", "task bogus", "config", "exit-codes", "environment --help", "help run", "--help", "", "rnu", "--debug --version",
	}
	run := func(args []string, partial bool) string {
		ios, _, out, errOut := iostreams.Test()
		f := cmdutil.New(build.Info{Version: "1.2.3", Commit: "c", Date: "d"}, ios)
		root := NewCmdRoot(f)
		if partial {
			root = NewCmdRootFor(f, args)
		}
		root.SetArgs(args)
		_, err := root.ExecuteContextC(context.Background())
		return fmt.Sprintf("stdout:\n%s\nstderr:\n%s\nerror: %v", out, errOut, err)
	}
	for _, line := range lines {
		args := strings.Fields(line)
		if whole, part := run(args, false), run(args, true); whole != part {
			t.Errorf("coreclaw %s:\nwhole tree:\n%s\npartial tree:\n%s", line, whole, part)
		}
	}
}
