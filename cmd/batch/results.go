package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/batch"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runresults"
)

// ResultsOptions are everything `batch results` needs.
type ResultsOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Manifest  string
	WithInput []string
	Output    output.Flags
}

// NewCmdResults builds `batch results`; runF replaces the action in tests.
func NewCmdResults(f *cmdutil.Factory, runF func(context.Context, *ResultsOptions) error) *cobra.Command {
	opts := &ResultsOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "results MANIFEST [flags]",
		Short: "Print the rows of every succeeded run of a batch",
		Long: `Print the result rows of every run of the batch that succeeded, streamed in
manifest order (by input line), each row first with "line", its input's
line number; --with-input adds the named input fields next to it (a field
the row has too is named input.KEY). Internal keys are left out, as
` + "`coreclaw results`" + ` does.

Lines whose run has not succeeded (failed, aborted, still going, or no
run) are listed on stderr and have no rows; the exit status is 0 all the
same once every row was printed.`,
		Example: `  coreclaw batch results cities.jsonl.runs.jsonl -o csv > places.csv
  coreclaw batch results cities.jsonl.runs.jsonl --with-input base_location,keywords -o jsonl`,
		Args: cmdutil.ExactArgs(1, "the batch's manifest"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Manifest = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runResults(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.WithInput, "with-input", nil, "add these input fields (`key,...`) to every row")
	output.AddFlags(cmd, &opts.Output)
	_ = cmd.MarkFlagFilename("manifest", "jsonl")
	cmdutil.OrderFlags(cmd, "output", "with-input", "jq")
	return cmd
}

func runResults(ctx context.Context, opts *ResultsOptions) error {
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	for _, k := range opts.WithInput {
		if strings.TrimSpace(k) == "" {
			return cmdutil.UsageErrorf("--with-input takes field names separated by commas; an empty one is not a field")
		}
	}
	m, err := readManifest(opts.IO, opts.Manifest)
	if err != nil {
		return err
	}
	defer m.Close()
	client, err := keyedClient(opts.APIClient)
	if err != nil {
		return err
	}
	rows := printer.Rows(ctx)
	started := false
	var skipped []string
	for _, e := range m.Entries() {
		if api.Status(e.Status) != api.StatusSucceeded {
			skipped = append(skipped, fmt.Sprintf("line %d (%s)", e.Line, lineState(e)))
			continue
		}
		inputs := inputFields(e, opts.WithInput)
		_, err := client.EachResultPage(ctx, api.RunRef{Slug: e.Slug}, 0, func(p *api.ResultPage) error {
			if !started {
				started = true
				rows.Columns(columns(opts.WithInput, p.Headers))
			}
			for _, raw := range p.List {
				if err := rows.Row(withLine(e.Line, inputs, raw)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, Err: fmt.Errorf("interrupted while printing the results of line %d", e.Line)}
			}
			return fmt.Errorf("reading the results of line %d (run %s): %w", e.Line, e.Slug, err)
		}
	}
	if !started {
		rows.Columns(columns(opts.WithInput, nil))
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(skipped) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: no rows from %s\n", strings.Join(skipped, ", "))
	}
	return nil
}

// lineState says, in a word or two, where a line without rows stands.
func lineState(e *batch.Entry) string {
	switch {
	case e.Uncertain():
		return "start uncertain"
	case e.QueueRef != "" && e.Slug == "":
		return "queued"
	case e.Slug == "":
		return "not started"
	case e.Status == "":
		return "not checked yet"
	}
	return iostreams.SanitizeLine(e.Status)
}

// inputFields picks the named fields of a line's custom input.
func inputFields(e *batch.Entry, keys []string) *jsonobj.Object {
	out := &jsonobj.Object{}
	if len(keys) == 0 {
		return out
	}
	var in struct {
		Parameters struct {
			Custom json.RawMessage `json:"custom"`
		} `json:"parameters"`
	}
	custom := &jsonobj.Object{}
	if json.Unmarshal(e.Input, &in) == nil && len(in.Parameters.Custom) > 0 {
		if obj, err := jsonobj.Parse(in.Parameters.Custom); err == nil {
			custom = obj
		}
	}
	for _, k := range keys {
		v, ok := custom.Get(k)
		if !ok {
			v = json.RawMessage("null")
		}
		out.Set(k, v)
	}
	return out
}

// withLine is a result row with the line number and input fields first.
func withLine(line int, inputs *jsonobj.Object, raw json.RawMessage) *jsonobj.Object {
	row, err := jsonobj.Parse(raw)
	if err != nil {
		row = &jsonobj.Object{}
		row.Set("value", raw)
	}
	out := &jsonobj.Object{}
	out.Set("line", json.RawMessage(strconv.Itoa(line)))
	for _, m := range inputs.Members() {
		name := m.Key
		if row.Has(name) || name == "line" {
			name = "input." + name
		}
		out.Set(name, m.Value)
	}
	for _, m := range row.Members() {
		switch {
		case runresults.IsInternalKey(m.Key):
		case m.Key == "line":
			// The row's own "line" must not hide the input's.
			out.Set("result.line", m.Value)
		default:
			out.Set(m.Key, m.Value)
		}
	}
	return out
}

// columns are line, the input fields, then the first run's headers.
func columns(inputs []string, headers []api.Header) []string {
	cols := []string{"line"}
	seen := map[string]bool{"line": true}
	headerKeys := map[string]bool{}
	for _, h := range headers {
		headerKeys[h.Key] = true
	}
	for _, k := range inputs {
		name := k
		if headerKeys[k] || k == "line" {
			name = "input." + k
		}
		cols = append(cols, name)
		seen[name] = true
	}
	for _, h := range headers {
		if h.Key != "" && !seen[h.Key] && !runresults.IsInternalKey(h.Key) {
			cols = append(cols, h.Key)
			seen[h.Key] = true
		}
	}
	return cols
}
