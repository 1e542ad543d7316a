package runwait

import (
	"io"
	"sync"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/text"
)

// progress shows the wait on stderr: a status line on a terminal (the
// streams decide where), or one line per status change otherwise
// (log-friendly in CI).
type progress struct {
	io   *iostreams.IOStreams
	slug string
	line *iostreams.Status // nil where no status line is drawn

	mu     sync.Mutex
	status string
}

func newProgress(ios *iostreams.IOStreams, now func() time.Time, slug string) *progress {
	p := &progress{io: ios, slug: slug}
	p.line = ios.StartStatus(iostreams.StatusOptions{Now: now}, p.parts("", 0)...)
	return p
}

func (p *progress) parts(status string, results int64) []iostreams.Part {
	if status == "" {
		status = "starting"
	}
	return []iostreams.Part{iostreams.Text(p.slug), iostreams.Accent(status), iostreams.Elapsed(),
		iostreams.Text(text.Plural(results, "result"))}
}

// println prints a line on stderr, above the status line where there is one.
func (p *progress) println(line string) {
	if p.line != nil {
		p.line.PrintAbove(line)
		return
	}
	io.WriteString(p.io.ErrOut, line+"\n")
}

// update records a poll's result.
func (p *progress) update(status string, results int64) {
	p.mu.Lock()
	changed := status != p.status
	p.status = status
	p.mu.Unlock()
	if p.line != nil {
		p.line.Update(p.parts(status, results)...)
		return
	}
	if changed && !api.Status(status).Terminal() {
		io.WriteString(p.io.ErrOut, "run "+p.slug+": "+iostreams.SanitizeLine(status)+"\n")
	}
}

// end removes the status line.
func (p *progress) end() { p.line.Stop() }
