package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// finish ends every command line: a panic becomes one redacted error line
// and exit 1 instead of Go's trace on the raw stderr (which could carry
// the key in its message), and whatever the streams held back while
// checking for a secret split across writes is written out.
func finish(f *cmdutil.Factory, code *int) {
	if r := recover(); r != nil {
		printError(f, &cmdutil.ExitError{
			Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("internal error: %v", r),
			Hint: "this is a bug in coreclaw: please report it (with --debug the error shows where it happened)",
		})
		if f.Debug() {
			// Through the redacting stream, like everything else.
			f.IOStreams.ErrOut.Write(debug.Stack())
		}
		*code = cmdutil.ExitFailure
	}
	f.IOStreams.Flush()
}
