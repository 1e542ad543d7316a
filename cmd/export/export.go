// Package export is `coreclaw export RUN`: have CoreClaw render a run's
// results as a file (csv, json, jsonl, xlsx, xls, xml, html, rss) and
// download it to a file or stdout.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/atomicfile"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/text"
)

// Options are everything `export` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Run     string
	Worker  string
	Format  string
	Fields  []string
	OutFile string
	Force   bool
}

// NewCmdExport builds the command; runF replaces the action in tests.
func NewCmdExport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "export RUN [--format FORMAT] [--fields a,b] [-O FILE] [flags]",
		Short: "Download a run's results as a file (csv, json, xlsx, ...)",
		Long: `Have CoreClaw render all of a run's results in a format (csv, the default,
json, jsonl, xlsx, xls, xml, html or rss) and download the file: to FILE
with -O, else to stdout. --fields keeps only those result keys.

With -O, the download goes to a temporary file beside FILE, its size is
checked against what the server announced, and only a complete file is
renamed to FILE: an interrupted or failed download leaves nothing under
FILE's name. An existing FILE is not replaced unless --force. A FIFO, a
device, a socket or a directory is never replaced, even with --force, nor
written through a symbolic link to nothing: redirect stdout to write into
a FIFO. These, and a directory that cannot be written, are refused before
anything is sent. On a terminal a progress bar shows on stderr.

The download link is fetched without the API key, asking for the file as
stored: it is never decompressed (a host that compresses anyway has its
bytes written as they came, with a warning). A download has no total time
limit but must keep moving: 60s without a byte, or under 1 KiB a second
over a minute, fails it. xlsx and xls are not written to a terminal; text
formats going to a terminal are stripped of control characters.

` + cmdutil.RunArgHelp,
		Example: `  coreclaw export 01KKDXV2G26BT7NH4ZQR2R4NPZ -O places.csv
  coreclaw export last --format xlsx -O places.xlsx
  coreclaw export last --worker coreclaw/google-maps-scraper --format jsonl --fields title,phone > places.jsonl`,
		Args:              cmdutil.ExactArgs(1, "the run to export (a run slug, or last)"),
		ValidArgsFunction: f.CompleteRuns,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddRunWorkerFlag(cmd, &opts.Worker)
	fl := cmd.Flags()
	cmdutil.AddEnumFlag(cmd, &opts.Format, cmdutil.Enum{Name: "format", Values: api.ExportFormats(), Default: "csv",
		Usage: "file format", Placeholder: "format"})
	fl.StringSliceVar(&opts.Fields, "fields", nil, "keep only these result `keys` (comma-separated)")
	fl.StringVarP(&opts.OutFile, "output-file", "O", "", "write to `FILE` instead of stdout (- for stdout)")
	fl.BoolVar(&opts.Force, "force", false, "replace FILE if it exists")
	cmdutil.OrderFlags(cmd, "format", "output-file", "fields", "force", "worker")
	return cmd
}

// Run fetches the link and downloads the file.
func Run(ctx context.Context, opts *Options) error {
	ref, err := cmdutil.ParseRunRef(opts.Run, opts.Worker)
	if err != nil {
		return err
	}
	format, err := api.ParseExportFormat(opts.Format)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	fields, err := cmdutil.ParseFields(opts.Fields)
	if err != nil {
		return err
	}
	toFile := opts.OutFile != "" && opts.OutFile != "-"
	var tmp *atomicfile.File
	if toFile {
		if err := checkTarget(opts.OutFile, opts.Force); err != nil {
			return err
		}
		// The temporary file is created before anything is sent: a
		// directory that cannot be written is found out now, not after
		// the download.
		if tmp, err = createTemp(opts.OutFile); err != nil {
			return err
		}
		defer tmp.Abort()
	} else if binary(format) && opts.IO.IsStdoutTTY() {
		return cmdutil.UsageErrorf("%s is a binary format: write it to a file with -O FILE, or redirect stdout", format)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	err = download(ctx, opts, client, ref, format, fields, tmp)
	if err != nil && toFile {
		if ctx.Err() != nil {
			return cmdutil.Interrupted("", "interrupted; nothing was written to %s", opts.OutFile)
		}
		var incomplete *api.IncompleteError
		if errors.As(err, &incomplete) {
			return cmdutil.WithHint(err, fmt.Sprintf("nothing was written to %s; run the command again", opts.OutFile))
		}
	}
	return err
}

// download fetches the link and streams the file to stdout, or into tmp
// and then FILE.
func download(ctx context.Context, opts *Options, client *api.Client, ref api.RunRef, format string, fields []string, tmp *atomicfile.File) error {
	link, err := client.ExportLink(ctx, ref, format, fields)
	if err != nil {
		return err
	}
	d, err := client.Download(ctx, link)
	if err != nil {
		return err
	}
	defer d.Body.Close()
	if d.Encoding != "" {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the download host sent the file with Content-Encoding %q although asked not to; it is written as received, not decompressed\n",
			iostreams.Sanitize(d.Encoding))
	}

	bar := newProgress(opts.IO, d.Size, progressLabel(opts.OutFile, format))
	var src io.Reader = d.Body
	if bar != nil {
		src = io.TeeReader(d.Body, bar)
		defer bar.Finish()
	}
	if tmp == nil {
		if opts.IO.IsStdoutTTY() {
			_, err = iostreams.CopyClean(opts.IO.Out, src)
		} else {
			_, err = io.Copy(opts.IO.Out, src)
		}
		return err
	}
	n, err := writeFile(ctx, tmp, opts.OutFile, opts.Force, src, d.Size)
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Finish()
	}
	fmt.Fprintf(opts.IO.ErrOut, "wrote %s (%s)\n", opts.OutFile, text.ByteCount(n))
	return nil
}

