package root

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// Every command validates its arguments with a validator that returns a
// usage error (exit 2), never cobra's own, whose plain errors would exit 1:
// too many arguments are refused with exit 2, or taken (a list of refs).
func TestEveryCommandValidatesItsArgumentsAsUsage(t *testing.T) {
	root := newRoot()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.IsAdditionalHelpTopicCommand() {
			return
		}
		if c.Args == nil {
			t.Errorf("%s has no argument validator (cobra's default errors are not usage errors)", c.CommandPath())
		}
		if c.Args != nil {
			many := strings.Fields(strings.Repeat("x ", 20))
			if err := c.Args(c, many); err != nil && cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("%s with 20 arguments: %v (exit %d), want a usage error", c.CommandPath(), err, cmdutil.ExitCode(err))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
