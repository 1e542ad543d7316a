package run

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/atomicfile"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// The --slug-file of `run` (CONTRACT §6): the run's slug is written there
// as soon as it is known; when the file already names a run of the same
// Worker that has not ended, `run` re-attaches to it instead of starting
// (and paying for) another, so a retried CI step rejoins its run.

// maxSlugFile bounds what is read: a slug file holds one short line.
const maxSlugFile = 1024

// readSlugFile returns the slug the file names, or "" when there is no
// file or it is empty. Anything else in it is refused rather than
// overwritten: the path may be a file the user did not mean to give.
func readSlugFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	case err != nil:
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return "", cmdutil.UsageErrorf("--slug-file %s cannot be read: %v", path, err)
	}
	slug := string(bytes.TrimSpace(data))
	if slug == "" {
		return "", nil
	}
	// Only a run slug as the API writes them counts: anything else (a JSON
	// document given by mistake, say) is neither sent nor overwritten.
	if len(data) > maxSlugFile || !api.IsRunSlug(slug) {
		return "", cmdutil.UsageErrorf("--slug-file %s does not hold a run slug; not overwriting it", path)
	}
	return slug, nil
}

// createSlugFile makes the temporary file that becomes the slug file once
// the slug is known, so that a path that cannot be written is a usage
// error before the run starts rather than a lost slug after.
func createSlugFile(path string) (*atomicfile.File, error) {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, cmdutil.WithHint(cmdutil.UsageErrorf("--slug-file %s cannot be written: %v", path, err), "no run was started")
	}
	return f, nil
}

// writeSlugFile records the slug in the file createSlugFile made. A
// failure now does not undo the run: it is a warning, since the run is
// going and its slug is on stdout or stderr.
func (opts *Options) writeSlugFile(f *atomicfile.File, slug string) {
	_, err := f.WriteString(slug + "\n")
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		f.Abort()
		opts.warn(fmt.Sprintf("could not write the run's slug to --slug-file %s: %v", opts.SlugFile, err))
	}
}

// reattach decides what to do with the run the slug file names: the run to
// rejoin, or nil to start a new one.
func (opts *Options) reattach(ctx context.Context, client *api.Client, worker api.WorkerID, slug string) (*api.StartedRun, error) {
	run, err := client.GetRun(ctx, api.RunRef{Slug: slug})
	var apiErr *api.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.IsNotFound():
		opts.notice(fmt.Sprintf("run %s of --slug-file %s does not exist; starting a new run", slug, opts.SlugFile))
		return nil, nil
	case err != nil:
		// Whether the run is going cannot be told: starting another could
		// pay twice, so stop here.
		return nil, fmt.Errorf("checking run %s of --slug-file %s: %w", slug, opts.SlugFile, err)
	case run.Status.Terminal():
		opts.notice(fmt.Sprintf("run %s of --slug-file %s has ended (%s); starting a new run", slug, opts.SlugFile, run.Status))
		return nil, nil
	}
	same, err := runOfWorker(ctx, client, worker, slug, opts.Now())
	if err != nil {
		return nil, fmt.Errorf("checking run %s of --slug-file %s: %w", slug, opts.SlugFile, err)
	}
	if !same {
		return nil, cmdutil.UsageErrorf("--slug-file %s names run %s, which is not a run of %s and has not ended; give each job its own --slug-file", opts.SlugFile, slug, worker)
	}
	opts.notice(fmt.Sprintf("re-attaching to run %s of --slug-file %s (%s); no new run is started", slug, opts.SlugFile, run.Status))
	return &api.StartedRun{RunSlug: slug}, nil
}

// errFound stops the walk through the run list once the run is seen.
var errFound = errors.New("found")

// runOfWorker reports whether slug is among the Worker's runs of this month
// and the last: the run list is the one place the API says which Worker a
// run belongs to.
func runOfWorker(ctx context.Context, client *api.Client, worker api.WorkerID, slug string, now time.Time) (bool, error) {
	today := api.DayOf(now)
	since := api.DayOf(today.FirstOfMonth().Start().AddDate(0, -1, 0))
	for _, window := range api.MonthWindows(since, today) {
		_, err := client.EachRun(ctx, api.RunFilter{Worker: worker, Window: window}, 0, func(raw json.RawMessage) error {
			var r struct {
				Slug string `json:"slug"`
			}
			if json.Unmarshal(raw, &r) == nil && r.Slug == slug {
				return errFound
			}
			return nil
		})
		if errors.Is(err, errFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}

func (opts *Options) notice(msg string) {
	fmt.Fprintf(opts.IO.ErrOut, "notice: %s\n", msg)
}
