package runwait

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// reportGitHub tells the GitHub Actions step (when coreclaw runs in one)
// how the wait ended: the step outputs run_slug, status, results and
// usage, and a short Markdown summary. run is the last state read (nil
// when none was); stopped is why the wait ended before the run did (a
// timeout, an interrupt, a failure), nil when the run ended. A file that
// cannot be written is a warning: the run's outcome stands.
func reportGitHub(o Options, slug string, run *api.Run, stopped error) {
	gh := o.GitHub
	if gh == nil {
		return
	}
	outputs := []ghactions.Output{{Name: "run_slug", Value: slug}, {Name: "status"}, {Name: "results"}, {Name: "usage"}}
	if run != nil {
		outputs[1].Value = iostreams.SanitizeLine(string(run.Status))
		outputs[2].Value = strconv.FormatInt(int64(run.Results), 10)
		outputs[3].Value = iostreams.SanitizeLine(string(run.Usage))
	}
	if err := gh.SetOutputs(outputs); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "warning: cannot write the step's outputs to $GITHUB_OUTPUT: %s\n", iostreams.SanitizeLine(err.Error()))
	}
	if err := gh.AppendSummary(summaryMarkdown(gh.Markdown, slug, run, stopped)); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "warning: cannot write the step summary to $GITHUB_STEP_SUMMARY: %s\n", iostreams.SanitizeLine(err.Error()))
	}
}

// summaryMarkdown is the step summary: a heading with the outcome, then
// the run as a one-row table (Worker, status, results, duration, usage)
// and, for a failed run, its reason. Every text goes through esc.
func summaryMarkdown(esc func(string) string, slug string, run *api.Run, stopped error) string {
	var b strings.Builder
	switch {
	case stopped != nil:
		msg, _ := cmdutil.Describe(stopped)
		fmt.Fprintf(&b, "### ! coreclaw stopped waiting for run %s\n\n%s\n", esc(slug), esc(msg))
	case run.Status == api.StatusSucceeded:
		fmt.Fprintf(&b, "### ✓ Run %s succeeded\n", esc(slug))
	case run.Status == api.StatusFailed:
		fmt.Fprintf(&b, "### ✗ Run %s failed\n", esc(slug))
	default:
		fmt.Fprintf(&b, "### ✗ Run %s ended %s\n", esc(slug), esc(string(run.Status)))
	}
	if run != nil {
		worker := run.ScraperTitle
		if worker == "" {
			worker = run.ScraperSlug
		}
		duration, usage := "-", "-"
		if d := run.Elapsed(); d > 0 {
			duration = d.String()
		}
		if run.Usage != "" {
			usage = "$" + string(run.Usage)
		}
		b.WriteString("\n| Worker | Status | Results | Duration | Usage |\n| --- | --- | --- | --- | --- |\n")
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s |\n", esc(worker), esc(string(run.Status)), int64(run.Results), esc(duration), esc(usage))
		if reason := reasonText(run.ErrMsg); stopped == nil && run.Status == api.StatusFailed && reason != "" {
			fmt.Fprintf(&b, "\n%s\n", esc(reason))
		}
	}
	b.WriteString("\n")
	return b.String()
}
