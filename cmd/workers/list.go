package workers

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
)

// ListOptions are everything `workers search` and `workers list` need.
type ListOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Keyword string
	Limit   int
	Output  output.Flags
	// Own lists the caller's Workers instead of the Store.
	Own bool
}

// NewCmdSearch builds `workers search`; runF replaces the action in tests.
func NewCmdSearch(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "search [KEYWORD] [flags]",
		Short: "Search the public Store for Workers",
		Long: `Search the public CoreClaw Store: Workers whose title, slug or path
contains KEYWORD, or all of them without one. No API key is needed.

On a terminal a table (worker, title, description); elsewhere JSON: the
Workers as the API sent them (slug, name, path, title, username,
description). Pages of 100 are fetched until a short one (the API gives
no total); --limit N stops after N Workers.`,
		Example: `  coreclaw workers search maps
  coreclaw workers search --limit 10 --jq '.[].path'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.UsageErrorf("%s takes one KEYWORD at most (quote a phrase)", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Keyword = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "print at most `N` Workers (default: all)")
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "keyword", "limit", "output", "jq")
	return cmd
}

// NewCmdList builds `workers list`; runF replaces the action in tests.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient, Own: true}
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List your own Workers",
		Long: `List the Workers of the account (not the Store's: see ` + "`workers search`" + `).

On a terminal a table (worker, title, description); elsewhere JSON: the
Workers as the API sent them. Pages of 100 are fetched until a short one,
each Worker printed once; a server that ignores the page offset is an
error. --limit N stops after N Workers.`,
		Example: `  coreclaw workers list
  coreclaw workers list --keyword scraper -o csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Keyword, "keyword", "", "only Workers whose title, slug or path contains this `text`")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "print at most `N` Workers (default: all)")
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "keyword", "limit", "output", "jq")
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
	each := client.EachStoreWorker
	if opts.Own {
		each = client.EachOwnWorker
	}
	n, err := printer.Items(ctx, func(fn func(json.RawMessage) error) (int, error) {
		return each(ctx, opts.Keyword, opts.Limit, fn)
	}, workerRow)
	if err != nil {
		return err
	}
	if n == 0 && printer.Format == output.Table {
		fmt.Fprintln(opts.IO.ErrOut, "no Workers found")
	}
	return nil
}

// workerRow is a Worker summary as sent, or, for the table, the Worker as
// one types it (owner/name), its title and description.
func workerRow(raw json.RawMessage, table bool) (*jsonobj.Object, error) {
	if !table {
		row, err := jsonobj.Parse(raw)
		if err != nil {
			return nil, &api.ReplyError{Op: "GET Worker list", Err: err}
		}
		return row, nil
	}
	var w struct {
		Slug        api.Text `json:"slug"`
		Path        api.Text `json:"path"`
		Title       api.Text `json:"title"`
		Description api.Text `json:"description"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, &api.ReplyError{Op: "GET Worker list", Err: err}
	}
	name := strings.Replace(string(w.Path), "~", "/", 1)
	if name == "" {
		name = string(w.Slug)
	}
	row := &jsonobj.Object{}
	row.Set("worker", jsonobj.String(name))
	row.Set("title", jsonobj.String(string(w.Title)))
	row.Set("description", jsonobj.String(string(w.Description)))
	return row, nil
}
