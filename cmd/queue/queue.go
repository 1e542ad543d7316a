// Package queue is `coreclaw queue`, `queue activate` and `queue release`:
// the Run Queue, where `coreclaw run --queue` puts runs (REFERENCE §8.9).
package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/text"
)

// ListOptions are everything `queue` needs.
type ListOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Status string
	Limit  int
	Output output.Flags
}

// NewCmdQueue builds `coreclaw queue` (the list) with its subcommands;
// runF replaces the list's action in tests.
func NewCmdQueue(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "queue [flags]",
		Short: "List the Run Queue; activate or release its items",
		Long: `List the items of the Run Queue, in queue order, fetched 100 a request.
` + "`coreclaw run WORKER --queue`" + ` puts a run there instead of starting it;
an item waits until it is activated (its run starts) or released (it is
removed for good).

On a terminal a table (queue_ref and queue_status first); elsewhere JSON:
the items as the API sent them.`,
		Example: `  coreclaw queue
  coreclaw queue --status waiting --jq '.[].queue_ref'
  coreclaw queue activate 123456 123457
  coreclaw queue release 123458 --reason "not needed any more"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddEnumFlag(cmd, &opts.Status, cmdutil.Enum{Name: "status", Values: []string{"waiting", "inactive"},
		Usage: "only items in this status"})
	fl.IntVar(&opts.Limit, "limit", 0, "print at most `N` items (default: all)")
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "status", "limit", "output", "jq")
	cmd.AddCommand(NewCmdActivate(f, nil), NewCmdRelease(f, nil))
	return cmd
}

func runList(ctx context.Context, opts *ListOptions) error {
	if err := cmdutil.CheckLimit(opts.Limit); err != nil {
		return err
	}
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	n, err := printer.Items(ctx, func(fn func(json.RawMessage) error) (int, error) {
		return client.EachQueueItem(ctx, opts.Status, opts.Limit, fn)
	}, itemRow)
	if err != nil {
		return err
	}
	if n == 0 && printer.Format == output.Table {
		fmt.Fprintln(opts.IO.ErrOut, "the Run Queue is empty")
	}
	return nil
}

// itemRow is a queue item as sent; for the table, with queue_ref and
// queue_status first (the other fields of an item are not documented, so
// they follow in the order they came).
func itemRow(raw json.RawMessage, table bool) (*jsonobj.Object, error) {
	item, err := jsonobj.Parse(raw)
	if err != nil {
		return nil, &api.ReplyError{Op: "GET /api/v2/run-queue/items", Err: err}
	}
	if !table {
		return item, nil
	}
	row := &jsonobj.Object{}
	for _, k := range []string{"queue_ref", "queue_status"} {
		v, ok := item.Get(k)
		if !ok {
			v = json.RawMessage(`""`)
		}
		row.Set(k, v)
	}
	row.Merge(item)
	// Times are RFC 3339 for humans; the item's shape is not documented,
	// so any integer field named *_at is taken as Unix seconds.
	for _, m := range row.Members() {
		var secs int64
		if strings.HasSuffix(m.Key, "_at") && json.Unmarshal(m.Value, &secs) == nil && secs > 0 {
			row.Set(m.Key, jsonobj.String(text.Timestamp(secs)))
		}
	}
	return row, nil
}

// action is activate or release.
type action struct {
	name, done, short, long, example string
	release                          bool
}

func activate() action {
	return action{
		name: "activate", done: "activated",
		short: "Start waiting queue items",
		long: `Start waiting items of the Run Queue: each one starts its run (and may be
charged for it). An item that is no longer waiting cannot be activated.`,
		example: `  coreclaw queue activate 123456
  coreclaw queue --status waiting --jq '.[].queue_ref' | xargs coreclaw queue activate`,
	}
}

func release() action {
	return action{
		name: "release", done: "released", release: true,
		short: "Remove items from the Run Queue for good",
		long:  `Remove items from the Run Queue for good; their runs never start.`,
		example: `  coreclaw queue release 123456 123457
  coreclaw queue release 123458 --reason "duplicate"`,
	}
}

// ActionOptions are everything `queue activate` and `queue release` need.
type ActionOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Refs   []string
	Reason string
	Output output.Flags
	action action
}

// NewCmdActivate builds `queue activate`; runF replaces the action in tests.
func NewCmdActivate(f *cmdutil.Factory, runF func(context.Context, *ActionOptions) error) *cobra.Command {
	return newCmdAction(f, activate(), runF)
}

// NewCmdRelease builds `queue release`; runF replaces the action in tests.
func NewCmdRelease(f *cmdutil.Factory, runF func(context.Context, *ActionOptions) error) *cobra.Command {
	return newCmdAction(f, release(), runF)
}

func newCmdAction(f *cmdutil.Factory, a action, runF func(context.Context, *ActionOptions) error) *cobra.Command {
	opts := &ActionOptions{IO: f.IOStreams, APIClient: f.APIClient, action: a}
	cmd := &cobra.Command{
		Use:   a.name + " REF...",
		Short: a.short,
		Long: a.long + `

All the refs go in one request. The outcome of each is printed: a table on
a terminal (queue_ref, success, error), JSON otherwise. When any ref fails,
the command exits 1 after printing them all. When the API replies without
per-item results, every ref counts as done.`,
		Example: a.example,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.UsageErrorf("%s: missing the queue refs (as `coreclaw queue` lists them)", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAction(cmd.Context(), opts)
		},
	}
	if a.release {
		cmd.Flags().StringVar(&opts.Reason, "reason", "", "a `text` saying why the items are released (kept by CoreClaw)")
	}
	output.AddFlags(cmd, &opts.Output)
	return cmd
}

func runAction(ctx context.Context, opts *ActionOptions) error {
	for _, ref := range opts.Refs {
		if err := api.ValidateSlug("queue", ref); err != nil {
			return cmdutil.UsageError(err)
		}
	}
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	var res *api.QueueResults
	if opts.action.release {
		res, err = client.ReleaseQueueItems(ctx, opts.Refs, opts.Reason)
	} else {
		res, err = client.ActivateQueueItems(ctx, opts.Refs)
	}
	if err != nil {
		return err
	}
	results := res.Results
	if results == nil {
		// data {} as in the spec's examples: the request as a whole was
		// accepted.
		for _, ref := range opts.Refs {
			results = append(results, api.QueueResult{QueueRef: api.Text(ref), Success: true})
		}
	}
	rows := printer.Rows(ctx)
	rows.Columns([]string{"queue_ref", "success", "error"})
	var failed []string
	for _, r := range results {
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		row, _ := jsonobj.Parse(raw)
		if err := rows.Row(row); err != nil {
			return err
		}
		if !r.Success {
			f := iostreams.SanitizeLine(string(r.QueueRef))
			if r.Error != "" {
				f += " (" + iostreams.SanitizeLine(string(r.Error)) + ")"
			}
			failed = append(failed, f)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(failed) > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("%d of %d queue items not %s: %s", len(failed), len(results), opts.action.done, strings.Join(failed, ", ")),
			Hint: "`coreclaw queue` lists the items still in the queue and their status"}
	}
	return nil
}
