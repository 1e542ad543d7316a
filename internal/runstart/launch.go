package runstart

import (
	"context"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Env is what a command that starts a run gets from its factory.
type Env struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	// GitHub is the GitHub Actions step coreclaw runs in; nil elsewhere.
	GitHub *ghactions.Env
}

// Window is how a start asks for its run: asynchronously or not, and for
// a synchronous run the window of results the reply carries.
type Window struct {
	Async         bool
	Limit, Offset int
}

// Launch is what differs between the commands that start a run (run,
// rerun, task run); Run does the rest, the same way for each.
type Launch struct {
	// Prepare builds the request Send would send, for --dry-run.
	Prepare func(c *api.Client, w Window) (*api.PreparedRequest, error)
	// Send sends the start, once (Start decides about sending it again).
	Send func(ctx context.Context, c *api.Client, w Window) (*api.StartedRun, error)
	// Check is the command that shows whether a run started after all,
	// for the hint of a start whose outcome is unknown (see Error).
	Check string

	// Setup, when set, runs once the flags are checked and before the
	// client is made: what the command must refuse or read before
	// anything is sent (run's input and slug file).
	Setup func(ctx context.Context) error
	// Before, when set, runs once the client is ready, before the start
	// or the dry run. It may return a run to finish instead of starting
	// one (re-attached: not announced as started), or done when it has
	// done the command's work itself (run --queue).
	Before func(ctx context.Context, c *api.Client) (rejoin *api.StartedRun, done bool, err error)
	// Started, when set, is told the new run's slug before it is printed
	// (run's slug file).
	Started func(slug string)
}

// Run is the one launch sequence: check the flags (resolving -o and --jq
// once), get the client and check the key, then print the request
// (--dry-run) or start the run and do what the flags ask once it has
// started (Finish).
func Run(ctx context.Context, env Env, f *Flags, l Launch) error {
	if _, err := f.Check(env.IO); err != nil {
		return err
	}
	if l.Setup != nil {
		if err := l.Setup(ctx); err != nil {
			return err
		}
	}
	client, err := env.APIClient()
	if err != nil {
		return err
	}
	if !client.HasKey() && !f.DryRun {
		return api.ErrNoAPIKey
	}
	so := Options{IO: env.IO, Client: client, Now: env.Now, Sleep: env.Sleep, GitHub: env.GitHub}
	if l.Before != nil {
		rejoin, done, err := l.Before(ctx, client)
		if err != nil || done {
			return err
		}
		if rejoin != nil {
			so.Reattached = true
			return Finish(ctx, so, f, f.printer, rejoin)
		}
	}
	w := f.window()
	if f.DryRun {
		prepared, err := l.Prepare(client, w)
		if err != nil {
			return err
		}
		return f.PrintDryRun(ctx, env.IO, prepared)
	}
	started, err := Start(ctx, so, f, l.Check, func(ctx context.Context) (*api.StartedRun, error) {
		return l.Send(ctx, client, w)
	})
	if err != nil {
		return err
	}
	if l.Started != nil {
		l.Started(started.RunSlug)
	}
	return Finish(ctx, so, f, f.printer, started)
}
