// Package task is `coreclaw task get|delete|create|update|input|run` and
// `coreclaw tasks`: saved Worker tasks, their input, schedule and runs
// (REFERENCE §8.4). Each verb has its own file; this one holds the group
// and what several verbs share.
package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/schema"
)

// NewCmdTask builds `coreclaw task` and its subcommands.
func NewCmdTask(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "task <command>",
		Short: "Create, change, run and delete saved tasks",
		Long: `A task is a saved Worker run: a Worker, its input and, optionally, a
schedule. ` + "`coreclaw tasks`" + ` lists them; TASK is a task slug as printed by
` + "`coreclaw task create`" + ` or listed by ` + "`coreclaw tasks`" + `.`,
		Example: `  slug=$(coreclaw task create coreclaw/google-maps-scraper --title "Coffee NYC" -f input.json)
  coreclaw task run "$slug" --wait -o csv > places.csv
  coreclaw task update "$slug" --schedule weekly --weekday 1 --at 09:00`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(
		NewCmdGet(f, nil),
		NewCmdDelete(f, nil),
		NewCmdCreate(f, nil),
		NewCmdUpdate(f, nil),
		NewCmdInput(f, nil),
		NewCmdRun(f, nil),
	)
	return cmd
}

// taskArg checks a TASK argument before it goes into a URL path.
func taskArg(s string) (string, error) {
	if err := api.ValidateSlug("task", s); err != nil {
		return "", cmdutil.UsageError(err)
	}
	return s, nil
}

// emptyInput is what a task is saved with when no input flag is given: the
// API requires an input, wrapped.
const emptyInput = `{"parameters":{"custom":{}}}`

// addNoValidateFlag is run's --no-validate, for the commands that save an
// input.
func addNoValidateFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "no-validate", false, "do not check the input against the Worker's input schema (-p key=value then stays a string)")
}

// warner writes warnings to stderr.
func warner(ios *iostreams.IOStreams) func(string) {
	return func(msg string) { fmt.Fprintf(ios.ErrOut, "warning: %s\n", msg) }
}

// taskWorker reads which Worker a task runs, for the schema check of its
// new input: worker_path (owner~name, or owner/name as some replies
// write it), else worker_slug.
func taskWorker(ctx context.Context, client *api.Client, id string) (api.WorkerID, error) {
	raw, err := client.GetTask(ctx, id)
	if err != nil {
		return "", err
	}
	var t struct {
		Path api.Text `json:"worker_path"`
		Slug api.Text `json:"worker_slug"`
	}
	_ = json.Unmarshal(raw, &t) // an object, GetTask checked; odd fields stay empty
	for _, s := range []api.Text{t.Path, t.Slug} {
		if w, err := api.ParseWorkerID(string(s)); err == nil {
			return w, nil
		}
	}
	return "", cmdutil.WithHint(&api.ReplyError{Op: "GET /api/v2/worker-tasks/" + id, Err: errors.New("no worker_path or worker_slug in the reply: cannot tell which Worker's schema the input must fit")},
		"--no-validate saves the input unchecked")
}

// checkTaskInput checks a task's new input against its Worker's schema,
// as run does (typing -p values in place); nothing is saved on a mismatch.
func checkTaskInput(ctx context.Context, client *api.Client, cache *schema.Cache, worker api.WorkerID, id string, in *input.Input, warn func(string)) error {
	if worker == "" {
		w, err := taskWorker(ctx, client, id)
		if err != nil {
			return err
		}
		worker = w
	}
	return schema.CheckInput(ctx, client, cache, worker, in, warn)
}

// checkVersion refuses "latest", which many Workers reject (REFERENCE §13).
func checkVersion(v string) error {
	if v == "latest" {
		return cmdutil.UsageErrorf(`--version "latest" is refused by many Workers: omit --version to use the current version`)
	}
	return nil
}
