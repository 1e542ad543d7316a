package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// clockMargin widens the run-list search for an uncertain start: the
// server's clock and this one may differ by this much.
const clockMargin = 10 * time.Minute

// Resolve settles uncertain starts through the Worker's run list: the
// runs of the Worker created since the earliest of those starts (less a
// margin) that no line of the manifest claims. None: no start created a
// run, and the lines are recorded as not started. As many as there are
// uncertain lines: they are those lines' runs, in the order they were
// started, and are recorded so. Anything else cannot be told apart, and is
// an error that names the lines (nothing is recorded, nothing started).
// It returns the slugs found, by line.
func Resolve(ctx context.Context, client *api.Client, m *Manifest, now time.Time, uncertain []*Entry) (map[int]string, error) {
	if len(uncertain) == 0 {
		return nil, nil
	}
	sorted := append([]*Entry(nil), uncertain...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].StartedAt != sorted[j].StartedAt {
			return sorted[i].StartedAt < sorted[j].StartedAt
		}
		return sorted[i].Line < sorted[j].Line
	})
	worker, err := api.ParseWorkerID(sorted[0].Worker)
	if err != nil {
		return nil, fmt.Errorf("the manifest names the Worker %q: %w", sorted[0].Worker, err)
	}
	since := now.Add(-24 * time.Hour)
	if t, err := time.Parse(time.RFC3339, sorted[0].StartedAt); err == nil {
		since = t.Add(-clockMargin)
	}
	claimed := m.Claimed()
	var candidates []api.Run
	windows := api.MonthWindows(api.DayOf(since), api.DayOf(now))
	for i, w := range windows {
		filter := api.RunFilter{Worker: worker, Window: w}
		if i == len(windows)-1 {
			filter.Since = since
		}
		_, err := client.EachRun(ctx, filter, 0, func(raw json.RawMessage) error {
			var run api.Run
			if json.Unmarshal(raw, &run) == nil && run.Slug != "" && !claimed[run.Slug] {
				candidates = append(candidates, run)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("looking for the runs of %s in the run list: %w", describeLines(lineNumbers(sorted)), err)
		}
	}
	found := map[int]string{}
	switch len(candidates) {
	case 0:
		for _, e := range sorted {
			cp := *e
			cp.State, cp.Error = StateNotStarted, "the start created no run (none in the Worker's run list)"
			if err := m.Record(cp); err != nil {
				return nil, err
			}
		}
		return found, nil
	case len(sorted):
		// The run list is newest first; the starts were made oldest first.
		for i, e := range sorted {
			run := candidates[len(candidates)-1-i]
			cp := *e
			cp.State, cp.Slug, cp.Status, cp.Error = StateStarted, run.Slug, string(run.Status), ""
			if err := m.Record(cp); err != nil {
				return nil, err
			}
			found[e.Line] = run.Slug
		}
		return found, nil
	}
	return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure,
		Err: fmt.Errorf("cannot tell whether %s started a run: %d runs of %s created since %s are in no line of the manifest; nothing more was started",
			describeLines(lineNumbers(sorted)), len(candidates), worker, since.UTC().Format(time.RFC3339)),
		Hint: fmt.Sprintf("`coreclaw runs --worker %s` lists them; `batch run --restart-uncertain` starts those lines again without looking (a run may then be paid twice)", worker)}
}

func lineNumbers(entries []*Entry) []int {
	out := make([]int, len(entries))
	for i, e := range entries {
		out[i] = e.Line
	}
	return out
}
