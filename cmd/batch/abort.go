package batch

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/text"
)

// AbortOptions are everything `batch abort` needs.
type AbortOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Manifest string
}

// NewCmdAbort builds `batch abort`; runF replaces the action in tests.
func NewCmdAbort(f *cmdutil.Factory, runF func(context.Context, *AbortOptions) error) *cobra.Command {
	opts := &AbortOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "abort MANIFEST",
		Short: "Abort every run of a batch that has not ended",
		Long: `Ask CoreClaw to abort every run the manifest records that has not ended
(as far as the manifest knows), one request each; each is noted on stderr
and recorded in the manifest as aborting. A run that has ended meanwhile
is noted and left alone. Exit 1 when any abort request failed.`,
		Example: `  coreclaw batch abort cities.jsonl.runs.jsonl`,
		Args:    cmdutil.ExactArgs(1, "the batch's manifest"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Manifest = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAbort(cmd.Context(), opts)
		},
	}
	_ = cmd.MarkFlagFilename("manifest", "jsonl")
	return cmd
}

func runAbort(ctx context.Context, opts *AbortOptions) error {
	m, err := openManifest(opts.IO, opts.Manifest)
	if err != nil {
		return err
	}
	defer m.Close()
	client, err := keyedClient(opts.APIClient)
	if err != nil {
		return err
	}
	aborted, failed := 0, 0
	var firstErr error
	for _, e := range m.Entries() {
		if e.Slug == "" || e.Ended() {
			continue
		}
		err := client.AbortRun(ctx, api.RunRef{Slug: e.Slug})
		var apiErr *api.Error
		switch {
		case err == nil:
			aborted++
			cp := *e
			cp.Status = string(api.StatusAborting)
			if err := m.Record(cp); err != nil {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "line %d: asked CoreClaw to abort run %s\n", e.Line, iostreams.SanitizeLine(e.Slug))
		case ctx.Err() != nil:
			return cmdutil.Interrupted(fmt.Sprintf("`coreclaw batch abort %s` again aborts the rest", m.Path()),
				"interrupted after asking CoreClaw to abort %s", text.Plural(int64(aborted), "run"))
		case errors.As(err, &apiErr) && apiErr.Code == api.CodeRunOperationFailed:
			fmt.Fprintf(opts.IO.ErrOut, "line %d: run %s cannot be aborted (it has probably ended)\n", e.Line, iostreams.SanitizeLine(e.Slug))
		default:
			failed++
			if firstErr == nil {
				firstErr = err
			}
			msg, _ := cmdutil.Describe(err)
			fmt.Fprintf(opts.IO.ErrOut, "line %d: aborting run %s failed: %s\n", e.Line, iostreams.SanitizeLine(e.Slug), msg)
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "batch: asked CoreClaw to abort %s\n", text.Plural(int64(aborted), "run"))
	if failed > 0 {
		return cmdutil.WithHint(fmt.Errorf("aborting %s failed: %w", text.Plural(int64(failed), "run"), firstErr),
			fmt.Sprintf("`coreclaw batch abort %s` again tries the rest", m.Path()))
	}
	return nil
}
