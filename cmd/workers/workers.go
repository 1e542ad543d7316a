// Package workers is `coreclaw workers`: the public Store, your own
// Workers, a Worker's detail and what input it takes.
package workers

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// NewCmdWorkers builds `coreclaw workers` and its subcommands.
func NewCmdWorkers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workers <command>",
		Short: "Find Workers: search the Store, list your own, show one and its input",
		Args:  cmdutil.NoArgs,
	}
	cmd.AddCommand(
		NewCmdSearch(f, nil),
		NewCmdList(f, nil),
		NewCmdInfo(f, nil),
		NewCmdSchema(f),
	)
	return cmd
}
