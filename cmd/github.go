package cmd

import (
	"io"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
)

// annotateInActions makes coreclaw's error and warning lines GitHub
// Actions annotations when a workflow step runs it: every such line goes
// through stderr, so this is the one place that sees them all.
func annotateInActions(f *cmdutil.Factory) {
	if ghactions.Detect(f.LookupEnv, nil) == nil {
		return
	}
	f.IOStreams.FilterErrOut(func(w io.Writer) io.Writer { return ghactions.NewAnnotator(w) })
}
