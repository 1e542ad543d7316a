// Package workers is `coreclaw workers`: the Workers of the Store and your
// own, and what input they take.
package workers

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// NewCmdWorkers builds the `workers` command group.
//
// Minimal parent for `workers schema`; search, list and info are being
// added next to it on another branch, and the two are merged there.
func NewCmdWorkers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workers <command>",
		Short: "Find Workers and the input they take",
		Args:  cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdSchema(f))
	return cmd
}
