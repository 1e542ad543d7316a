package output

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// Flags are -o and --jq, shared by every command that prints data.
type Flags struct {
	Output string
	JQ     string
}

// AddFlags adds -o/--output and --jq to a command.
func AddFlags(cmd *cobra.Command, f *Flags) {
	cmdutil.AddEnumFlag(cmd, &f.Output, cmdutil.Enum{Name: "output", Shorthand: "o", Values: Formats(),
		Usage: "output format", Placeholder: "format", Note: "(default: table on a terminal, json otherwise)"})
	cmd.Flags().StringVar(&f.JQ, "jq", "", "filter the JSON output with a jq `expression` (built in; no jq binary needed)")
	cmdutil.OrderFlags(cmd, "output", "jq")
}

// Printer prints a command's data in the chosen format. Build it with
// Flags.Printer, which checks the flags.
type Printer struct {
	Format   Format
	jq       *JQ
	out      io.Writer
	color    *iostreams.ColorScheme
	terminal bool
}

// Printer resolves the flags: the format (table on a terminal, JSON
// otherwise) and the --jq filter, which needs JSON output.
func (f Flags) Printer(ios *iostreams.IOStreams) (*Printer, error) {
	format, err := Resolve(f.Output, ios.IsStdoutTTY())
	if err != nil {
		return nil, err
	}
	p := &Printer{Format: format, out: ios.Out, color: ios.Stdout(), terminal: ios.IsStdoutTTY()}
	if f.JQ != "" {
		if f.Output != "" && format != JSON {
			return nil, fmt.Errorf("--jq works on JSON output: drop -o %s or use -o json", f.Output)
		}
		if p.jq, err = CompileJQ(f.JQ); err != nil {
			return nil, err
		}
		p.Format = JSON
	}
	return p, nil
}

// HasJQ reports whether a --jq filter is set.
func (p *Printer) HasJQ() bool { return p.jq != nil }

// Value prints one value (an object, usually) in the format.
func (p *Printer) Value(ctx context.Context, v any) error {
	if p.jq != nil {
		raw, err := Marshal(v)
		if err != nil {
			return err
		}
		return p.jq.Write(ctx, p.jqOut(), raw)
	}
	return writeValue(p.out, p.Format, v, RowOptions{Color: p.color, Sanitize: p.terminal})
}

// Rows returns a writer for a stream of objects. With --jq the rows are
// gathered and filtered as one JSON array when the writer is closed.
func (p *Printer) Rows(ctx context.Context) RowWriter {
	if p.jq != nil {
		return &jqRows{ctx: ctx, jq: p.jq, out: p.jqOut()}
	}
	return NewRowWriter(p.out, p.Format, RowOptions{Color: p.color, Sanitize: p.terminal})
}

// PageRows is Rows for output that comes a page at a time (result rows):
// the writer holds what it prints until Flush, which the caller calls at
// the end of each page, or Close, so that a page of rows goes out in one
// write rather than one write a row (with --jq, which prints only at
// Close, it is Rows).
func (p *Printer) PageRows(ctx context.Context) RowWriter {
	if p.jq != nil {
		return p.Rows(ctx)
	}
	held := bufio.NewWriterSize(p.out, heldBytes)
	return &heldRows{RowWriter: NewRowWriter(held, p.Format, RowOptions{Color: p.color, Sanitize: p.terminal}), held: held}
}

// heldBytes is the most a held writer keeps before it writes: a page of
// 100 ordinary rows, in one write.
const heldBytes = 64 << 10

// heldRows is a RowWriter on a buffer that is written out at Flush and
// Close.
type heldRows struct {
	RowWriter
	held *bufio.Writer
}

// Flush writes out the rows printed since the last Flush.
func (h *heldRows) Flush() error { return h.held.Flush() }

func (h *heldRows) Close() error {
	err := h.RowWriter.Close()
	if ferr := h.held.Flush(); err == nil {
		err = ferr
	}
	return err
}

// Flusher is what the RowWriters of PageRows add: they hold rows until
// Flush.
type Flusher interface {
	Flush() error
}

// jqOut is where --jq results go. jq prints strings raw, so on a terminal
// they are sanitized like table cells: server text must not drive it.
func (p *Printer) jqOut() io.Writer {
	if p.terminal {
		return sanitizingWriter{p.out}
	}
	return p.out
}

// sanitizingWriter strips terminal controls from each Write; JQ.Write
// writes its results in one call, so no sequence is split between two.
type sanitizingWriter struct{ w io.Writer }

func (s sanitizingWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(s.w, iostreams.Sanitize(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// jqRows collects rows into a JSON array for the filter.
type jqRows struct {
	ctx context.Context
	jq  *JQ
	out io.Writer
	buf bytes.Buffer
	n   int
}

func (j *jqRows) Columns([]string) {}

func (j *jqRows) Row(row *jsonobj.Object) error {
	if j.n == 0 {
		j.buf.WriteByte('[')
	} else {
		j.buf.WriteByte(',')
	}
	row.WriteTo(&j.buf)
	j.n++
	return nil
}

func (j *jqRows) Close() error {
	if j.n == 0 {
		j.buf.WriteByte('[')
	}
	j.buf.WriteByte(']')
	return j.jq.Write(j.ctx, j.out, j.buf.Bytes())
}
