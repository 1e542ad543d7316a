// Package input is `coreclaw input`: help with writing a run's input.
package input

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// NewCmdInput builds the `input` command group.
func NewCmdInput(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "input <command>",
		Short: "Write a run's input",
		Args:  cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdTemplate(f))
	return cmd
}