func binary(format string) bool { return format == "xlsx" || format == "xls" }

// checkTarget refuses, before anything is sent, a FILE that exists (unless
// --force), that is not a regular file (a directory, a FIFO, a device, a
// socket: even with --force), that is a symbolic link to nothing, or that
// lies in a directory that does not exist.
func checkTarget(path string, force bool) error {
	kind, err := inspectTarget(path)
	if err != nil {
		return cmdutil.UsageErrorf("cannot write %s: %v", path, err)
	}
	if err := refuseKind(path, kind); err != nil {
		return err
	}
	if kind == targetRegular && !force {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage,
			Err:  fmt.Errorf("%s already exists", path),
			Hint: "pass --force to replace it, or choose another name"}
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return cmdutil.UsageErrorf("cannot write %s: directory %s does not exist", path, dir)
	}
	return nil
}

// refuseKind is the error for what -O never replaces, whatever the flags.
func refuseKind(path string, kind targetKind) error {
	switch kind {
	case targetDirectory:
		return cmdutil.UsageErrorf("%s is a directory: give a file name with -O", path)
	case targetDangling:
		link, _ := os.Readlink(path)
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage,
			Err:  fmt.Errorf("%s is a symbolic link to %s, which does not exist", path, link),
			Hint: "remove the link, or choose another name with -O"}
	case targetRegular, targetAbsent:
		return nil
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage,
		Err:  fmt.Errorf("%s is %s, not a regular file: -O only writes regular files", path, kind),
		Hint: fmt.Sprintf("leave out -O and redirect stdout into it: > %s", path)}
}

// targetKind is what FILE is now.
type targetKind string

const (
	targetAbsent    targetKind = "absent"
	targetRegular   targetKind = "a regular file"
	targetDirectory targetKind = "a directory"
	targetDangling  targetKind = "a dangling symbolic link"
	targetFIFO      targetKind = "a named pipe"
	targetDevice    targetKind = "a device"
	targetSocket    targetKind = "a socket"
	targetOther     targetKind = "a special file"
)

// inspectTarget says what path is, following a symbolic link (a link to
// nothing is reported as such, not as absent).
func inspectTarget(path string) (targetKind, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return targetAbsent, nil
	}
	if err != nil {
		return "", err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		info, err = os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			return targetDangling, nil
		}
		if err != nil {
			return "", err
		}
	}
	switch mode := info.Mode(); {
	case mode.IsRegular():
		return targetRegular, nil
	case mode.IsDir():
		return targetDirectory, nil
	case mode&os.ModeNamedPipe != 0:
		return targetFIFO, nil
	case mode&os.ModeDevice != 0:
		return targetDevice, nil
	case mode&os.ModeSocket != 0:
		return targetSocket, nil
	}
	return targetOther, nil
}

// createTemp creates the temporary file beside FILE; failing that (a
// directory without write permission, a read-only file system) is a
// usage error, found before anything is sent.
func createTemp(path string) (*atomicfile.File, error) {
	tmp, err := atomicfile.Create(path, 0o666)
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage,
			Err:  fmt.Errorf("cannot write %s: %v", path, err),
			Hint: "choose a directory you can write to, or leave out -O and redirect stdout; nothing was sent"}
	}
	return tmp, nil
}

func progressLabel(file, format string) string {
	if file != "" && file != "-" {
		return filepath.Base(file)
	}
	return format
}
