package cmdutil

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Dynamic Tab completion: run slugs and Worker ids from the account. A
// slow API must never make Tab slow, so every lookup shares one time box;
// what has not arrived by then is left out, and an error or a missing key
// gives no suggestion, never a message (the shell owns the terminal).

// DefaultCompletionTimeout is the time box of the API calls behind one
// Tab: well under the 200 ms after which a shell feels slow.
const DefaultCompletionTimeout = 150 * time.Millisecond

// completionLimit is how many runs and Workers completion asks for.
const completionLimit = 20

// CompleteRuns completes a RUN argument: "last", then the account's runs
// of this month, newest first, described by Worker and status.
func (f *Factory) CompleteRuns(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := []cobra.Completion{cobra.CompletionWithDesc("last", "the account's newest run (--worker: one Worker's)")}
	for _, s := range f.fromAccount(cmd.Context(), runSuggestions) {
		if _, err := api.ParseRunRef(s.value, ""); err != nil {
			continue // a value the command would refuse
		}
		out = append(out, cobra.CompletionWithDesc(s.value, s.desc))
	}
	return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// CompleteWorkers completes a WORKER: the account's own Workers (as
// owner/name), then the Workers of its runs this month.
func (f *Factory) CompleteWorkers(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	seen := map[string]bool{}
	for _, s := range f.fromAccount(cmd.Context(), ownWorkerSuggestions, runWorkerSuggestions) {
		if _, err := api.ParseWorkerID(s.value); err != nil {
			continue // a value the command would refuse
		}
		if seen[s.value] {
			continue
		}
		seen[s.value] = true
		if s.alias != "" {
			seen[s.alias] = true
		}
		out = append(out, cobra.CompletionWithDesc(s.value, s.desc))
	}
	return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// CompleteWorkerFlag registers CompleteWorkers for a --worker flag.
func (f *Factory) CompleteWorkerFlag(cmd *cobra.Command, name string) {
	_ = cmd.RegisterFlagCompletionFunc(name, func(c *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return f.CompleteWorkers(c, nil, toComplete)
	})
}

// suggestion is one completion: the value, what it is, and another value
// that names the same thing (a Worker's slug beside its owner/name).
type suggestion struct {
	value, desc, alias string
}

// describe is server text made fit for a completion's description: one
// line, no controls (a tab or a newline would break the shell's format).
func describe(s string) string {
	return strings.Join(strings.Fields(iostreams.SanitizeLine(s)), " ")
}

// lookup asks the API for suggestions.
type lookup func(ctx context.Context, client *api.Client, now time.Time) []suggestion

// fromAccount runs the lookups at once within the time box and returns,
// in the lookups' order, what each found in time: a lookup that is not
// done by the deadline counts as having found nothing.
func (f *Factory) fromAccount(ctx context.Context, lookups ...lookup) []suggestion {
	if ctx == nil {
		ctx = context.Background()
	}
	client := f.completionClient()
	if client == nil {
		return nil
	}
	box := f.CompletionTimeout
	if box <= 0 {
		box = DefaultCompletionTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, box)
	defer cancel()
	type found struct {
		i           int
		suggestions []suggestion
	}
	// Buffered: a lookup that ends after the deadline does not block.
	done := make(chan found, len(lookups))
	now := f.Now()
	for i, l := range lookups {
		go func() { done <- found{i, l(ctx, client, now)} }()
	}
	results := make([][]suggestion, len(lookups))
wait:
	for range lookups {
		select {
		case r := <-done:
			results[r.i] = r.suggestions
		case <-ctx.Done():
			break wait
		}
	}
	var out []suggestion
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// recentRuns is the account's runs of this month (Beijing time, as the
// run list counts days), newest first; nil on any error.
func recentRuns(ctx context.Context, client *api.Client, now time.Time) []api.Run {
	today := api.DayOf(now)
	var runs []api.Run
	filter := api.RunFilter{Window: api.RunWindow{From: today.FirstOfMonth(), To: today}}
	_, err := client.EachRun(ctx, filter, completionLimit, func(raw json.RawMessage) error {
		var r api.Run
		if json.Unmarshal(raw, &r) == nil && r.Slug != "" {
			runs = append(runs, r)
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return runs
}

func runSuggestions(ctx context.Context, client *api.Client, now time.Time) []suggestion {
	var out []suggestion
	for _, r := range recentRuns(ctx, client, now) {
		worker := r.ScraperTitle
		if worker == "" {
			worker = r.ScraperSlug
		}
		desc := string(r.Status)
		if worker != "" {
			desc = worker + ", " + desc
		}
		out = append(out, suggestion{value: r.Slug, desc: describe(desc)})
	}
	return out
}

func runWorkerSuggestions(ctx context.Context, client *api.Client, now time.Time) []suggestion {
	var out []suggestion
	for _, r := range recentRuns(ctx, client, now) {
		if r.ScraperSlug != "" {
			// A Worker id sent as owner~name is typed owner/name.
			out = append(out, suggestion{value: strings.Replace(r.ScraperSlug, "~", "/", 1), desc: describe(r.ScraperTitle)})
		}
	}
	return out
}

// ownWorkerSuggestions is the account's Workers as owner/name (what users
// type), each with its slug as alias, so that a Worker of a recent run is
// not offered twice.
func ownWorkerSuggestions(ctx context.Context, client *api.Client, _ time.Time) []suggestion {
	var out []suggestion
	_, err := client.EachOwnWorker(ctx, "", completionLimit, func(raw json.RawMessage) error {
		var w struct{ Slug, Path, Title string }
		if json.Unmarshal(raw, &w) != nil {
			return nil
		}
		value := strings.Replace(w.Path, "~", "/", 1)
		if value == "" {
			value, w.Slug = w.Slug, ""
		}
		if value != "" {
			out = append(out, suggestion{value: value, desc: describe(w.Title), alias: w.Slug})
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return out
}

// withPrefix keeps the completions that start with prefix, in any case
// (run slugs are upper case; people type them in lower).
func withPrefix(in []cobra.Completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range in {
		value, _, _ := strings.Cut(c, "\t")
		if len(value) >= len(prefix) && strings.EqualFold(value[:len(prefix)], prefix) {
			out = append(out, c)
		}
	}
	return out
}
