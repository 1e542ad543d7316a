package export

import (
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/text"
)

// downloadProgress shows a download on the streams' status line: the
// label, a bar when the size is known, and the bytes so far. It counts
// what is written to it (a TeeReader's copy).
type downloadProgress struct {
	line  *iostreams.Status
	label string
	size  int64 // -1: unknown
	done  int64
}

// newProgress returns the download's progress, or nil where the streams
// draw none (a pipe, a file, CI).
func newProgress(ios *iostreams.IOStreams, size int64, label string) *downloadProgress {
	p := &downloadProgress{label: label, size: size}
	p.line = ios.StartStatus(iostreams.StatusOptions{}, p.parts()...)
	if p.line == nil {
		return nil
	}
	return p
}

func (p *downloadProgress) parts() []iostreams.Part {
	count := text.ByteCount(p.done)
	if p.size >= 0 {
		count += "/" + text.ByteCount(p.size)
	}
	return []iostreams.Part{iostreams.Text(p.label), iostreams.Bar(p.done, p.size), iostreams.Text(count)}
}

func (p *downloadProgress) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	p.line.Update(p.parts()...)
	return len(b), nil
}

// Finish erases the line.
func (p *downloadProgress) Finish() { p.line.Stop() }
