package workers

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// InfoOptions are everything `workers info` needs.
type InfoOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Worker string
	Output output.Flags
}

// NewCmdInfo builds `workers info`; runF replaces the action in tests.
func NewCmdInfo(f *cmdutil.Factory, runF func(context.Context, *InfoOptions) error) *cobra.Command {
	opts := &InfoOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "info WORKER",
		Short: "Show a Worker: name, owner, current version, readme, parameters",
		Long: `Show a Worker's detail: name, username (its owner), current version,
readme and parameters (its custom input form and system settings, as the
API sends them). On a terminal one field a line, long values cut;
elsewhere the detail as JSON, as the API sent it.

Use the version shown with --version to pin a run to it.`,
		Example: `  coreclaw workers info coreclaw/google-maps-scraper
  coreclaw workers info coreclaw/google-maps-scraper --jq .version
  coreclaw workers info coreclaw/google-maps-scraper --jq .readme > README.md`,
		Args:              cmdutil.ExactArgs(1, "the Worker (owner/name, owner~name or a Worker slug)"),
		ValidArgsFunction: f.CompleteWorkers,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInfo(cmd.Context(), opts)
		},
	}
	output.AddFlags(cmd, &opts.Output)
	return cmd
}

func runInfo(ctx context.Context, opts *InfoOptions) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	detail, err := client.GetWorker(ctx, worker)
	if err != nil {
		return err
	}
	return printer.Value(ctx, detail)
}
