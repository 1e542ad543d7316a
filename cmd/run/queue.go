package run

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runstart"
)

// queueRun is `run --queue`: the run goes into the Run Queue (REFERENCE
// §8.9) and its queue ref is printed on stdout, alone.
func queueRun(ctx context.Context, opts *Options, client *api.Client, worker api.WorkerID, in json.RawMessage) error {
	req := api.QueueRunRequest{Input: in, CallbackURL: opts.CallbackURL, Version: opts.Version}
	if opts.Start.DryRun {
		prepared, err := client.PrepareQueueRun(worker, req)
		if err != nil {
			return err
		}
		return opts.Start.PrintDryRun(ctx, opts.IO, prepared)
	}
	queued, err := client.QueueRun(ctx, worker, req)
	if err != nil {
		return runstart.Error(ctx, err, "`coreclaw queue` lists the queued runs")
	}
	if queued.Queued != nil && !*queued.Queued {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the API says queue item %s was not queued (status %q)\n",
			iostreams.SanitizeLine(string(queued.QueueRef)), iostreams.SanitizeLine(string(queued.QueueStatus)))
	}
	_, err = fmt.Fprintln(opts.IO.Out, queued.QueueRef)
	return err
}
