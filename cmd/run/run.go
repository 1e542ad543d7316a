// Package run is `coreclaw run WORKER`: start a Worker run, and optionally
// wait for it (--wait) or run it synchronously (--sync).
package run

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/atomicfile"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runstart"
	"github.com/coreclaw/coreclaw/internal/schema"
)

// Options are everything `run` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	// GitHub is the GitHub Actions step coreclaw runs in; nil elsewhere.
	GitHub *ghactions.Env

	Worker      string
	Input       input.Sources
	Version     string
	CallbackURL string
	Start       runstart.Flags
	// Queue puts the run into the Run Queue instead of starting it.
	Queue bool
	// NoValidate skips the schema check.
	NoValidate bool
	// SlugFile records the run's slug, and re-attaches to the run it
	// names when that has not ended.
	SlugFile string
	// SchemaCache keeps input schemas for a while; nil: no cache.
	SchemaCache *schema.Cache
}

// NewCmdRun builds the command; runF replaces the action in tests.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep, SchemaCache: schema.UserCache(f.LookupEnv, f.Now),
		GitHub: f.GitHubActions()}
	cmd := &cobra.Command{
		Use:   "run WORKER [flags]",
		Short: "Start a Worker run",
		Long: `Start a run of a Worker (owner/name, owner~name or a Worker slug, a
ULID such as 01KPD6M5YQADCQKGVKPDZVYC63; a name without its owner is a
usage error).

By default the run starts asynchronously and its slug is printed on stdout,
and nothing else (if stdout cannot take it, the slug goes to stderr and
the exit status is 1). With --wait, the slug goes to stderr at once and the
command then waits and prints exactly what ` + "`coreclaw wait`" + ` prints. With
--sync, the server holds the request for up to 5 minutes; --limit and
--page choose the window of results it sends back, and if the run has not
ended by then the command keeps waiting as --wait does.

The input is built from -f, --input, -p and --system, then checked
against the Worker's input schema before anything is started: every bad
field is listed in one error (exit 2) and no run starts. ` + "`coreclaw help input`" + `
has the rules; --no-validate skips the check.

--dry-run prints the request that would start the run (method, URL,
headers with the key redacted, body; JSON with -o json) after the schema
check, and sends nothing.

--queue puts the run into the Run Queue instead of starting it (after the
schema check) and prints the queue ref on stdout; ` + "`coreclaw queue`" + ` lists,
activates and releases queued runs.

--slug-file PATH writes the run's slug to PATH as soon as it is known,
before printing it; when PATH names a run of this Worker that has not
ended, the command re-attaches to it instead of starting another. PATH
must be missing, empty or hold exactly one run slug (a ULID), and must be
writable: anything else is exit 2 and nothing is sent.

A start is never sent twice. A reply that does not say which run started
(no usable run_slug, a body that is not JSON or is cut short, a redirect)
exits 1 and names the command that shows whether it did.`,
		Example: `  # start a run and keep its slug
  slug=$(coreclaw run coreclaw/google-maps-scraper -f input.json)

  # start, wait, and save the results as CSV
  coreclaw run coreclaw/google-maps-scraper -f input.json -p max_results:=50 --wait -o csv > places.csv

  # set fields on the command line only; max_results becomes the number 50
  coreclaw run coreclaw/google-maps-scraper -p keywords=coffee,tea -p base_location="New York,USA" -p max_results=50 --wait

  # cap the cost, and look at the request before paying for it
  coreclaw run coreclaw/google-maps-scraper -f input.json --max-charge 2.50 --dry-run

  # queue the run instead (prints the queue ref)
  coreclaw run coreclaw/google-maps-scraper -f input.json --queue`,
		Args:              cmdutil.ExactArgs(1, "the Worker to run (owner/name, owner~name or a Worker slug)"),
		ValidArgsFunction: f.CompleteWorkers,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			cmdutil.FinishInputFlags(cmd, &opts.Input)
			opts.Start.Record(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddInputFlags(cmd, &opts.Input)
	fl := cmd.Flags()
	fl.StringVar(&opts.Version, "version", "", "run this Worker `version` (default: the Worker's current version)")
	fl.StringVar(&opts.CallbackURL, "callback-url", "", "have CoreClaw POST status changes to this `URL`")
	fl.BoolVar(&opts.Queue, "queue", false, "put the run into the Run Queue instead of starting it; prints the queue ref")
	fl.BoolVar(&opts.NoValidate, "no-validate", false, "do not check the input against the Worker's input schema (-p key=value then stays a string)")
	fl.StringVar(&opts.SlugFile, "slug-file", "", "write the run's slug to `PATH` at once; if PATH names a run of this Worker that has not ended, re-attach to it instead of starting another (PATH must be writable and hold a run slug or nothing)")
	runstart.AddFlags(cmd, &opts.Start)
	cmdutil.OrderFlags(cmd, append([]string{"input-file", "param", "input"}, runstart.FlagOrder("system", "max-charge", "slug-file", "queue", "version", "no-validate", "callback-url")...)...)
	cmdutil.SeeTopics(cmd, "input", "exit-codes")
	return cmd
}

// Run starts the run and, if asked, waits for it.
func Run(ctx context.Context, opts *Options) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if opts.Version == "latest" {
		return cmdutil.UsageErrorf(`--version "latest" is refused by many Workers: omit --version to run the current version`)
	}
	if opts.Queue && (opts.Start.Wait || opts.Start.Sync) {
		return cmdutil.UsageErrorf("--queue cannot be combined with --wait or --sync: a queued run starts later")
	}
	if opts.Queue && opts.SlugFile != "" {
		return cmdutil.UsageErrorf("--slug-file records a run, and --queue starts none")
	}
	var previous string
	var slugFile *atomicfile.File
	if opts.SlugFile != "" && !opts.Start.DryRun {
		if previous, err = readSlugFile(opts.SlugFile); err != nil {
			return err
		}
		// Before anything is sent: a slug file that cannot be written is
		// a usage error, not a run whose slug is lost.
		if slugFile, err = createSlugFile(opts.SlugFile); err != nil {
			return err
		}
		defer slugFile.Abort()
	}
	var in *input.Input
	request := func(w runstart.Window) api.RunRequest {
		return api.RunRequest{Input: in.JSON(), IsAsync: w.Async, Version: opts.Version, CallbackURL: opts.CallbackURL,
			Limit: w.Limit, Offset: w.Offset}
	}
	env := runstart.Env{IO: opts.IO, APIClient: opts.APIClient, Now: opts.Now, Sleep: opts.Sleep, GitHub: opts.GitHub}
	return runstart.Run(ctx, env, &opts.Start, runstart.Launch{
		Check: fmt.Sprintf("`coreclaw status last --worker %s` shows the newest run of the Worker", worker),
		Setup: func(ctx context.Context) (err error) {
			in, err = input.Build(opts.Input, input.Env{Context: ctx, Stdin: opts.IO.In, Warn: opts.warn})
			return cmdutil.UsageError(err)
		},
		Before: func(ctx context.Context, client *api.Client) (*api.StartedRun, bool, error) {
			if previous != "" {
				rejoin, err := opts.reattach(ctx, client, worker, previous)
				if err != nil || rejoin != nil {
					// The file already names the run: leave it as it is.
					slugFile.Abort()
					return rejoin, false, err
				}
			}
			if !opts.NoValidate {
				if err := opts.checkInput(ctx, client, worker, in); err != nil {
					return nil, false, err
				}
			}
			if opts.Queue {
				return nil, true, queueRun(ctx, opts, client, worker, in.JSON())
			}
			return nil, false, nil
		},
		Prepare: func(c *api.Client, w runstart.Window) (*api.PreparedRequest, error) {
			return c.PrepareStartRun(worker, request(w))
		},
		Send: func(ctx context.Context, c *api.Client, w runstart.Window) (*api.StartedRun, error) {
			return c.StartRun(ctx, worker, request(w))
		},
		// The slug file is written before the slug is printed.
		Started: func(slug string) {
			if slugFile != nil {
				opts.writeSlugFile(slugFile, slug)
			}
		},
	})
}

// checkInput is the schema check (CONTRACT §2): a mismatch is a usage
// error and no run is started; anything else only warns.
func (opts *Options) checkInput(ctx context.Context, client *api.Client, worker api.WorkerID, in *input.Input) error {
	return schema.CheckInput(ctx, client, opts.SchemaCache, worker, in, opts.warn)
}

func (opts *Options) warn(msg string) {
	fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", msg)
}
