package task

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/schema"
	"github.com/spf13/cobra"
)

// InputOptions are everything `task input` needs.
type InputOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Task    string
	Set     bool
	Input   input.Sources
	Version string
	Output  output.Flags
	Given   cmdutil.Given
	// NoValidate skips the schema check of --set; SchemaCache keeps
	// schemas.
	NoValidate  bool
	SchemaCache *schema.Cache
}

// NewCmdInput builds `task input`; runF replaces the action in tests.
func NewCmdInput(f *cmdutil.Factory, runF func(context.Context, *InputOptions) error) *cobra.Command {
	opts := &InputOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "input TASK [--set input flags]",
		Short: "Print a task's saved input, or replace it with --set",
		Long: `Print the input saved with a task, as JSON: the document the task's runs
get ({"parameters": {"custom": ...}}), which -f takes back as it is.

With --set, replace the whole saved input with the one built from -f,
--input and -p, and --version if given. As for ` + "`coreclaw run`" + `, the new input
is checked against the task's Worker's input schema first (-p values typed,
every bad field listed, exit 2, nothing saved); --no-validate skips it.`,
		Example: `  coreclaw task input 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD > input.json
  coreclaw task input 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --set -f input.json -p max_results:=50`,
		Args: cmdutil.ExactArgs(1, "the task (a task slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Task = args[0]
			cmdutil.FinishInputFlags(cmd, &opts.Input)
			opts.Given = cmdutil.GivenFlags(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			opts.SchemaCache = schema.UserCache(f.LookupEnv, f.Now)
			return runInput(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Set, "set", false, "replace the saved input with the one the input flags build")
	cmdutil.AddInputFlags(cmd, &opts.Input)
	cmd.Flags().StringVar(&opts.Version, "version", "", "with --set: run this Worker `version` from now on")
	addNoValidateFlag(cmd, &opts.NoValidate)
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "set", "input-file", "param", "input", "version", "system", "max-charge", "no-validate", "output", "jq")
	return cmd
}

func runInput(ctx context.Context, opts *InputOptions) error {
	id, err := taskArg(opts.Task)
	if err != nil {
		return err
	}
	if !opts.Set {
		if setOnly := opts.Given.Which("input-file", "input", "param", "system", "max-charge", "version", "no-validate"); len(setOnly) > 0 {
			return cmdutil.UsageErrorf("%s only applies with --set", setOnly[0])
		}
		return printInput(ctx, opts, id)
	}
	if printOnly := opts.Given.Which("output", "jq"); len(printOnly) > 0 {
		return cmdutil.UsageErrorf("%s does not apply with --set, which prints nothing", printOnly[0])
	}
	if err := checkVersion(opts.Version); err != nil {
		return err
	}
	warn := warner(opts.IO)
	in, err := input.Build(opts.Input, input.Env{Context: ctx, Stdin: opts.IO.In, Warn: warn})
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if in == nil {
		return cmdutil.UsageErrorf("--set needs the new input: -f, --input or -p")
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	if !opts.NoValidate {
		if err := checkTaskInput(ctx, client, opts.SchemaCache, "", id, in, warn); err != nil {
			return err
		}
	}
	if err := client.SetTaskInput(ctx, id, api.SetTaskInputRequest{Input: in.JSON(), Version: opts.Version}); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s saved the input of task %s\n", opts.IO.Stderr().SuccessIcon(), id)
	return nil
}

// printInput prints the saved input as JSON whatever stdout is (a table of
// one "parameters" field would say nothing).
func printInput(ctx context.Context, opts *InputOptions, id string) error {
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if printer.Format == output.Table || printer.Format == output.CSV {
		if opts.Output.Output != "" {
			return cmdutil.UsageErrorf("-o %s does not apply: the input is printed as JSON (-o json or jsonl)", opts.Output.Output)
		}
		printer.Format = output.JSON
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	saved, err := client.GetTaskInput(ctx, id)
	if err != nil {
		return err
	}
	in := saved.Input
	if len(in) == 0 {
		in = json.RawMessage("null")
	}
	return printer.Value(ctx, in)
}
