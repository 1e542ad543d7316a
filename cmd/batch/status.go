package batch

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
)

// StatusOptions are everything `batch status` needs.
type StatusOptions struct {
	IO *iostreams.IOStreams

	Manifest string
	Output   output.Flags
}

// NewCmdStatus builds `batch status`; runF replaces the action in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "status MANIFEST [flags]",
		Short: "Show where every line of a batch stands",
		Long: `Show the manifest of a batch, one row per input line: its state (started,
queued, not_started, or starting/uncertain when the reply to its start was
lost), its run, the run's last known status, results, usage and error. It
reads only the manifest and sends nothing: ` + "`coreclaw batch wait`" + ` brings
the statuses up to date.

On a terminal a table; elsewhere JSON (-o jsonl, csv, table, --jq).`,
		Example: `  coreclaw batch status cities.jsonl.runs.jsonl
  coreclaw batch status cities.jsonl.runs.jsonl --jq '.[] | select(.status == "failed") | .line'`,
		Args: cmdutil.ExactArgs(1, "the batch's manifest"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Manifest = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runStatus(cmd.Context(), opts)
		},
	}
	output.AddFlags(cmd, &opts.Output)
	_ = cmd.MarkFlagFilename("manifest", "jsonl")
	return cmd
}

func runStatus(ctx context.Context, opts *StatusOptions) error {
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	m, err := readManifest(opts.IO, opts.Manifest)
	if err != nil {
		return err
	}
	defer m.Close()
	rows := printer.Rows(ctx)
	rows.Columns([]string{"line", "state", "slug", "status", "results", "usage", "started_at", "error"})
	str := func(s string) json.RawMessage { return jsonobj.String(s) }
	for _, e := range m.Entries() {
		row := &jsonobj.Object{}
		row.Set("line", json.RawMessage(strconv.Itoa(e.Line)))
		row.Set("state", str(e.State))
		row.Set("slug", str(e.Slug))
		if e.QueueRef != "" {
			row.Set("queue_ref", str(e.QueueRef))
		}
		row.Set("status", str(e.Status))
		results := json.RawMessage("null")
		if e.Results != nil {
			results = json.RawMessage(strconv.FormatInt(*e.Results, 10))
		}
		row.Set("results", results)
		row.Set("usage", str(e.Usage))
		row.Set("started_at", str(e.StartedAt))
		row.Set("error", str(e.Error))
		if err := rows.Row(row); err != nil {
			return err
		}
	}
	return rows.Close()
}
