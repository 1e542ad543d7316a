// Package version is `coreclaw version`.
package version

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Options are everything `version` needs.
type Options struct {
	IO    *iostreams.IOStreams
	Build build.Info
}

// NewCmdVersion prints version, commit and build date; runF replaces the
// action in tests.
func NewCmdVersion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Build: f.Build}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(opts)
		},
	}
}

// Run prints the build's one-line description.
func Run(opts *Options) error {
	_, err := fmt.Fprintln(opts.IO.Out, opts.Build.String())
	return err
}
