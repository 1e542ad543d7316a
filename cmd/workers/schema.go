package workers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/schema"
)

// SchemaOptions are everything `workers schema` needs.
type SchemaOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	// Cache is refreshed with what the API returns; nil: no cache.
	Cache *schema.Cache

	Worker string
	Output output.Flags
	Raw    bool
}

// NewCmdSchema builds `coreclaw workers schema WORKER`.
func NewCmdSchema(f *cmdutil.Factory) *cobra.Command {
	return newCmdSchema(f, nil)
}

func newCmdSchema(f *cmdutil.Factory, runF func(context.Context, *SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{IO: f.IOStreams, APIClient: f.APIClient, Cache: schema.UserCache(f.LookupEnv, f.Now)}
	cmd := &cobra.Command{
		Use:   "schema WORKER",
		Short: "Print the input fields a Worker takes",
		Long: `Print a Worker's input schema: one line per field with its type, whether
it is required, its default, the values it allows and its description
(a table on a terminal, JSON otherwise). It needs no API key.

Both documented schema shapes are read: the Worker format (properties as a
list) and JSON-Schema-like objects. --raw prints the schema exactly as the
API returned it. A schema that cannot be interpreted is printed raw, with a
warning.

The schema is always fetched afresh, and the copy that ` + "`coreclaw run`" + ` checks
its input against is refreshed with it.`,
		Example: `  coreclaw workers schema coreclaw/google-maps-scraper
  coreclaw workers schema coreclaw/google-maps-scraper --jq '.[] | select(.required) | .name'
  coreclaw workers schema coreclaw/google-maps-scraper --raw > schema.json`,
		Args:              cmdutil.ExactArgs(1, "the Worker (owner/name, owner~name or a Worker slug)"),
		ValidArgsFunction: f.CompleteWorkers,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunSchema(cmd.Context(), opts)
		},
	}
	output.AddFlags(cmd, &opts.Output)
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print the schema exactly as the API returned it (JSON)")
	return cmd
}

// RunSchema fetches the schema and prints it.
func RunSchema(ctx context.Context, opts *SchemaOptions) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if opts.Raw && opts.Output.Output != "" && opts.Output.Output != string(output.JSON) {
		return cmdutil.UsageErrorf("--raw prints JSON: drop -o %s", opts.Output.Output)
	}
	printer, err := opts.Output.Printer(opts.IO)
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
	if raw == nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("the API returned no input schema for %s", worker)}
	}
	s, perr := schema.Parse(raw)
	if opts.Raw || perr != nil {
		if perr != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: cannot interpret the input schema of %s (%s); printing it as the API returned it\n", worker, perr)
		}
		if printer.Format != output.JSON {
			printer, _ = output.Flags{JQ: opts.Output.JQ, Output: string(output.JSON)}.Printer(opts.IO)
		}
		return printer.Value(ctx, json.RawMessage(raw))
	}
	if len(s.Fields) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "the input schema of %s declares no fields\n", worker)
	}
	rows := printer.Rows(ctx)
	if printer.Format == output.Table {
		rows.Columns([]string{"name", "type", "required", "default", "allowed", "description"})
		for i := range s.Fields {
			if err := rows.Row(tableRow(&s.Fields[i])); err != nil {
				return err
			}
		}
		return rows.Close()
	}
	rows.Columns([]string{"name", "title", "type", "required", "default", "enum", "minimum", "maximum", "description"})
	for i := range s.Fields {
		if err := rows.Row(dataRow(&s.Fields[i])); err != nil {
			return err
		}
	}
	return rows.Close()
}

// dataRow is a field for json, jsonl and csv: every key on every row,
// null where the schema says nothing.
func dataRow(f *schema.Field) *jsonobj.Object {
	row := &jsonobj.Object{}
	row.Set("name", jsonobj.String(f.Name))
	row.Set("title", optionalString(f.Title))
	row.Set("type", jsonobj.String(f.TypeString()))
	row.Set("required", boolJSON(f.Required))
	row.Set("default", orNull(f.Default))
	enum := json.RawMessage("null")
	if allowed := f.Allowed(); allowed != nil {
		enum = json.RawMessage("[" + string(joinRaw(allowed, ",")) + "]")
	}
	row.Set("enum", enum)
	row.Set("minimum", orNull(f.Minimum))
	row.Set("maximum", orNull(f.Maximum))
	row.Set("description", optionalString(f.Description))
	return row
}

// tableRow is a field for people: one line, the allowed values summed up.
func tableRow(f *schema.Field) *jsonobj.Object {
	row := &jsonobj.Object{}
	row.Set("name", jsonobj.String(f.Name))
	row.Set("type", jsonobj.String(f.TypeString()))
	required := "no"
	if f.Required {
		required = "yes"
	}
	row.Set("required", jsonobj.String(required))
	def := ""
	if f.Default != nil {
		def = string(f.Default)
	}
	row.Set("default", jsonobj.String(def))
	row.Set("allowed", jsonobj.String(allowed(f)))
	desc := f.Description
	if desc == "" {
		desc = f.Title
	}
	row.Set("description", jsonobj.String(desc))
	return row
}

// allowed sums up a field's allowed values: "en, de, fr", "1 to 500",
// "1 or more", "up to 500".
func allowed(f *schema.Field) string {
	if allowed := f.Allowed(); allowed != nil {
		parts := make([]string, len(allowed))
		for i, e := range allowed {
			parts[i] = output.Cell(e)
		}
		return strings.Join(parts, ", ")
	}
	switch {
	case f.Minimum != nil && f.Maximum != nil:
		return fmt.Sprintf("%s to %s", f.Minimum, f.Maximum)
	case f.Minimum != nil:
		return fmt.Sprintf("%s or more", f.Minimum)
	case f.Maximum != nil:
		return fmt.Sprintf("up to %s", f.Maximum)
	}
	return ""
}

func optionalString(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return jsonobj.String(s)
}

func orNull(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}

func boolJSON(b bool) json.RawMessage {
	if b {
		return json.RawMessage("true")
	}
	return json.RawMessage("false")
}

func joinRaw(vals []json.RawMessage, sep string) []byte {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = string(v)
	}
	return []byte(strings.Join(parts, sep))
}
