package runstart

import (
	"fmt"
	"io"
	"os/signal"
	"syscall"
)

// printSlug writes the slug of a started run on its own line to out. When
// that fails (a full disk, a closed pipe), the slug goes to errOut instead
// and the error is returned. A closed pipe must not kill the process on
// the spot (Go's default for SIGPIPE on stdout) before the slug is on
// errOut, so SIGPIPE is ignored meanwhile: the write fails with EPIPE.
func printSlug(out, errOut io.Writer, slug string) error {
	signal.Ignore(syscall.SIGPIPE)
	defer signal.Reset(syscall.SIGPIPE)
	_, err := fmt.Fprintln(out, slug)
	if err != nil {
		fmt.Fprintf(errOut, "started run %s\n", slug)
	}
	return err
}
