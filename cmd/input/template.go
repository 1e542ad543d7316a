package input

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/schema"
)

// TemplateOptions are everything `input template` needs.
type TemplateOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	// Cache is refreshed with what the API returns; nil: no cache.
	Cache *schema.Cache

	Worker string
}

// NewCmdTemplate builds `coreclaw input template WORKER`.
func NewCmdTemplate(f *cmdutil.Factory) *cobra.Command {
	return newCmdTemplate(f, nil)
}

func newCmdTemplate(f *cmdutil.Factory, runF func(context.Context, *TemplateOptions) error) *cobra.Command {
	opts := &TemplateOptions{IO: f.IOStreams, APIClient: f.APIClient, Cache: schema.UserCache(f.LookupEnv, f.Now)}
	cmd := &cobra.Command{
		Use:   "template WORKER",
		Short: "Print a starter input document for a Worker",
		Long: `Print a starter input document for a Worker, built from its input schema,
to edit and pass to ` + "`coreclaw run WORKER -f FILE`" + `. It needs no API key.

Fields with a default have it. Required fields without a default get a
placeholder string naming the type, such as "<required: array of string>":
JSON has no comments, and the schema check of ` + "`coreclaw run`" + ` refuses a
placeholder until it is replaced. Optional fields without a default are
left out; ` + "`coreclaw workers schema WORKER`" + ` lists every field.`,
		Example: `  coreclaw input template coreclaw/google-maps-scraper > input.json
  $EDITOR input.json
  coreclaw run coreclaw/google-maps-scraper -f input.json --wait`,
		Args:              cmdutil.ExactArgs(1, "the Worker (owner/name, owner~name or a Worker slug)"),
		ValidArgsFunction: f.CompleteWorkers,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunTemplate(cmd.Context(), opts)
		},
	}
	return cmd
}

// RunTemplate fetches the schema and prints the template on stdout.
func RunTemplate(ctx context.Context, opts *TemplateOptions) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	raw, err := schema.NewSource(client, opts.Cache).Refresh(ctx, worker)
	if err != nil {
		return schema.ReadError(worker, err)
	}
	s, err := schema.Parse(raw)
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("cannot build a template: cannot interpret the input schema of %s (%v)", worker, err),
			Hint: fmt.Sprintf("`coreclaw workers schema %s --raw` prints the schema as the API returned it", worker)}
	}
	if len(s.Fields) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "the input schema of %s declares no fields\n", worker)
	}
	doc, _ := s.Template().MarshalJSON()
	var buf bytes.Buffer
	if err := json.Indent(&buf, doc, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	out := buf.Bytes()
	if opts.IO.IsStdoutTTY() {
		// The schema is the Worker author's text: on a terminal its
		// controls are shown as \u escapes, the same JSON.
		out = iostreams.TerminalJSON(out)
	}
	_, err = opts.IO.Out.Write(out)
	return err
}
