// Package batch is `coreclaw batch`: one Worker over a list of inputs
// (`batch run`), and the verbs that work on the batch's manifest
// afterwards (`batch wait`, `batch results`, `batch status`, `batch abort`).
package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/batch"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/text"
)

// NewCmdBatch builds `coreclaw batch` and its verbs.
func NewCmdBatch(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "batch <command>",
		Short: "Run a Worker over many inputs, resumably, and merge the results",
		Long: `Run one Worker over a list of inputs: ` + "`batch run`" + ` starts one run per
input line within a concurrency limit and records each start in a
manifest, so that running the same command again never starts a line
twice; ` + "`batch wait`" + `, ` + "`batch results`" + `, ` + "`batch status`" + ` and ` + "`batch abort`" + `
work on that manifest afterwards.`,
		Example: `  coreclaw batch run coreclaw/google-maps-scraper -f cities.jsonl -p max_results:=20 --concurrency 5 --wait
  coreclaw batch results cities.jsonl.runs.jsonl -o csv > places.csv`,
	}
	cmd.AddCommand(NewCmdRun(f, nil), NewCmdWait(f, nil), NewCmdResults(f, nil), NewCmdStatus(f, nil), NewCmdAbort(f, nil))
	return cmd
}

// newView picks the live view: a redrawn line on a terminal, one line per
// change elsewhere.
func newView(ios *iostreams.IOStreams) batch.View {
	if ios.ShowProgress() {
		return &batch.TerminalView{IO: ios}
	}
	return &batch.PipeView{W: ios.ErrOut, CS: ios.Stderr()}
}

// tally counts a manifest's lines by outcome.
type tally struct {
	lines, succeeded, failed, aborted, going, noRun int
	results                                         int64
	failedLines, abortedLines                       []int
}

func count(entries []*batch.Entry) tally {
	var t tally
	for _, e := range entries {
		t.lines++
		st := api.Status(e.Status)
		switch {
		case e.Slug == "":
			t.noRun++
		case st == api.StatusSucceeded:
			t.succeeded++
		case st == api.StatusFailed:
			t.failed++
			t.failedLines = append(t.failedLines, e.Line)
		case st.Aborted():
			t.aborted++
			t.abortedLines = append(t.abortedLines, e.Line)
		default:
			t.going++
		}
		if e.Results != nil && st == api.StatusSucceeded {
			t.results += *e.Results
		}
	}
	return t
}

func (t tally) String() string {
	parts := []string{fmt.Sprintf("%d succeeded", t.succeeded)}
	if t.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", t.failed))
	}
	if t.aborted > 0 {
		parts = append(parts, fmt.Sprintf("%d aborted", t.aborted))
	}
	if t.going > 0 {
		parts = append(parts, fmt.Sprintf("%d going", t.going))
	}
	if t.noRun > 0 {
		parts = append(parts, fmt.Sprintf("%d without a run", t.noRun))
	}
	return strings.Join(parts, " · ") + fmt.Sprintf(" · %s", text.Plural(t.results, "result"))
}

// waitOutcome maps the runs' final statuses to the exit status: 3 when
// any failed, 6 when any was aborted (and none failed), 0 otherwise.
func waitOutcome(t tally, manifest string) error {
	switch {
	case t.failed > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitRunFailed,
			Err:  fmt.Errorf("%d of %d runs failed (%s)", t.failed, t.succeeded+t.failed+t.aborted, lineList(t.failedLines)),
			Hint: fmt.Sprintf("`coreclaw batch status %s` shows why", manifest)}
	case t.aborted > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitAborted,
			Err: fmt.Errorf("%d of %d runs were aborted (%s)", t.aborted, t.succeeded+t.aborted, lineList(t.abortedLines))}
	}
	return nil
}

// lineList is "line 3" or "lines 3, 7, 9" (the first ten, then "…").
func lineList(lines []int) string {
	const most = 10
	parts := make([]string, 0, most)
	for i, l := range lines {
		if i == most {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprint(l))
	}
	if len(lines) == 1 {
		return "line " + parts[0]
	}
	return "lines " + strings.Join(parts, ", ")
}

// interrupted and timedOut are how a batch that stops early ends.
func interrupted(going int, manifest, resume string) error {
	return cmdutil.Interrupted(resume, "interrupted; %s of the batch %s on; the manifest %s says where they are",
		text.Plural(int64(going), "run"), map[bool]string{true: "goes", false: "go"}[going == 1], manifest)
}

func timedOut(timeout time.Duration, going int, manifest string) error {
	return &cmdutil.ExitError{Code: cmdutil.ExitTimeout,
		Err:  fmt.Errorf("timed out after %s with %s of the batch still going", timeout, text.Plural(int64(going), "run")),
		Hint: fmt.Sprintf("`coreclaw batch wait %s` waits for them", manifest)}
}

// manifestError is a manifest that cannot be used: another coreclaw
// holding it is exit 1 (try again later), anything else a usage error.
func manifestError(err error) error {
	if errors.Is(err, batch.ErrInUse) {
		return err
	}
	return cmdutil.UsageError(err)
}

// stopError turns what ended a runner early into the command's error.
func stopError(err error, res *batch.Result, timeout time.Duration, manifest, resume string) error {
	switch {
	case errors.Is(err, context.Canceled):
		return interrupted(res.Going, manifest, resume)
	case errors.Is(err, batch.ErrTimedOut):
		return timedOut(timeout, res.Going, manifest)
	}
	return cmdutil.WithHint(err, resume)
}

// openManifest opens an existing manifest for the verbs that write to it
// (wait, abort); readManifest for those that only look (status, results).
func openManifest(ios *iostreams.IOStreams, path string) (*batch.Manifest, error) {
	m, err := batch.Open(path, false)
	if err != nil {
		return nil, manifestError(err)
	}
	m.Redact = ios.Redact
	for _, w := range m.Warnings {
		fmt.Fprintf(ios.ErrOut, "warning: %s\n", w)
	}
	return m, nil
}

// keyedClient is the API client, refused before anything is sent when it
// has no key: the batch commands read and lock their manifest first.
func keyedClient(newClient func() (*api.Client, error)) (*api.Client, error) {
	client, err := newClient()
	if err != nil {
		return nil, err
	}
	if !client.HasKey() {
		return nil, api.ErrNoAPIKey
	}
	return client, nil
}

func readManifest(ios *iostreams.IOStreams, path string) (*batch.Manifest, error) {
	m, err := batch.Read(path)
	if err != nil {
		return nil, cmdutil.UsageError(err)
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(ios.ErrOut, "warning: %s\n", w)
	}
	return m, nil
}
