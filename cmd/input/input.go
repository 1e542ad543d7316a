// Package input is `coreclaw input`: how a run's input is built (the
// `coreclaw help input` topic), and help with writing one.
package input

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// NewCmdInput builds the `input` command group, which is also the input
// help topic: its long text is CONTRACT §2 for users.
func NewCmdInput(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "input <command>",
		Short: "How a run's input is built; a starter input for a Worker",
		Long: `The input of a run (run, and the input of task create, task update and
task input --set) is built from these flags:

  -f, --input-file PATH  a JSON document; - reads stdin
  --input JSON           a JSON document inline
  -p, --param key=value  set a field to value: a string, or the type the
                         Worker's schema declares (repeatable)
  -p key:=JSON           set a field to a JSON value, as it is
  --system key=value     set a run setting under parameters.system (also
                         key:=JSON; repeatable)
  --max-charge USD       short for --system max_total_charge=USD

Layering: the file, then --input, then each -p in order; a later source
wins per field.

Wrapping: CoreClaw takes {"parameters": {"custom": {...}, "system": {...}}}.
A document without a top-level "parameters" object is taken as the custom
fields. A document that has one is taken as it is; -p then sets fields of
parameters.custom. With no input flag at all, no input is sent.

Invalid JSON is a usage error (exit 2) that names the source, the line and
the column, and nothing is sent.

Typed -p: where the Worker's input schema declares a field's type,
-p key=value sends that type: a number (-p max_results=10), true or false,
a list split on commas (-p keywords=coffee,tea; an item that holds a comma
needs -p 'keywords:=["coffee, tea","cake"]'), or an object written as JSON.
With --no-validate, or when the schema cannot be read, it stays a string.
-p key:=JSON is never converted.

Schema check: before a run starts (or a task's input is saved), the custom
input is checked against the Worker's input schema (public, cached for 10
minutes): required fields, types, allowed values, minimum and maximum.
Every bad field is listed in one usage error (exit 2) and nothing is
started. A field the schema does not declare only warns; a schema that
cannot be read or interpreted gives a warning and the run goes ahead.
--no-validate skips the check.

Run settings (--system, or parameters.system in a document): proxy_region
(a two-letter country code), memory (MB: 512, 1024, 2048, 4096, 8192 or
16384), cpus, execute_limit_time_seconds, max_total_charge (USD; 0 means
no cap) and max_total_traffic (MB) are converted and checked; other keys
are sent as given, with a warning.

--dry-run prints the request that would be sent, key redacted, and sends
nothing. ` + "`coreclaw workers schema WORKER`" + ` lists a Worker's fields;
` + "`coreclaw input template WORKER`" + ` prints a starter document to edit.`,
		Example: `  coreclaw run coreclaw/google-maps-scraper -f base.json -p max_results=5 -p language=de
  echo '{"keywords":["tea"]}' | coreclaw run coreclaw/google-maps-scraper -f - --system proxy_region=DE
  coreclaw run coreclaw/google-maps-scraper -p 'keywords:=["a","b"]' -p base_location=Paris --max-charge 1 --dry-run
  coreclaw input template coreclaw/google-maps-scraper > input.json`,
		Args: cmdutil.NoArgs,
	}
	cmdutil.MarkHelpTopic(cmd, "How -f, --input, -p and --system build a run's input")
	cmd.AddCommand(NewCmdTemplate(f))
	return cmd
}
