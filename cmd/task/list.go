package task

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
)

// ListOptions are everything `tasks` needs.
type ListOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Worker  string
	Keyword string
	Limit   int
	Output  output.Flags
}

// NewCmdTasks builds `coreclaw tasks`; runF replaces the action in tests.
func NewCmdTasks(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "tasks [flags]",
		Short: "List saved tasks, newest first",
		Long: `List the account's saved tasks, newest first, fetched 100 a request.

On a terminal a table (slug, title, worker, schedule, runs); elsewhere JSON:
the tasks as the API sent them.`,
		Example: `  coreclaw tasks
  coreclaw tasks --worker coreclaw/google-maps-scraper --keyword coffee
  coreclaw tasks --jq '.[].slug'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Worker, "worker", "", "only tasks of this `WORKER` (owner/name, owner~name or a slug)")
	fl.StringVar(&opts.Keyword, "keyword", "", "only tasks whose title or slug contains this `text`")
	fl.IntVar(&opts.Limit, "limit", 0, "print at most `N` tasks (default: all)")
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "worker", "keyword", "limit", "output", "jq")
	return cmd
}

func runList(ctx context.Context, opts *ListOptions) error {
	var filter api.TaskFilter
	if opts.Worker != "" {
		w, err := api.ParseWorkerID(opts.Worker)
		if err != nil {
			return cmdutil.UsageError(err)
		}
		filter.Worker = w
	}
	filter.Keyword = opts.Keyword
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
		return client.EachTask(ctx, filter, opts.Limit, fn)
	}, taskRow)
	if err != nil {
		return err
	}
	if n == 0 && printer.Format == output.Table {
		fmt.Fprintln(opts.IO.ErrOut, "no tasks")
	}
	return nil
}

// taskFields are the task fields the table shows, decoded tolerantly.
type taskFields struct {
	Slug       string    `json:"slug"`
	Title      api.Text  `json:"title"`
	WorkerPath api.Text  `json:"worker_path"`
	WorkerSlug api.Text  `json:"worker_slug"`
	Type       api.Int64 `json:"schedule_type"`
	Time       api.Text  `json:"schedule_time"`
	Weekday    api.Int64 `json:"schedule_weekday"`
	Day        api.Int64 `json:"schedule_day"`
	OnceDate   api.Text  `json:"schedule_once_date"`
	Enabled    api.Int64 `json:"schedule_enabled"`
	RunTimes   api.Int64 `json:"run_times"`
}

// taskRow is a task as sent, or, for the table, the columns a human reads.
func taskRow(raw json.RawMessage, table bool) (*jsonobj.Object, error) {
	if !table {
		row, err := jsonobj.Parse(raw)
		if err != nil {
			return nil, &api.ReplyError{Op: "GET /api/v2/worker-tasks", Err: err}
		}
		return row, nil
	}
	var t taskFields
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, &api.ReplyError{Op: "GET /api/v2/worker-tasks", Err: err}
	}
	worker := strings.Replace(string(t.WorkerPath), "~", "/", 1)
	if worker == "" {
		worker = string(t.WorkerSlug)
	}
	row := &jsonobj.Object{}
	row.Set("slug", jsonobj.String(t.Slug))
	row.Set("title", jsonobj.String(string(t.Title)))
	row.Set("worker", jsonobj.String(worker))
	row.Set("schedule", jsonobj.String(describeSchedule(int64(t.Type), int64(t.Weekday), int64(t.Day),
		string(t.Time), string(t.OnceDate), int64(t.Enabled))))
	row.Set("runs", jsonobj.String(strconv.FormatInt(int64(t.RunTimes), 10)))
	return row, nil
}
