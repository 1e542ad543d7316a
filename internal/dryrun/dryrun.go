// Package dryrun is --dry-run for the commands that start paid runs (run,
// rerun, task run): it prints the request that would be sent — method,
// URL, headers with the key redacted, body — and the command sends
// nothing. A command builds the request with its api.Client Prepare
// method and hands it to Print.
package dryrun

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// FlagHelp is the --dry-run flag's help line.
const FlagHelp = "print the request that would start the run (key redacted) and send nothing"

// AddFlag adds --dry-run to a command.
func AddFlag(cmd *cobra.Command, dry *bool) {
	cmd.Flags().BoolVar(dry, "dry-run", false, FlagHelp)
}

// CheckFormat rejects an output format a dry run cannot honour: it prints
// text, or JSON with -o json, -o jsonl or --jq.
func CheckFormat(f output.Format) error {
	if f == output.CSV {
		return fmt.Errorf("--dry-run prints text, or JSON with -o json or -o jsonl; not -o csv")
	}
	return nil
}

// Request is the JSON form of a prepared request.
type Request struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// Print writes the request to stdout: as an HTTP message by default (and
// with -o table), as one JSON object with -o json, -o jsonl or --jq,
// through p, the printer of those flags that the command resolved once.
// With no API key configured it warns on stderr that the real request
// would be refused.
func Print(ctx context.Context, ios *iostreams.IOStreams, flags output.Flags, p *output.Printer, req *api.PreparedRequest) error {
	if err := CheckFormat(p.Format); err != nil {
		return err
	}
	if !req.HasKey {
		fmt.Fprintln(ios.ErrOut, "warning: no API key is configured: the real request would be refused before anything is sent (exit 4)")
	}
	if flags.JQ == "" && (flags.Output == "" || p.Format == output.Table) {
		return writeText(ios.Out, req)
	}
	return p.Value(ctx, toJSON(req))
}

func toJSON(req *api.PreparedRequest) Request {
	r := Request{Method: req.Method, URL: req.URL, Headers: map[string]string{}, Body: req.Body}
	for _, h := range req.Headers {
		r.Headers[h.Name] = h.Value
	}
	if r.Body == nil {
		r.Body = json.RawMessage("null")
	}
	return r
}

// writeText prints the request the way HTTP writes it: request line,
// headers, a blank line, the body (indented JSON).
func writeText(w io.Writer, req *api.PreparedRequest) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %s\n", req.Method, req.URL)
	for _, h := range req.Headers {
		fmt.Fprintf(&buf, "%s: %s\n", h.Name, h.Value)
	}
	if len(req.Body) > 0 {
		buf.WriteByte('\n')
		if err := json.Indent(&buf, req.Body, "", "  "); err != nil {
			return fmt.Errorf("formatting the request body: %w", err)
		}
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}
